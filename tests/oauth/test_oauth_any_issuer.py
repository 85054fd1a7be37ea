"""The app's OAuth client against a real third-party OpenID Provider: panva's oidc-provider 9.

Configured only by its issuer URL (OIDC_PROVIDERS), the OP is run twice: with an issuer
without and with a trailing "/" (Auth0 style). Everything goes over real HTTP: discovery,
sign-in and consent at the OP, the callback, the id_token (signature, iss exactly, at_hash),
userinfo, refresh, revocation, sign-out; and what a misbehaving OP sends is refused.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app import create_app
from blueprints.oauth import issuers
from refusals import CannotStart, UnsafeConfiguration
from tests.conftest import app_config
from tests.oauth import oidc_provider_op
from tests.oauth.oidc_provider_op import OPBrowser
from tests.oauth_flow import csrf_token, query

# Two runs: an issuer without a trailing "/" signing with RS256, and one with it (Auth0 style)
# signing with ES384, whose at_hash is the left half of a SHA-384 hash.
RUNS = {"issuer-without-slash": (False, "RS256"), "issuer-with-slash": (True, "ES384")}


@pytest.fixture(scope="module", params=list(RUNS))
def setup(request, tmp_path_factory):
    trailing_slash, alg = RUNS[request.param]
    found, stop = oidc_provider_op.start(tmp_path_factory.mktemp("any-issuer"), trailing_slash, alg)
    yield found
    stop()


@pytest.fixture
def visitor(setup):
    yield OPBrowser(setup)
    setup.op.tamper("none")


def outcomes(visitor):
    parts = visitor.page("/oauth/dance").text.split("data-after-outcome>")[1:]
    return [part.split("<", 1)[0] for part in parts]


def test_the_issuer_is_published_exactly_as_configured(setup):
    """OIDC Discovery §4.3: <issuer>/.well-known/openid-configuration names that issuer, byte for byte."""
    document = requests.get(setup.op.issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=5).json()
    assert document["issuer"] == setup.op.issuer


def test_the_lab_page_lists_each_configured_issuer(visitor, setup):
    page = visitor.page("/oauth/").text
    for label in ("oidc-provider", "oidc-provider, openid email only", "oidc-provider, issuer mistyped"):
        assert f"Sign in with {label}<" in page
    assert f"<code>{setup.op.issuer}</code>" in page


def test_login_sends_the_browser_to_the_discovered_authorization_endpoint(visitor, setup):
    response = visitor.login_redirect("op")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{setup.op.origin}/auth?")
    params = query(location)
    assert params["client_id"] == "authlab-app"
    assert params["redirect_uri"] == f"{setup.app_url}/oauth/callback"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["nonce"]) >= 20 and len(params["state"]) >= 20
    # OIDC Core §11: offline_access is asked for with prompt=consent.
    assert params["scope"] == "openid profile email offline_access"
    assert params["prompt"] == "consent"


def test_a_whole_sign_in_verifies_the_id_token_and_calls_userinfo(visitor, setup):
    response = visitor.sign_in("op", login="alice")
    assert response.status_code == 302, response.text[:500]
    assert response.headers["Location"].startswith("/oauth/dance")
    page = visitor.page("/oauth/dance").text
    assert "data-oauth-identity>alice<" in page
    assert f"equals {setup.op.issuer} exactly (pinned)" in page
    assert f"<code>at_hash</code> equals the left half of the {setup.alg} hash of the access token" in page
    assert "alice@op.example" in page  # the userinfo claims
    assert visitor.page("/oauth/protected").json()["user"] == "alice"


def test_the_token_response_shows_on_the_wire_panel_as_json(visitor, setup):
    """oidc-provider answers `application/json; charset=utf-8`: the panel still reads it as JSON."""
    visitor.sign_in("op")
    page = visitor.page("/oauth/dance").text
    records = json.loads(page.split('id="wire-token"', 1)[1].split("data-wire-records>", 1)[1].split("</script>", 1)[0])
    token = next(record for record in records if record["request"]["url"].endswith("/token"))
    assert ["Content-Type", "application/json; charset=utf-8"] in token["response"]["headers"]
    body = json.loads(token["response"]["body"])
    assert body["token_type"] == "Bearer"
    assert body["access_token"].endswith("shortened on this page)")


def test_refresh_says_what_the_provider_did(visitor):
    """RFC 6749 §6: oidc-provider keeps a young refresh token for a confidential client (no rotation)."""
    visitor.sign_in("op")
    assert visitor.post("/oauth/refresh").status_code == 302
    (outcome,) = outcomes(visitor)
    assert "not rotated" in outcome, outcome
    assert "A new id_token came too, verified, naming the same user" in outcome
    visitor.post("/oauth/api")
    assert outcomes(visitor)[-1] == "The user API answered 200."


def test_revoke_uses_the_advertised_revocation_endpoint(visitor, setup):
    visitor.sign_in("op")
    visitor.post("/oauth/revoke")
    visitor.post("/oauth/api")
    revoked, called = outcomes(visitor)
    assert revoked.startswith("The provider answered 200 at its revocation_endpoint: the refresh token")
    assert called == "The user API answered 401."
    page = visitor.page("/oauth/dance").text
    assert f"{setup.op.origin}/token/revocation" in page


def test_without_offline_access_there_is_no_refresh_token_and_the_page_says_why(visitor):
    visitor.sign_in("op-plain")
    page = visitor.page("/oauth/dance").text
    assert "data-no-refresh-token" in page and "offline_access" in page
    assert "Refresh the tokens" not in page
    response = visitor.http.post(
        f"{visitor.setup.app_url}/oauth/refresh",
        data={"csrf_token": csrf_token(page)},
        headers={"Origin": visitor.setup.app_url, "Accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "No refresh token"
    assert "offline_access" in response.json()["description"]


def test_sign_out_ends_the_session_at_the_provider_too(visitor, setup):
    """OIDC RP-Initiated Logout 1.0: id_token_hint, the exact post_logout_redirect_uri, and state."""
    visitor.sign_in("op")
    response = visitor.post("/oauth/logout")
    assert response.status_code == 302
    end_session = response.headers["Location"]
    assert end_session.startswith(f"{setup.op.origin}/session/end?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(end_session).query).items()}
    assert params["post_logout_redirect_uri"] == f"{setup.app_url}/oauth/logged-out"
    assert params["id_token_hint"].count(".") == 2 and params["client_id"] == "authlab-app"
    back = visitor.confirm_sign_out(end_session)
    assert back == f"{setup.app_url}/oauth/logged-out?state={params['state']}"
    returned = visitor.http.get(back, allow_redirects=False)
    assert returned.status_code == 302 and returned.headers["Location"].endswith("#step-logout")
    page = visitor.page("/oauth/dance").text
    assert "data-logged-out" in page and 'data-whoami="oauth">signed out<' in page
    # The OP's session is gone: the next sign-in there asks for the login again.
    visitor.prompts.clear()
    visitor.sign_in("op")
    assert visitor.prompts[0] == "login"


def test_an_access_token_that_does_not_match_at_hash_is_refused(visitor, setup):
    """OIDC Core §3.1.3.8: the token response's access token swapped on the way (token substitution)."""
    visitor.sign_in("op", login="bob")  # an access token the swap can use
    fresh = OPBrowser(setup)
    setup.op.tamper("swap-access-token")
    response = fresh.sign_in("op", login="alice")
    assert response.status_code == 400
    assert "at_hash" in response.text and "data-oauth-failure" in response.text
    assert 'data-whoami="oauth">signed out<' in response.text
    assert fresh.page("/oauth/protected").status_code == 401


