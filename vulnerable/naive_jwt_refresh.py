"""DELIBERATELY VULNERABLE: the naive JWT server's refresh endpoint and its debug log. Development only.

Mistake 7 of the naive twin (vulnerable/naive_jwt.py), in two parts:

- It rotates: each refresh answers with a new access token and a new refresh token. But the
  old refresh token keeps working. Rotation without reuse detection: a refresh token that
  comes back a second time means a copy is out there, and this server never asks.
  Real: blueprints/jwt/families.py redeems each refresh token once; a second use revokes the
  whole family (JWT-6, RFC 9700 §4.14).
- It logs each refresh request with its Authorization header, and serves that log: a
  credential in a log file is a leaked credential.

What it never does (LAB-3): touch the real app's refresh families or blocklist. Its tokens are
the naive server's, for the twins' own accounts, and its log is a table of its own, bounded.
"""

import hashlib
from datetime import datetime

from flask import Blueprint, Response, jsonify
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.challenges import players
from blueprints.challenges.detect import reached, victim_of
from extensions import db
from models import utcnow

from . import accounts
from .naive_jwt import bearer_token, issue_pair, naive_claims

bp = Blueprint("naive_jwt_refresh", __name__, url_prefix="/vulnerable/jwt")

# LAB-1: anyone may refresh as often as they like, so the log keeps its newest lines only.
KEEP_LOG = 1000
LOG_SHOWN = 20


class RefreshLogLine(db.Model):
    """One refresh request as the naive server's debug log keeps it: Authorization header and all."""

    __tablename__ = "naive_jwt_refresh_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    token_digest: Mapped[str] = mapped_column(String(64), index=True)
    token: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(64))
    # Whose line it is: the player who sent the request, or the one whose victim's token it was.
    # A real leaked log shows everyone's lines; the lab shows each player their own only.
    reader: Mapped[str | None] = mapped_column(String(64), index=True)


def digest(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def seen_before(token):
    """Whether the log already holds this refresh token, i.e. it was used before."""
    found = db.select(RefreshLogLine.id).filter_by(token_digest=digest(token)).limit(1)
    return db.session.scalar(found) is not None


def log_refresh(token, username):
    """Mistake 7: a credential in a log. The line keeps the whole bearer token."""
    # The victim's browser may be a player of its own (the notes page makes one): her token decides.
    reader = victim_of("naive_refresh", token) or players.current()
    db.session.add(RefreshLogLine(token_digest=digest(token), token=token[:4000], username=username, reader=reader))
    db.session.flush()
    newest = db.session.scalar(db.select(db.func.max(RefreshLogLine.id))) or 0
    db.session.execute(db.delete(RefreshLogLine).where(RefreshLogLine.id <= newest - KEEP_LOG))
    db.session.commit()


@bp.post("/refresh")
def refresh():
    """A new pair for any refresh token the naive verifier believes, however often it comes back."""
    presented = bearer_token()
    (_, claims, _), refused = naive_claims()
    if refused:
        return refused
    is_refresh = isinstance(claims, dict) and claims.get("type") == "refresh"
    username = claims.get("sub") if is_refresh else None
    if accounts.find(username) is None:
        return jsonify(error="send a refresh token of the naive server (Authorization: Bearer)"), 401
    # The log could tell that this token was used before (a copy is out there): nobody asks it.
    replayed = seen_before(presented)
    log_refresh(presented, username)
    pair = issue_pair(username)
    # The challenges watch this moment: a fresh pair, from which refresh token, used before or not.
    reached("naive_jwt.refresh", token=presented, claims=claims, replayed=replayed)
    return jsonify(pair)


@bp.get("/log")
def debug_log():
    """The debug log, served to anyone who asks: each refresh request with its Authorization header."""
    reader = players.current()
    lines = [
        "# naive-jwt debug log: every refresh request, with the Authorization header it carried.",
        "# (A real leak shows every user's lines; the lab shows you your own and your victim's.)",
    ]
    if reader is None:
        lines.append("# No lab_player cookie came with this request: there is nothing of yours to show.")
    else:
        newest = db.select(RefreshLogLine).filter_by(reader=reader).order_by(RefreshLogLine.id.desc())
        for line in reversed(db.session.scalars(newest.limit(LOG_SHOWN)).all()):
            lines.append(
                f"{line.at:%H:%M:%S} POST /vulnerable/jwt/refresh user={line.username} "
                f"Authorization: Bearer {line.token}"
            )
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
