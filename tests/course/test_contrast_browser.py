"""The contrast check itself (tests/course/contrast.py), on small pages whose answer is known.

The accessibility test runs it on every page of its list; these say what it finds and skips.
"""

import pytest

from tests.course.contrast import low_contrast_text

pytestmark = pytest.mark.browser


def page_with(page, body, style=""):
    page.set_content(f'<html lang="en"><head><title>t</title><style>{style}</style></head><body>{body}</body></html>')
    return low_contrast_text(page)


def test_text_the_colour_of_its_background_is_reported_with_its_ratio(page):
    dark_on_dark = ".item{background:#1e293b}.note{color:#1e293b}"  # the wire panel's notes, as the walk found them
    found = page_with(page, '<div class="item"><span class="note">why</span></div>', dark_on_dark)
    assert len(found) == 1 and found[0].startswith("contrast 1.00:1 < 4.5:1 at div.item > span.note")


def test_text_in_a_closed_details_is_checked_too(page):
    closed = "<details><summary>more</summary><p class='faint'>hidden</p></details>"
    found = page_with(page, closed, ".faint{color:#ccc}")
    assert any("p.faint" in line for line in found)


def test_text_in_a_hidden_element_is_checked_too(page):
    assert page_with(page, "<p hidden class='faint'>later</p>", ".faint{color:#ccc}")


def test_large_text_needs_only_3_to_1(page):
    # #888 on white is 3.54:1: enough at 24 px, not at 16 px.
    assert page_with(page, "<h1 style='font-size:24px;color:#888'>big</h1>") == []
    assert page_with(page, "<p style='font-size:16px;color:#888'>small</p>")


def test_a_translucent_background_is_composed_over_what_lies_beneath(page):
    # 60% white text on half-transparent black, over white: grey on grey, 2.5:1.
    assert page_with(page, "<div style='background:rgba(0,0,0,.5)'><p style='color:rgba(255,255,255,.6)'>x</p></div>")


def test_visually_hidden_text_and_disabled_controls_are_exempt(page):
    style = ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);color:#eee}"
    body = "<span class='visually-hidden'>for screen readers</span><button disabled style='color:#eee'>off</button>"
    assert page_with(page, body, style) == []


def test_good_contrast_is_not_reported(page):
    assert page_with(page, "<p style='color:#1a1a1a;background:#f7f7f5'>fine</p>") == []
