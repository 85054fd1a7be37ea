"""The JWT lab's tables: the keyring, the blocklist (SQLite store) and refresh-token families.

Every change to the keyring or the blocklist moves the revocation epoch in its own transaction
(@revokes, models.py), so that no worker keeps verifying with what it holds in memory.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models import utcnow
from revocation_epoch import revokes


@revokes
class SigningKey(db.Model):
    """One key of the keyring, named by its `kid`; each key is bound to exactly one algorithm."""

    __tablename__ = "jwt_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    alg: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set when the key is retired: from then on every token it signed is refused.
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    # RS256 only: the private key (PEM). HMAC keys are derived from JWT_SECRET_KEY instead,
    # so no shared secret is ever written to the database (see keys.py).
    private_pem: Mapped[str | None] = mapped_column(db.Text, default=None)


@revokes
class RevokedToken(db.Model):
    """A revoked `jti` (or a whole family), kept until the token would have expired anyway."""

    __tablename__ = "jwt_blocklist"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    reason: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RefreshToken(db.Model):
    """Every refresh token issued, so a second use of one can be recognised (JWT-6)."""

    __tablename__ = "jwt_refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    family: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # Set the moment the token is exchanged for a new pair; a token used twice was stolen.
    used_at: Mapped[datetime | None] = mapped_column(default=None)
