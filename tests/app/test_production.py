"""Production settings, as `make serve` runs them: each refusal and each hardening, asserted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PRODUCTION, PRODUCTION_ADMIN

ROOT = Path(__file__).resolve().parents[2]
ORIGINS = {"APP_URL": PRODUCTION["APP_URL"], "PROVIDER_URL": PRODUCTION["PROVIDER_URL"]}
STRONG = {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "JWT_SECRET_KEY": PRODUCTION["JWT_SECRET_KEY"]}


def serve_entry_point(target, **env):
    """Import `wsgi:<target>` as gunicorn does for `make serve`, in a clean process."""
    return in_production([sys.executable, "-c", f"import wsgi; wsgi.{target}"], **env)


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


def test_hdr_5_make_serve_refuses_to_start_without_secrets(tmp_path):
    done = serve_entry_point("app", instance=str(tmp_path), **ORIGINS)
    assert done.returncode != 0
    assert "refusing to start in production" in done.stderr


def test_hdr_5_make_serve_starts_with_strong_secrets(tmp_path):
    done = serve_entry_point("app", instance=str(tmp_path), **ORIGINS, **STRONG)
    assert done.returncode == 0, done.stderr


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
