"""The SPA (a public client in the browser) and the device "TV" flow, clicked through in Chromium.

The SPA lab runs the code flow with PKCE from page script against the provider (OAuth 2.0 for
Browser-Based Apps); the tests read what the browser really holds afterwards: the tokens in
the page, none in localStorage, sessionStorage or a cookie. The device lab (RFC 8628) is
approved in a second tab at the provider's /device page while the first one polls.
"""

import base64
import hashlib
import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import LIVE_DEVICE_POLLING_INTERVAL, PASSWORDS

pytestmark = pytest.mark.browser


@pytest.fixture
def lab_clients(live, monkeypatch):
    """The provider's seeded demo clients, named in the app's configuration (lab_clients.py)."""
    monkeypatch.setitem(live.app.config, "SPA_CLIENT_ID", "authlab-spa")
    monkeypatch.setitem(live.app.config, "DEVICE_CLIENT_ID", "authlab-tv")
    return live


def sign_in_and_allow(page, live, client_name, button="Allow", username="alice"):
    """At the provider's origin: the login page, then the consent (or approval) page."""
    expect(page).to_have_url(re.compile(re.escape(f"{live.provider_url}/")))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text(client_name)
    page.get_by_role("button", name=button).click()


def challenge_of(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def run_spa_flow(page, live):
    """The SPA's hops up to the user API, with the keyboard where the page hands over focus."""
    page.goto(f"{live.app_url}/oauth/spa")
    page.get_by_role("button", name="Fetch the discovery document").click()
    expect(page.locator("[data-spa-endpoints]")).to_contain_text(f"{live.provider_url}/token")
    # Each hop's button takes the focus once the hop before it is done: Enter goes on.
    expect(page.get_by_role("button", name="Build the authorization request")).to_be_focused()
    page.keyboard.press("Enter")
    verifier = page.locator("[data-pkce-verifier]").inner_text()
    expect(page.locator('[data-param="code_challenge"]')).to_have_text(challenge_of(verifier))
    expect(page.locator('[data-param="code_challenge_method"]')).to_have_text("S256")
    page.get_by_role("link", name="Continue: go to the provider").click()
    sign_in_and_allow(page, live, "Browser app")

    # Back at the callback page: the code is read, then gone from the address bar.
    expect(page.locator('[data-spa-checks="callback"]')).to_contain_text("state")
    assert "code=" not in page.url
    page.get_by_role("button", name="Exchange the code").click()
    expect(page.locator("#wire-token .wire-item")).to_contain_text("code_verifier")
    expect(page.locator("#wire-token .wire-item")).to_contain_text("client_id")
    page.get_by_role("button", name="Verify the id_token").click()
    expect(page.locator('[data-spa-checks="id_token"] .verdict.pass')).to_have_count(6)
    page.get_by_role("button", name="Call the user API", exact=True).click()
    expect(page.locator("[data-spa-claims]")).to_contain_text('"preferred_username": "alice"')


def test_the_spa_runs_the_code_flow_with_pkce_from_the_browser(page, lab_clients):
    started = time.perf_counter()
    run_spa_flow(page, lab_clients)
    print(f"the SPA's flow in Chromium, clicks included: {time.perf_counter() - started:.2f} s")
    expect(page.locator(".hop.waiting")).to_have_count(1)  # all but the refresh
    expect(page.locator('[data-spa-checks="id_token"] .verdict.fail')).to_have_count(0)


def test_the_spa_keeps_its_tokens_in_memory_only(page, lab_clients):
    run_spa_flow(page, lab_clients)
    access = page.locator('[data-memory="access_token"]').inner_text()
    refresh = page.locator('[data-memory="refresh_token"]').inner_text()
    assert len(access) > 20 and len(refresh) > 20
    stored = page.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}, document.cookie])")
    assert stored == '[{},{},""]'
    cookies = " ".join(cookie["value"] for cookie in page.context.cookies())
    assert access not in cookies and refresh not in cookies
    # A reload forgets them: nothing anywhere brought them back.
    page.reload()
    expect(page.locator("[data-memory-summary]")).to_have_text("This page holds no token.")


def test_the_spa_refresh_rotates_and_a_replay_revokes_the_family(page, lab_clients):
    run_spa_flow(page, lab_clients)
    page.get_by_role("button", name="Refresh the tokens").click()
    expect(page.locator("[data-spa-after]")).to_contain_text("a new refresh token")
    page.get_by_role("button", name="Replay the retired refresh token").click()
    expect(page.locator("[data-spa-after] li").last).to_contain_text("invalid_grant")
    page.get_by_role("button", name="Call the user API again").click()
    expect(page.locator("[data-spa-after] li").last).to_contain_text("refused")


