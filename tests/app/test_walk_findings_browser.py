"""Walk findings 3, 8 and 10 (issue 14) in Chromium, the way the walk met them.

3: a cross-site logout the app refused left the header saying "Session signed out" while the
   student was still signed in; 8: /account was a 404, linked from nowhere; 10: after revoking
   the grant at the provider, the OAuth lab stayed signed in with little explanation.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS
from tests.oauth.test_oauth_browser import sign_in_at_provider

pytestmark = pytest.mark.browser


def sign_in_to_the_session_lab(page, live, username="alice"):
    page.goto(live.app_url + "/session/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in (form post)").click()
    expect(page.locator('[data-whoami="session"]')).to_have_text(username)


def test_a_refused_cross_site_logout_shows_the_student_still_signed_in(live, page):
    sign_in_to_the_session_lab(page, live)
    page.goto(live.attacker_url + "/attack/session-csrf")
    with page.expect_navigation() as navigation:
        page.locator('[data-attack="real-logout"]').click()
    assert navigation.value.status == 400
    # The browser kept the Lax cookie back; the header asks again from the app's own page.
    expect(page.locator('[data-whoami="session"]')).to_have_text("alice")
    expect(page.locator("[data-standing]")).to_contain_text("If you were signed in, you still are")
    expect(page.locator("[data-refused]")).to_contain_text("POST /session/logout")


def test_the_refused_logouts_page_leads_back_to_the_session_lab_still_signed_in(live, page):
    sign_in_to_the_session_lab(page, live)
    page.goto(live.attacker_url + "/attack/session-csrf")
    page.locator('[data-attack="real-logout"]').click()
    page.get_by_role("link", name="Back to the session lab").click()
    expect(page).to_have_url(f"{live.app_url}/session/")
    expect(page.locator('[data-whoami="session"]')).to_have_text("alice")


def test_the_header_links_the_account_page_once_signed_in(live, page):
    page.goto(live.app_url + "/")
    expect(page.locator("[data-account-link]")).to_have_count(0)
    sign_in_to_the_session_lab(page, live, "bob")
    page.get_by_role("link", name="Account", exact=True).click()
    expect(page).to_have_url(f"{live.app_url}/account")
    expect(page.locator("[data-account-username]")).to_have_text("bob")
    expect(page.locator("[data-account-role]")).to_have_text("user")


def test_the_account_page_leads_to_the_password_change(live, page):
    sign_in_to_the_session_lab(page, live)
    page.goto(live.app_url + "/account")
    page.get_by_role("link", name="Change your password").click()
    expect(page.locator("h1")).to_have_text("Change your password")


def test_after_revoking_the_grant_the_oauth_lab_explains_why_you_are_still_signed_in(live, page):
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    sign_in_at_provider(page, live)
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("alice")
    page.get_by_role("button", name="Revoke the grant").click()
    expect(page.locator("[data-after-outcome]").last).to_contain_text("revoked")

    page.goto(f"{live.app_url}/oauth/")
    expect(page.locator("[data-revoked-note]")).to_contain_text("still signed in here as alice")
    expect(page.locator("[data-what-revocation-ends]")).to_contain_text("Back-Channel Logout")
    page.get_by_role("button", name="Ask the provider: call the user API again").click()
    expect(page.locator("[data-after-outcome]").last).to_have_text("The user API answered 401.")


def test_the_oauth_labs_sign_out_ends_the_sign_in_the_revocation_left(live, page):
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    sign_in_at_provider(page, live, "bob", PASSWORDS["bob"])
    page.get_by_role("button", name="Revoke the grant").click()
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("button", name="Sign out here, and at the provider").click()
    expect(page).to_have_url(re.compile(r"/oauth/dance#step-logout"))
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("signed out")
