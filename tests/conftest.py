"""Fixtures: the app and the provider in-process, live servers on free ports, a real browser."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import sqlalchemy
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from werkzeug.datastructures import EnvironHeaders, Headers
from werkzeug.serving import make_server

# Plain http on loopback, as in `make run` (the production config refuses this setting).
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
# Speed only: every test's databases live under its tmp_path, and SQLite waits for the disk at
# each commit (about 6 ms here, dozens of commits a test). On Linux's RAM disk it does not.
# pytest still numbers, locks and rotates its folders there; a TMPDIR or PYTEST_DEBUG_TEMPROOT
# the developer chose wins, and --basetemp too.
RAM_DISK = "/dev/shm"  # noqa: S108 (pytest makes its own pytest-of-<user> folder there, 0700)
if not (os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT")) and os.access(RAM_DISK, os.W_OK):
    os.environ["PYTEST_DEBUG_TEMPROOT"] = RAM_DISK
# Keep a developer's .env or shell settings out of the tests.
for _name in ("APP_ENV", "REDIS_URL", "SESSION_TYPE", "DATABASE_URL", "PROVIDER_DATABASE_URL", "APP_INSTANCE_PATH"):
    os.environ.pop(_name, None)

# Hypothesis: a small sample in `make test`, 10,000 inputs per family in `make fuzz`.
settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.register_profile("fuzz", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

import models  # noqa: E402
import passwords  # noqa: E402
import provider.models  # noqa: E402
import provider.seed  # noqa: E402
from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from models import DEMO_ACCOUNTS  # noqa: E402
from provider import create_app as create_provider  # noqa: E402
from wire.store import WireRecord  # noqa: E402

# The contract's demo accounts, username -> password.
PASSWORDS = {username: password for username, password, _role in DEMO_ACCOUNTS}


# --- Argon2id at test strength (speed only) -----------------------------------------------
# Production hashes with OWASP's parameters (passwords.py, provider/models.py), about 70 ms a
# sign-in on purpose (PW-1); the suite signs in thousands of times. In the test process the
# app and the provider run the same Argon2id with the smallest cost argon2 accepts: every hash
# is still a real Argon2id hash, verified the same way, an unknown user still costs one
# verification. The tests that read production's parameters in a stored hash take the
# `production_argon2` fixture. What the tests start as a process of its own (make run, make
# serve, the notebooks, the exercises' checks) hashes at production's cost.
PRODUCTION_ARGON2 = passwords.hasher
TEST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def use_argon2(hasher):
    """Hash and verify with `hasher` in the app and the provider, from now on."""
    passwords.hasher = provider.models.hasher = provider.seed.hasher = hasher
    passwords.DUMMY_HASH = hasher.hash("no such user: this hash only burns the same time")
    provider.models.DUMMY_HASH = hasher.hash("nobody has this password")
    models.demo_hash.cache_clear()  # the demo accounts' hashes, made once per process


use_argon2(TEST_ARGON2)


@pytest.fixture
def production_argon2():
    """Production's Argon2id parameters for one test (request it before `app`)."""
    use_argon2(PRODUCTION_ARGON2)
    yield PRODUCTION_ARGON2
    use_argon2(TEST_ARGON2)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CLIENT_ID = "authlab-app"
CLIENT_SECRET = "test-client-secret-0123456789abcdef0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_config(instance, **overrides):
    """Test settings for the teaching app; fixed secrets so instances can share a store."""
    config = {
        "ENV_NAME": "test",
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-" + "a" * 40,
        "JWT_SECRET_KEY": "test-jwt-secret-" + "b" * 40,
        "BUILTIN_CLIENT_ID": CLIENT_ID,
        "BUILTIN_CLIENT_SECRET": CLIENT_SECRET,
    }
    config.update(overrides)
    return config


def provider_config(instance, **overrides):
    config = {
        "ENV_NAME": "test",
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "BUILTIN_CLIENT_ID": CLIENT_ID,
        "BUILTIN_CLIENT_SECRET": CLIENT_SECRET,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app(tmp_path):
    return create_app(app_config(tmp_path / "instance"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# The app as `make serve` runs it: production settings, https origins, strong secrets (made once
# with secrets.token_urlsafe(32): production refuses a secret with a pattern, HDR-5).
PRODUCTION = {
    "ENV_NAME": "production",
    "APP_URL": "https://auth.example.edu",
    "PROVIDER_URL": "https://id.example.edu",
    "SECRET_KEY": "1SeUhBIy5oyRrhlZ09E80ukfXzrG8lgqwjq9fGJsRxs",
    "JWT_SECRET_KEY": "EeNDaJRqb9GmGdB54AEWTN4UCQjaNm5vYJgyOCDQZz4",
}

# The first admin of a production instance, as the operator makes it (HDR-6: none is seeded).
PRODUCTION_ADMIN = ("operator", "a long passphrase nobody else knows")


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    """A production app (production refuses AUTHLIB_INSECURE_TRANSPORT, so it is unset here)."""
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    return create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path / "production")})


