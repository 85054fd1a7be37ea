"""The revocation epoch: how every worker's memory learns, at the next request, what any of them
revoked (JWT-2, JWT-5, JWT-6, PW-4, SES-6).

What a worker holds in memory is in the section at the end: `remembered()` answers, dropped
whenever the epoch moves.
"""

import secrets
import sqlite3

from flask import current_app, has_request_context, request
from sqlalchemy import BigInteger, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

import storage
from extensions import db

# ### The revocation epoch (JWT-2, JWT-5, JWT-6, PW-4, SES-6)
#
# Each worker keeps in memory what every request would otherwise ask the database: the keyring,
# blocklist answers and each user's tokens_valid_after (blueprints/jwt/revocation.py), and the
# user a session names (blueprints/session/users.py). The app, its replica and every gunicorn
# worker share one database but not their memory, so what one of them revokes, all of them
# must refuse from the very next request. This one-row counter is how they learn it.
#
# Every change that can revoke something moves the counter in the same transaction as the
# change (bump_with_the_change, below): a blocklist entry, a key made or retired, any change to
# a user (password, login_id, role, deletion). They commit together or not at all, so a
# rolled-back change leaves both as they were. A request reads the counter before it trusts
# anything held in memory, and trusts only what was loaded after that very value was read: a
# revocation committed before the read is seen by this request, one committed after it by the
# next. Nothing held can outlive a revocation by a single request.


class RevocationEpoch(db.Model):
    """One row (id 1): a number that every revocation moves."""

    __tablename__ = "revocation_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 64 bits: it starts at a random 48-bit number (seed_epoch), past PostgreSQL's 32-bit INTEGER.
    value: Mapped[int] = mapped_column(BigInteger)


EPOCH = RevocationEpoch.__table__
EPOCH_SQL = "SELECT value FROM revocation_epoch WHERE id = 1"  # nosec B608 (a constant)

# The models whose every change moves the epoch, each marked @revokes: User (models.py), and
# the JWT lab's keyring and blocklist (blueprints/jwt/models.py).
REVOKING_MODELS = set()


def revokes(model):
    """Mark a model whose every insert, update or delete moves the revocation epoch."""
    REVOKING_MODELS.add(model)
    return model


def seed_epoch():
    """The epoch's row, made once. It starts at a random number, so that a database made anew
    (a deleted instance folder) never repeats a value a running worker has seen."""
    if db.session.get(RevocationEpoch, 1) is None:
        db.session.add(RevocationEpoch(id=1, value=secrets.randbits(48)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # the replica, starting at the same moment, made it first


def bump(session):
    """Move the epoch inside `session`'s transaction: it commits, or rolls back, with the change."""
    connection = session.connection(bind_arguments={"mapper": RevocationEpoch})
    connection.execute(EPOCH.update().where(EPOCH.c.id == 1).values(value=EPOCH.c.value + 1))
    session.info["revocation_bumped"] = True


# SQLAlchemy calls these for every session; each looks only for the models above. Raw SQL that
# changes those tables (none in this app) would have to call bump() itself.
@event.listens_for(Session, "before_flush")
def bump_with_the_change(session, _context, _instances):
    """A flush that writes a revoking row moves the epoch, in the same transaction."""
    dirty = (obj for obj in session.dirty if session.is_modified(obj))
    if any(type(obj) in REVOKING_MODELS for obj in (*session.new, *session.deleted, *dirty)):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def bump_with_a_bulk_change(state):
    """The same for bulk statements: db.update(User)..., db.delete(RevokedToken)..."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ in REVOKING_MODELS:
        bump(state.session)


@event.listens_for(Session, "after_commit")
def forget_the_epoch_read(session):
    """After a request's own revocation commits, its next check reads the epoch again."""
    if session.info.pop("revocation_bumped", False) and has_request_context():
        request.environ.pop(EPOCH_READ, None)


@event.listens_for(Session, "after_rollback")
def forget_the_rolled_back_bump(session):
    session.info.pop("revocation_bumped", None)


EPOCH_READ = "authlab.revocation_epoch"  # where a request keeps the value it read


def pooled_read():
    """The epoch on a pooled connection (PostgreSQL, or an in-memory SQLite no other can open).

    On PostgreSQL each read is a transaction of its own (the pool rolls back what it is given
    back), and READ COMMITTED shows it every commit made before it, by any instance: what the
    app revokes, its replica's next request sees, as with SQLite's own connection (storage.OwnSQLite).
    """
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(EPOCH_SQL)
        row = cursor.fetchone()
        cursor.close()
        return row
    finally:
        connection.close()


def epoch_reader(app):
    """The app's way to read the epoch: its own SQLite connection where it can, else the pool."""
    reader = app.extensions.get("epoch_reader")
    if reader is None:
        own = storage.own_sqlite(app, db.engine)
        reader = app.extensions["epoch_reader"] = (lambda: own.fetchone(EPOCH_SQL)) if own else pooled_read
    return reader


def revocation_epoch():
    """The epoch as committed now, or None without its row; read once per request.

    Outside a request (a test, the CLI) it is read at every call. A store that does not answer
    is a 503 (errors.py).
    """
    read = request.environ if has_request_context() else {}
    if EPOCH_READ not in read:
        try:
            row = epoch_reader(current_app._get_current_object())()
        except (sqlite3.Error, db.engine.dialect.loaded_dbapi.Error) as exc:
            raise OperationalError(EPOCH_SQL, None, exc) from exc
        read[EPOCH_READ] = row[0] if row else None
    return read[EPOCH_READ]


# ### What a worker holds, per epoch
#
# The answers loaded since one epoch was read, by kind ("keyring", "blocklist", "users", ...),
# one set per app in each process. When a request reads another epoch, the whole set is
# dropped and every answer is asked of the store again.

# Answers held per kind at most: past it the kind starts afresh, so a flood of made-up tokens
# or cookies costs store queries (as with no memory at all), never memory.
MAX_HELD = 10_000


class Held:
    """The answers loaded since `epoch` was read; the epoch None (no row) holds nothing."""

    def __init__(self, epoch):
        self.epoch = epoch
        self.answers = {}


def held():
    """This worker's answers for the epoch committed now (the epoch is read once per request)."""
    epoch = revocation_epoch()
    if epoch is None:  # no epoch row: nothing may be trusted from memory
        return Held(None)
    current = current_app.extensions.get("revocation_held")
    if current is None or current.epoch != epoch:
        # Two threads may both start afresh; each holds only what it loaded after reading this
        # epoch, so whichever set wins is right for it.
        current = current_app.extensions["revocation_held"] = Held(epoch)
    return current


def remembered(kind, key, load):
    """`load()`'s answer for `key`, asked of the store once per epoch and then held."""
    answers = held().answers.setdefault(kind, {})
    try:
        return answers[key]
    except KeyError:
        pass
    answer = load()
    if len(answers) >= MAX_HELD:
        answers.clear()
    answers[key] = answer
    return answer


def committed(statement):
    """Rows of `statement` as committed, on a connection of its own (never the request's session,
    which may hold a change not yet committed, or about to be rolled back)."""
    with db.engine.connect() as connection:
        return connection.execute(statement).all()
