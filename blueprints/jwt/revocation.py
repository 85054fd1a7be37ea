"""What the verifier holds in memory: the keyring, blocklist answers, each user's cut-off.

Three of the verifier's rules ask the store about every token: which key its `kid` names, and
whether that key was retired (JWT-1, JWT-2); whether its `jti` or family is on the blocklist
(JWT-5, JWT-6); whether it was issued before its user's last password change (PW-4). Asked of
the database on every request, they were most of what a request cost. So a worker holds the
answers it has had, under the revocation epoch they were loaded under (models.py), and on every
request reads only the epoch: while it stands still nothing was revoked, and what is held is
what the store would say; once it moves, everything held is dropped and asked again.

Why this cannot serve a revoked token, not even for one request: every revocation moves the
epoch in the very transaction that revokes (revocation_epoch.bump_with_the_change), and a request reads
the epoch *before* it consults anything held, then uses only answers loaded after that value
was read. A revocation committed before the read has moved the epoch this request sees; one
committed after it is seen by the next request. Answers are loaded on a connection of their
own, which sees committed rows only: a change still in flight, or rolled back, is never held.

The Redis blocklist is not held: one MGET costs what reading an epoch from Redis would, so it
is asked on every request (blocklist.py).
"""

import time
from datetime import UTC

from extensions import db
from models import User
from revocation_epoch import committed, remembered

from .models import RevokedToken, SigningKey


def keyring():
    """Every key of the keyring by `kid` (a handful): one query per epoch, none for a made-up kid."""
    columns = SigningKey.kid, SigningKey.alg, SigningKey.retired_at, SigningKey.private_pem
    return remembered("keyring", None, lambda: {row.kid: row for row in committed(db.select(*columns))})


def blocked(ids):
    """The reason the first of `ids` (a tuple) is on the SQLite blocklist, or None."""

    def load():
        statement = db.select(RevokedToken.reason, RevokedToken.expires_at).where(RevokedToken.id.in_(ids))
        rows = committed(statement.order_by(RevokedToken.id))
        return [(row.reason, row.expires_at.replace(tzinfo=UTC).timestamp()) for row in rows]

    # An entry ends with the token it blocks (blocklist.py): held past then, it blocks nothing.
    now = time.time()
    return next((reason for reason, until in remembered("blocklist", ids, load) if until >= now), None)


def tokens_valid_after(user_id):
    """When the user's tokens start to count (PW-4), as an epoch second; None: no such user."""

    def load():
        rows = committed(db.select(User.tokens_valid_after).where(User.id == user_id))
        return rows[0].tokens_valid_after.replace(tzinfo=UTC).timestamp() if rows else None

    return remembered("tokens_valid_after", user_id, load)
