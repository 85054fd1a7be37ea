"""The provider's configuration: its own environment names, secrets and signing key."""

import contextlib
import json
import math
import os
import re
import secrets
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent


class ProviderCannotStart(RuntimeError):
    """The provider cannot start (a database it cannot reach); the message says why, in one line."""


class UnsafeProviderConfiguration(ProviderCannotStart):
    """Raised when production settings would be insecure; the provider refuses to start."""


def instance_path(test_config=None):
    """instance/provider/: deleting the project's instance folder resets the provider too."""
    return (
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("PROVIDER_INSTANCE_PATH")
        or str(ROOT / "instance" / "provider")
    )


DEFAULTS = {
    "ENV_NAME": "development",
    "PROVIDER_URL": "http://127.0.0.1:8001",
    "APP_URL": "http://localhost:8000",
    "REPLICA_URL": "http://localhost:8002",
    # The provider's own session cookie: a different name and host from the app's. It holds
    # only a random id; the sign-in is a row of provider_sessions (sessions.ServerSideSessions).
    "SESSION_COOKIE_NAME": "provider_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # The cookie lasts until the browser closes; the server forgets a sign-in 8 hours (a
    # school day) after it happened, however often it is used (sessions.current_user), and a
    # visitor who never signed in after an hour (their CSRF token's life).
    "SESSION_PERMANENT": False,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # Write the session row when it changes, not on every request that reads it.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "HSTS_SECONDS": 0,
    # The app's client registration (see seed()); from the environment when set.
    "BUILTIN_CLIENT_ID": "authlab-app",
    # SQLite waits up to 15 s for a busy file (PostgreSQL's options are set in load()).
    "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 15}},
    # Access tokens live ten minutes; refresh tokens a day, rotated at every use (AS-5).
    "OAUTH2_TOKEN_EXPIRES_IN": {"authorization_code": 600, "refresh_token": 600},  # nosec B105
    "OAUTH2_REFRESH_TOKEN_LIFETIME": 24 * 3600,
    # Flask-WTF's tokens expire with the page after an hour.
    "WTF_CSRF_TIME_LIMIT": 3600,
    # PW-6: failed attempts allowed per window (throttle.counts_failures), counted in this
    # provider's database, which every worker and every instance already shares. A class
    # behind one NAT shares an address, so an address may fail more often than an account.
    # Successful sign-ins are never counted. An account's low limit is counted per address: a
    # stranger failing as bob locks his own address out of bob's account, not bob himself; the
    # account's limit over all addresses is higher, since only a many-address guesser meets it.
    "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS": "5 per minute",
    "LOGIN_FAILURES_PER_ACCOUNT": "20 per 5 minutes",
    "LOGIN_FAILURES_PER_ADDRESS": "30 per minute",
    "TOKEN_FAILURES_PER_CLIENT": "60 per minute",
    "TOKEN_FAILURES_PER_ADDRESS": "120 per minute",
    # RFC 8628 §5.1: "the authorization server SHOULD rate-limit user-code attempts". Wrong
    # codes typed at /device (flow_views.py); with 20^8 codes living ten minutes, a guesser
    # gets nowhere.
    "DEVICE_CODE_FAILURES_PER_ACCOUNT": "5 per minute",
    "DEVICE_CODE_FAILURES_PER_ADDRESS": "30 per minute",
    # RFC 8628 §3.2: the seconds a device waits between polls at first; each slow_down adds 5
    # for good (§3.5, device.py). The live servers of the tests set 2 (tests/conftest.py).
    "DEVICE_POLLING_INTERVAL": 5,
    # The deliberately naive twin of this provider (provider/naive_provider.py) exists for the
    # attack bench only; production never routes it.
    "ENABLE_ATTACK_DEMOS": True,
}


