"""The provider's own tables: its users, the clients registered with it, the grants users
gave, the authorization codes and the tokens. authlib's SQLAlchemy mixins supply the columns
its grant classes read; the comments say what this provider adds on top."""

import hashlib
import hmac
import json
import re
import secrets
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from authlib.integrations.sqla_oauth2 import OAuth2AuthorizationCodeMixin, OAuth2ClientMixin, OAuth2TokenMixin
from confusable_homoglyphs import confusables
from flask import current_app
from flask.cli import with_appcontext
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.exc import IntegrityError
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


def seed(app):
    """First start: the demo users (never in production), then the app's client registration."""
    if app.config["ENV_NAME"] != "production":
        for username, password, name, email in DEMO_USERS:
            if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
                continue
            try:
                create_user(username, password, name, email)
            except IntegrityError:  # another worker created it first
                db.session.rollback()
    seed_builtin_client(app)


USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


def create_user(username, password, name=None, email=""):
    """Add a user with an Argon2id hash of the password (PW-1); the caller checked the input."""
    user = User(username=username, name=name or username, email=email, password_hash=hasher.hash(password))
    db.session.add(user)
    db.session.commit()
    return user


# HDR-6: a production provider starts with no users at all. Its operator creates each one on
# the server, where nobody else can watch: the password is asked twice and never echoed, and
# is not a command-line option (it would be left in the shell history and the process list).
@click.command("create-user")
@click.argument("username")
@click.option("--name", help="The display name (default: the username).")
@click.option("--email", default="", help="The email address the provider releases with the email scope.")
@with_appcontext
def create_user_command(username, name, email):
    """Create a user of this provider: flask --app provider create-user USERNAME."""
    if not USERNAME.fullmatch(username):
        raise click.BadParameter("1 to 64 letters, digits or . _ @ -", param_hint="USERNAME")
    if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
        raise click.ClickException(f"{username} exists already.")
    if len(name or "") > 128 or len(email) > 128:
        raise click.ClickException("--name and --email take at most 128 characters.")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not 8 <= len(password) <= 1024:
        raise click.ClickException("The password needs 8 to 1024 characters.")
    if password in {demo_password for _, demo_password, _, _ in DEMO_USERS}:
        raise click.ClickException("That is a public demo password: choose another.")
    create_user(username, password, name, email)
    click.echo(f"Created {username} at {current_app.config['PROVIDER_URL']}.")


def seed_builtin_client(app):
    """Register the Auth Lab app as a client, with its two redirect URIs, exactly (AS-1).

    The secret comes from BUILTIN_CLIENT_SECRET; in development it is generated once and handed
    to the app through instance/provider/builtin-client.json (settings.write_registration).
    """
    from . import settings

    config = app.config
    client_id = config["BUILTIN_CLIENT_ID"]
    secret = config["BUILTIN_CLIENT_SECRET"] or registered_secret(config) or new_token()
    client = db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()
    if client is None:
        client = Client(client_id=client_id, client_id_issued_at=int(time.time()))
        db.session.add(client)
    client.set_secret(secret)
    client.set_client_metadata(
        {
            "client_name": BUILTIN_CLIENT_NAME,
            "client_uri": config["APP_URL"],
            "redirect_uris": [f"{config['APP_URL']}/oauth/callback", f"{config['REPLICA_URL']}/oauth/callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": " ".join(SCOPES),
            "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
        }
    )
    db.session.commit()
    if config["ENV_NAME"] != "production":
        settings.write_registration(app, client_id, secret)


def registered_secret(config):
    """The development secret handed to the app earlier, so a restart keeps it."""
    try:
        values = json.loads(Path(config["REGISTRATION_FILE"]).read_text())
    except (OSError, ValueError):
        return None
    if values.get("client_id") != config["BUILTIN_CLIENT_ID"]:
        return None
    return values.get("client_secret")


def new_token(nbytes=32):
    """256 random bits, URL-safe (AS-6 asks for at least 128)."""
    return secrets.token_urlsafe(nbytes)


# Letters that look like others, folded to the one they imitate (a cheap subset of Unicode's
# confusables.txt: Cyrillic, Greek and Armenian look-alikes of Latin letters, and digits read as
# letters; NFKC already folds fullwidth, superscript and mathematical letters).
CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "һ": "h", "і": "l", "ј": "j", "к": "k", "м": "m", "н": "h",
        "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q",
        "ԝ": "w", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ı": "l", "ɡ": "g", "ℓ": "l", "ս": "u", "օ": "o", "հ": "h",
        "0": "o", "1": "l", "i": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s",
    }
)  # fmt: skip


def name_skeleton(name):
    """What a name looks like, for comparing names: NFKC, casefolded, accents and every
    character that is not a letter or digit dropped (spaces, punctuation, zero-width marks),
    look-alike letters folded (CONFUSABLES)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    kept = "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN" or ch in "@$")
    return "".join(map(latin_look_alike, kept)).translate(CONFUSABLES).replace("rn", "m").replace("vv", "w")


def latin_look_alike(ch):
    """The ASCII letter or digit a character is drawn like, from Unicode's confusables table
    (confusable_homoglyphs ships it: Latin alpha "ɑ", Cherokee "Ꭺ", Cyrillic "а" are all "a");
    the character itself when it looks like none."""
    if ch.isascii():
        return ch
    found = confusables.is_confusable(ch, greedy=True) or []
    for homoglyph in (h["c"] for item in found for h in item["homoglyphs"]):
        if len(homoglyph) == 1 and homoglyph.isascii() and homoglyph.isalnum():
            return homoglyph.casefold()
    return ch


def imitates_builtin_client(name):
    """True when a name reads as the built-in client's: its skeleton starts with "Auth Lab"'s
    ("AUTH-LAB", "Auth Lab 2", the name in Cyrillic or fullwidth letters, with a zero-width space)."""
    return name_skeleton(name).startswith(name_skeleton("Auth Lab"))
