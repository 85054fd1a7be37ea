"""The exercises in a real browser: the list, one exercise, its hints by keyboard, no CSP error."""

import pytest

from exercises import CATALOG

pytestmark = pytest.mark.browser


def test_a_student_finds_exercise_1_and_opens_a_hint_by_keyboard(live, page):
    page.goto(live.app_url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exercises", exact=True).click()
    assert page.locator("h1").inner_text() == "Classroom exercises"
    assert page.locator("table.exercise-list tbody tr").count() == len(CATALOG)

    # Keyboard only: focus the first exercise's link and follow it with Enter.
    link = page.get_by_role("link", name=CATALOG[0].title)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/exercises/{CATALOG[0].slug}")
    assert page.locator("h1").inner_text().startswith("Exercise 1:")
    assert page.locator('nav[aria-label="Main"] a[aria-current="page"]').inner_text() == "Exercises"

    # A hint is folded until the student opens it, with the keyboard.
    hint = page.locator("details.hint").first
    assert hint.get_attribute("open") is None
    hint.locator("summary").focus()
    page.keyboard.press("Enter")
    assert hint.get_attribute("open") is not None
    assert hint.locator("p").first.is_visible()

    # The command to check it, and the starter code one click away in the source viewer.
    assert page.get_by_text("make exercise 1", exact=True).first.is_visible()
    page.get_by_role("link", name=f"{CATALOG[0].path}/exercise.py").click()
    assert "role_required" in page.locator("main").inner_text()


def test_the_next_link_walks_through_the_exercises(live, page):
    page.goto(live.app_url + f"/exercises/{CATALOG[0].slug}")
    page.get_by_role("link", name=f"Next: {CATALOG[1].title}").click()
    page.wait_for_url(f"**/exercises/{CATALOG[1].slug}")
    assert page.locator("table").first.is_visible()  # the README's table renders as a table
    page.get_by_text("Show the starter code here").click()
    assert "TODO(student)" in page.locator("details.starter pre").inner_text()


def test_every_exercise_page_renders_without_a_script_or_csp_error(live, page):
    for exercise in CATALOG:
        page.goto(live.app_url + f"/exercises/{exercise.slug}")
        assert page.locator("h1").inner_text().startswith(f"Exercise {exercise.number}:")
        assert page.locator("details.hint").count() >= 2
