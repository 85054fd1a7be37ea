"""A student does the dance in Chromium and reads every hop raw, in order, on the dance page."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS
from tests.course.test_a11y_browser import axe_violations, require_axe

pytestmark = pytest.mark.browser


def dance(page, live):
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("alice")


def hop(page, anchor):
    return page.locator(f"#wire-raw #{anchor}")


def test_a_student_reads_every_hop_raw_in_order(page, live):
    dance(page, live)
    items = page.locator("#wire-raw .wire-item")
    titles = [re.sub(r"\s+", " ", title) for title in items.locator("h3").all_inner_texts()]
    order = [f"GET {live.app_url}/oauth/login", "/authorize", "/oauth/callback", "/token", "/userinfo"]
    positions = [next(i for i, title in enumerate(titles) if part in title) for part in order]
    assert positions == sorted(positions), titles

    # The app's 302, its Location the provider's authorization endpoint.
    login = hop(page, "raw-login")
    expect(login.locator("h3")).to_contain_text("seen by the app")
    expect(login.locator("h3")).to_contain_text("302")
    expect(login.locator(".wire-headers div", has_text=re.compile("^Location: "))).to_contain_text(
        f"{live.provider_url}/authorize?response_type=code"
    )

    # The provider's 302 back, with code, state and iss.
    back = hop(page, "raw-provider-redirect")
    expect(back.locator("h3")).to_contain_text("seen by the provider")
    location = back.locator(".wire-headers div", has_text=re.compile("^Location: "))
    for part in (f"{live.app_url}/oauth/callback?code=", "&state=", "&iss="):
        expect(location).to_contain_text(part)

    # The callback, with the browser's Cookie header, its value shortened.
    callback = hop(page, "raw-callback")
    expect(callback.locator("h3")).to_contain_text("GET")
    cookie = callback.locator(".wire-headers .hl-cookie", has_text=re.compile("^Cookie: "))
    expect(cookie).to_contain_text("session=")
    expect(cookie).to_contain_text("characters, shortened on this page")
    session_cookie = next(c["value"] for c in page.context.cookies(live.app_url) if c["name"] == "session")
    expect(page.locator("#wire-raw")).not_to_contain_text(session_cookie)

    # Then the back channel: the token POST and the userinfo GET.
    expect(hop(page, "raw-token").locator("h3")).to_contain_text("POST")
    expect(hop(page, "raw-userinfo").locator("h3")).to_contain_text("/userinfo")


def test_each_arrow_of_the_diagram_opens_its_raw_hop(page, live):
    dance(page, live)
    page.get_by_role("link", name="302 → /oauth/callback?code, state, iss").click()
    expect(page).to_have_url(re.compile(r"#raw-provider-redirect$"))
    expect(hop(page, "raw-provider-redirect")).to_be_focused()
    page.get_by_role("link", name="GET /oauth/callback (state checked)").click()
    expect(hop(page, "raw-callback")).to_be_focused()
    expect(hop(page, "raw-callback")).to_contain_text("Cookie: session=")


def test_the_provider_shows_its_side_only_after_the_code_is_redeemed(page, live):
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_label("Pause before each hop").first.check()
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    page.get_by_role("link", name="Continue: go to the provider").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.locator("[data-raw-note]")).to_contain_text("once the app has redeemed the code")
    expect(page.locator("#wire-raw")).not_to_contain_text("seen by the provider")
    page.get_by_role("button", name="Continue: the back channel: the code for tokens").click()
    expect(page.locator("#wire-raw .wire-item", has_text="seen by the provider").first).to_be_visible()
    expect(page.locator("[data-raw-note]")).to_have_count(0)


def test_axe_finds_nothing_on_the_raw_hops_at_a_wide_screen(page, live):
    require_axe()
    page.set_viewport_size({"width": 1600, "height": 900})
    dance(page, live)
    assert axe_violations(page) == []