def test_an_issuer_without_a_discovery_document_is_a_clear_502(visitor, setup):
    response = visitor.login_redirect("op-nowhere")
    assert response.status_code == 502
    assert f"{setup.op.origin}/tenant/.well-known/openid-configuration could not be read" in response.text


def test_an_issuer_spelt_otherwise_is_refused_before_the_browser_leaves(visitor, setup):
    """OIDC Discovery §4.3: the issuer with a "/" added or dropped is another issuer; nothing from it is used."""
    response = visitor.login_redirect("op-lookalike")
    assert response.status_code == 502
    assert "compared exactly" in response.text
    assert setup.op.issuer in response.text


# --- OIDC_PROVIDERS: what start-up accepts and refuses (in-process) ------------------------

ENTRY = {"name": "corp", "issuer": "https://id.corp.example/", "client_id": "app", "client_secret": "s3cret-value"}


@pytest.mark.parametrize(
    ("issuer", "url"),
    [
        ("https://tenant.auth0.com/", "https://tenant.auth0.com/.well-known/openid-configuration"),
        ("https://accounts.example", "https://accounts.example/.well-known/openid-configuration"),
        ("https://login.example/tenant/v2.0", "https://login.example/tenant/v2.0/.well-known/openid-configuration"),
        ("https://login.example/tenant/", "https://login.example/tenant/.well-known/openid-configuration"),
    ],
)
def test_oidc_discovery_4_1_the_document_is_fetched_from_the_issuer(issuer, url):
    assert issuers.discovery_url(issuer) == url


