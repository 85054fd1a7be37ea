"""The app's tables. The provider keeps its own users in its own database (provider/)."""

import secrets
import time
from datetime import UTC, datetime
from functools import lru_cache

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from passwords import hash_password, verify_password

# The demo accounts of docs/contract.md, seeded on first run.
DEMO_ACCOUNTS = (
    ("alice", "wonderland", "admin"),
    ("bob", "thebuilder", "user"),
)


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def new_login_id():
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # flask-login stores this, not the primary key, in the session and the remember-me
    # cookie. Changing it (password change, "sign out everywhere") invalidates every
    # session and remember cookie at once (SES-6, PW-4).
    login_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_login_id)

    # Tokens issued before this moment are refused (PW-4: a password change revokes them).
    tokens_valid_after: Mapped[datetime] = mapped_column(default=utcnow)

    def get_id(self):
        return self.login_id

    def check_password(self, password):
        return verify_password(self.password_hash, password)

    def set_password(self, password):
        self.password_hash = hash_password(password)
        self.revoke_everything()

    def revoke_everything(self):
        """End all sessions, remember cookies and tokens of this user."""
        self.login_id = new_login_id()
        self.tokens_valid_after = utcnow()

    @property
    def is_admin(self):
        return self.role == "admin"


def load_user(login_id):
    """flask-login's user loader: the session holds the rotating login_id, not the row id."""
    if not isinstance(login_id, str) or len(login_id) > 64:
        return None
    return db.session.execute(db.select(User).filter_by(login_id=login_id)).scalar_one_or_none()


def find_user(username):
    if not isinstance(username, str) or len(username) > 64:
        return None
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()


def authenticate(username, password):
    """The user whose password matches, or None; the same work whether or not they exist."""
    user = find_user(username)
    if not isinstance(password, str) or len(password) > 1024:
        # An impossible password, so the hashing work below still happens.
        password = ""  # nosec B105
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user else None


@lru_cache(maxsize=len(DEMO_ACCOUNTS))
def demo_hash(password):
    """Argon2id is slow on purpose (PW-1): a process that builds several apps (the tests, or the
    app beside its replica) hashes each demo password once, with one salt."""
    return hash_password(password)


# The app and its replica start at the same moment on a new database (make run). SQLite lets
# only one of them write at a time, and may refuse the second writer outright rather than let
# them deadlock ("database is locked"); or the other one creates a table between our look for
# it and our CREATE ("already exists"). Both settle by trying again.
RACE_SIGNS = ("database is locked", "already exists")


def settle_race(action, attempts=10):
    """Run `action`, again after a short pause when it lost a race with the other instance."""
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as exc:
            db.session.rollback()
            if not any(sign in str(exc.orig) for sign in RACE_SIGNS) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def first_start():
    """Create the tables and the demo accounts (a no-op afterwards), or say clearly why not."""
    from config import CannotStart

    try:
        settle_race(db.create_all)
        for account in DEMO_ACCOUNTS:
            settle_race(lambda account=account: seed_account(*account))
    except OperationalError as exc:
        # A read-only instance folder, a full disk, a path that does not exist.
        raise CannotStart(
            f"cannot prepare the database {db.engine.url.database}: {exc.orig}. "
            "Make the instance folder writable, free some space, or delete instance/ to start fresh."
        ) from exc


def seed_account(username, password, role):
    """Create a demo account once; later starts keep it (and any password change)."""
    if find_user(username) is not None:
        return
    db.session.add(User(username=username, password_hash=demo_hash(password), role=role))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the replica, starting at the same moment, made it first


class WireRecord(db.Model):
    """One HTTP exchange captured for the wire panel, readable by whoever holds its id."""

    __tablename__ = "wire_records"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    data: Mapped[str] = mapped_column(db.Text)
