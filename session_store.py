"""Where server-side sessions live: SQLite (default), files (cachelib) or Redis.

The browser's cookie carries only a random id (SES-1); the record stays here. The store is
private to the server: Flask-Session may decode older records with pickle, so nothing but
this app may ever write to it.
"""

from cachelib import FileSystemCache
from flask_session.base import ServerSideSessionInterface
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface
from flask_session.sqlalchemy.sqlalchemy import SqlAlchemySessionInterface, create_session_model

from extensions import db

STORE_NAMES = {"sqlalchemy": "SQLite (Flask-SQLAlchemy)", "cachelib": "files (cachelib)", "redis": "Redis"}

# Flask-Session declares a new model each time it is set up, which SQLAlchemy refuses for a
# second app in the same process (the tests, or app and replica side by side). One model
# per table, declared once.
_models = {}


class SqlAlchemyStore(SqlAlchemySessionInterface):
    """Flask-Session's SQLAlchemy store with its model declared once per process."""

    def __init__(self, app, table, **common):
        if table not in _models:
            _models[table] = create_session_model(db, table)
        self.client = db
        self.sql_session_model = _models[table]
        with app.app_context():
            self.sql_session_model.__table__.create(bind=db.engine, checkfirst=True)
        ServerSideSessionInterface.__init__(self, app, cleanup_n_requests=1000, **common)


def init_app(app):
    config = app.config
    common = {
        "key_prefix": config["SESSION_KEY_PREFIX"],
        "use_signer": False,  # the id is 256 random bits: a signature adds nothing
        "permanent": config["SESSION_PERMANENT"],
        "sid_length": 32,  # bytes: 256 bits of randomness, twice ASVS's minimum (SES-1)
        "serialization_format": "msgpack",
    }
    kind = config["SESSION_TYPE"]
    if kind == "sqlalchemy":
        interface = SqlAlchemyStore(app, config["SESSION_SQLALCHEMY_TABLE"], **common)
    elif kind == "cachelib":
        cache = FileSystemCache(config["SESSION_FILE_DIR"], threshold=10_000, mode=0o600)
        interface = CacheLibSessionInterface(app, client=cache, **common)
    elif kind == "redis":
        if "redis" not in app.extensions:
            raise ValueError("SESSION_TYPE=redis needs REDIS_URL")
        interface = RedisSessionInterface(app, client=app.extensions["redis"], **common)
    else:
        raise ValueError(f"SESSION_TYPE must be one of {sorted(STORE_NAMES)}, not {kind!r}")
    app.session_interface = interface
    app.extensions["session_store"] = kind
