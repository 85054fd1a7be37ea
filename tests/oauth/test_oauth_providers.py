"""GitHub and Google: their URLs and parameters, checked without calling the internet; and the
lab page, which lists configured providers and explains how to configure the others."""

import time

import pytest
import requests

from app import create_app
from blueprints.oauth import providers
from blueprints.oauth.client import remote
from tests.conftest import app_config
from tests.oauth_flow import query

# Google's discovery document, as Google publishes it (the parts the client reads).
GOOGLE_METADATA = {
    "issuer": "https://accounts.google.com",
    "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_endpoint": "https://oauth2.googleapis.com/token",
    "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
    "revocation_endpoint": "https://oauth2.googleapis.com/revoke",
    "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
    "code_challenge_methods_supported": ["plain", "S256"],
    "id_token_signing_alg_values_supported": ["RS256"],
}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Any request leaving this machine fails the test."""

    def refuse(self, request, **kwargs):
        raise AssertionError(f"a test tried to reach the internet: {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)


@pytest.fixture
def configured_app(tmp_path):
    return create_app(
        app_config(
            tmp_path / "instance",
            GITHUB_CLIENT_ID="gh-client-id",
            GITHUB_CLIENT_SECRET="gh-client-secret",
            GOOGLE_CLIENT_ID="123.apps.googleusercontent.com",
            GOOGLE_CLIENT_SECRET="google-secret",
        )
    )


def test_github_uses_githubs_own_endpoints_the_articles_erratum():
    assert providers.GITHUB.endpoints == {
        "authorize_url": "https://github.com/login/oauth/authorize",
        "access_token_url": "https://github.com/login/oauth/access_token",
        "userinfo_endpoint": "https://api.github.com/user",
    }


def test_github_asks_for_the_least_scope_and_is_oauth_only():
    assert providers.GITHUB.scope == "read:user user:email"
    assert "user:full" not in providers.GITHUB.scope
    assert not providers.GITHUB.openid


def test_google_is_configured_by_discovery_with_its_issuer_pinned():
    assert providers.GOOGLE.server_metadata_url == "https://accounts.google.com/.well-known/openid-configuration"
    assert providers.GOOGLE.issuer == "https://accounts.google.com"
    assert providers.GOOGLE.scope == "openid email profile"


def test_github_login_redirects_to_github_with_state_and_pkce(configured_app):
    response = configured_app.test_client().get("/oauth/login?provider=github")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("https://github.com/login/oauth/authorize?")
    params = query(location)
    assert params["client_id"] == "gh-client-id"
    assert params["redirect_uri"] == "http://localhost:8000/oauth/callback"
    assert params["scope"] == "read:user user:email"
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 20
    assert "nonce" not in params


def test_google_login_redirects_to_googles_discovered_endpoint_with_a_nonce(configured_app):
    with configured_app.test_request_context():
        remote("google").server_metadata.update(GOOGLE_METADATA, _loaded_at=time.time())
    response = configured_app.test_client().get("/oauth/login?provider=google")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    params = query(location)
    assert params["client_id"] == "123.apps.googleusercontent.com"
    assert params["scope"] == "openid email profile"
    assert params["code_challenge_method"] == "S256"
    assert len(params["nonce"]) >= 20


def test_github_client_settings_send_the_secret_only_to_the_token_endpoint(configured_app):
    settings = providers.client_settings(configured_app, "github")
    assert settings["access_token_url"] == "https://github.com/login/oauth/access_token"
    assert settings["client_kwargs"]["code_challenge_method"] == "S256"


def test_the_replica_gives_its_own_registered_callback(tmp_path):
    replica = create_app(app_config(tmp_path / "instance", INSTANCE_NAME="replica"))
    assert providers.redirect_uri(replica) == "http://localhost:8002/oauth/callback"


def test_lab_page_lists_configured_providers(configured_app):
    page = configured_app.test_client().get("/oauth/").get_data(as_text=True)
    assert "Sign in with GitHub" in page
    assert "Sign in with Google" in page


def test_lab_page_explains_how_to_register_unconfigured_providers(client):
    page = client.get("/oauth/").get_data(as_text=True)
    assert "Sign in with Lab Identity Provider" in page
    for label in ("GitHub: not configured", "Google: not configured"):
        assert label in page
    assert "https://github.com/settings/applications/new" in page
    assert "https://console.cloud.google.com/apis/credentials" in page
    assert '<code class="redirect-uri">http://localhost:8000/oauth/callback</code>' in page


def test_without_a_registration_the_builtin_provider_explains_itself(tmp_path):
    app = create_app(app_config(tmp_path / "instance", BUILTIN_CLIENT_ID=None, BUILTIN_CLIENT_SECRET=None))
    client = app.test_client()
    assert "Lab Identity Provider (built in): not configured" in client.get("/oauth/").get_data(as_text=True)
    assert client.get("/oauth/login").status_code == 404


def test_the_app_reads_the_registration_the_provider_wrote(tmp_path):
    import json

    instance = tmp_path / "instance"
    (instance / "provider").mkdir(parents=True)
    (instance / "provider" / "builtin-client.json").write_text(json.dumps({"client_id": "id1", "client_secret": "s1"}))
    app = create_app(app_config(instance, BUILTIN_CLIENT_ID=None, BUILTIN_CLIENT_SECRET=None))
    response = app.test_client().get("/oauth/")
    assert "Sign in with Lab Identity Provider" in response.get_data(as_text=True)


def test_github_has_no_id_token_step_and_names_the_user_by_login(configured_app):
    """GitHub's user API shape ({"login", "id"}) signs in under the login; step 5 says why it is empty."""
    from flask import session

    from blueprints.oauth import flow

    with configured_app.test_request_context("/oauth/callback"):
        session["oauth_dance"] = {"provider": "github", "paused": False, "steps": {}, "failed": None, "extra": []}
        session["oauth_pending"] = {"nonce": None}
        session["oauth_tokens"] = {"access_token": "gho_x", "token_type": "bearer"}
        flow.verify_id_token()
        assert "OAuth 2.0 only" in session["oauth_dance"]["steps"]["id_token"]["skipped"]
        flow.sign_in("github", {"login": "octocat", "id": 583231, "name": "The Octocat"})
        assert session["oauth_identity"] == {"name": "octocat", "sub": "583231", "provider": "github"}
        assert "oauth_pending" not in session


@pytest.mark.parametrize(("provider", "status"), [("builtin", 200), ("github", 403), ("google", 403)])
def test_admin_maps_only_the_builtin_providers_alice_to_the_apps_admin(configured_app, provider, status):
    """Another provider's "alice" is somebody else: the app's accounts are mapped from its own provider only."""
    client = configured_app.test_client()
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "alice", "sub": "1", "provider": provider}
    assert client.get("/oauth/admin").status_code == status
