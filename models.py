"""The app's users: their table, the demo accounts, first start and `flask create-admin`.

Every change to a user moves the revocation epoch (revocation_epoch.py), so that what one
worker revokes, every worker refuses from the next request.

The provider keeps its own users in its own database (provider/).
"""

import secrets
import time
from datetime import UTC, datetime
from functools import lru_cache

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

import storage
from extensions import db
from passwords import hash_password, password_problems, verify_password
from refusals import CannotStart
from revocation_epoch import revokes, seed_epoch

# The demo accounts of docs/contract.md, seeded on first run in development and tests only:
# their passwords are printed on every login page (CREATE_DEMO_ACCOUNTS, config.py).
DEMO_ACCOUNTS = (
    ("alice", "wonderland", "admin"),
    ("bob", "thebuilder", "user"),
)


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def new_login_id():
    return secrets.token_urlsafe(24)


@revokes
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
# it and our CREATE ("already exists"). Both settle by trying again. On PostgreSQL they take
# turns instead (storage.one_start_at_a_time).
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
    """Create the tables, and the demo accounts where they belong (a no-op afterwards)."""

    try:
        with storage.one_start_at_a_time(db.engine):
            settle_race(db.create_all)
            settle_race(drop_retired_tables)
            settle_race(seed_epoch)
            if current_app.config["CREATE_DEMO_ACCOUNTS"]:
                for account in DEMO_ACCOUNTS:
                    settle_race(lambda account=account: seed_account(*account))
            else:
                retire_demo_passwords()
    except OperationalError as exc:
        # A read-only instance folder, a full disk, a path that does not exist.
        raise CannotStart(
            f"cannot prepare the database {db.engine.url.database}: {exc.orig}. "
            "Make the instance folder writable, free some space, or delete instance/ to start fresh."
        ) from exc


# Tables older versions made and nothing reads any more. `wire_records` held wire records
# from before LAB-2, some with passwords in them: a database upgraded in place loses it.
# `naive_sessions` was the session twin's table before its columns grew (now naive_session_records).
RETIRED_TABLES = ("wire_records", "naive_sessions")


def drop_retired_tables():
    for name in RETIRED_TABLES:
        db.session.execute(db.text(f"DROP TABLE IF EXISTS {name}"))  # nosec B608 (a constant)
    db.session.commit()


def seed_account(username, password, role):
    """Create a demo account once; later starts keep it (and any password change)."""
    if find_user(username) is not None:
        return
    db.session.add(User(username=username, password_hash=demo_hash(password), role=role))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the replica, starting at the same moment, made it first


# HDR-6: the demo passwords are public (every login page prints them), so where real people
# sign in (production) they must never open an account. Production creates no demo account,
# and a database made by an older version that did keeps its rows but loses those passwords:
# each becomes a random one nobody knows, and the account's sessions and tokens are revoked.
# The operator is told, and creates real accounts with `flask create-admin` (below).
def retire_demo_passwords():
    """Replace any public demo password still in force with an unknown one (production)."""
    for username, password, _role in DEMO_ACCOUNTS:
        user = find_user(username)
        if user is not None and user.check_password(password):
            user.set_password(secrets.token_urlsafe(32))
            db.session.commit()
            current_app.logger.warning("demo account %s had its public password: it no longer opens", username)


# The first admin of a production instance, which starts with no accounts at all (HDR-6). Run
# where the app runs, with the same environment as `make serve`:
#     APP_ENV=production .venv/bin/flask --app wsgi create-admin USERNAME
# The password is asked for twice, hidden, never taken from the command line (where the shell
# history and `ps` would keep it), and must pass the sign-up policy (passwords.py).
@click.command("create-admin")
@click.argument("username")
@with_appcontext
def create_admin_command(username):
    """Create an admin account; asks for its password."""
    username = username.strip().lower()
    if not 3 <= len(username) <= 32 or not set(username) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-."):
        raise click.ClickException("A username is 3 to 32 characters: letters, digits, '.', '-' or '_'.")
    if find_user(username) is not None:
        raise click.ClickException(f"{username} already exists: nothing was changed.")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(" ".join(problems))
    db.session.add(User(username=username, password_hash=hash_password(password), role="admin"))
    try:
        db.session.commit()
    except IntegrityError as exc:  # someone made the same name meanwhile
        db.session.rollback()
        raise click.ClickException(f"{username} already exists: nothing was changed.") from exc
    click.echo(f"Created the admin account {username}: sign in at {current_app.config['APP_URL']}.")


# The wire panel's records (WireRecord) live in wire/store.py, beside the bounds that keep them small.
