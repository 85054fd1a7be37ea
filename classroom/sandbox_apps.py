"""A sandbox's four parties: the lab's own factories, each given the sandbox's folder and URLs.

Nothing in the lab knows it is in a sandbox. Each sandbox is the whole lab as `make run` serves
it, mounted under /s/<key>/ on each of the four origins: its own SQLite files and generated
secrets in its own folder (so its own alice and bob, keys, sessions, grants, naive-twin state,
wire records and challenge progress), or its own PostgreSQL schema and Redis key prefix when the
class shares those stores. A student's token, cookie or code is signed with secrets no other
sandbox has, so it means nothing anywhere else.
"""

import shutil
import threading
import urllib.request

import sqlalchemy as sa
from jinja2 import BytecodeCache
from sqlalchemy.engine import make_url

from .notice import banner as notice_banner
from .settings import ROLES


def folder(settings, row):
    """A sandbox's folder for one generation: a reset starts in a new one, never an old one's files."""
    return settings.folder / "sandboxes" / f"{row.digest[:32]}-{row.generation}"


def schema(row, party):
    return f"sb_{party}_{row.digest[:24]}_{row.generation}"


def in_schema(url, name):
    """The same PostgreSQL database, every query in the sandbox's own schema (search_path)."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)


def shared_databases(settings):
    """(party, URL) of each PostgreSQL database the class shares: the app's, the provider's."""
    for party, url in (("app", settings.database_url), ("provider", settings.provider_database_url)):
        if url:
            yield party, url


def database_url(settings, row, party):
    """One party's store in a shared PostgreSQL database (its own schema), or None on SQLite."""
    url = dict(shared_databases(settings)).get(party)
    return in_schema(url, schema(row, party)) if url else None


def redis_prefix(row):
    return f"sb:{row.digest[:24]}:{row.generation}:"


def mount(key):
    return f"/s/{key}"


def party_config(settings, row, key, role):
    """The settings one party of one sandbox is created with."""
    root = mount(key)
    urls = {f"{name.upper()}_URL": settings.origin(name) + root for name in ROLES}
    base = folder(settings, row)
    config = {**urls, "APPLICATION_ROOT": root, "CLASSROOM": {"banner": notice_banner(settings)}, **settings.extra}
    if role in ("app", "replica"):
        config |= {"INSTANCE_PATH": str(base), "INSTANCE_NAME": role}
        config["EXPLOIT_FOLDER"] = str(base / "attacker-exploits")
        if url := database_url(settings, row, "app"):
            config["SQLALCHEMY_DATABASE_URI"] = url
        if settings.redis_url:
            prefix = redis_prefix(row)
            config |= {
                "REDIS_URL": settings.redis_url,
                "REDIS_KEY_PREFIX": prefix,
                "SESSION_KEY_PREFIX": prefix + "session:",
            }
    elif role == "provider":
        config["INSTANCE_PATH"] = str(base / "provider")
        if url := database_url(settings, row, "provider"):
            config["SQLALCHEMY_DATABASE_URI"] = url
    else:
        config["EXPLOIT_FOLDER"] = str(base / "attacker-exploits")
    return config


class SharedBytecode(BytecodeCache):
    """Compiled templates, kept once per process for every sandbox.

    Each sandbox is its own Flask app with its own Jinja environment, so without this every
    sandbox compiled every page it showed: a student's first tour of the labs cost the server
    about 0.9 s against 0.26 s for the next (bench/classroom_load.py). Jinja keys each entry on
    the template's file and checks its source's checksum, so a changed template is compiled again.
    """

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        code = self.compiled.get(bucket.key)
        if code is not None and code[0] == bucket.checksum:
            bucket.code = code[1]

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = (bucket.checksum, bucket.code)


TEMPLATE_CODE = SharedBytecode()


def create_party(settings, row, key, role):
    if role == "provider":
        from provider import create_app
    elif role == "attacker":
        from attacker import create_app
    else:
        from app import create_app
    party = create_app(party_config(settings, row, key, role))
    party.jinja_env.bytecode_cache = TEMPLATE_CODE
    return party


def prepare(settings, row):
    """Before a sandbox's first start: its PostgreSQL schemas (SQLite files make themselves)."""
    for party, url in shared_databases(settings):
        engine = sa.create_engine(url)
        try:
            with engine.begin() as db:
                db.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema(row, party)}"'))
        except sa.exc.IntegrityError:
            pass  # another process of the class made it at the same moment
        finally:
            engine.dispose()


def destroy(settings, row):
    """Delete what one generation of a sandbox kept: its folder, its schemas, its Redis keys."""
    shutil.rmtree(folder(settings, row), ignore_errors=True)
    for party, url in shared_databases(settings):
        engine = sa.create_engine(url)
        with engine.begin() as db:
            db.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema(row, party)}" CASCADE'))
        engine.dispose()
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url)
        for name in client.scan_iter(redis_prefix(row) + "*", count=500):
            client.delete(name)
        client.close()


def wake_provider(settings, key):
    """Start the sandbox's provider too, over HTTP, as `make run` starts both at once.

    The provider hands the app its client registration when it first starts (config.py,
    CLIENT_SECRETS); without this, a student's OAuth lab would offer no provider until someone
    happened to open the provider's pages. Its own process builds it; a failure here only
    leaves the OAuth lab to say the provider is not reachable, as it would in `make run`.
    """
    url = settings.origin("provider") + mount(key) + "/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=15) as answer:  # noqa: S310  # nosec B310 (our own origin)
            answer.read()
    except OSError:
        pass


class Parties:
    """This process's live parties of one role, one per sandbox, built on first use.

    Every request asks the register for the sandbox's row (a primary-key read): a sandbox the
    instructor reset or removed in another process is rebuilt or refused at the very next request
    here, never served from an old copy.
    """

    def __init__(self, settings, role):
        self.settings, self.role = settings, role
        self.live = {}  # digest -> (generation, app)
        self.locks = {}
        self.guard = threading.Lock()

    def get(self, row, key):
        held = self.live.get(row.digest)
        if held and held[0] == row.generation:
            return held[1]
        with self.guard:
            lock = self.locks.setdefault(row.digest, threading.Lock())
        with lock:  # two first requests at once build one app, not two
            held = self.live.get(row.digest)
            if held and held[0] == row.generation:
                return held[1]
            if held:
                self.close(held[1])
            if self.role != "attacker":
                prepare(self.settings, row)
            app = create_party(self.settings, row, key, self.role)
            self.live[row.digest] = (row.generation, app)
        if self.role == "app":
            wake_provider(self.settings, key)
        return app

    def forget(self, sandbox_digest):
        held = self.live.pop(sandbox_digest, None)
        if held:
            self.close(held[1])

    @staticmethod
    def close(app):
        engines = app.extensions.get("sqlalchemy")
        if engines is not None:
            with app.app_context():
                for engine in engines.engines.values():
                    engine.dispose()
