"""The stores: the SQLite file (default) and Redis (when REDIS_URL is set). The throttle counts
in one of them: throttle_store.py."""

import os
import sqlite3
from pathlib import Path

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

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
