"""Production settings, as `make serve` runs them: each refusal and each hardening, asserted."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import serve
from tests.app.serving import Served, production_environment, run_serve
from tests.conftest import PRODUCTION, PRODUCTION_ADMIN

ROOT = Path(__file__).resolve().parents[2]
ORIGINS = {"APP_URL": PRODUCTION["APP_URL"], "PROVIDER_URL": PRODUCTION["PROVIDER_URL"]}
STRONG = {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "JWT_SECRET_KEY": PRODUCTION["JWT_SECRET_KEY"]}
APP_HOST = ORIGINS["APP_URL"].removeprefix("https://")


def in_production(command, input=None, **env):
    """Run a command as the operator would, with `make serve`'s environment, in a clean process."""
    clean = {k: v for k, v in os.environ.items() if k not in {"AUTHLIB_INSECURE_TRANSPORT", "SECRET_KEY"}}
    return subprocess.run(
        command,
        cwd=ROOT,
        env=clean | {"APP_ENV": "production", "APP_INSTANCE_PATH": env.pop("instance")} | env,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- make serve: serve.py starts granian, after production's checks -----------------------


def test_hdr_5_make_serve_refuses_to_start_without_secrets_in_one_line(tmp_path):
    done = run_serve("wsgi:app", production_environment(tmp_path, **ORIGINS))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "wsgi:app: refusing to start in production: SECRET_KEY is missing or a known default; "
        "JWT_SECRET_KEY is missing or a known default"
    ]


def test_hdr_5_make_serve_provider_refuses_to_start_without_its_secrets_in_one_line(tmp_path):
    done = run_serve("wsgi:provider", production_environment(tmp_path, **ORIGINS))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("wsgi:provider: refusing to start in production:")
    assert "PROVIDER_SECRET_KEY" in line


def test_hdr_5_make_serve_answers_through_granian_with_strong_secrets(tmp_path):
    served = Served("wsgi:app", production_environment(tmp_path / "i", **ORIGINS, **STRONG), tmp_path / "log")
    try:
        status, headers, body = served.get("/healthz", host=APP_HOST)
    finally:
        stopped = served.stop()
    assert (status, json.loads(body)) == (200, {"instance": "app", "status": "ok"})
    assert headers["Server"] == "granian"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert stopped == 0, served.log()


def test_hdr_5_make_serve_provider_answers_through_granian_with_its_secrets(tmp_path):
    from provider.settings import new_signing_key

    secrets = {
        "PROVIDER_SECRET_KEY": "Xq0W1CkQ0m8rV3dzH6tJp9sLb2YfN5uGa7eTiRoKhMw",
        "BUILTIN_CLIENT_SECRET": "Vt4nB8yZc1Lq6dRs0pWk3HfJx9MeGu2oAi5NbCl7KhE",
        "PROVIDER_SIGNING_KEY": new_signing_key(),
    }
    env = production_environment(tmp_path / "i", **ORIGINS, **secrets)
    served = Served("wsgi:provider", env, tmp_path / "log", workers=1)
    try:
        status, headers, body = served.get("/.well-known/openid-configuration", host="id.example.edu")
    finally:
        stopped = served.stop()
    assert (status, headers["Server"]) == (200, "granian")
    assert json.loads(body)["issuer"] == ORIGINS["PROVIDER_URL"]
    assert stopped == 0, served.log()


@pytest.mark.parametrize(
    "bind",
    ["8000", "localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:99999", "http://127.0.0.1:8000", "u@h:80", "h:80/x"],
)
def test_make_serve_refuses_a_bind_that_is_not_host_and_port(bind):
    with pytest.raises(serve.Refusal, match="^" + re.escape(f"BIND={bind} is not host:port")):
        serve.read_settings({"BIND": bind})


@pytest.mark.parametrize("workers", ["0", "-1", "two", "1.5", "65", "\u00b2", "4 "])
def test_make_serve_refuses_a_worker_count_that_is_not_1_to_64(workers):
    with pytest.raises(
        serve.Refusal, match="^" + re.escape(f"WEB_CONCURRENCY={workers} is not a number of worker processes")
    ):
        serve.read_settings({"WEB_CONCURRENCY": workers})


def test_make_serve_runs_a_worker_per_core_on_loopback_port_8000_by_default():
    settings = serve.read_settings({})
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, min(os.cpu_count(), 64))


@pytest.mark.parametrize("threads", ["0", "-1", "many", "1.5", "65", "\u00b9", " 2"])
def test_make_serve_refuses_a_thread_count_that_is_not_1_to_64(threads):
    with pytest.raises(
        serve.Refusal, match="^" + re.escape(f"WORKER_THREADS={threads} is not a number of Python threads per worker")
    ):
        serve.read_settings({"WORKER_THREADS": threads})


def test_make_serve_runs_one_python_thread_per_worker_by_default():
    assert serve.read_settings({}).threads == 1
    assert serve.read_settings({"WORKER_THREADS": "8"}).threads == 8


def test_make_serve_reads_an_ipv6_bind_in_brackets():
    settings = serve.read_settings({"BIND": "[::1]:8443"})
    assert (settings.host, settings.port) == ("::1", 8443)


def test_make_serve_refuses_a_bad_setting_in_one_line_before_starting(tmp_path):
    done = run_serve("wsgi:app", production_environment(tmp_path, WEB_CONCURRENCY="many", **ORIGINS, **STRONG))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["WEB_CONCURRENCY=many is not a number of worker processes from 1 to 64"]


def test_make_serve_serves_only_the_app_or_the_provider(tmp_path):
    done = run_serve("attacker:create_app", production_environment(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip() == "usage: python serve.py wsgi:app | wsgi:provider"


def test_hdr_6_flask_create_admin_makes_the_first_admin_as_the_readme_says(tmp_path):
    username, password = PRODUCTION_ADMIN
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "create-admin", username]
    done = in_production(flask, input=f"{password}\n{password}\n", instance=str(tmp_path), **ORIGINS, **STRONG)
    assert done.returncode == 0, done.stderr
    assert f"Created the admin account {username}" in done.stdout


def test_hdr_5_production_runs_with_debug_off(production_app):
    assert production_app.debug is False


def test_hdr_1_production_session_cookie_is_secure_on_the_wire(production_app, production_admin):
    username, password = production_admin
    client = production_app.test_client()
    response = client.post(
        "/session/login",
        json={"username": username, "password": password},
        base_url=PRODUCTION["APP_URL"],
    )
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_production_never_routes_the_naive_twins(production_app):
    paths = [rule.rule for rule in production_app.url_map.iter_rules()]
    assert not [p for p in paths if p.startswith("/vulnerable")]
    assert "vulnerable" not in production_app.blueprints


def test_production_does_not_start_the_attacker_site(monkeypatch):
    from attacker import create_app as create_attacker

    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="development-only"):
        create_attacker()
