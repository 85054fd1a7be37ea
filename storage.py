"""The stores: the SQLite file (default), Redis (when REDIS_URL is set), and the throttle's counters."""

import os
import sqlite3
import time
from pathlib import Path

import redis
from flask import current_app
from limits.errors import ConfigurationError
from limits.storage import RedisStorage, Storage, storage_from_string
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, case, delete, event, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from refusals import CannotStart

# HDR-8: what this app keeps on disk is for this app's eyes only. The SQLite file holds live
# session ids (server_sessions: one read from the file is a sign-in) and the keyring's RS256
# private keys (jwt_keys); the session files and the secrets file are no less private. Every
# such file is 0600 and every folder 0700, set explicitly rather than left to the umask, which
# usually lets anyone on the machine read them (0644 files in 0755 folders).
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path):
    """Create `path` (and its parents) if needed, and make it the owner's alone (0700)."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    path.chmod(PRIVATE_FOLDER)  # a folder made earlier, or under another umask
    return path


def private_sqlite_file(uri):
    """Create the SQLite database of `uri` as a 0600 file before SQLite opens it.

    SQLite creates a new database 0644 (less the umask) and gives its -wal and -shm files the
    mode of the database file: once the database is 0600, so is everything SQLite adds beside it.
    Files left by an older start are brought down to 0600 too.
    """
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return

    database = Path(url.database)
    try:
        os.close(os.open(database, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
        for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
            if path.exists():
                path.chmod(PRIVATE_FILE)
    except OSError as exc:  # a folder that does not exist or cannot be written, a file not ours
        raise CannotStart(
            f"cannot prepare the database {database}: {exc.strerror}. Make the instance folder writable, "
            "or delete instance/ to start fresh."
        ) from exc


def init_app(app):
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("REDIS_URL"):
        # One connection pool per app, shared by sessions, the blocklist and the throttle.
        app.extensions["redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
        )


def redis_client():
    """The app's Redis client, or None when the embedded SQLite store is in use."""
    return current_app.extensions.get("redis")


def store_name():
    """Which store holds the shared state, in words for the pages."""
    return "Redis" if redis_client() is not None else "SQLite"


@event.listens_for(Engine, "connect")
def tune_sqlite(dbapi_connection, _record):
    """WAL lets the app and its replica read while the other writes; wait, do not fail.

    synchronous=NORMAL is SQLite's advice for WAL: a commit no longer waits for the disk, and a
    power cut can lose the last commits but never corrupts the file.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


# --- The throttle's counters (throttle.py, PW-6) --------------------------------------------


def limiter_store(app):
    """The `limits` store the throttle counts in, shared by every process that serves the app.

    RATELIMIT_STORAGE_URI when it is set (memory://, redis://, memcached://: the `limits`
    library's stores); otherwise Redis when REDIS_URL is set, through the app's own pool; and
    otherwise the app's database: the SQLite file in the instance folder, which the app, its
    replica and every gunicorn worker open, or PostgreSQL when DATABASE_URL names one.
    """

    uri = app.config.get("RATELIMIT_STORAGE_URI")
    if uri:
        try:
            return storage_from_string(uri)
        except ConfigurationError as exc:
            raise CannotStart(f"RATELIMIT_STORAGE_URI={uri} cannot be used: {exc}") from exc
    if app.config.get("REDIS_URL"):
        return RedisStorage(app.config["REDIS_URL"], connection_pool=app.extensions["redis"].connection_pool)
    with app.app_context():
        return DatabaseStorage(app.extensions["sqlalchemy"].engine)


# An upsert that returns the new count, in the two databases this app runs on.
UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class DatabaseStorage(Storage):
    """A `limits` store in the app's SQL database: one row per counter, its count and window end.

    Each count is one statement, an upsert that returns the new count, so processes counting at
    the same moment never lose a count or read a stale one: SQLite runs one writer at a time,
    PostgreSQL locks the row. The window opens at the first count, as in `limits`' memory and
    Redis stores; rows whose window has ended are swept now and then.
    """

    STORAGE_SCHEME = None  # made by limiter_store(), never from a URI
    SWEEP_EVERY = 60  # seconds

    table = Table(
        "throttle_counters",
        MetaData(),
        Column("key", String(255), primary_key=True),
        Column("count", Integer, nullable=False),
        Column("expires_at", Float, nullable=False),  # Unix time: the end of the window
    )

    def __init__(self, engine):

        super().__init__()
        if engine.dialect.name not in UPSERTS:
            raise CannotStart(f"the throttle counts in SQLite or PostgreSQL, not {engine.dialect.name}: set REDIS_URL")
        self.engine, self.upsert, self.swept_at = engine, UPSERTS[engine.dialect.name], 0.0
        try:
            self.table.create(engine, checkfirst=True)
        except DBAPIError:
            # The replica, starting at the same moment, made it first; anything else is real.
            if not inspect(engine).has_table(self.table.name):
                raise

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key, expiry, amount=1):
        """Add `amount` (negative: give back) to the counter of `key`; the new count."""
        now, c = time.time(), self.table.c
        ended = c.expires_at <= now
        statement = (
            self.upsert(self.table)
            .values(key=key, count=max(amount, 0), expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[c.key],
                set_={
                    # A window that has ended starts again; a count never goes below zero.
                    "count": case((ended, max(amount, 0)), (c.count + amount < 0, 0), else_=c.count + amount),
                    "expires_at": case((ended | (c.count <= 0), now + expiry), else_=c.expires_at),
                },
            )
            .returning(c.count)
        )
        with self.engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if now - self.swept_at > self.SWEEP_EVERY:
                self.swept_at = now
                connection.execute(delete(self.table).where(c.expires_at <= now))
        return count

    def get(self, key):
        c = self.table.c
        with self.engine.connect() as connection:
            return connection.execute(select(c.count).where(c.key == key, c.expires_at > time.time())).scalar() or 0

    def get_expiry(self, key):
        c = self.table.c
        with self.engine.connect() as connection:
            return connection.execute(select(c.expires_at).where(c.key == key)).scalar() or time.time()

    def check(self):
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self):
        with self.engine.begin() as connection:
            return connection.execute(delete(self.table)).rowcount

    def clear(self, key):
        with self.engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.key == key))
