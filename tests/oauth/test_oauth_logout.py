"""Sign-out everywhere: the app's side of OpenID Connect RP-Initiated Logout 1.0.

POST /oauth/logout forgets the identity here and, when the provider advertises an
end_session_endpoint, sends the browser there with id_token_hint, the exact
post_logout_redirect_uri and a state; GET /oauth/logged-out accepts only that state, once.
"""

import signal
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app import create_app
from blueprints.oauth.client import remote
from tests.conftest import app_config
from tests.oauth import oidc_provider_op
from tests.oauth.oidc_provider_op import OPBrowser
from tests.oauth_flow import LiveDance, csrf_token

END_SESSION = "https://accounts.google.com/logout-endpoint-for-this-test"
GOOGLE_METADATA = {
    "issuer": "https://accounts.google.com",
    "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_endpoint": "https://oauth2.googleapis.com/token",
    "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
    "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
}


def signed_in_app(tmp_path, metadata, **config):
    """An app whose browser is signed in with Google (tokens in its session), metadata stubbed."""
    app = create_app(
        app_config(tmp_path / "instance", GOOGLE_CLIENT_ID="g-id", GOOGLE_CLIENT_SECRET="g-secret", **config)
    )
    with app.test_request_context():
        remote("google").server_metadata.update(metadata, _loaded_at=time.time())
    client = app.test_client()
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "alice", "sub": "1", "provider": "google"}
        session["oauth_tokens"] = {"access_token": "at", "token_type": "Bearer", "id_token": "h.p.s"}
        session["oauth_dance"] = {"provider": "google", "paused": False, "steps": {}, "failed": None, "extra": []}
    return app, client


