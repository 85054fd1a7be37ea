"""A student clicks through the whole OAuth dance in a real browser, across both origins."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser


def sign_in_at_provider(page, live, username="alice", password=PASSWORDS["alice"]):
    """At the provider's origin: the login page, then the consent page."""
    expect(page).to_have_url(re.compile(re.escape(f"{live.provider_url}/login")))
    expect(page.locator(".origin-note")).to_contain_text(live.provider_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live.provider_url}/authorize")))
    expect(page.locator("h1")).to_contain_text("Auth Lab (the teaching app)")
    expect(page.locator(".scopes")).to_contain_text("email")
    page.get_by_role("button", name="Allow").click()


def test_the_dance_step_by_step_in_pause_mode(page, live):
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_label("Pause before each hop").first.check()
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()

    # Step 1: the authorization URL, annotated; the browser recomputes the PKCE challenge.
    expect(page).to_have_url(re.compile(r"/oauth/dance"))
    expect(page.locator("#step-authorize")).to_contain_text("code_challenge_method")
    expect(page.locator("[data-pkce-output]")).to_contain_text("the same as the code_challenge sent")
    expect(page.locator(".hop.done")).to_have_count(2)
    page.get_by_role("link", name="Continue: go to the provider").click()

    # Step 2: another origin, its own login and consent pages.
    sign_in_at_provider(page, live)

    # Step 3: back at the app, paused after the state check.
    expect(page).to_have_url(re.compile(r"/oauth/dance#step-token"))
    expect(page.locator("#step-callback .checks")).to_contain_text("state")
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("signed out")
    expect(page.locator(".hop.done")).to_have_count(5)

    # Steps 4 to 6, one Continue each: the token request, the id_token, the user API.
    page.get_by_role("button", name="Continue: the back channel: the code for tokens").click()
    expect(page.locator("#wire-token .wire-item")).to_contain_text("POST")
    expect(page.locator("#wire-token")).to_contain_text("code_verifier")
    expect(page.locator("#wire-token")).not_to_contain_text("test-client-secret")
    expect(page.locator(".hop.done")).to_have_count(7)
    page.get_by_role("button", name="Continue: the id_token, decoded and verified").click()
    expect(page.locator("#step-id_token .tok-payload")).to_contain_text('"nonce"')
    page.get_by_role("button", name="Continue: the api call with the bearer token").click()
    expect(page.locator("#wire-userinfo")).to_contain_text("/userinfo")
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("alice")
    expect(page.locator(".hop.waiting")).to_have_count(0)

    # Then: refresh, revoke, and the API refuses the revoked token; sign out.
    page.get_by_role("button", name="Refresh the tokens").click()
    expect(page.locator("[data-after-outcome]").last).to_contain_text("A new access token")
    page.get_by_role("button", name="Revoke the grant").click()
    page.get_by_role("button", name="Call the user API again").click()
    expect(page.locator("[data-after-outcome]").last).to_have_text("The user API answered 401.")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("signed out")


def test_one_click_sign_in_and_the_id_token_in_the_jwt_inspector(page, live):
    page.goto(f"{live.app_url}/oauth/")
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    sign_in_at_provider(page, live, "bob", PASSWORDS["bob"])
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("bob")
    print(f"one dance in Chromium, clicks included: {time.perf_counter() - started:.2f} s")
    expect(page.locator(".hop.done")).to_have_count(11)
    # The token goes to the inspector in a POST body, never in a URL.
    raw = page.locator('#step-id_token input[name="token"]').get_attribute("value")
    page.get_by_role("button", name="Open this id_token in the JWT lab's inspector").click()
    expect(page).to_have_url(re.compile(r"/jwt/inspect#inspector$"))
    expect(page.locator("#inspect-token")).to_have_value(raw)
    assert "eyJ" not in page.url


def test_login_csrf_from_the_attackers_site_against_both_clients(page, live):
    page.goto(f"{live.app_url}/vulnerable/oauth/")
    page.get_by_role("button", name="Play the attacker: get bob's codes and open the attacker's page").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live.attacker_url}/attack/oauth-login-csrf")))
    expect(page.locator(".attacker-banner")).to_contain_text("ATTACKER SITE")

    # The real client refuses a callback whose state this browser never received.
    page.locator("#claim-real").click()
    expect(page.locator("[data-oauth-failure]")).to_contain_text("state")
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("signed out")

    # The naive client signs the victim in to itself as the attacker; the real app, never (LAB-3).
    page.go_back()
    page.locator("#claim-naive").click()
    expect(page.locator("[data-naive-whoami]")).to_have_text("bob")
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("signed out")