def load(app, test_config=None):
    config = app.config
    config.update(DEFAULTS)
    config["BUILTIN_CLIENT_SECRET"] = None  # from the environment, or generated in development
    config["ENV_NAME"] = os.environ.get("APP_ENV", "development")
    for name in ("PROVIDER_URL", "APP_URL", "REPLICA_URL", "BUILTIN_CLIENT_ID", "BUILTIN_CLIENT_SECRET"):
        if os.environ.get(name):
            config[name] = os.environ[name]
    config["SECRET_KEY"] = os.environ.get("PROVIDER_SECRET_KEY")
    config["SIGNING_KEY_PEM"] = os.environ.get("PROVIDER_SIGNING_KEY")
    # Its own database: a SQLite file in its instance folder, or PostgreSQL when
    # PROVIDER_DATABASE_URL names one. Never the app's DATABASE_URL: another party keeps its
    # users, clients and tokens in a store of its own.
    config["SQLALCHEMY_DATABASE_URI"] = (
        os.environ.get("PROVIDER_DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'provider.sqlite'}"
    )
    config["REGISTRATION_FILE"] = str(Path(app.instance_path) / "builtin-client.json")
    config.update(test_config or {})
    config["SQLALCHEMY_DATABASE_URI"] = database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A connection the server dropped is noticed at checkout; a silent host is given up on.
        # READ COMMITTED whatever the server's default: the grants' compare-and-set statements
        # and row locks (grants.py, oauth2.save_token) are written for it.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "isolation_level": "READ COMMITTED",
            "connect_args": {"connect_timeout": 10},
        }
        check_reachable(config["SQLALCHEMY_DATABASE_URI"])
    for name in ("PROVIDER_URL", "APP_URL", "REPLICA_URL"):
        config[name] = config[name].rstrip("/")
    # The Host headers this provider answers (a forged one is a 400 before any view): its own
    # name, and loopback outside production. Another name resolving to this machine (DNS
    # rebinding) reaches nothing here.
    if config.get("TRUSTED_HOSTS") is None:
        own = urlsplit(config["PROVIDER_URL"]).hostname
        loopback = [] if config["ENV_NAME"] == "production" else ["localhost", "127.0.0.1", "::1", "[::1]"]
        config["TRUSTED_HOSTS"] = sorted({own, *loopback})
    # Tests switch throttling on only where they test it (as the app's TestConfig does).
    config.setdefault("RATELIMIT_ENABLED", config["ENV_NAME"] != "test")
    make_private(app)
    if config["ENV_NAME"] == "production":
        refuse_unsafe_production(config)
        config["ENABLE_ATTACK_DEMOS"] = False
        config["SESSION_COOKIE_SECURE"] = True
        config["HSTS_SECONDS"] = 365 * 24 * 3600
        return
    config["SECRET_KEY"] = config["SECRET_KEY"] or own_secret(app, "secret-key.txt", new_secret)
    config["SIGNING_KEY_PEM"] = config["SIGNING_KEY_PEM"] or own_secret(app, "signing-key.pem", new_signing_key)


# HDR-8: the instance folder holds the database (users' password hashes, live sessions, token
# digests) and the development secrets. Only the account that runs the provider may open
# them, whatever the umask: the folder is 0700, every file in it 0600. SQLite gives its -wal
# and -shm files the mode of the database file, so creating that one 0600 covers all three.
def make_private(app):
    folder = Path(app.instance_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    database = folder / "provider.sqlite"
    if app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}":
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))  # never truncates
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):  # another process's temporary file, gone
                os.chmod(path, 0o600)


# PROVIDER_DATABASE_URL=postgresql://user:password@host/name, as PostgreSQL's tools write it:
# SQLAlchemy would read that as psycopg2, which is not installed, so the bare form (and the
# older postgres://) means psycopg 3, the driver requirements.txt pins. The app does the same
# for its DATABASE_URL (storage.py); this party keeps its own copy.
POSTGRESQL = "postgresql+psycopg"


def database_url(uri):
    """The SQLAlchemy URL for `uri` (sqlite:///..., postgresql://...), or a refusal to start."""
    try:
        url = make_url(uri)
    except ArgumentError as exc:
        raise ProviderCannotStart("PROVIDER_DATABASE_URL is not a database URL: write postgresql://...") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=POSTGRESQL)
    if url.drivername not in ("sqlite", POSTGRESQL):
        raise ProviderCannotStart(
            f"PROVIDER_DATABASE_URL names {url.drivername}://, but the provider runs on SQLite or "
            "PostgreSQL through psycopg 3 (postgresql://...)"
        )
    return url.render_as_string(hide_password=False)


