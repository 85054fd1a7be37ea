"""The course pages in Chromium, used as a student would: read, follow links, answer the guide."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_article_page_shows_three_columns_and_marks_the_errata(live, page):
    page.goto(live.app_url + "/article/session")
    assert page.locator(".side-by-side .code-col").count() == 3
    assert page.locator(".code-col").first.locator(".erratum-line").count() >= 4
    page.get_by_role("link", name="See it in the lab").first.click()
    assert page.url.startswith(live.app_url + "/session/")


def test_a_flask_counterpart_link_opens_the_source_with_its_lines_highlighted(live, page):
    page.goto(live.app_url + "/article/jwt")
    page.locator("section[aria-labelledby=col-flask] h3 a").first.click()
    page.wait_for_url("**/source/blueprints/jwt/routes.py#L*")
    assert page.locator(".line.hl").count() >= 3
    assert page.locator(".line.hl", has_text="def login").count() == 1


def test_the_decision_guide_works_from_the_keyboard(live, page):
    page.goto(live.app_url + "/compare")
    for answer in ("Both", "With a password my app stores", "No", "At once, everywhere", "One instance"):
        page.get_by_label(answer, exact=True).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Recommend").focus()
    page.keyboard.press("Enter")
    recommendation = page.locator(".recommendation")
    assert "session" in recommendation.inner_text()
    assert "bearer tokens for programs" in recommendation.inner_text()


def test_the_checklist_links_each_control_to_its_tests(live, page):
    page.goto(live.app_url + "/checklist")
    row = page.locator("tr#JWT-1")
    row.locator("summary").click()
    row.locator("details a").first.click()
    page.wait_for_url("**/source/tests/**")
    expect(page.locator(".line:target")).to_have_count(1)
