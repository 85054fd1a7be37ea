"""The walk's findings on the JWT side (issue 14 §5, items 5, 6, 7, 9g), checked in Chromium as a
student meets them: the attack bench at a projector's width, the refresh answer, the provider's
id_token in the inspector, and the session lab's scale-out demo after a form sign-in."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 800}

# Every word (a run of non-space characters) of the verdict rows' text that the browser laid out
# over more than one line: "refuse" + "d" is one word drawn on two lines. (The decoded tokens
# under each row are JSON, wrapped on purpose: a 342-character key does not fit any column.)
SPLIT_WORDS = """table => {
  const split = [];
  for (const cell of table.querySelectorAll(":scope > tbody > tr[data-attack] > :is(td, th)")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


def sign_in(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("[data-jwt-status]")).to_contain_text(f"Signed in as {username}")


def send_attack(page, attack):
    page.locator(f'[data-attack-run="{attack}"]').click()
    expect(page.locator(f'[data-attack="{attack}"] [data-real]')).not_to_have_text("–")


# --- Item 6: the attack bench -------------------------------------------------------------


def test_attack_bench_table_cells_do_not_wrap_mid_word(live, page):
    page.set_viewport_size(PROJECTOR)
    page.goto(live.app_url + "/jwt/")
    for attack in ("alg-none", "payload-edited", "kid-trick", "jwk-header"):
        send_attack(page, attack)
    assert page.locator("table.bench").evaluate(SPLIT_WORDS) == []


def test_attack_bench_spans_the_page_below_the_two_columns(live, page):
    page.set_viewport_size(PROJECTOR)
    page.goto(live.app_url + "/jwt/")
    bench = page.locator("#attacks").bounding_box()
    main = page.locator("main").bounding_box()
    assert bench["width"] > 0.9 * main["width"]


def test_attack_bench_shows_each_forged_token_decoded(live, page):
    page.goto(live.app_url + "/jwt/")
    forged = page.locator('[data-forged="alg-none"]')
    expect(forged).to_be_hidden()
    send_attack(page, "alg-none")
    expect(forged).to_be_visible()
    naive, real = forged.locator(".forged-token").all()
    expect(naive.locator("h3")).to_have_text("Sent to the naive verifier")
    expect(naive.locator("pre.tok-header")).to_contain_text('"alg": "none"')
    expect(naive.locator("pre.tok-payload")).to_contain_text('"role": "admin"')
    expect(real.locator("pre.tok-payload")).to_contain_text('"role": "admin"')
    expect(real.locator(".tok-signature")).to_have_text("signature: none (empty)")


def test_attack_bench_exchanges_fill_the_benchs_own_wire_panel(live, page):
    page.goto(live.app_url + "/jwt/")
    send_attack(page, "alg-none")
    expect(page.locator("#jwt-bench-wire .wire-list")).to_contain_text("/vulnerable/jwt/admin")
    expect(page.locator("#jwt-wire .wire-item")).to_have_count(0)


# --- Item 9g: the refresh answer ------------------------------------------------------------


def test_refresh_result_says_what_came_back(live, page):
    page.goto(live.app_url + "/jwt/")
    sign_in(page, "alice")
    page.get_by_role("button", name="POST /jwt/refresh", exact=True).click()
    result = page.locator("[data-call-result]")
    expect(result).to_contain_text("refresh: 200 OK: a new access token (for ")
    expect(result).to_contain_text("the refresh token sent is used up")


def test_a_lifetime_past_the_bound_is_said_to_be_clamped(live, page):
    page.goto(live.app_url + "/jwt/")
    page.get_by_label(re.compile("Access-token lifetime")).fill("5000")
    sign_in(page, "bob")
    expect(page.locator("[data-jwt-status]")).to_contain_text(
        "access token for 900 s (5000 s asked: the server allows 5 to 900)"
    )


# --- Item 5: the provider's id_token in the inspector ------------------------------------------


def test_the_oauth_labs_id_token_in_the_inspector_shows_the_lesson_and_its_whole_kid(live, page):
    page.goto(live.app_url + "/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORDS["bob"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("bob")
    page.get_by_role("button", name="Open this id_token in the JWT lab's inspector").click()
    kid = re.search(r'"kid": "([^"]+)"', page.locator("[data-inspect-result] pre.decoded").first.inner_text()).group(1)
    key = page.locator("[data-inspect-result] [data-checks] li", has_text="key:").first
    expect(key).to_contain_text(f"unknown key id (kid): the header asks for kid '{kid}'")
    lesson = page.locator("[data-inspect-result] [data-lesson]")
    expect(lesson.locator("h3")).to_have_text(
        "This refusal is the lesson: the JWT lab refuses the provider's id_token on purpose"
    )
    expect(lesson).to_contain_text(f"Another issuer: iss '{live.provider_url}'")
    expect(lesson).to_contain_text('Another audience: aud ["authlab-app"] is the client id')
    expect(lesson).to_contain_text(kid)


# --- Item 7: scale-out (c) in the session lab ---------------------------------------------------


def sign_in_by_form(page, live, username):
    page.goto(live.app_url + "/session/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in (form post)").click()
    page.locator(".flash", has_text=f"Signed in as {username}").wait_for()
    page.wait_for_load_state("load")


def run_case(page, name):
    page.get_by_role("button", name=name).click()
    page.locator("[data-scale-result] .verdict").wait_for()


def test_jwt_on_both_works_after_the_default_form_sign_in(live, page):
    sign_in_by_form(page, live, "alice")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")  # the reload emptied it
    run_case(page, "(c) JWT on both")
    expect(page.locator("[data-scale-result]")).to_contain_text("as expected")
    expect(page.locator("[data-scale-steps] li")).to_have_count(5)
    expect(page.locator("[data-scale-steps] .verdict.fail")).to_have_count(0)


def test_a_scale_out_case_replaces_the_steps_of_the_one_before(live, page):
    sign_in_by_form(page, live, "alice")
    run_case(page, "(b) The shared store")
    expect(page.locator("[data-scale-steps]")).to_contain_text("GET /session/whoami")
    run_case(page, "(c) JWT on both")
    expect(page.locator("[data-scale-result]")).to_contain_text("(c) JWT on both:")
    expect(page.locator("[data-scale-steps]")).not_to_contain_text("GET /session/whoami")


def test_after_signing_in_as_bob_the_form_and_jwt_on_both_say_bob(live, page):
    sign_in_by_form(page, live, "bob")
    expect(page.get_by_label("Username")).to_have_value("bob")
    run_case(page, "(c) JWT on both")
    expect(page.locator("[data-scale-steps] li").first).to_contain_text("The app issues bob a JWT pair")
