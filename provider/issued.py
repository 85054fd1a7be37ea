"""What the provider issued, and the consent it issued it under: grants, authorization codes,
tokens and device codes (models.py holds who they are issued to: users and clients).

Every code and token is stored as its digest (models.secret_digest), and kept after use,
marked rather than deleted, so a second use is recognised as a replay and can revoke what
the first use issued (AS-3 for codes, AS-5 for refresh tokens, RFC 8628 for device codes).
"""

import time
from datetime import datetime

from authlib.integrations.sqla_oauth2 import OAuth2AuthorizationCodeMixin, OAuth2TokenMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Client, User, db, secret_digest, utcnow

# Authorization codes live at most five minutes (AS-3; RFC 6749 §4.1.2 suggests ten at most).
CODE_LIFETIME = 300


class Grant(db.Model):
    """One consent: a user let a client act for them with these scopes. The tokens issued
    from it form one family: revoking the grant (or a detected replay) revokes them all."""

    __tablename__ = "provider_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("provider_users.id"))
    client_id: Mapped[str] = mapped_column(String(48))
    scope: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_because: Mapped[str | None] = mapped_column(String(255), default=None)

    def revoke(self, because):
        """Revoke this grant and every token issued under it, at once."""
        now = int(time.time())
        self.revoked_at = self.revoked_at or utcnow()
        self.revoked_because = self.revoked_because or because
        for token in db.session.execute(db.select(Token).filter_by(grant_id=self.id)).scalars():
            token.access_token_revoked_at = token.access_token_revoked_at or now
            token.refresh_token_revoked_at = token.refresh_token_revoked_at or now


class AuthorizationCode(db.Model, OAuth2AuthorizationCodeMixin):
    """A code handed to the browser (stored as its digest). Used codes are kept (marked, not
    deleted) so a second use is recognised as a replay and can revoke what the first use
    issued (AS-3)."""

    __tablename__ = "provider_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("provider_users.id"))
    grant_id: Mapped[int] = mapped_column(ForeignKey("provider_grants.id"))
    issued_at: Mapped[float] = mapped_column(default=time.time)
    used_at: Mapped[float | None] = mapped_column(default=None)
    # The sign-in this code was issued under (logout.session_id_claim), copied into the
    # id_token as `sid` so RP-Initiated Logout can tell which session a hint names.
    sid: Mapped[str | None] = mapped_column(String(64), default=None)

    def is_expired(self):
        return self.issued_at + CODE_LIFETIME < time.time()


class Token(db.Model, OAuth2TokenMixin):
    """An access token with its refresh token, both stored as digests. A rotated refresh
    token is marked revoked, not deleted, so its reuse is recognised (AS-5)."""

    __tablename__ = "provider_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a client credentials token: a machine acting in its own name (RFC 6749 §4.4).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("provider_users.id"))
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("provider_grants.id"))

    def get_user(self):
        return db.session.get(User, self.user_id) if self.user_id is not None else None

    def get_client(self):
        return db.session.execute(db.select(Client).filter_by(client_id=self.client_id)).scalar_one_or_none()

    @classmethod
    def find(cls, value, kind="access_token"):
        """The token whose access (or refresh) token is this value, looked up by digest."""
        # 4096: room for a JWT access token (RFC 9068, access_tokens.py), a few hundred bytes.
        if not isinstance(value, str) or not value or len(value) > 4096:
            return None
        column = cls.access_token if kind == "access_token" else cls.refresh_token
        return db.session.execute(db.select(cls).where(column == secret_digest(value))).scalar_one_or_none()


class DeviceCode(db.Model):
    """One device authorization (RFC 8628): the device_code the device polls with (its digest,
    like every other code here) and the user_code a person types at /device. Kept after use,
    marked, so a second redemption is recognised (device.py)."""

    __tablename__ = "provider_device_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_code: Mapped[str] = mapped_column(String(64), unique=True)
    # Eight letters, normalised (no dash); unique while the row lives (device_codes.py deletes old rows).
    user_code: Mapped[str] = mapped_column(String(16), unique=True)
    client_id: Mapped[str] = mapped_column(String(48))
    scope: Mapped[str] = mapped_column(String(255), default="")
    issued_at: Mapped[float] = mapped_column(default=time.time)
    expires_at: Mapped[float] = mapped_column()
    # The polling interval the device must keep; slow_down adds 5 seconds (RFC 8628 §3.5).
    interval: Mapped[int] = mapped_column(default=5)
    last_polled_at: Mapped[float | None] = mapped_column(default=None)
    # The person's decision at /device: None (pending), "approved" or "denied".
    decision: Mapped[str | None] = mapped_column(String(16), default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("provider_users.id"))
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("provider_grants.id"))
    # When the approving user signed in: the id_token's auth_time (OIDC Core §2).
    auth_time: Mapped[int | None] = mapped_column(default=None)
    used_at: Mapped[float | None] = mapped_column(default=None)

    def is_expired(self):
        return self.expires_at < time.time()
