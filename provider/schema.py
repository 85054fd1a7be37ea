"""What db.create_all() cannot do: bring a database made by an earlier version of this provider
up to the tables models.py and issued.py declare, so `make run` on an old instance folder keeps working.

create_all() makes missing tables and never touches existing ones. Two changes of issue 13
need more, and SQLite can do both without losing a row:

- a new column that may be empty (AuthorizationCode.sid) is added with ALTER TABLE ADD COLUMN;
- a column that may now be empty (Token.user_id: a client credentials token has no user) had
  NOT NULL, which SQLite cannot drop in place: the table is rebuilt (the procedure of
  https://www.sqlite.org/lang_altertable.html#otheralter: new table, copy, drop, rename).
"""

from sqlalchemy import inspect

from . import issued  # noqa: F401  (its tables join db.metadata, beside those of models.py)
from .models import db


def upgrade():
    """Add missing nullable columns and relax NOT NULL where the declarations allow empty values."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if not inspector.has_table(table.name):
                continue  # create_all() makes it
            existing = {column["name"]: column for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in existing and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    connection.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
            relaxed = [
                column
                for column in table.columns
                if column.name in existing and column.nullable and not column.primary_key
                if not existing[column.name]["nullable"]
            ]
            if relaxed:
                rebuild(connection, table, list(existing))


def rebuild(connection, table, old_columns):
    """Re-create `table` from its declaration and copy every row into it."""
    old = f"{table.name}_before_upgrade"
    connection.exec_driver_sql(f'ALTER TABLE "{table.name}" RENAME TO "{old}"')
    # The old table's named indexes moved with it; drop them so the new table can have its own.
    for index in connection.exec_driver_sql(f'PRAGMA index_list("{old}")').mappings().all():
        if index["origin"] == "c":
            connection.exec_driver_sql(f'DROP INDEX "{index["name"]}"')
    table.create(connection)
    names = ", ".join(f'"{column.name}"' for column in table.columns if column.name in old_columns)
    # Every name comes from the tables' own declarations, never from a request.
    connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{old}"')  # noqa: S608  # nosec B608
    connection.exec_driver_sql(f'DROP TABLE "{old}"')
