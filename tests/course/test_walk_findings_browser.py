"""The walk's findings on the course side (issue 14 §5, item 9), checked in Chromium at a
projector's width: no line of code cut off in the article's columns or the source viewer, and
the OAuth attack bench's exchanges drawn on its wire panel."""

import pytest
from playwright.sync_api import expect

from tests.oauth_flow import csrf_token

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 800}

# Boxes whose content is wider than the box: text the reader would have to scroll sideways to.
CUT_OFF = """selector => [...document.querySelectorAll(selector)]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => {
    const title = box.closest('section')?.querySelector('h2, h3')?.textContent;
    return `${title}: ${box.scrollWidth} > ${box.clientWidth}`;
  })"""

# Lines whose last character is drawn outside their code box.
LAST_CHARACTER_OUTSIDE = """selector => [...document.querySelectorAll(selector)].flatMap((box) => {
  const edge = box.getBoundingClientRect().right;
  return [...box.querySelectorAll('.line')].filter((line) => {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.data.trim()) last = node;
    if (!last) return false;
    const range = document.createRange();
    range.setStart(last, last.data.length - 1);
    range.setEnd(last, last.data.length);
    return range.getBoundingClientRect().right > edge + 1;
  }).map((line) => line.id || line.textContent.slice(0, 60));
})"""


@pytest.mark.parametrize("slug", ["jwt", "session", "oauth"])
def test_article_code_columns_cut_no_line_off_at_1280_px(live, page, slug):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{live.app_url}/article/{slug}")
    assert page.evaluate(CUT_OFF, ".side-by-side .code-block") == []
    assert page.evaluate(LAST_CHARACTER_OUTSIDE, ".side-by-side .code-block") == []


def test_article_keeps_the_two_express_columns_side_by_side_at_1280_px(live, page):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{live.app_url}/article/jwt")
    original, corrected, flask = (page.locator(".code-col").nth(i).bounding_box() for i in range(3))
    assert original["y"] == corrected["y"] and original["x"] < corrected["x"]
    assert flask["y"] > original["y"] + original["height"] - 1  # this app's Flask, full width below


def test_source_viewer_cuts_no_long_line_off_at_1280_px(live, page):
    page.set_viewport_size(PROJECTOR)
    # This file's SPLIT tables and docstrings hold some of the project's longest lines.
    page.goto(f"{live.app_url}/source/blueprints/jwt/checks.py")
    assert page.evaluate(CUT_OFF, ".lit-code") == []
    assert page.evaluate(LAST_CHARACTER_OUTSIDE, ".lit-code") == []


def test_a_wrapped_source_line_keeps_its_one_line_number(live, page):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{live.app_url}/source/blueprints/jwt/checks.py")
    numbers = page.locator(".lit-code .ln").all_inner_texts()
    assert numbers == [str(n) for n in sorted(int(n) for n in numbers)]
    lines = page.locator(".lit-code .line").evaluate_all("lines => lines.map((l) => l.getClientRects()[0].height)")
    tall = [height for height in lines if height > 30]
    assert tall, "no line of checks.py wraps at 1280 px: pick a file with a longer line"


def test_oauth_bench_draws_the_runs_exchanges_on_its_wire_panel(live, page):
    page.goto(f"{live.app_url}/vulnerable/oauth/")
    # The run is a form post that answers with the page again (no script needed to start it).
    page.locator("#code-replay").get_by_role("button", name="Run it against both").click()
    page.locator('[data-bench="code-replay-real"]').wait_for()
    wire = page.locator("#code-replay details.bench-wire")
    wire.locator("summary").click()
    expect(wire.locator(".wire-item").first).to_be_visible()
    expect(wire.locator(".wire-list")).to_contain_text("/naive/token")
    expect(wire.locator(".wire-list")).to_contain_text("Authorization: Basic")
    assert csrf_token(page.content())  # the page is whole after the run
