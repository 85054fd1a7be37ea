"""The wire panel in a real browser: its explanations readable (walk finding 5.1) and the panel
reachable and scrollable by keyboard where it scrolls (walk finding 5.11, axe-core's
scrollable-region-focusable)."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS
from tests.course.test_a11y_browser import axe_violations, require_axe

pytestmark = pytest.mark.browser

# Wide enough for the labs' two columns (app.css: 75rem at 18 px), where the panel is kept in
# view beside the steps and scrolls on its own; the walk's screen was this wide.
WIDE = {"width": 1600, "height": 900}

# WCAG 2.1 contrast of an element's text against the first opaque background behind it.
CONTRAST = """node => {
  const rgb = (css) => css.match(/[\\d.]+/g).map(Number);
  const linear = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  let behind = node, background = null;
  while (behind && !background) {
    const colour = rgb(getComputedStyle(behind).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) background = colour;
    behind = behind.parentElement;
  }
  const [light, dark] = [luminance(rgb(getComputedStyle(node).color)), luminance(background || [255, 255, 255])]
    .sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


def note_contrast(page, panel, header):
    """The contrast of the explanation beside `header` in the panel's newest exchange."""
    line = page.locator(f"{panel} .wire-headers > div", has_text=re.compile(rf"^{header}:", re.I)).first
    note = line.locator(".wire-note").first
    expect(note).to_be_visible()
    return note.evaluate(CONTRAST)


def signed_in_to_the_jwt_lab(page, live):
    page.goto(live.app_url + "/jwt/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("[data-jwt-status]")).to_contain_text("Signed in as alice")


def refused_call(page, live):
    """The JWT lab: a revoked token replayed is refused with a WWW-Authenticate challenge."""
    signed_in_to_the_jwt_lab(page, live)
    page.get_by_role("button", name="POST /jwt/logout", exact=True).click()
    page.get_by_role("button", name="Replay the revoked token", exact=True).click()
    expect(page.locator("#jwt-wire .wire-headers > div", has_text=re.compile("^WWW-Authenticate:"))).to_be_visible()


@pytest.mark.parametrize("header", ["WWW-Authenticate", "Cache-Control"])
def test_the_explanation_of_a_refusal_header_is_readable(live, page, header):
    refused_call(page, live)
    assert note_contrast(page, "#jwt-wire", header) >= 4.5


def test_the_explanation_of_location_is_readable(live, page):
    page.goto(live.app_url + "/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("alice")
    assert note_contrast(page, "#wire-raw", "Location") >= 4.5


def test_the_explanation_on_a_highlighted_line_stays_readable(live, page):
    signed_in_to_the_jwt_lab(page, live)
    page.get_by_role("button", name="GET /jwt/protected", exact=True).click()
    expect(page.locator("#jwt-wire .wire-headers .hl-auth").first).to_be_visible()
    assert note_contrast(page, "#jwt-wire", "Authorization") >= 4.5


def filled_wide_panel(page, live):
    """The JWT lab at a wide screen's size, its panel holding more than it shows at once."""
    page.set_viewport_size(WIDE)
    signed_in_to_the_jwt_lab(page, live)
    for count in range(2, 6):
        page.get_by_role("button", name="GET /jwt/protected", exact=True).click()
        expect(page.locator("#jwt-wire .wire-item")).to_have_count(count)
    panel = page.locator("#jwt-wire")
    assert panel.evaluate("node => node.scrollHeight > node.clientHeight + 50"), "the panel should scroll here"
    return panel


def test_a_scrolling_wire_panel_is_reached_and_scrolled_by_keyboard(live, page):
    panel = filled_wide_panel(page, live)
    # Shift+Tab from the panel's first control lands on the panel itself, by its name.
    panel.get_by_role("button", name="Clear").focus()
    page.keyboard.press("Shift+Tab")
    focused = page.get_by_role("region", name="On the wire", exact=True)
    expect(focused).to_be_focused()
    page.keyboard.press("End")
    # Chromium animates a keyboard scroll: wait for it to move, rather than read it at once.
    page.wait_for_function("() => document.querySelector('#jwt-wire').scrollTop > 0", timeout=5000)


def test_axe_finds_nothing_on_a_lab_whose_wire_panel_scrolls(live, page):
    require_axe()
    filled_wide_panel(page, live)
    assert axe_violations(page) == []