def test_several_issuers_are_read_and_kept_exactly_as_written():
    read = issuers.read(json.dumps([ENTRY, {**ENTRY, "name": "lab2", "issuer": "http://127.0.0.1:9000"}]))
    assert [(issuer.name, issuer.issuer) for issuer in read] == [
        ("corp", "https://id.corp.example/"),
        ("lab2", "http://127.0.0.1:9000"),
    ]
    assert read[0].scope == "openid profile email" and read[0].label == "corp"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"name": "corp"}), "JSON list"),
        (json.dumps([{**ENTRY, "client_secret": ""}]), "lacks ['client_secret']"),
        (json.dumps([{**ENTRY, "name": "github"}]), "name 'github'"),
        (json.dumps([{**ENTRY, "name": "Corp Inc"}]), "lowercase"),
        (json.dumps([ENTRY, ENTRY]), "more than once"),
        (json.dumps([{**ENTRY, "scope": "profile email"}]), "includes openid"),
        (json.dumps([{**ENTRY, "secret": "typo"}]), "unknown fields ['secret']"),
        (json.dumps([{**ENTRY, "issuer": "https://id.example/?tenant=1"}]), "no query"),
        (json.dumps([{**ENTRY, "issuer": "ftp://id.example"}]), "https://"),
        (json.dumps([{**ENTRY, "issuer": "http://id.corp.example"}]), "must be https://"),
        (json.dumps([{**ENTRY, "token_endpoint_auth_method": "none"}]), "token_endpoint_auth_method"),
    ],
)
def test_a_bad_entry_stops_the_start_with_a_reason(value, reason):
    with pytest.raises(CannotStart, match=re.escape(reason)):
        issuers.read(value)


def test_production_refuses_a_plain_http_issuer_even_on_loopback():
    with pytest.raises(UnsafeConfiguration, match="must be https://"):
        issuers.read([{**ENTRY, "issuer": "http://127.0.0.1:9000"}], production=True)


def test_the_app_refuses_to_start_with_a_bad_entry(tmp_path):
    with pytest.raises(CannotStart, match="OIDC_PROVIDERS"):
        create_app(app_config(tmp_path / "instance", OIDC_PROVIDERS="[1]"))


def test_the_lab_page_never_shows_a_configured_client_secret(tmp_path):
    app = create_app(app_config(tmp_path / "instance", OIDC_PROVIDERS=json.dumps([ENTRY])))
    page = app.test_client().get("/oauth/").get_data(as_text=True)
    assert "Sign in with corp" in page and "https://id.corp.example/" in page
    assert ENTRY["client_secret"] not in page


def test_a_generic_users_alice_is_never_the_apps_admin(tmp_path):
    """Another issuer's "alice" is somebody else: only the built-in provider maps to the app's accounts."""
    app = create_app(app_config(tmp_path / "instance", OIDC_PROVIDERS=json.dumps([ENTRY])))
    client = app.test_client()
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "alice", "sub": "alice", "provider": "corp"}
    assert client.get("/oauth/admin").status_code == 403


# --- Refresh and revoke with a provider that offers neither (in-process) -------------------


@pytest.fixture
def github_signed_in(tmp_path, monkeypatch):
    """A browser signed in with GitHub: a non-expiring token, no refresh token, no RFC 7009."""

    def refuse(self, request, **kwargs):
        raise AssertionError(f"a test tried to reach the internet: {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    app = create_app(app_config(tmp_path / "instance", GITHUB_CLIENT_ID="gh", GITHUB_CLIENT_SECRET="gh-secret"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "octocat", "sub": "583231", "provider": "github"}
        session["oauth_tokens"] = {"access_token": "gho_x", "token_type": "bearer"}
        session["oauth_dance"] = {"provider": "github", "paused": False, "steps": {}, "failed": None, "extra": []}
    return client


def post_form(client, path, **headers):
    token = csrf_token(client.get("/oauth/dance").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token}, headers={"Origin": "http://localhost:8000", **headers})


def test_the_dance_page_says_why_github_sent_no_refresh_token_and_cannot_revoke(github_signed_in):
    page = github_signed_in.get("/oauth/dance").get_data(as_text=True)
    assert "data-no-refresh-token" in page and "GitHub&#39;s OAuth app tokens do not expire" in page
    assert "data-no-revocation" in page
    assert "Refresh the tokens" not in page and "Revoke the grant" not in page


def test_refresh_without_a_refresh_token_is_a_clear_409_not_a_500(github_signed_in):
    response = post_form(github_signed_in, "/oauth/refresh")
    assert response.status_code == 409
    assert "do not expire" in response.get_data(as_text=True)
    api = post_form(github_signed_in, "/oauth/refresh", Accept="application/json")
    assert api.status_code == 409 and api.get_json()["error"] == "No refresh token"


def test_revoke_without_a_revocation_endpoint_says_so(github_signed_in):
    assert post_form(github_signed_in, "/oauth/revoke").status_code == 302
    page = github_signed_in.get("/oauth/dance").get_data(as_text=True)
    assert "advertises no revocation_endpoint (RFC 7009)" in page
