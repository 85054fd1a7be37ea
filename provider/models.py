"""The provider's own tables: its users (and, in oauth2.py's wiring, clients, codes, tokens)."""

import secrets
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

# The same two people as the app's demo accounts, in this party's own user store: the app
# never sees these passwords, which is the point of OAuth.
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


def seed(app):
    """Create the demo users once; later starts keep them."""
    for username, password, name, email in DEMO_USERS:
        if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
            continue
        db.session.add(User(username=username, name=name, email=email, password_hash=hasher.hash(password)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()


def new_token(nbytes=32):
    """256 random bits, URL-safe (AS-6 asks for at least 128)."""
    return secrets.token_urlsafe(nbytes)
