"""Where server-side sessions live: SQLite (default), files (cachelib) or Redis.

The browser's cookie carries only a random id (SES-1); the record stays here. The store is
private to the server: Flask-Session may decode older records with pickle, so nothing but
this app may ever write to it.
"""

import os
import re
import struct
from datetime import UTC, datetime, timedelta

from cachelib import FileSystemCache
from flask import current_app
from flask_session.base import ServerSideSessionInterface
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface
from flask_session.sqlalchemy.sqlalchemy import SqlAlchemySessionInterface, create_session_model
from sqlalchemy import bindparam
from sqlalchemy.dialects import sqlite

import storage
from extensions import db

STORE_NAMES = {"sqlalchemy": "SQLite (Flask-SQLAlchemy)", "cachelib": "files (cachelib)", "redis": "Redis"}


def store_name():
    """Where this app's sessions live, in words for the pages (the database named as it is)."""
    kind = current_app.extensions["session_store"]
    if kind == "sqlalchemy" and db.engine.dialect.name == "postgresql":
        return "PostgreSQL (Flask-SQLAlchemy)"
    return STORE_NAMES[kind]


# Flask-Session declares a new model each time it is set up, which SQLAlchemy refuses for a
# second app in the same process (the tests, or app and replica side by side). One model
# per table, declared once.
_models = {}


# What an id this app issued looks like: 32 random bytes, URL-safe base64 (43 characters).
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9_-]{43}")


class Hardened:
    """Two fixes layered over each Flask-Session store.

    1. SES-1: a cookie that is not shaped like an id this app issues is not even looked up;
       the visitor gets a fresh id (an unknown, well-formed id gets one too: Flask-Session
       looks it up, finds no record, and issues a new id rather than adopting it).
    2. SES-3/SES-5: Flask-Session deletes the cookie without Secure, HttpOnly or SameSite;
       the deletion is sent with the same flags as the cookie it replaces.
    """

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid is not None and not WELL_FORMED_ID.fullmatch(sid):
            return self.session_class(sid=self._generate_sid(self.sid_length), permanent=self.permanent)
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified:
            # Nothing to store and nothing to delete (every bearer-token API call): as
            # Flask-Session would end, without its cookie and store-id work first.
            if session.accessed:
                response.vary.add("Cookie")
            return
        if not session and session.modified:
            self._delete_session(self._get_store_id(session.sid))
            delete_cookie(app, response, self.get_cookie_name(app), "SESSION")
            response.vary.add("Cookie")
        else:
            super().save_session(app, session, response)


def delete_cookie(app, response, name, kind):
    """Expire a cookie with the flags it was set with (kind: "SESSION" or "REMEMBER")."""
    config = app.config
    response.delete_cookie(
        name,
        path=config.get(f"{kind}_COOKIE_PATH") or "/",
        domain=config.get(f"{kind}_COOKIE_DOMAIN") or None,
        secure=config[f"{kind}_COOKIE_SECURE"],
        httponly=config[f"{kind}_COOKIE_HTTPONLY"],
        samesite=config[f"{kind}_COOKIE_SAMESITE"],
    )


# Each store answers `inspect(sid)`: the record under a session id exactly as that store holds
# it, or None, as {"key", "expires" (ISO 8601 UTC), "format", "raw" (what the store keeps, as
# hex), "data" (decoded)}. The lab page shows it beside the cookie that names it.


def described(key, expires, fmt, raw, data):
    """One inspected record, in the shape the session lab renders."""
    return {
        "key": key,
        "expires": expires.isoformat(timespec="seconds") if expires else None,
        "format": fmt,
        "raw": raw.hex(),
        "data": data,
    }


class CacheLibStore(Hardened, CacheLibSessionInterface):
    """Flask-Session's cachelib store (files in instance/sessions), hardened."""

    def inspect(self, sid):
        """The record under `sid`: a file named by a hash of the key, 4-byte expiry, a pickle."""
        key = self._get_store_id(sid)
        path = self.cache._get_filename(key)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            return None
        expiry = struct.unpack("I", raw[:4])[0]
        data = self.cache.get(key)
        if data is None:
            return None
        expires = datetime.fromtimestamp(expiry, UTC) if expiry else None
        fmt = f"a file named by a hash of the key ({os.path.basename(path)}): 4-byte expiry, then a pickle"
        return described(key, expires, fmt, raw, data)