def test_an_injected_script_takes_the_spas_tokens_and_nothing_from_the_bff(page, lab_clients):
    run_spa_flow(page, lab_clients)
    page.get_by_role("button", name="Inject into the SPA").click()
    page.get_by_role("button", name="Refresh the tokens").click()
    expect(page.locator('[data-loot="spa"]')).to_contain_text('"refresh_token"')
    page.get_by_role("button", name="Inject into the BFF page").click()
    expect(page.locator('[data-loot="bff"]')).to_contain_text("riding the session cookie")
    expect(page.locator('[data-loot="bff"]')).to_contain_text("none in this page")
    expect(page.locator('[data-loot="bff"]')).not_to_contain_text("access_token")


def test_the_device_flow_polls_until_approved_in_a_second_page(page, lab_clients):
    live = lab_clients
    page.goto(f"{live.app_url}/oauth/device")
    page.get_by_role("button", name="Start, as the TV").click()
    user_code = page.locator("[data-user-code]").inner_text()
    assert re.fullmatch(r"[B-Z]{4}-?[B-Z]{4}", user_code)

    # The page polls at the interval by itself; a poll too soon is told to slow down, and the
    # interval grows by 5 seconds (RFC 8628 §3.5; the live provider starts at 2, not 5).
    expect(page.locator("[data-device-interval]")).to_have_text(str(LIVE_DEVICE_POLLING_INTERVAL))
    expect(page.locator("[data-device-polls]")).to_contain_text("authorization_pending", timeout=15_000)
    page.wait_for_timeout(1100)  # the app's own floor: one poll a second (device.POLL_FLOOR)
    page.get_by_role("button", name="Poll too fast").click()
    expect(page.locator("[data-device-polls]")).to_contain_text("slow_down")
    expect(page.locator("[data-device-interval]")).to_have_text(str(LIVE_DEVICE_POLLING_INTERVAL + 5))
    expect(page.locator("#wire-poll")).to_contain_text("grant-type%3Adevice_code")
    expect(page.locator("#wire-poll")).to_contain_text("device_code=")

    # The phone: a second page at the provider, the code already filled in.
    phone = page.context.new_page()
    phone.goto(page.locator("[data-verification-complete]").get_attribute("href"))
    sign_in_and_allow(phone, live, "Connect a device", button="Continue")
    expect(phone.locator("main")).to_contain_text("TV")
    expect(phone.locator("main")).to_contain_text(user_code)
    phone.get_by_role("button", name="Allow").click()
    expect(phone.locator("h1")).to_have_text("Device connected")
    phone.close()

    # The TV's next poll brings the tokens; the page shows who approved.
    expect(page.locator("[data-device-identity]")).to_contain_text("alice", timeout=25_000)
    expect(page.locator("#step-tokens")).to_contain_text("verified")


def test_oc_2_a_spa_callback_this_tab_did_not_start_is_refused(page, lab_clients):
    page.goto(f"{lab_clients.app_url}/oauth/spa/callback?code=attackers-code&state=attackers-state")
    expect(page.locator("[data-spa-failure]")).to_contain_text("login CSRF")
    expect(page.get_by_role("button", name="Exchange the code")).to_be_disabled()
    assert "attackers-code" not in page.url


def test_oc_2_a_spa_callback_with_another_state_is_refused_and_the_attempt_is_spent(page, lab_clients):
    live = lab_clients
    page.goto(f"{live.app_url}/oauth/spa")
    page.get_by_role("button", name="Fetch the discovery document").click()
    page.get_by_role("button", name="Build the authorization request").click()
    expect(page.locator("[data-spa-go]")).to_be_visible()
    page.goto(f"{live.app_url}/oauth/spa/callback?code=attackers-code&state=forged&iss={live.provider_url}")
    expect(page.locator('[data-spa-checks="callback"]')).to_contain_text("fail")
    expect(page.locator("[data-spa-failure]")).to_contain_text("state")
    assert page.evaluate("() => sessionStorage.length") == 0
    expect(page.get_by_role("button", name="Exchange the code")).to_be_disabled()


