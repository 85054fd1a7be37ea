"""HDR-4: the provider answers CORS only on what a browser-based public client calls (discovery,
JWKS, token, userinfo, revocation), only for an origin a registered public client listed, and
never with credentials (OAuth 2.0 for Browser-Based Apps; the Fetch standard's CORS protocol);
the app answers CORS nowhere."""

import time

import pytest

from provider.models import Client, db
from tests.conftest import ServerThread, free_port
from tests.oauth_flow import ProviderFlow

SPA = "http://localhost:5173"
CORS_PATHS = [
    ("GET", "/.well-known/openid-configuration"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("GET", "/.well-known/jwks.json"),
    ("POST", "/token"),
    ("GET", "/userinfo"),
    ("POST", "/userinfo"),
    ("POST", "/revoke"),
]
NOT_CORS_PATHS = ["/authorize", "/login", "/console/", "/console/clients/new", "/", "/logout"]


def add_client(app, client_id, method, origins, redirect_uri=f"{SPA}/callback"):
    with app.app_context():
        client = Client(client_id=client_id, client_id_issued_at=int(time.time()))
        client.set_client_metadata(
            {
                "client_name": client_id,
                "redirect_uris": [redirect_uri],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "scope": "openid profile",
                "token_endpoint_auth_method": method,
                "allowed_cors_origins": origins,
            }
        )
        if method != "none":
            client.set_secret("a-secret-for-this-test-only-0123456789abcdef")
        db.session.add(client)
        db.session.commit()


@pytest.fixture(scope="module", autouse=True)
def clients(provider_app):
    """A public browser client on http://localhost:5173, and a confidential client whose
    metadata lists an origin anyway (as a hand-edited database might): only public clients count."""
    add_client(provider_app, "spa", "none", [SPA])
    add_client(provider_app, "server", "client_secret_basic", ["https://server.example"])


def preflight(client, path, origin=SPA, method="POST", headers="content-type"):
    return client.options(
        path,
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers},
    )


def cors_headers(response):
    return {name: value for name, value in response.headers.items() if name.lower().startswith("access-control-")}


# --- Where a browser client needs it ---------------------------------------------------------


@pytest.mark.parametrize("method,path", CORS_PATHS)
def test_hdr_4_the_five_endpoints_answer_a_registered_origin(provider_client, method, path):
    response = provider_client.open(path, method=method, headers={"Origin": SPA})
    assert response.headers["Access-Control-Allow-Origin"] == SPA
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("method,path", CORS_PATHS)
def test_hdr_4_the_preflight_allows_the_methods_and_headers_a_client_sends(provider_client, method, path):
    response = preflight(provider_client, path, method=method, headers="authorization, content-type")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SPA
    assert method in response.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"authorization", "content-type"}  # no DPoP: this provider does not do DPoP
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_hdr_4_an_error_from_the_token_endpoint_is_readable_by_the_spa(provider_client):
    """A browser client must read the 400/401 to tell its user what went wrong (RFC 6749 §5.2)."""
    data = {"grant_type": "authorization_code", "code": "nope", "client_id": "spa", "code_verifier": "x" * 43}
    response = provider_client.post("/token", data=data, headers={"Origin": SPA})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == SPA
    assert "WWW-Authenticate" in response.headers["Access-Control-Expose-Headers"]


def test_hdr_4_the_whole_public_client_flow_is_readable_from_its_origin(provider_client):
    flow = ProviderFlow(provider_client, client_id="spa", secret=None, redirect_uri=f"{SPA}/callback")
    flow.login()
    code, _ = flow.code(scope="openid profile")
    origin = {"Origin": SPA}
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri}
    data.update(client_id="spa", code_verifier=flow.verifier)
    tokens = provider_client.post("/token", data=data, headers=origin)
    assert tokens.status_code == 200 and tokens.headers["Access-Control-Allow-Origin"] == SPA
    bearer = {"Authorization": f"Bearer {tokens.get_json()['access_token']}", **origin}
    userinfo = provider_client.get("/userinfo", headers=bearer)
    assert userinfo.status_code == 200 and userinfo.headers["Access-Control-Allow-Origin"] == SPA
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens.get_json()["refresh_token"], "client_id": "spa"}
    refreshed = provider_client.post("/token", data=refresh, headers=origin)
    assert refreshed.status_code == 200 and refreshed.headers["Access-Control-Allow-Origin"] == SPA
    revoke = {"token": refreshed.get_json()["refresh_token"], "client_id": "spa"}
    revoked = provider_client.post("/revoke", data=revoke, headers=origin)
    assert revoked.status_code == 200 and revoked.headers["Access-Control-Allow-Origin"] == SPA


