"""The session lab in a real browser, including the attacker's origin: what the pages show."""

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser


def session_cookie(page, name="session"):
    found = [c for c in page.context.cookies() if c["name"] == name]
    return found[0] if found else None


def test_the_lab_signs_in_shows_the_server_side_and_replays_a_dead_cookie(live, page):
    page.goto(live.app_url + "/session/")
    assert page.locator("[data-store]").inner_text() == "SQLite (Flask-SQLAlchemy)"
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["bob"])
    page.get_by_label("Timeouts for this session").select_option("demo")
    page.get_by_role("button", name="Sign in (JSON from the page)").click()
    page.locator('[data-whoami="session"]', has_text="bob").wait_for()
    expect(page.locator("[data-countdown]")).to_contain_text("demo timeouts")  # SES-4, counted down on the page

    # The id changed at login (SES-2): the page lists the anonymous id and the new one.
    history = page.locator("[data-id-history] li")
    history.nth(1).wait_for()
    assert "anonymous" in history.nth(0).inner_text() and "signed in as bob" in history.nth(1).inner_text()
    assert history.nth(0).inner_text()[:6] != history.nth(1).inner_text()[:6]
    expect(page.locator("[data-record-data]")).to_contain_text('"_user_id"')
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # The wire panel shows the login's Set-Cookie line, attribute by attribute.
    expect(page.locator("#session-wire")).to_contain_text("HttpOnly: page scripts cannot read it")

    page.get_by_role("button", name="GET /session/admin").click()
    page.locator("[data-call-result]", has_text="403").wait_for()

    page.get_by_role("button", name="Show the signed cookie").click()
    page.locator("[data-client-decoded]", has_text='"user": "bob"').wait_for()
    page.get_by_role("button", name="Forge it: make me an admin").click()
    forge = page.locator("[data-forge-result]")
    forge.locator(".verdict.pass").wait_for()
    assert "refused" in forge.inner_text()

    page.get_by_role("button", name='Run the "injected" script').click()
    xss = page.locator("[data-xss-result]")
    xss.get_by_text("POST /session/note from the same script → 200").wait_for()
    assert "session=" not in xss.inner_text().split("\n")[0]

    page.get_by_role("button", name="Sign both in, then guess").click()
    page.locator("[data-guess-result]", has_text="signed in as alice: taken over").wait_for()

    page.get_by_role("button", name="Log out, then replay the old cookie").click()
    steps = page.locator("[data-replay-steps] li")
    steps.nth(2).wait_for()
    assert "→ 401" in steps.nth(2).inner_text()
    assert page.locator("[data-replay-steps] .verdict.fail").count() == 0
    page.locator('[data-whoami="session"]', has_text="signed out").wait_for()


def test_scale_out_from_the_lab_page(live, page):
    page.goto(live.app_url + "/session/")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in (form post)").click()
    page.locator(".flash", has_text="Signed in as alice").wait_for()
    # The flash is in the HTML; the buttons below work once the page's script has run.
    page.wait_for_load_state("load")
    for case in ("(a) A store per instance", "(b) The shared store", "(c) JWT on both"):
        if case.startswith("(c)"):
            page.get_by_label("Password", exact=True).fill(PASSWORDS["alice"])  # the JWT login needs it
        page.get_by_role("button", name=case).click()
        page.locator("[data-scale-result] .verdict").wait_for()
        result = page.locator("[data-scale-result]")
        assert "as expected" in result.inner_text(), page.locator("[data-scale-steps]").inner_text()
        page.locator("[data-scale-result]").evaluate("node => node.replaceChildren()")
    expect(page.locator("#session-wire")).to_contain_text(live.replica_url)


def test_fixation_and_csrf_from_the_attacker_site(live, page):
    # Session fixation against the naive twin: Mallory's link plants her id, the victim signs in.
    page.goto(live.attacker_url + "/attack/session-fixation")
    planted = page.locator("[data-planted-id]").first.inner_text()
    use_link = page.locator('[data-fixation-link="use"]').get_attribute("href")
    page.locator('[data-fixation-link="naive"]').click()
    expect(page.locator("[data-naive-sid]")).to_have_text(planted)
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in to the naive twin").click()
    expect(page.locator("[data-naive-user]")).to_have_text("alice")
    expect(page.locator("[data-naive-cookies]")).to_contain_text(f"naive_sid={planted}")  # no HttpOnly
    page.goto(use_link)
    assert json.loads(page.locator("body").inner_text())["user"] == "alice"  # Mallory is alice now

    # The same link against the real lab: the id is ignored, and sign-in issues a fresh one.
    page.goto(live.attacker_url + "/attack/session-fixation")
    page.locator('[data-fixation-link="real"]').click()
    page.locator("[data-planted-note]").wait_for()
    page.get_by_label("Password", exact=True).fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in (form post)").click()
    page.locator(".flash", has_text="with a new session id").wait_for()
    assert session_cookie(page)["value"] != page.evaluate("new URLSearchParams(location.search).get('sid')")
    assert session_cookie(page)["httpOnly"]

    # CSRF from the attacker's site: SameSite=None falls, Lax holds, the real code refuses.
    page.goto(live.attacker_url + "/attack/session-csrf")
    page.locator('[data-attack="naive-none"]').click()
    expect(page.locator("[data-naive-result]")).to_contain_text("Note saved for alice")
    page.goto(live.attacker_url + "/attack/session-csrf")
    page.locator('[data-attack="naive-lax"]').click()
    expect(page.locator("[data-naive-result]")).to_contain_text("Refused")
    for attack in ("real", "real-logout", "real-login"):
        page.goto(live.attacker_url + "/attack/session-csrf")
        with page.expect_navigation() as navigation:
            page.locator(f'[data-attack="{attack}"]').click()
        assert navigation.value.status == 400
        assert "Cross-site request refused" in page.locator("main").inner_text()
    page.goto(live.attacker_url + "/attack/session-csrf")
    page.locator('[data-attack="naive-login"]').click()  # login CSRF: the naive twin takes it
    expect(page.locator("[data-naive-user]")).to_have_text("bob")
    page.goto(live.app_url + "/session/")
    expect(page.locator('[data-whoami="session"]')).to_have_text("alice")
    page.locator("[data-record-data]", has_text="_user_id").wait_for()
    assert "posted by the attacker" not in page.locator("[data-record-data]").inner_text()


def test_flasks_signed_cookie_decodes_without_the_key_and_an_edited_one_is_refused(live, page):
    page.goto(live.app_url + "/session/")
    page.get_by_role("button", name="Show the signed cookie").click()
    expect(page.locator("[data-client-decoded]")).to_contain_text("{")  # decoded in the browser, no key
    page.get_by_role("button", name="Forge it: make me an admin").click()
    result = page.locator("[data-forge-result]")
    expect(result).to_contain_text("The original cookie: accepted")
    expect(result).to_contain_text('"role":"admin"')
    expect(result).to_contain_text("same signature): refused")