# No axe-core in this project (offline, no CDN): the checks it would start with, by hand.
A11Y_PROBLEMS = """() => {
  const problems = [];
  const ids = [...document.querySelectorAll("[id]")].map((node) => node.id);
  for (const id of new Set(ids)) {
    if (ids.filter((other) => other === id).length > 1) problems.push(`duplicate id ${id}`);
  }
  for (const node of document.querySelectorAll("button, a[href], input, select, textarea")) {
    if (node.closest("[hidden]") || node.type === "hidden") continue;
    const labelled = node.labels?.length || node.getAttribute("aria-label") || node.textContent.trim();
    if (!labelled) problems.push(`unnamed ${node.tagName.toLowerCase()} ${node.outerHTML.slice(0, 80)}`);
  }
  for (const node of document.querySelectorAll("[aria-labelledby]")) {
    for (const id of node.getAttribute("aria-labelledby").split(" ")) {
      if (!document.getElementById(id)) problems.push(`aria-labelledby names no element: ${id}`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("path", ["/oauth/spa", "/oauth/spa/callback", "/oauth/device"])
def test_the_lab_pages_name_every_control_and_repeat_no_id(page, lab_clients, path):
    page.goto(f"{lab_clients.app_url}{path}")
    assert page.evaluate(A11Y_PROBLEMS) == []


def test_the_device_page_mid_flow_names_every_control_and_repeats_no_id(page, lab_clients):
    page.goto(f"{lab_clients.app_url}/oauth/device")
    page.get_by_role("button", name="Start, as the TV").click()
    expect(page.locator("[data-user-code]")).to_be_visible()
    assert page.evaluate(A11Y_PROBLEMS) == []


# --- OC-3 in the browser: the SPA's id_token check, run by Chromium's WebCrypto on forgeries ---

ISSUER, AUDIENCE, NONCE = "https://id.example.test", "authlab-spa", "n-0S6_WzA2Mj"


@pytest.fixture(scope="module")
def signing_keys():
    from joserfc.jwk import RSAKey

    return RSAKey.generate_key(2048, parameters={"kid": "k1"}), RSAKey.generate_key(2048, parameters={"kid": "k1"})


def id_token(key, header=None, **claims):
    from joserfc import jwt

    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "1", "iat": now, "exp": now + 300, "nonce": NONCE, **claims}
    return jwt.encode({"alg": "RS256", "kid": "k1", **(header or {})}, payload, key)


VERIFY_IN_PAGE = """async ({ token, jwks, issuer, clientId, nonce }) => {
  const oauth = await import("/static/js/oauth-spa-protocol.js");
  const http = async () => ({ response: { ok: true, status: 200 }, data: jwks });
  try {
    const tokens = { id_token: token, access_token: "at" };
    await oauth.verifyIdToken(http, { issuer, jwks_uri: "(the test's)" }, { clientId }, tokens, nonce);
    return "accepted";
  } catch (error) {
    return (error.checks || []).filter(([, ok]) => !ok).map(([name]) => name).join(",") || error.message;
  }
}"""


NONE_HEADER = base64.urlsafe_b64encode(b'{"alg":"none","kid":"k1"}').rstrip(b"=").decode()


def unsigned(key):
    """alg none: the header says no signature is needed, and none is there."""
    _header, payload, _signature = id_token(key).split(".")
    return f"{NONE_HEADER}.{payload}."


FORGERIES = {
    "another audience": (lambda good, other: id_token(good, aud="another-client"), "aud"),
    "another issuer": (lambda good, other: id_token(good, iss="https://evil.example"), "iss"),
    "expired": (lambda good, other: id_token(good, exp=int(time.time()) - 3600), "exp"),
    "a replayed nonce": (lambda good, other: id_token(good, nonce="an-older-attempt"), "nonce"),
    "signed by another key": (lambda good, other: id_token(other), "signature"),
    "alg none": (lambda good, other: unsigned(good), "signature"),
    "an at_hash of another access token": (
        lambda good, other: id_token(good, at_hash="AAAAAAAAAAAAAAAAAAAAAA"),
        "at_hash",
    ),
}


def verify_in_page(page, live, token, key):
    page.goto(f"{live.app_url}/oauth/spa")
    jwks = {"keys": [key.as_dict(private=False)]}
    arguments = {"token": token, "jwks": jwks, "issuer": ISSUER, "clientId": AUDIENCE, "nonce": NONCE}
    return page.evaluate(VERIFY_IN_PAGE, arguments)


def test_oc_3_the_spa_accepts_a_good_id_token(page, lab_clients, signing_keys):
    good, _other = signing_keys
    assert verify_in_page(page, lab_clients, id_token(good), good) == "accepted"


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_oc_3_the_spa_refuses_a_forged_id_token(page, lab_clients, signing_keys, forgery):
    good, other = signing_keys
    make, failed_check = FORGERIES[forgery]
    assert verify_in_page(page, lab_clients, make(good, other), good) == failed_check