# --- Nowhere else, for nobody else -----------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        f"{SPA}/",
        "http://LOCALHOST:5173",
        "HTTP://localhost:5173",
        "http://localhost:5173.evil.example",
        "http://localhost:51730",
        "http://localhost:517",
        "http://localhost",
        "https://localhost:5173",
        "http://127.0.0.1:5173",
        "http://[::1]:5173",
        "http://localhost:5173/callback",
        "http://user@localhost:5173",
        "http://localhost.:5173",
        "http://localhost:05173",
        f"{SPA}, http://evil.example",
        f"{SPA} http://evil.example",
        "null",
        "*",
        "http://localhost:5173%",
        "http://localhost:517_",
        "",
        "https://server.example",  # listed by a confidential client only
        "http://" + "a" * 300 + ".example",
        "http://l\u043ecalhost:5173",  # a Cyrillic "o"
    ],
)
@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/token"])
def test_hdr_4_an_origin_not_registered_exactly_gets_no_cors(provider_client, origin, path):
    simple = provider_client.open(path, method="GET" if "well-known" in path else "POST", headers={"Origin": origin})
    assert simple.status_code < 500
    assert cors_headers(simple) == {}
    assert cors_headers(preflight(provider_client, path, origin=origin)) == {}


@pytest.mark.parametrize("path", NOT_CORS_PATHS)
def test_hdr_4_pages_the_browser_navigates_to_never_answer_cors(provider_client, path):
    """A script elsewhere that could read /authorize, the consent page or the console could read
    their CSRF tokens and codes: no CORS there, not even for a registered origin."""
    ProviderFlow(provider_client).login()
    assert cors_headers(provider_client.get(path, headers={"Origin": SPA})) == {}
    assert cors_headers(preflight(provider_client, path)) == {}


def test_hdr_4_the_consent_page_never_answers_cors(provider_client):
    flow = ProviderFlow(provider_client, client_id="spa", secret=None, redirect_uri=f"{SPA}/callback")
    flow.login()
    page = provider_client.get("/authorize", query_string=flow.params(scope="openid"), headers={"Origin": SPA})
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)
    assert cors_headers(page) == {}


def test_hdr_4_a_request_without_origin_gets_vary_origin_and_no_cors(provider_client):
    response = provider_client.get("/.well-known/jwks.json")
    assert "Origin" in response.vary
    assert cors_headers(response) == {}


# --- The app: no CORS anywhere ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/jwt/", "/jwt/login", "/jwt/protected", "/session/", "/oauth/", "/oauth/login"])
def test_hdr_4_the_app_answers_cors_nowhere(client, path):
    for origin in (SPA, "http://127.0.0.1:8001", "null"):
        assert cors_headers(client.get(path, headers={"Origin": origin})) == {}
        assert cors_headers(preflight(client, path, origin=origin, headers="authorization, content-type")) == {}


# --- In a real browser: Chromium enforces what the headers say ---------------------------------

FETCH = """async ([url, init, form]) => {
  if (form) init.body = new URLSearchParams(form);
  try {
    const response = await fetch(url, init);
    return {status: response.status, body: await response.json(),
            challenge: response.headers.get("WWW-Authenticate")};
  } catch (error) {
    return {blocked: String(error)};
  }
}"""


def blank_page(environ, start_response):
    """A single-page app's origin, on loopback like a dev server (its page does nothing by itself)."""
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [b"<!doctype html><title>a single-page app</title>"]


@pytest.fixture
def spa_server():
    port = free_port()
    server = ServerThread(blank_page, port)
    server.start()
    yield port
    server.stop()


@pytest.mark.browser
def test_hdr_4_chromium_lets_the_registered_origin_read_the_provider_and_no_other(live, page, spa_server):
    spa, elsewhere = f"http://localhost:{spa_server}", f"http://elsewhere.localhost:{spa_server}"
    add_client(live.provider, f"spa-browser-{spa_server}", "none", [spa])
    discovery = [f"{live.provider_url}/.well-known/openid-configuration", {}, None]
    form = {"grant_type": "authorization_code", "code": "x", "client_id": f"spa-browser-{spa_server}"}
    token = [f"{live.provider_url}/token", {"method": "POST"}, {**form, "code_verifier": "v" * 43}]
    userinfo = [f"{live.provider_url}/userinfo", {"headers": {"Authorization": "Bearer not-a-token"}}, None]

    page.goto(f"{spa}/")
    assert page.evaluate(FETCH, discovery)["body"]["issuer"] == live.provider_url
    answer = page.evaluate(FETCH, token)
    assert answer["status"] == 400 and answer["body"]["error"] == "invalid_grant"
    # userinfo with Authorization is not a "simple" request: Chromium sends a preflight first.
    # The 401's challenge is readable because the provider exposes WWW-Authenticate.
    answer = page.evaluate(FETCH, userinfo)
    assert answer["status"] == 401 and answer["challenge"].startswith("Bearer")

    # The same page from an origin no client registered: Chromium lets it read nothing.
    page.goto(f"{elsewhere}/")
    for request in (discovery, token, userinfo):
        assert "blocked" in page.evaluate(FETCH, request)
    page.console_problems[:] = [p for p in page.console_problems if "CORS policy" not in p]
