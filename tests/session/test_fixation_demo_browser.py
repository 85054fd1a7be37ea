"""The attacker's session-fixation page keeps the id it planted across Back and reload.

The page is never cached (no-store), so each visit runs its script again. A demo run live by
an instructor (exercises/INSTRUCTOR.md, session 2) goes: link 1, sign in, Back, link 3. If the
page picked a new id on the way back, link 3 would ask about an id nobody adopted, answer
{"sid": null, "user": null}, and the naive twin would look safe.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser

ATTACK = "/attack/session-fixation"


def planted(page):
    return page.locator("[data-planted-id]").first.inner_text()


def back_to_the_attacker(page, live):
    """Press Back until the attacker's page is shown again (the victim's pages lie between)."""
    for _ in range(5):
        if page.url.startswith(live.attacker_url):
            return
        page.go_back()
    raise AssertionError(f"Back never reached the attacker's page: {page.url}")


def test_link_3_followed_after_back_finds_the_victim_signed_in_under_the_planted_id(live, page):
    page.goto(live.attacker_url + ATTACK)
    before = planted(page)
    page.locator('[data-fixation-link="naive"]').click()
    expect(page.locator("[data-naive-sid]")).to_have_text(before)
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in to the naive twin").click()
    expect(page.locator("[data-naive-user]")).to_have_text("alice")

    back_to_the_attacker(page, live)
    expect(page.locator("[data-planted-id]").first).to_have_text(before)
    page.locator('[data-fixation-link="use"]').click()
    assert json.loads(page.locator("body").inner_text()) == {"sid": before, "user": "alice"}


def test_a_reload_of_the_attacker_page_keeps_the_planted_id(live, page):
    page.goto(live.attacker_url + ATTACK)
    before = planted(page)
    page.reload()
    expect(page.locator("[data-planted-id]").first).to_have_text(before)
    assert page.locator('[data-fixation-link="use"]').get_attribute("href").endswith(f"sid={before}")


def test_every_link_carries_the_id_the_page_shows(live, page):
    page.goto(live.attacker_url + ATTACK)
    shown = planted(page)
    hrefs = [link.get_attribute("href") for link in page.locator("[data-fixation-link]").all()]
    assert len(hrefs) == 3 and all(href.endswith(f"?sid={shown}") for href in hrefs)


def test_pick_a_new_id_starts_the_demo_again_with_an_id_nobody_adopted(live, page):
    page.goto(live.attacker_url + ATTACK)
    before = planted(page)
    page.get_by_role("button", name="Pick a new id").click()
    after = planted(page)
    assert after != before and after.startswith("mallory-")
    page.reload()
    expect(page.locator("[data-planted-id]").first).to_have_text(after)
    page.locator('[data-fixation-link="use"]').click()
    assert json.loads(page.locator("body").inner_text()) == {"sid": None, "user": None}


def test_an_id_written_into_the_address_by_someone_else_is_not_put_into_the_links(live, page):
    page.goto(live.attacker_url + ATTACK + "#sid=%22%3E%3Cscript%3E")
    shown = planted(page)
    assert shown.startswith("mallory-") and "<" not in shown
    expect(page).to_have_url(f"{live.attacker_url}{ATTACK}#sid={shown}")