def check_reachable(uri):
    """Refuse to start, in one line, when PostgreSQL cannot be reached or signed in to, has no
    schema on the URL's search_path (where create_all would put the tables), or will not let
    this user make the tables that are missing (PostgreSQL 15: only the owner, in `public`)."""
    shown = make_url(uri).render_as_string(hide_password=True)
    engine = create_engine(uri, poolclass=NullPool, connect_args={"connect_timeout": 10})
    where = (
        "SELECT current_schema(), current_user, has_schema_privilege(current_schema(), 'CREATE'), "
        "to_regclass('provider_users') IS NOT NULL"
    )
    try:
        with engine.connect() as connection:
            schema, user, may_create, made = connection.execute(text(where)).one()
    except DBAPIError as exc:
        message = re.sub(r"\s+", " ", str(exc.orig)).strip()
        raise ProviderCannotStart(f"cannot reach the provider's database {shown}: {message}") from exc
    finally:
        engine.dispose()
    if schema is None:
        raise ProviderCannotStart(
            f"the provider's database {shown} has no schema on its search_path: create it (CREATE SCHEMA ...) "
            "or correct the URL's options=-csearch_path"
        )
    if not may_create and not made:
        raise ProviderCannotStart(
            f"the provider's database {shown} has no tables yet, and {user} may not create them in schema "
            f'{schema}: GRANT CREATE ON SCHEMA "{schema}" TO "{user}", or start once as a user who may'
        )


def own_secret(app, filename, make):
    """Read a development secret from instance/provider/, creating it (0600) on first run."""
    path = Path(app.instance_path) / filename
    if not path.exists():
        tmp = path.with_name(f".{filename}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
        try:
            os.link(tmp, path)  # fails if another process created it first; theirs wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()


def new_secret():
    return secrets.token_urlsafe(32)


def new_signing_key():
    """A 2048-bit RSA key: id_tokens are signed asymmetrically (AS-8) so clients verify them
    with the public half published in the JWKS, and no client can forge one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def write_registration(app, client_id, client_secret):
    """Hand the app its client credentials in development, as a developer would copy them."""
    path = Path(app.config["REGISTRATION_FILE"])
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file left by an older version keeps its mode through O_TRUNC
    with os.fdopen(fd, "w") as fh:
        json.dump({"client_id": client_id, "client_secret": client_secret}, fh, indent=2)


# HDR-5: production refuses to start on a secret anyone could guess. Length alone is not
# strength (32 x "a" is 32 characters and no secret), so each secret must also *look* random:
# estimated_bits() must reach MIN_SECRET_BITS. secrets.token_urlsafe(32) scores about 200.
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128


def refuse_unsafe_production(config):
    problems = [
        problem
        for name, setting in (("PROVIDER_SECRET_KEY", "SECRET_KEY"), ("BUILTIN_CLIENT_SECRET", "BUILTIN_CLIENT_SECRET"))
        if (problem := weak_secret(name, config.get(setting)))
    ]
    if not usable_signing_key(config.get("SIGNING_KEY_PEM")):
        problems.append("PROVIDER_SIGNING_KEY (a PEM RSA private key of 2048 bits or more) is missing or unreadable")
    if os.environ.get("AUTHLIB_INSECURE_TRANSPORT"):
        problems.append("AUTHLIB_INSECURE_TRANSPORT is for development only")
    if not config["PROVIDER_URL"].startswith("https://"):
        problems.append("PROVIDER_URL must be an https:// origin")
    if problems:
        raise UnsafeProviderConfiguration("refusing to start in production: " + "; ".join(problems))


def weak_secret(name, value):
    """Why this secret is unsafe, or None."""
    hint = 'make one with: python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
    if not value:
        return f"{name} is missing ({hint})"
    if len(value) < MIN_SECRET_LENGTH:
        return f"{name} is shorter than {MIN_SECRET_LENGTH} characters ({hint})"
    if (bits := estimated_bits(value)) < MIN_SECRET_BITS:
        return f"{name} looks guessable: about {bits:.0f} bits, {MIN_SECRET_BITS} needed ({hint})"
    return None


def estimated_bits(value):
    """A rough strength estimate from character counts (Shannon entropy times length).

    Taken over one period of a repeating string ("abab..." counts as "ab"), and also over the
    steps between neighbouring characters, so a run such as "0123456789abc..." scores as the
    one step it repeats; the lower of the two estimates counts. It can only flag the obviously
    non-random: a random secret is what it is because of how it was made, not how it looks.
    """
    value = value[:1024]
    period = next((p for p in range(1, len(value)) if value[p:] == value[:-p]), len(value))
    value = value[:period]
    steps = [ord(b) - ord(a) for a, b in zip(value, value[1:], strict=False)]
    return min(shannon_bits(value), math.log2(95) + shannon_bits(steps))


def shannon_bits(items):
    counts, n = Counter(items), len(items)
    return sum(c * math.log2(n / c) for c in counts.values())


def usable_signing_key(pem):
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (AttributeError, TypeError, ValueError, UnsupportedAlgorithm):
        return False
    return isinstance(key, rsa.RSAPrivateKey) and key.key_size >= 2048