class RedisStore(Hardened, RedisSessionInterface):
    """Flask-Session's Redis store, hardened."""

    def inspect(self, sid):
        """The record under `sid`: msgpack under a key with a TTL."""
        key = self._get_store_id(sid)
        raw, ttl = self.client.get(key), self.client.ttl(key)
        if raw is None:
            return None
        expires = datetime.now(UTC) + timedelta(seconds=max(ttl, 0))
        return described(key, expires, "msgpack under a key with a TTL", raw, self.serializer.decode(raw))


class SqlAlchemyStore(Hardened, SqlAlchemySessionInterface):
    """Flask-Session's SQLAlchemy store, hardened, with its model declared once per process."""

    def __init__(self, app, table, **common):
        if table not in _models:
            _models[table] = create_session_model(db, table)
        self.client = db
        # Declared on the app's own metadata: its table is made with the others at first
        # start (models.first_start), which reports a database it cannot write.
        self.sql_session_model = _models[table]
        ServerSideSessionInterface.__init__(self, app, cleanup_n_requests=1000, **common)
        # The SELECT below, compiled once for SQLite's own connection (the id a ? parameter).
        table = self.sql_session_model.__table__
        self.read_sql = str(
            db.select(table.c.data, table.c.expiry)
            .where(table.c.session_id == bindparam("id"))
            .compile(dialect=sqlite.dialect())
        )

    def _retrieve_session_data(self, store_id):
        """The record's data, as committed, by one SELECT outside the request's ORM session
        (Flask-Session's ORM query was half of GET /session/admin): on the process's own SQLite
        connection where there is one (storage.OwnSQLite), else through SQLAlchemy Core. An
        expired record is left to Flask-Session, which deletes it."""
        table = self.sql_session_model.__table__
        own = storage.own_sqlite(current_app._get_current_object(), db.engine)
        if own is not None:
            row = own.fetchone(self.read_sql, (store_id,))
            data, expiry = (row[0], datetime.fromisoformat(row[1]) if row[1] else None) if row else (None, None)
        else:
            with db.engine.connect() as connection:
                row = connection.execute(
                    db.select(table.c.data, table.c.expiry).where(table.c.session_id == store_id)
                ).first()
            data, expiry = row if row else (None, None)
        if row is None:
            return None
        if expiry is None or expiry <= datetime.now(UTC).replace(tzinfo=None):
            return super()._retrieve_session_data(store_id)
        return self.serializer.decode(bytes(data))

    def inspect(self, sid):
        """The record under `sid`: a row, msgpack in a BLOB column, unless it has expired."""
        key = self._get_store_id(sid)
        model = self.sql_session_model
        row = db.session.execute(db.select(model).filter_by(session_id=key)).scalar_one_or_none()
        if row is None or row.expiry is None or row.expiry <= datetime.now(UTC).replace(tzinfo=None):
            return None
        raw, expires = bytes(row.data), row.expiry.replace(tzinfo=UTC)
        return described(key, expires, "msgpack in a BLOB column", raw, self.serializer.decode(raw))


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
        # HDR-8: a session file is a sign-in to whoever reads it: 0600 files in a 0700 folder.
        folder = storage.private_folder(config["SESSION_FILE_DIR"])
        cache = FileSystemCache(str(folder), threshold=10_000, mode=storage.PRIVATE_FILE)
        interface = CacheLibStore(app, client=cache, **common)
    elif kind == "redis":
        if "redis" not in app.extensions:
            raise ValueError("SESSION_TYPE=redis needs REDIS_URL")
        interface = RedisStore(app, client=app.extensions["redis"], **common)
    else:
        raise ValueError(f"SESSION_TYPE must be one of {sorted(STORE_NAMES)}, not {kind!r}")
    app.session_interface = interface
    app.extensions["session_store"] = kind
