"""The home page in a real browser: it renders, its links work, the header is right, no CSP error."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chromium(live, page):
    page.goto(live.app_url + "/")
    assert page.locator("h1").inner_text() == "Authentication, side by side"
    assert page.locator(".approach").count() == 3


def test_every_link_on_the_home_page_works(live, page):
    page.goto(live.app_url + "/")
    hrefs = {a.get_attribute("href") for a in page.locator("a[href]").all()}
    broken = []
    for href in sorted(hrefs):
        if href.startswith("#"):
            continue
        response = page.request.get(href if href.startswith("http") else live.app_url + href)
        if response.status >= 400:
            broken.append(f"{href} -> {response.status}")
    assert not broken


def test_header_shows_all_three_mechanisms_signed_out(live, page):
    page.goto(live.app_url + "/")
    for mechanism in ("jwt", "session", "oauth"):
        assert page.locator(f'[data-whoami="{mechanism}"]').inner_text() == "signed out"


def test_skip_link_moves_keyboard_focus_to_the_content(live, page):
    page.goto(live.app_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_signup_form_fields_have_labels(live, page):
    page.goto(live.app_url + "/signup")
    for field in ("username", "password", "confirm"):
        assert page.get_by_label(page.locator(f'label[for="{field}"]').inner_text(), exact=True).count() == 1


def test_signing_up_in_the_browser_creates_the_account(live, page):
    page.goto(live.app_url + "/signup")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password", exact=True).fill("explorer of long passphrases")
    page.get_by_label("Confirm password").fill("explorer of long passphrases")
    page.get_by_role("button", name="Create account").click()
    assert "Account 'dora' created" in page.locator(".flash").inner_text()


def test_the_provider_is_another_labelled_origin(live, page):
    page.goto(live.provider_url + "/")
    assert "another party" in page.locator(".origin-note").inner_text()