def post_logout(client):
    token = csrf_token(client.get("/oauth/dance").get_data(as_text=True))
    return client.post("/oauth/logout", data={"csrf_token": token}, headers={"Origin": "http://localhost:8000"})


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """The in-process tests never leave this machine (loopback is the OP's and the live servers')."""
    send = requests.Session.send

    def only_loopback(self, request, **kwargs):
        host = urlsplit(request.url).hostname
        if host not in {"127.0.0.1", "localhost", "attacker.localhost"}:
            raise AssertionError(f"a test tried to reach the internet: {request.url}")
        return send(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", only_loopback)


def test_rp_initiated_logout_2_sign_out_goes_to_the_end_session_endpoint_with_hint_uri_and_state(tmp_path):
    _, client = signed_in_app(tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": END_SESSION})
    response = post_logout(client)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(END_SESSION + "?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert params["id_token_hint"] == "h.p.s"
    assert params["post_logout_redirect_uri"] == "http://localhost:8000/oauth/logged-out"
    assert params["client_id"] == "g-id"
    assert len(params["state"]) >= 20
    assert client.get("/oauth/protected").status_code == 401  # signed out here already


def test_rp_initiated_logout_the_replica_comes_back_to_its_own_origin(tmp_path):
    _, client = signed_in_app(
        tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": END_SESSION}, INSTANCE_NAME="replica"
    )
    response = client.post(
        "/oauth/logout",
        data={"csrf_token": csrf_token(client.get("/oauth/dance").get_data(as_text=True))},
        headers={"Origin": "http://localhost:8002", "Host": "localhost:8002"},
    )
    params = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}
    assert params["post_logout_redirect_uri"] == "http://localhost:8002/oauth/logged-out"


def test_without_an_end_session_endpoint_the_sign_out_is_local_and_the_page_says_so(tmp_path):
    _, client = signed_in_app(tmp_path, GOOGLE_METADATA)
    response = post_logout(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/oauth/dance#step-logout")
    page = client.get("/oauth/dance").get_data(as_text=True)
    assert "data-logout-local" in page and "advertises no end_session_endpoint" in page
    assert client.get("/oauth/protected").status_code == 401


def state_of(response):
    return parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]


def test_rp_initiated_logout_3_the_return_with_the_state_sent_is_shown_as_a_hop(tmp_path):
    _, client = signed_in_app(tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": END_SESSION})
    state = state_of(post_logout(client))
    response = client.get(f"/oauth/logged-out?state={state}")
    assert response.status_code == 302 and response.headers["Location"].endswith("#step-logout")
    page = client.get("/oauth/dance").get_data(as_text=True)
    assert "data-logged-out" in page
    assert "id_token_hint" in page and "post_logout_redirect_uri" in page


@pytest.mark.parametrize("tail", ["", "?state=", "?state=forged", "?state=" + "x" * 300, "?state=%C3%A9t%C3%A9"])
def test_rp_initiated_logout_3_a_return_without_the_state_sent_is_refused(tmp_path, tail):
    _, client = signed_in_app(tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": END_SESSION})
    post_logout(client)
    response = client.get(f"/oauth/logged-out{tail}")
    assert response.status_code == 400
    assert "no state this browser session sent" in response.get_data(as_text=True)


def test_rp_initiated_logout_3_the_state_is_single_use(tmp_path):
    _, client = signed_in_app(tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": END_SESSION})
    state = state_of(post_logout(client))
    assert client.get(f"/oauth/logged-out?state={state}").status_code == 302
    assert client.get(f"/oauth/logged-out?state={state}").status_code == 400


def test_rp_initiated_logout_3_a_forged_return_does_not_spoil_the_real_one(tmp_path):
    _, client = signed_in_app(tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": END_SESSION})
    state = state_of(post_logout(client))
    assert client.get("/oauth/logged-out?state=planted-by-another-site").status_code == 400
    assert client.get(f"/oauth/logged-out?state={state}").status_code == 302


@pytest.mark.parametrize("endpoint", ["javascript:alert(1)", "//evil.example/logout", ["https://x"]])
def test_an_end_session_endpoint_that_is_no_web_address_is_never_a_redirect(tmp_path, endpoint):
    _, client = signed_in_app(tmp_path, {**GOOGLE_METADATA, "end_session_endpoint": endpoint})
    response = post_logout(client)
    assert response.headers["Location"].endswith("/oauth/dance#step-logout")


def test_a_logged_out_return_in_a_browser_that_never_signed_out_is_refused(client):
    assert client.get("/oauth/logged-out?state=anything").status_code == 400


# --- Against a real OP: its session really ends ------------------------------------------


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    found, stop = oidc_provider_op.start(tmp_path_factory.mktemp("logout"), OAUTH_BACK_CHANNEL_TIMEOUT=1)
    yield found
    stop()


def test_after_sign_out_everywhere_a_silent_sign_in_gets_login_required(setup):
    browser = OPBrowser(setup)
    browser.sign_in("op")
    browser.http.get(browser.confirm_sign_out(browser.post("/oauth/logout").headers["Location"]))
    response = browser.sign_in("op", prompt="none")
    assert response.status_code == 400
    assert "login_required" in response.text


def test_a_sign_out_with_the_provider_hanging_still_signs_out_here(setup):
    """The revocation times out (OAUTH_BACK_CHANNEL_TIMEOUT); the sign-out here does not wait on it."""
    browser = OPBrowser(setup)
    browser.sign_in("op")
    setup.op.process.send_signal(signal.SIGSTOP)  # the OP stops answering, its port still open
    try:
        started = time.monotonic()
        response = browser.post("/oauth/logout")
        waited = time.monotonic() - started
    finally:
        setup.op.process.send_signal(signal.SIGCONT)
    assert response.status_code == 302
    assert waited < 5
    assert browser.page("/oauth/protected").status_code == 401


# --- Against the built-in provider, which advertises end_session_endpoint too ----------------


def test_rp_initiated_logout_with_the_built_in_provider(live):
    metadata = requests.get(f"{live.provider_url}/.well-known/openid-configuration", timeout=5).json()
    assert metadata["end_session_endpoint"] == f"{live.provider_url}/end_session"
    dance = LiveDance(live)
    dance.sign_in()
    response = dance.post("/oauth/logout")
    location = response.headers["Location"]
    assert location.startswith(metadata["end_session_endpoint"] + "?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert params["post_logout_redirect_uri"] == f"{live.app_url}/oauth/logged-out"
    assert "id_token_hint" in params and "state" in params
    # The hint names this browser's sign-in there, so the provider ends it and sends it back.
    back = dance.http.get(location, allow_redirects=False)
    assert back.status_code in (302, 303), back.text[:500]
    assert back.headers["Location"] == f"{live.app_url}/oauth/logged-out?state={params['state']}"
    returned = dance.http.get(back.headers["Location"], allow_redirects=False)
    assert returned.headers["Location"].endswith("#step-logout")
    assert "data-logged-out" in dance.page("/oauth/dance").text
    # Signed out at the provider too: the next sign-in there asks for the password again.
    again = dance.http.get(dance.start().headers["Location"], allow_redirects=False)
    assert again.status_code == 302 and "/login" in again.headers["Location"]


# --- In Chromium: the sign-out as a hop on the dance page ----------------------------------


@pytest.mark.browser
def test_sign_out_everywhere_in_a_browser_shows_the_hop(page, live):
    import re

    from playwright.sync_api import expect

    from tests.conftest import PASSWORDS

    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("alice")
    page.locator("#after").get_by_role("button", name="Sign out").click()
    # Through the provider's end_session_endpoint and back, without a page there (the hint names this sign-in).
    expect(page).to_have_url(re.compile(r"/oauth/dance#step-logout$"))
    expect(page.locator("#step-logout")).to_contain_text("end_session_endpoint")
    expect(page.locator("[data-logged-out]")).to_be_visible()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("signed out")
    expect(page.locator(".hop.done")).to_have_count(16)
