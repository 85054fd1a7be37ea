"""LAB-4 in Chromium: the attacker's site is another site than both the app and the provider.

Cookies ignore ports and SameSite compares sites, so another port of 127.0.0.1 is not enough:
the attacker needs another host name (docs/contract.md, "Origins"). Each rule is checked from
the contract's attacker origin (attacker.localhost) and from its fallback ([::1]), against the
live servers, with no hosts-file edit. The last test replays the finding from the old origin,
so these tests can tell a cross-site attacker from a same-site one.
"""

import uuid
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORDS
from tests.oauth_flow import csrf_token

pytestmark = pytest.mark.browser

# The attacker's script: the cookie for its own host, the provider's and the app's, and on a
# longer path too, which a browser sends first (it would shadow a victim's HttpOnly cookie).
PLANT = """([name, value]) => {
  for (const path of ["/", "/authorize"]) {
    for (const domain of ["", "; domain=127.0.0.1", "; domain=localhost"]) {
      document.cookie = `${name}=${value}; path=${path}${domain}`;
    }
  }
}"""

# The attacker's script: a form another site submits, as a CSRF page does on load.
POST_FORM = """(action) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  document.body.append(form);
  form.submit();
}"""


@pytest.fixture(params=["attacker.localhost", "[::1]"])
def attacker(request, live):
    """The attacker's origin: the contract's, or the fallback where *.localhost is not resolved."""
    if request.param == "attacker.localhost":
        return live.attacker_url
    if live.attacker_fallback_url is None:
        pytest.skip("no IPv6 loopback here: the [::1] fallback cannot be served")
    return live.attacker_fallback_url


def marker():
    """A unique query parameter, to find one request among those the live servers received."""
    return f"probe={uuid.uuid4().hex}"


def bobs_provider_cookie(live):
    """Mallory signs in to the provider as bob in her own client and keeps the cookie."""
    mallory = requests.Session()
    login = f"{live.provider_url}/login"
    token = csrf_token(mallory.get(login, timeout=5).text)
    response = mallory.post(
        login, data={"csrf_token": token, "username": "bob", "password": PASSWORDS["bob"]}, timeout=5
    )
    assert "Signed in here as" in response.text
    return mallory.cookies["provider_session"]


def sign_in_at_provider(page, live):
    """The victim signs in to the provider as alice."""
    page.goto(live.provider_url + "/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("Signed in here as")


def sign_in_at_app(page, live):
    """The victim signs in to the app's session lab as alice."""
    page.goto(live.app_url + "/session/")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in (form post)").click()
    expect(page.locator(".flash", has_text="Signed in as alice")).to_be_visible()


def cookie(page, url, name):
    found = [c["value"] for c in page.context.cookies(url) if c["name"] == name]
    return found[0] if found else None


def post_from(page, origin, action):
    """The attacker's page at `origin` posts a form to `action`, and the browser follows it."""
    page.goto(origin + "/")
    with page.expect_navigation():
        page.evaluate(POST_FORM, action)


def test_lab_4_attacker_script_cannot_plant_a_cookie_on_the_provider(live, page, attacker):
    bob = bobs_provider_cookie(live)
    page.goto(attacker + "/")
    page.evaluate(PLANT, ["provider_session", bob])
    assert cookie(page, attacker, "provider_session") == bob  # the script ran: its own host keeps it
    page.goto(live.provider_url + "/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Signed in here as")
    assert cookie(page, live.provider_url, "provider_session") != bob

    # The planted value was a working key: set on the provider's own host, it signs in as bob.
    page.context.add_cookies([{"name": "provider_session", "value": bob, "url": live.provider_url}])
    page.reload()
    expect(page.locator("main")).to_contain_text("Signed in here as Bob Builder")


def test_lab_4_attacker_script_cannot_overwrite_the_victims_provider_cookie(live, page, attacker):
    bob = bobs_provider_cookie(live)
    sign_in_at_provider(page, live)
    provider = urlsplit(live.provider_url).hostname
    before = [c for c in page.context.cookies() if c["domain"] == provider]  # every path
    page.goto(attacker + "/")
    page.evaluate(PLANT, ["provider_session", bob])
    assert [c for c in page.context.cookies() if c["domain"] == provider] == before
    page.goto(live.provider_url + "/")
    expect(page.locator("main")).to_contain_text("Signed in here as")
    expect(page.locator("main")).to_contain_text("(alice)")


def test_lab_4_attacker_script_cannot_plant_a_cookie_on_the_app(live, page, attacker):
    # attacker.localhost ends in the app's host name: a cookie for `domain=localhost` would
    # reach the app (cookie tossing). The browser refuses it: attacker.localhost has no
    # registrable domain to share with anyone, so its cookies stay on its own host.
    page.goto(attacker + "/")
    page.evaluate(PLANT, ["session", "planted-by-the-attacker"])
    assert cookie(page, attacker, "session") == "planted-by-the-attacker"
    assert cookie(page, live.app_url, "session") is None
    assert cookie(page, live.replica_url, "session") is None


def test_lab_4_the_providers_lax_cookie_stays_home_on_a_cross_site_form_post(live, page, attacker):
    sign_in_at_provider(page, live)
    assert cookie(page, live.provider_url, "provider_session")
    probe = marker()
    post_from(page, attacker, f"{live.provider_url}/login?{probe}")
    received = live.received["provider"].headers(probe)
    assert "provider_session=" not in received.get("Cookie", "")


def test_lab_4_the_apps_lax_session_cookie_stays_home_on_a_cross_site_form_post(live, page, attacker):
    sign_in_at_app(page, live)
    assert cookie(page, live.app_url, "session")
    probe = marker()
    post_from(page, attacker, f"{live.app_url}/session/note?{probe}")
    received = live.received["app"].headers(probe)
    assert "session=" not in received.get("Cookie", "")
    expect(page.locator("main")).to_contain_text("Cross-site request refused")


@pytest.mark.parametrize("party", ["app", "provider"])
def test_lab_4_the_browser_calls_the_attacker_another_site_than_the_app_and_the_provider(live, page, attacker, party):
    party_url = live.app_url if party == "app" else live.provider_url
    # From the attacker's page to the party, and back: Chromium names the relation it sees
    # in Sec-Fetch-Site (same-origin, same-site or cross-site).
    to_party, to_attacker = marker(), marker()
    page.goto(attacker + "/")
    with page.expect_navigation():
        page.evaluate("(url) => location.assign(url)", f"{party_url}/?{to_party}")
    with page.expect_navigation():
        page.evaluate("(url) => location.assign(url)", f"{attacker}/?{to_attacker}")
    assert live.received[party].headers(to_party)["Sec-Fetch-Site"] == "cross-site"
    assert live.received["attacker"].headers(to_attacker)["Sec-Fetch-Site"] == "cross-site"


def test_lab_4_the_old_origin_another_port_of_127_0_0_1_was_the_providers_own_site(live, page):
    # The finding, replayed from http://127.0.0.1:<attacker port>: the same attacker server.
    old = f"http://127.0.0.1:{urlsplit(live.attacker_url).port}"
    bob = bobs_provider_cookie(live)
    page.goto(old + "/")
    page.evaluate(PLANT, ["provider_session", bob])
    page.goto(live.provider_url + "/")
    expect(page.locator("main")).to_contain_text("Signed in here as Bob Builder")

    # The provider's Lax cookie rides along the old origin's form post, called same-site.
    probe = marker()
    post_from(page, old, f"{live.provider_url}/login?{probe}")
    received = live.received["provider"].headers(probe)
    assert "provider_session=" in received["Cookie"]
    assert received["Sec-Fetch-Site"] == "same-site"
