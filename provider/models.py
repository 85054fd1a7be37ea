"""The provider's own tables: its users, the clients registered with it, the sign-ins kept on
the server and the failed attempts counted. What it issues to them (grants, codes, tokens)
is issued.py. authlib's SQLAlchemy mixins supply the columns its grant classes read; the
comments say what this provider adds on top."""

import hashlib
import hmac
import secrets
from contextlib import contextmanager
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from authlib.integrations.sqla_oauth2 import OAuth2ClientMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, Index, LargeBinary, String, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import BadRequest

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

# Scopes no person grants: a machine client (the client credentials grant, RFC 6749 §4.4) asks
# for them in its own name. They are never on a consent page, and the user scopes above are
# never in a machine's token (machine.py): a token with no user has nobody to describe.
MACHINE_SCOPES = {
    "inventory:read": "Read the lab's inventory API (machine to machine, no user).",
}

# The built-in client's name, which no client registered in the console may imitate.
BUILTIN_CLIENT_NAME = "Auth Lab (the teaching app)"


def secret_digest(secret):
    """Client secrets, codes and tokens are stored as SHA-256 digests, like passwords but
    without the slow hash (256 random bits cannot be guessed): a copy of this database
    yields nothing that works (RFC 6819 §5.1.4.1.3)."""
    return hashlib.sha256(secret.encode()).hexdigest()


# The client authentication methods a client may register (RFC 6749 §2.3, named in RFC 7591
# §2): a confidential client proves who it is with its secret, in a Basic header or in the
# form body (AS-6); a public client ("none": a browser or native app, which cannot keep a
# secret) sends only its client_id, and PKCE stands in for the secret (AS-2). client_auth.py
# enforces the one a client registered (AS-13). The grants, the revocation endpoint and the
# discovery document read these lists; what only a confidential client may call (the client
# credentials grant, introspection) reads SECRET_AUTH_METHODS.
SECRET_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
PUBLIC_AUTH_METHOD = "none"
CLIENT_AUTH_METHODS = [*SECRET_AUTH_METHODS, PUBLIC_AUTH_METHOD]


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

    def is_public(self):
        """A client without a secret (token_endpoint_auth_method "none", RFC 6749 §2.1)."""
        return self.token_endpoint_auth_method == PUBLIC_AUTH_METHOD

    # RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential
    # clients": with no secret, anyone who reads a public client's id would get its tokens.
    def check_grant_type(self, grant_type):
        if grant_type == "client_credentials" and self.is_public():
            return False
        return grant_type in self.grant_types

    @property
    def allowed_cors_origins(self):
        """HDR-4: the exact origins (scheme://host[:port]) a public browser client calls from."""
        origins = self.client_metadata.get("allowed_cors_origins") or []
        return [origin for origin in origins if isinstance(origin, str)] if isinstance(origins, list) else []

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


@contextmanager
def one_start_at_a_time(engine):
    """On PostgreSQL, one process at a time makes this schema's tables and seeds them: two
    starting at once would both CREATE TABLE, and the second fail on a row of the catalog the
    first just wrote. A lock named for the schema makes the second wait, then find them made."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = text("SELECT hashtextextended('authlab provider first start ' || current_schema(), 0)")
    with engine.connect() as connection:
        lock = connection.execute(key).scalar()
        connection.execute(text("SELECT pg_advisory_lock(:lock)"), {"lock": lock})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:lock)"), {"lock": lock})


def new_token(nbytes=32):
    """256 random bits, URL-safe (AS-6 asks for at least 128)."""
    return secrets.token_urlsafe(nbytes)


class UnstorableText(BadRequest):
    description = "Text with a NUL character (\\0) in it cannot be stored or looked up here."


@event.listens_for(Engine, "handle_error")
def refuse_nul_text(context):
    """PostgreSQL stores no NUL character in text, and psycopg refuses to send one: a request
    that brings one (a username, a client_id, a code) gets a 400, not a 500 from its query."""
    if context.dialect.name == "postgresql" and "cannot contain NUL" in str(context.original_exception):
        return UnstorableText()
    return None