@pytest.fixture
def production_admin(production_app):
    """(username, password) of an admin made with `flask create-admin` on the production app."""
    username, password = PRODUCTION_ADMIN
    result = production_app.test_cli_runner().invoke(args=["create-admin", username], input=f"{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    return username, password


@pytest.fixture
def provider_app(tmp_path):
    return create_provider(provider_config(tmp_path / "provider-instance"))


@pytest.fixture
def provider_client(provider_app):
    return provider_app.test_client()


class ServerThread(threading.Thread):
    """A WSGI app served on a loopback address from a thread, for as long as the test session runs."""

    def __init__(self, app, port, address="127.0.0.1"):
        super().__init__(daemon=True)
        self.server = make_server(address, port, app, threaded=True)

    def run(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()


class Received:
    """WSGI middleware: the headers of each request as the server received them (httpbin's idea).

    Browser tests read what Chromium really sent (Cookie, Sec-Fetch-Site), not what a page claims.
    """

    def __init__(self, app):
        self.app = app
        self.requests = deque(maxlen=500)

    def __call__(self, environ, start_response):
        self.requests.append((environ.get("QUERY_STRING", ""), Headers(EnvironHeaders(environ).items())))
        return self.app(environ, start_response)

    def headers(self, marker):
        """The headers of the one request whose query string carries `marker`."""
        found = [headers for query, headers in self.requests if marker in query]
        assert len(found) == 1, f"{len(found)} requests carried {marker!r}"
        return found[0]


@dataclass
class LiveServers:
    app_url: str
    provider_url: str
    replica_url: str
    attacker_url: str
    app: object
    provider: object
    replica: object
    # What each party's server received, by party name ("app", "provider", "replica", "attacker").
    received: dict = field(default_factory=dict)
    # The contract's fallback origin of the attacker, http://[::1]:<port> (None without IPv6).
    attacker_fallback_url: str | None = None


# The live provider asks a device to wait 2 s between polls, not RFC 8628's customary 5: the
# browser tests watch the device lab poll, and slow_down still adds 5 s (device.SLOW_DOWN_STEP).
# Not 1 s: the app lets a page poll once a second (blueprints/oauth/device.POLL_FLOOR), and
# "Poll too fast" must come after that floor and before the provider's interval.
LIVE_DEVICE_POLLING_INTERVAL = 2


def start_live_servers(base, **app_overrides):
    """The four origins of the contract, on free ports, with the contract's host names.

    Each is served where `make run` serves it (run.loopback_address); the attacker's site is
    also served on [::1], its fallback origin, where this machine has IPv6.
    """
    from attacker import create_app as create_attacker
    from run import loopback_address, origins_on_free_ports

    urls = origins_on_free_ports()
    instance = base / "instance"
    apps = {
        "app": create_app(app_config(instance, **urls, **app_overrides)),
        "replica": create_app(app_config(instance, **urls, INSTANCE_NAME="replica", **app_overrides)),
        "provider": create_provider(
            provider_config(base / "provider-instance", **urls, DEVICE_POLLING_INTERVAL=LIVE_DEVICE_POLLING_INTERVAL)
        ),
        "attacker": create_attacker({**urls, "EXPLOIT_FOLDER": str(base / "attacker-exploits")}),
    }
    received = {name: Received(app) for name, app in apps.items()}
    threads = []
    for name in apps:
        url = urls[name.upper() + "_URL"]
        threads.append(ServerThread(received[name], urlsplit(url).port, loopback_address(url)))
    fallback, port = None, urlsplit(urls["ATTACKER_URL"]).port
    try:
        threads.append(ServerThread(received["attacker"], port, "::1"))
        fallback = f"http://[::1]:{port}"
    except OSError:  # no IPv6 loopback here, or that port is taken on it
        pass
    for thread in threads:
        thread.start()
    servers = LiveServers(
        urls["APP_URL"],
        urls["PROVIDER_URL"],
        urls["REPLICA_URL"],
        urls["ATTACKER_URL"],
        apps["app"],
        apps["provider"],
        apps["replica"],
        received,
        fallback,
    )
    return servers, threads


def resolve_localhost_names(getaddrinfo):
    """socket.getaddrinfo that resolves *.localhost to 127.0.0.1, as browsers do (RFC 6761).

    Python's resolver here does not know attacker.localhost; with this, a test's HTTP client
    connects to 127.0.0.1 and still sends `Host: attacker.localhost:<port>`.
    """

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return getaddrinfo(host, *args, **kwargs)

    return resolve


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """All four origins, started once for the session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_localhost_names(socket.getaddrinfo))
        servers, threads = start_live_servers(tmp_path_factory.mktemp("live"))
        yield servers
        for thread in threads:
            thread.stop()


@pytest.fixture(autouse=True)
def fresh_wire_store(request):
    """A test on the live servers starts with nothing captured, as a student's own laptop does.

    The wire store bounds what one address may capture (wire/store.py, LAB-1: 120 a minute,
    500 live). Every test of an xdist worker reaches the shared live servers from 127.0.0.1,
    and together they capture more in a minute than any student would: without this, a later
    test's hops are refused ("throttled") and its raw-hops panel says "not recorded".
    """
    if "live" not in request.fixturenames:
        return
    app = request.getfixturevalue("live").app  # the replica shares its database
    with app.app_context():
        db.session.execute(sqlalchemy.delete(WireRecord))
        db.session.commit()


# --- Redis: a real redis-server on a free port -------------------------------------------


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private redis-server for the tests (installed by .ci/run; a skip fails in CI)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start within 10 s")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


# --- PostgreSQL: a real server, Debian's package, a cluster of the tests' own -------------

POSTGRES_USER = "authlab"
POSTGRES_PASSWORD = "test-postgres-password"  # noqa: S105 (a throwaway cluster on loopback)


def postgres_binaries():
    """The folder of Debian's initdb and pg_ctl (the newest major version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[-3]))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def as_postgres_user(command):
    """PostgreSQL refuses to run as root (CI runs as root): run it as the `postgres` account."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A private PostgreSQL cluster for the tests (installed by .ci/run; a skip fails in CI).

    initdb makes it in a folder of its own, the server listens on a free loopback port with its
    socket in that folder, password sign-in only (so a wrong password is really refused), and
    without fsync (a throwaway cluster: speed only). Yields a postgresql+psycopg:// URL of a
    database made for the session; the server is stopped at the end.
    """
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    if os.geteuid() == 0:
        # The postgres account cannot enter pytest's folders (root's, 0700): a folder of its own.
        folder = Path(tempfile.mkdtemp(prefix="authlab-postgres-", dir=os.environ.get("PYTEST_DEBUG_TEMPROOT")))
        shutil.chown(folder, "postgres", "postgres")
    else:
        folder = tmp_path_factory.mktemp("postgres")
    data, port = folder / "data", free_port()
    password_file = folder / "password"
    password_file.write_text(POSTGRES_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(password_file, "postgres", "postgres")
    initdb = [f"{binaries}/initdb", "-D", str(data), "-U", POSTGRES_USER, f"--pwfile={password_file}"]
    subprocess.run(
        as_postgres_user([*initdb, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
    pg_ctl = [f"{binaries}/pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "30"]
    started = subprocess.run(as_postgres_user([*pg_ctl, "-o", options, "start"]), capture_output=True, text=True)
    if started.returncode != 0:
        log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
        pytest.fail(f"PostgreSQL did not start: {started.stderr}{log}")
    base = f"postgresql+psycopg://{POSTGRES_USER}:{POSTGRES_PASSWORD}@127.0.0.1:{port}"
    postgres_admin(base, "CREATE DATABASE authlab_tests")
    try:
        yield f"{base}/authlab_tests"
    finally:
        subprocess.run(as_postgres_user([*pg_ctl, "-m", "immediate", "stop"]), check=False, capture_output=True)
        if os.geteuid() == 0:
            shutil.rmtree(folder, ignore_errors=True)


def postgres_admin(base, statement):
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True) as db:
        db.execute(statement)


@pytest.fixture
def postgres_database(postgres_url):
    """A fresh, empty database on the tests' server, for one test: tests never see each other.

    The apps a test makes keep their pools open after it; each connection any pool opened
    during the test is closed at its end (psycopg warns about one left to the garbage collector).
    """
    name = f"t_{uuid.uuid4().hex[:16]}"
    base = postgres_url.rsplit("/", 1)[0]
    postgres_admin(base, f'CREATE DATABASE "{name}"')
    opened = []

    def track(dbapi_connection, _record):
        opened.append(dbapi_connection)

    sqlalchemy.event.listen(sqlalchemy.pool.Pool, "connect", track)
    try:
        yield f"{base}/{name}"
    finally:
        sqlalchemy.event.remove(sqlalchemy.pool.Pool, "connect", track)
        for connection in opened:
            connection.close()
        postgres_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- A real browser: Playwright driving Debian's Chromium ---------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile per test. Fails the test on any CSP violation or script error."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            # A 4xx answer is logged as "Failed to load resource"; the demos provoke those on purpose.
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )
    page.console_problems = problems
    yield page
    context.close()
    assert not problems, "the page logged errors (CSP violations or script errors):\n" + "\n".join(problems)


# --- In CI a skipped test is a failed run: what needs Chromium or Redis must run there. ---


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"CI=true: {len(skipped)} skipped test(s) count as failures here.", red=True)
        session.exitstatus = 1
