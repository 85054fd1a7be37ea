"""The provider's developer console, its first start, and its production settings (HDR-1, HDR-5)."""

import secrets

import pytest

from provider.issued import Grant
from provider.models import db
from tests.conftest import PASSWORDS
from tests.oauth_flow import CLIENT_ID, ProviderFlow, register_client

# --- The console --------------------------------------------------------------------------


def test_console_requires_sign_in(provider_client):
    assert provider_client.get("/console/").headers["Location"].startswith("/login?next=/console/")


def test_console_registers_a_client_and_shows_its_secret_once(provider_client):
    registered = register_client(provider_client)
    assert len(registered["secret"]) >= 43
    listing = provider_client.get("/console/").get_data(as_text=True)
    assert registered["client_id"] in listing
    assert registered["secret"] not in listing
    flow = ProviderFlow(
        provider_client,
        client_id=registered["client_id"],
        secret=registered["secret"],
        redirect_uri="https://other.example/cb",
    )
    code, _ = flow.code(scope="openid")
    assert flow.token(code).status_code == 200


@pytest.mark.parametrize(
    "uris",
    ["not a url", "http://evil.example/cb", "https://x.example/cb#frag", "https://*.example/cb", "javascript:alert(1)"],
)
def test_console_refuses_unsafe_redirect_uris(provider_client, uris):
    from tests.oauth_flow import csrf_token

    ProviderFlow(provider_client).login()
    token = csrf_token(provider_client.get("/console/clients/new").get_data(as_text=True))
    data = {"csrf_token": token, "client_name": "x", "redirect_uris": uris}
    assert provider_client.post("/console/clients/new", data=data).status_code == 400


def test_console_lists_and_revokes_a_users_grants(flow):
    from tests.oauth_flow import csrf_token

    tokens = flow.tokens()
    page = flow.client.get("/console/").get_data(as_text=True)
    assert "Auth Lab (the teaching app)" in page
    import re

    action = re.search(r'action="(/console/grants/\d+/revoke)"', page).group(1)
    response = flow.client.post(action, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert flow.userinfo(tokens["access_token"]).status_code == 401
    assert "you revoked it in the console" in flow.client.get("/console/").get_data(as_text=True)


def test_console_cannot_revoke_another_users_grant(provider_client, provider_app):
    alice = ProviderFlow(provider_client)
    alice.login()
    alice.tokens()
    bob_client = provider_app.test_client()
    bob = ProviderFlow(bob_client)
    bob.login("bob", PASSWORDS["bob"])
    from tests.oauth_flow import csrf_token

    token = csrf_token(bob_client.get("/console/clients/new").get_data(as_text=True))
    with provider_app.app_context():
        grant_id = db.session.execute(db.select(Grant.id)).scalars().first()
    assert bob_client.post(f"/console/grants/{grant_id}/revoke", data={"csrf_token": token}).status_code == 404


# --- Seeding and storage ----------------------------------------------------------------------


def test_first_run_hands_the_app_its_registration(provider_app):
    import json
    from pathlib import Path

    path = Path(provider_app.config["REGISTRATION_FILE"])
    assert json.loads(path.read_text()) == {
        "client_id": CLIENT_ID,
        "client_secret": provider_app.config["BUILTIN_CLIENT_SECRET"],
    }
    assert path.stat().st_mode & 0o077 == 0


def test_development_generates_and_keeps_a_client_secret(tmp_path):
    from provider import create_app

    config = {"ENV_NAME": "test", "INSTANCE_PATH": str(tmp_path / "p")}
    first = create_app(config)
    secret = (
        first.config["BUILTIN_CLIENT_SECRET"]
        or __import__("json").loads((tmp_path / "p" / "builtin-client.json").read_text())["client_secret"]
    )
    create_app(config)
    again = __import__("json").loads((tmp_path / "p" / "builtin-client.json").read_text())["client_secret"]
    assert secret == again and len(secret) >= 43


def test_provider_database_uses_wal(provider_app):
    with provider_app.app_context():
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"


# --- HDR-5: production refuses unsafe settings ---------------------------------------------


@pytest.mark.parametrize(
    "env,problem",
    [
        ({"PROVIDER_SECRET_KEY": ""}, "PROVIDER_SECRET_KEY"),
        ({"PROVIDER_SIGNING_KEY": ""}, "PROVIDER_SIGNING_KEY"),
        ({"BUILTIN_CLIENT_SECRET": "short"}, "BUILTIN_CLIENT_SECRET"),
        ({"PROVIDER_URL": "http://id.example.org"}, "https://"),
        ({"AUTHLIB_INSECURE_TRANSPORT": "1"}, "AUTHLIB_INSECURE_TRANSPORT"),
    ],
)
def test_hdr_5_provider_production_refuses_unsafe_settings(tmp_path, monkeypatch, signing_key_pem, env, problem):
    from provider import create_app
    from provider.settings import UnsafeProviderConfiguration

    good = {
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(32),
        "PROVIDER_SIGNING_KEY": signing_key_pem,
        "BUILTIN_CLIENT_SECRET": secrets.token_urlsafe(32),
        "PROVIDER_URL": "https://id.example.org",
    }
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    for name, value in {**good, **env}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeProviderConfiguration, match=problem):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})


def test_hdr_1_provider_production_sets_secure_cookies_and_hsts(tmp_path, monkeypatch, signing_key_pem):
    from provider import create_app

    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    for name, value in {
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(32),
        "PROVIDER_SIGNING_KEY": signing_key_pem,
        "BUILTIN_CLIENT_SECRET": secrets.token_urlsafe(32),
        "PROVIDER_URL": "https://id.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/.well-known/jwks.json", base_url="https://id.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert not (tmp_path / "p" / "builtin-client.json").exists()
