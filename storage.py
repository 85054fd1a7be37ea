"""The stores: the SQLite file (default), PostgreSQL (when DATABASE_URL names one) and Redis
(when REDIS_URL is set). The throttle counts in one of them: throttle_store.py."""

import os
import re
import sqlite3
import threading
import weakref
from contextlib import contextmanager
from pathlib import Path

import redis
from flask import current_app
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool
from werkzeug.exceptions import BadRequest

from refusals import CannotStart

# --- Which database: SQLite by default, PostgreSQL through psycopg 3 -----------------------
#
# DATABASE_URL=postgresql://user:password@host/name is what PostgreSQL's own tools and most
# hosts hand out. SQLAlchemy reads a bare postgresql:// as psycopg2, which this app does not
# install, so the bare form (and the older postgres://) is read as psycopg 3, the driver
# requirements.txt pins. Any other driver or database is refused by name at start-up.
POSTGRESQL = "postgresql+psycopg"
# Seconds to wait for PostgreSQL to answer a new connection: a host that drops packets is
# refused at start-up, or answered with a 503 (errors.py), not waited for until TCP gives up.
CONNECT_TIMEOUT = 10


def database_url(uri):
    """The SQLAlchemy URL for `uri` (sqlite:///..., postgresql://...), or a CannotStart."""
    try:
        url = make_url(uri)
    except ArgumentError as exc:
        raise CannotStart("DATABASE_URL is not a database URL: write sqlite:///path or postgresql://...") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=POSTGRESQL)
    if url.drivername not in ("sqlite", POSTGRESQL):
        raise CannotStart(
            f"DATABASE_URL names {url.drivername}://, but this app runs on SQLite (sqlite:///path) or "
            "PostgreSQL through psycopg 3 (postgresql://...)"
        )
    return url.render_as_string(hide_password=False)


def one_line(exc):
    """A driver's message on one line: psycopg's run over several, with hints indented below."""
    return re.sub(r"\s+", " ", str(getattr(exc, "orig", None) or exc)).strip()


# What start-up asks PostgreSQL before anything else: where the tables go, whether this user may
# make them there, and whether they are there already (made by another user, say).
WHERE_TABLES_GO = (
    "SELECT current_schema(), current_user, has_schema_privilege(current_schema(), 'CREATE'), "
    "to_regclass('users') IS NOT NULL"
)


def check_reachable(uri):
    """PostgreSQL: refuse to start, in one line, with what to do, rather than a traceback later.

    Refused: a server that cannot be reached or signed in to; a search_path (?options=
    -csearch_path%3Dname, a classroom sandbox's schema) that names no existing schema, where
    current_schema() is NULL and the tables would be made nowhere; and a user who may not make
    the tables that are missing (PostgreSQL 15 lets only the owner create in `public`).
    """
    if make_url(uri).get_backend_name() == "sqlite":
        return
    shown = make_url(uri).render_as_string(hide_password=True)
    engine = create_engine(uri, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as connection:
            schema, user, may_create, made = connection.execute(text(WHERE_TABLES_GO)).one()
    except DBAPIError as exc:
        raise CannotStart(f"cannot reach the database {shown}: {one_line(exc)}") from exc
    finally:
        engine.dispose()
    if schema is None:
        raise CannotStart(
            f"the database {shown} has no schema on its search_path: create it (CREATE SCHEMA ...) "
            "or correct the URL's options=-csearch_path"
        )
    if not may_create and not made:
        raise CannotStart(
            f"the database {shown} has no tables yet, and {user} may not create them in schema {schema}: "
            f'GRANT CREATE ON SCHEMA "{schema}" TO "{user}", or start once as a user who may'
        )


@contextmanager
def one_start_at_a_time(engine):
    """On PostgreSQL, let one process at a time make the tables of one schema and seed them.

    The app and its replica start at the same moment (make run). SQLite lets one writer in at
    a time, and models.settle_race retries the loser; PostgreSQL lets both CREATE TABLE at once,
    and the loser fails on a catalog row the winner just wrote. A lock named for the schema,
    held on a connection of its own until the first start is done, makes the second wait and
    then find everything made.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    key = text("SELECT hashtextextended('authlab first start ' || current_schema(), 0)")
    with engine.connect() as connection:
        lock = connection.execute(key).scalar()
        connection.execute(text("SELECT pg_advisory_lock(:lock)"), {"lock": lock})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:lock)"), {"lock": lock})


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
    check_reachable(app.config["SQLALCHEMY_DATABASE_URI"])
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
    if redis_client() is not None:
        return "Redis"
    backend = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    return "PostgreSQL" if backend == "postgresql" else "SQLite"


# --- Reads that must see only what is committed, on the hot path ---------------------------


class OwnSQLite:
    """A SQLite connection of this process's own, outside the ORM and its pool, shared by its threads.

    For the reads every request makes (the revocation epoch, the session record): they must see
    only what is committed, never the request's own unflushed changes, so never the request's
    ORM session. A plain SELECT here costs about 5 µs; through the pool about 15 (25 with four
    threads taking connections in turn), through SQLAlchemy Core with its statement cache about
    60, through the ORM about 80. A process forked from this one (a server's worker) opens its
    own: a connection never crosses a fork.
    """

    def __init__(self, path):
        self.path, self.lock, self.pid, self.connection = path, threading.Lock(), None, None

    def fetchone(self, sql, parameters=()):
        with self.lock:
            if self.pid != os.getpid():
                self.connection = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
                self.pid = os.getpid()
            return self.connection.execute(sql, parameters).fetchone()

    def close(self):
        if self.connection is not None and self.pid == os.getpid():
            self.connection.close()


def own_sqlite(app, engine):
    """The app's OwnSQLite (one per app and process), or None where its database is not a SQLite
    file another connection can open (PostgreSQL; an in-memory database)."""
    if "own_sqlite" not in app.extensions:
        url, own = engine.url, None
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            own = OwnSQLite(url.database)
            weakref.finalize(app, own.close)
        app.extensions["own_sqlite"] = own
    return app.extensions["own_sqlite"]


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


class UnstorableText(BadRequest):
    description = "Text with a NUL character (\\0) in it cannot be stored or looked up here."


@event.listens_for(Engine, "handle_error")
def refuse_nul_text(context):
    """PostgreSQL stores no NUL character in text, and psycopg refuses to send one: a 400.

    SQLite stores it, so there a username with a NUL is looked up and simply not found. On
    PostgreSQL the same input would fail the query, and every query a request can reach with
    its own text (a username, a client id, a cookie) would answer a 500. Refused here, once,
    for every query, as bad input.
    """
    if context.dialect.name == "postgresql" and "cannot contain NUL" in str(context.original_exception):
        return UnstorableText()
    return None
