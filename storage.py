"""The stores behind the demos: the SQLite file (default) and Redis (when REDIS_URL is set)."""

import sqlite3

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine


def init_app(app):
    if app.config.get("REDIS_URL"):
        # One connection pool per app, shared by sessions, the blocklist and rate limits.
        app.extensions["redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
        )
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]


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
