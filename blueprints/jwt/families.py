"""Refresh-token rotation with reuse detection (JWT-6, RFC 9700 §4.14).

Each login starts a family. Every refresh hands out a new refresh token of the same family and
marks the presented one used. A refresh token is only ever presented twice if someone copied
it: the thief or the user, whoever comes second, shows the server that the family has leaked,
and the server cannot tell which of the two is legitimate. So the whole family is revoked: every
refresh and access token of that login stops working, and the user signs in again.

An honest client that sends two refreshes at once (two tabs, a retry) looks exactly like a
thief here and loses its family too. Some servers allow a few seconds' grace for that; this one
does not, so the lesson stays visible.
"""

import secrets
from datetime import UTC, datetime

from flask import current_app

from extensions import db
from models import utcnow

from . import blocklist
from .models import RefreshToken


class ReuseDetected(Exception):
    """A refresh token was presented a second time; its family has been revoked."""


def start():
    """A new family id for a new login."""
    return secrets.token_urlsafe(16)


def register(claims):
    """Remember an issued refresh token, so its second use can be recognised."""
    expires = datetime.fromtimestamp(claims["exp"], UTC).replace(tzinfo=None)
    db.session.execute(db.delete(RefreshToken).where(RefreshToken.expires_at < utcnow()))
    db.session.add(
        RefreshToken(jti=claims["jti"], family=claims["fam"], user_id=int(claims["sub"]), expires_at=expires)
    )
    db.session.commit()


def redeem(claims):
    """Mark a refresh token used, exactly once; a second use revokes its family.

    The UPDATE only matches a token that is still unused, so two requests racing with the same
    token cannot both win: one changes the row, the other sees 0 rows and counts as reuse.
    """
    result = db.session.execute(
        db.update(RefreshToken)
        .where(RefreshToken.jti == claims["jti"], RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    db.session.commit()
    if result.rowcount != 1:
        # A security event for the operator's log: a refresh token has leaked. (INFO, not WARNING:
        # the lab and the notebooks provoke it on purpose, and print warnings as failures.)
        current_app.logger.info("refresh token %s reused: family %s revoked", claims["jti"], claims["fam"])
        revoke(claims["fam"], "refresh token reused: the whole family is revoked")
        raise ReuseDetected(claims["fam"])


def revoke(family, reason):
    """Block every token of a family until the last of them would have expired."""
    last = db.session.execute(
        db.select(db.func.max(RefreshToken.expires_at)).where(RefreshToken.family == family)
    ).scalar_one_or_none()
    if last is not None:
        until = last.replace(tzinfo=UTC).timestamp()
    else:
        until = datetime.now(UTC).timestamp() + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    blocklist.revoke("family:" + family, until, reason)
