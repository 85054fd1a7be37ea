"""The provider's own tables: its users, the clients registered with it, the grants users
gave, the authorization codes and the tokens. authlib's SQLAlchemy mixins supply the columns
its grant classes read; the comments say what this provider adds on top."""

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from authlib.integrations.sqla_oauth2 import OAuth2AuthorizationCodeMixin, OAuth2ClientMixin, OAuth2TokenMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

# The same two people as the app's demo accounts, in this party's own user store: the app
# never sees these passwords, which is the point of OAuth. Development and tests only: their
# passwords are printed on every login page, so production never creates them (HDR-6).
DEMO_USERS = (
    ("alice", "wonderland", "Alice Liddell", "alice@provider.test"),
    ("bob", "thebuilder", "Bob Builder", "bob@provider.test"),
)

hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
DUMMY_HASH = hasher.hash("nobody has this password")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class User(db.Model):
    __tablename__ = "provider_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def get_user_id(self):
        return self.id


def authenticate(username, password):
    """The user whose password matches, or None, spending the same time either way."""
    user = None
    if isinstance(username, str) and len(username) <= 64:
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if not isinstance(password, str) or len(password) > 1024:
        # An impossible password, so the hashing work below still happens.
        password = ""  # nosec B105
    try:
        ok = hasher.verify(user.password_hash if user else DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return user if ok and user else None


# What each scope lets a client see, in the words the consent page shows the user.
SCOPES = {
    "openid": "Sign you in: learn a stable, opaque identifier for your account here.",
    "profile": "See your name and username.",
    "email": "See your email address.",
}

# The built-in client's name, which no client registered in the console may imitate.
BUILTIN_CLIENT_NAME = "Auth Lab (the teaching app)"

# Authorization codes live at most five minutes (AS-3; RFC 6749 §4.1.2 suggests ten at most).
CODE_LIFETIME = 300


def secret_digest(secret):
    """Client secrets, codes and tokens are stored as SHA-256 digests, like passwords but
    without the slow hash (256 random bits cannot be guessed): a copy of this database
    yields nothing that works (RFC 6819 §5.1.4.1.3)."""
    return hashlib.sha256(secret.encode()).hexdigest()


# Both client authentication methods of RFC 6749 §2.3.1, and no "none": every client here is
# confidential and proves who it is at the token and revocation endpoints (AS-6). The grants,
# the revocation endpoint and the discovery document read this one list.
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class Client(db.Model, OAuth2ClientMixin):
    """A registered application (the Auth Lab app is one; the console registers others)."""

    __tablename__ = "provider_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("provider_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def registered_by(self):
        """The username that registered this client in the console; None for the operator's."""
        if self.owner_id is None:
            return None
        owner = db.session.get(User, self.owner_id)
        return owner.username if owner else f"an account since deleted (#{self.owner_id})"

    # AS-13 (RFC 7009 §2.1, RFC 8414): a client authenticates the one way it registered, at
    # every endpoint that authenticates clients. authlib checks the registered method at the
    # token endpoint only ("TODO" elsewhere), so a client_secret_basic client could send its
    # secret in a form body to /revoke: one more place a secret can leak into logs.
    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.token_endpoint_auth_method

    def set_secret(self, secret):
        """Keep only a digest: the console shows the secret once and can never show it again."""
        self.client_secret = secret_digest(secret)

    def check_client_secret(self, client_secret):
        return bool(self.client_secret) and hmac.compare_digest(self.client_secret, secret_digest(client_secret))

    # AS-1: the redirect URI must equal a registered one, character for character. No prefix,
    # no "same host", no wildcard: each of those has sent codes to attackers.
    def check_redirect_uri(self, redirect_uri):
        return any(hmac.compare_digest(redirect_uri.encode(), uri.encode()) for uri in self.redirect_uris)

    # No default either: a request must name its redirect URI, so the check above always runs.
    def get_default_redirect_uri(self):
        return None


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

    def is_expired(self):
        return self.issued_at + CODE_LIFETIME < time.time()


class Token(db.Model, OAuth2TokenMixin):
    """An access token with its refresh token, both stored as digests. A rotated refresh
    token is marked revoked, not deleted, so its reuse is recognised (AS-5)."""

    __tablename__ = "provider_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("provider_users.id"))
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("provider_grants.id"))

    def get_user(self):
        return db.session.get(User, self.user_id)

    def get_client(self):
        return db.session.execute(db.select(Client).filter_by(client_id=self.client_id)).scalar_one_or_none()

    @classmethod
    def find(cls, value, kind="access_token"):
        """The token whose access (or refresh) token is this value, looked up by digest."""
        if not isinstance(value, str) or not value or len(value) > 512:
            return None
        column = cls.access_token if kind == "access_token" else cls.refresh_token
        return db.session.execute(db.select(cls).where(column == secret_digest(value))).scalar_one_or_none()


class SessionRecord(db.Model):
    """A browser's session at this provider (Flask-Session's row shape). The cookie carries
    only `session_id`, 256 random bits; who is signed in lives here, so deleting the row ends
    the sign-in wherever a copy of the cookie went (AS-10)."""

    __tablename__ = "provider_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    expiry: Mapped[datetime | None]


class FailedAttempt(db.Model):
    """One failed sign-in or token request, under the digest of what it was counted against
    ("account:alice", "address:10.0.0.7", ...): a username typed by mistake, perhaps a
    password, is never stored readable. Rows older than the longest window are deleted."""

    __tablename__ = "provider_failed_attempts"
    __table_args__ = (Index("ix_provider_failed_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(index=True)


def new_token(nbytes=32):
    """256 random bits, URL-safe (AS-6 asks for at least 128)."""
    return secrets.token_urlsafe(nbytes)
