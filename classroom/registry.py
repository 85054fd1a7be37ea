"""The class's register: one row per sandbox, and the exercise results students sent in.

A sandbox is found by its key, the 128-bit random string in its URL (/s/<key>/): the key is
the capability, so the register keeps only its SHA-256 (a copy of this file, or a look over
the instructor's shoulder at the dashboard, opens no sandbox). One SQLite file beside the
sandboxes, or the PostgreSQL database of DATABASE_URL, which every process of the class opens.
"""

import hashlib
import re
import secrets
import time
import unicodedata
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

import storage  # noqa: F401  (its tune_sqlite tunes this register's SQLite file too)

KEY = re.compile(r"[A-Za-z0-9_-]{22}")
NAME_LIMIT = 40

metadata = sa.MetaData()

sandboxes = sa.Table(
    "classroom_sandboxes",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(NAME_LIMIT), nullable=False),
    sa.Column("address", sa.String(64), nullable=False, default=""),
    sa.Column("generation", sa.Integer, nullable=False, default=1),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
)

results = sa.Table(
    "classroom_results",
    metadata,
    sa.Column(
        "digest", sa.String(64), sa.ForeignKey("classroom_sandboxes.digest", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("exercise", sa.Integer, primary_key=True),
    sa.Column("passed", sa.Integer, nullable=False),
    sa.Column("checks", sa.Integer, nullable=False),
    sa.Column("submitted_at", sa.DateTime, nullable=False),
)


def now():
    return datetime.now(UTC).replace(tzinfo=None)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def display_name(raw):
    """A display name as the dashboard shows it, or None: 1 to 40 printable characters.

    NFKC first, so look-alike forms (fullwidth letters, ligatures) are shown as what they read as;
    control and format characters (bidi overrides, zero-width joiners) are refused, since they
    would let one name pose as another on the instructor's screen.
    """
    name = " ".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    if not name or len(name) > NAME_LIMIT:
        return None
    if any(unicodedata.category(char)[0] == "C" for char in name):
        return None
    return name


class Registry:
    def __init__(self, url):
        # SQLite's WAL, busy timeout and foreign keys come from storage.tune_sqlite, which tunes
        # every SQLite engine of the process, this one too.
        options = {"connect_args": {"timeout": 15}} if url.startswith("sqlite") else {"pool_pre_ping": True}
        self.engine = sa.create_engine(url, **options)
        create_tables(self.engine)

    def create(self, name, address=""):
        """A new sandbox: its key, which only the student's browser (and URL) will hold."""
        key = secrets.token_urlsafe(16)
        at = now()
        with self.engine.begin() as db:
            db.execute(
                sandboxes.insert().values(
                    digest=digest(key), name=name, address=address[:64], generation=1, created_at=at, last_seen=at
                )
            )
        return key

    def find(self, key):
        if not KEY.fullmatch(key or ""):
            return None
        with self.engine.connect() as db:
            return db.execute(sandboxes.select().where(sandboxes.c.digest == digest(key))).first()

    def touch(self, sandbox_digest):
        with self.engine.begin() as db:
            db.execute(sandboxes.update().where(sandboxes.c.digest == sandbox_digest).values(last_seen=now()))

    def everyone(self):
        with self.engine.connect() as db:
            return list(db.execute(sandboxes.select().order_by(sandboxes.c.created_at)))

    def count(self, address=None):
        query = sa.select(sa.func.count()).select_from(sandboxes)
        if address is not None:
            query = query.where(sandboxes.c.address == address)
        with self.engine.connect() as db:
            return db.execute(query).scalar_one()

    def reset(self, sandbox_digest):
        """Start the sandbox again: a new generation, so every process builds it afresh."""
        with self.engine.begin() as db:
            db.execute(
                sandboxes.update()
                .where(sandboxes.c.digest == sandbox_digest)
                .values(generation=sandboxes.c.generation + 1, last_seen=now())
            )
            db.execute(results.delete().where(results.c.digest == sandbox_digest))

    def remove(self, sandbox_digest):
        with self.engine.begin() as db:
            db.execute(results.delete().where(results.c.digest == sandbox_digest))
            db.execute(sandboxes.delete().where(sandboxes.c.digest == sandbox_digest))

    def idle_since(self, hours):
        """The sandboxes nobody has opened for `hours`."""
        cutoff = now() - timedelta(hours=hours)
        with self.engine.connect() as db:
            return list(db.execute(sandboxes.select().where(sandboxes.c.last_seen < cutoff)))

    def record_result(self, sandbox_digest, exercise, passed, checks):
        """The latest result of one exercise for one sandbox (a re-run replaces it)."""
        with self.engine.begin() as db:
            db.execute(results.delete().where((results.c.digest == sandbox_digest) & (results.c.exercise == exercise)))
            db.execute(
                results.insert().values(
                    digest=sandbox_digest, exercise=exercise, passed=passed, checks=checks, submitted_at=now()
                )
            )

    def results_of(self, sandbox_digest):
        with self.engine.connect() as db:
            rows = db.execute(results.select().where(results.c.digest == sandbox_digest).order_by(results.c.exercise))
            return list(rows)


def create_tables(engine, attempts=5):
    """The register's tables, made by whichever of the class's processes gets there first.

    The launcher starts its four processes at once on a fresh folder: two may both find a table
    missing and both CREATE it, and the second fails ("already exists"; SQLite may also answer
    "database is locked" while another process switches the file to WAL). The tables are then
    there or nearly: check again, shortly after, instead of letting the whole class stop.
    """
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            return
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def of_this_class():
    """The register of the class being served (site.create_site puts it on the app)."""
    return current_app.extensions["classroom_registry"]
