"""Revocation: a blocklist of token ids in the configured store (JWT-5).

A JWT is valid until its `exp` whatever happens on the server: "short expiry" limits the damage
of a stolen token but does not end it (the article's erratum). Logging out therefore records the
token's `jti` here, and every request checks it. Each entry lives exactly as long as the token
it blocks (its own `exp`), then disappears by itself: an expired token is refused anyway.
flask-jwt-extended's documented example uses the access-token lifetime as the TTL for every
entry, which would let a revoked refresh token (which lives for days) come back to life.

SQLite by default (a table that survives a restart), Redis when REDIS_URL is set (SET ... EXAT).
Each entry added moves the revocation epoch in the same transaction (models.py), so a worker
that holds the SQLite blocklist's answers in memory (revocation.py) drops them at its next
request; Redis is asked on every request.
"""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

import storage
from extensions import db
from models import utcnow

from . import revocation
from .models import RevokedToken

PREFIX = "jwt:blocklist:"


def prefix():
    """This app's blocklist keys in Redis; a classroom sandbox's are prefixed with its own name,
    so one sandbox's revocations can neither block nor unblock another's (REDIS_KEY_PREFIX)."""
    return current_app.config["REDIS_KEY_PREFIX"] + PREFIX


def revoke(entry_id, expires_at, reason="revoked"):
    """Block `entry_id` (a jti, or "family:<id>") until `expires_at` (a UTC epoch second)."""
    expires_at = int(expires_at)
    redis = storage.redis_client()
    if redis is not None:
        # EXAT: Redis deletes the entry at that second by itself (TTL = the token's own exp).
        if expires_at > datetime.now(UTC).timestamp():
            redis.set(prefix() + entry_id, reason, exat=expires_at)
        return
    expires = datetime.fromtimestamp(expires_at, UTC).replace(tzinfo=None)
    # Expired entries are swept whenever one is added, so the table stays small.
    db.session.execute(db.delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    db.session.add(RevokedToken(id=entry_id, reason=reason, expires_at=expires))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already revoked


def revoked_reason(*entry_ids):
    """The reason one of the ids is blocked ("logged out", "refresh token reused"), or None."""
    ids = [i for i in entry_ids if isinstance(i, str) and i]
    if not ids:
        return None
    redis = storage.redis_client()
    if redis is not None:
        for value in redis.mget([prefix() + i for i in ids]):
            if value is not None:
                return value.decode()
        return None
    # SQLite: the answer this worker holds, unless the revocation epoch moved (revocation.py).
    return revocation.blocked(tuple(ids))


def size():
    """How many entries the store holds (for the lab page)."""
    redis = storage.redis_client()
    if redis is not None:
        return sum(1 for _ in redis.scan_iter(prefix() + "*", count=500))
    return db.session.execute(
        db.select(db.func.count()).select_from(RevokedToken).where(RevokedToken.expires_at >= utcnow())
    ).scalar_one()
