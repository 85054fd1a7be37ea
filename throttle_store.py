"""Where the throttle counts (throttle.py, PW-6): a store every worker and every instance shares.

The app's database by default (the SQLite file in the instance folder, which the app, its
replica and each server worker open; PostgreSQL with DATABASE_URL), Redis when REDIS_URL is
set (limiter_store). A per-process store (memory://) multiplies every limit by the number of
processes, so production refuses it when more than one process serves the app
(per_process_refusal, which serve.py runs too, before any worker starts).

Why a `limits` Storage over the app's database (DatabaseStorage) and not a table of
failed attempts of our own: the windows, keys and expiry are the `limits` library's, the same
code whichever store holds the counters. Redis is `limits`' own store and the database one
small class beside it; a table of our own would be a second implementation of windows and
expiry to get right, and Redis would need a third.
"""

import os
import time
from urllib.parse import urlsplit

from limits.errors import ConfigurationError
from limits.storage import RedisStorage, Storage, storage_from_string
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, case, delete, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from refusals import CannotStart


def limiter_store(app):
    """The `limits` store the throttle counts in, shared by every process that serves the app.

    RATELIMIT_STORAGE_URI when it is set (memory://, redis://, memcached://: the `limits`
    library's stores); otherwise Redis when REDIS_URL is set, through the app's own pool; and
    otherwise the app's database: the SQLite file in the instance folder, which the app, its
    replica and every server worker open, or PostgreSQL when DATABASE_URL names one.
    """

    uri = app.config.get("RATELIMIT_STORAGE_URI")
    if uri:
        try:
            return storage_from_string(uri)
        except ConfigurationError as exc:
            raise CannotStart(f"RATELIMIT_STORAGE_URI={uri} cannot be used: {exc}") from exc
    if app.config.get("REDIS_URL"):
        return RedisStorage(
            app.config["REDIS_URL"],
            connection_pool=app.extensions["redis"].connection_pool,
            key_prefix=app.config["REDIS_KEY_PREFIX"] + "LIMITS",  # a classroom sandbox counts apart
        )
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


# --- Which store production refuses --------------------------------------------------------

# Stores that count in one process's memory (the `limits` library's URI schemes).
PER_PROCESS_SCHEMES = {"memory", "async+memory"}


def serving_processes():
    """How many processes serve this app: granian's workers (serve.py exports the count)."""
    try:
        return max(1, int(os.environ.get("WEB_CONCURRENCY", "1")))
    except ValueError:
        return 1


def per_process_refusal(uri, processes):
    """Why production cannot count in `uri` with this many processes; None when it can."""
    if processes > 1 and urlsplit(uri or "").scheme in PER_PROCESS_SCHEMES:
        return (
            f"refusing to start in production: RATELIMIT_STORAGE_URI={uri} counts in each process's memory "
            f"and {processes} processes serve the app, so every limit would be {processes} times too high: "
            "unset it (the app's database is shared by all of them) or set REDIS_URL (PW-6)"
        )
    return None
