"""The exercises in a real browser: the list, one exercise, its hint ladder by keyboard, no CSP error."""

import re

import pytest
from playwright.sync_api import expect

from exercises import CATALOG
from exercises.hints import ladder

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

    # No hint is on the page until the student asks, with the keyboard: one rung per press.
    hints = ladder(CATALOG[0])
    assert page.locator("section.hint").count() == 0
    button = page.get_by_role("button", name=f"Show hint 1 of {len(hints)}")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#hint-1$"))
    expect(page.get_by_role("heading", name=f"Hint 1 of {len(hints)}: {hints[0].title}")).to_be_visible()
    assert page.locator("section.hint").count() == 1
    assert hints[1].title not in page.locator("main").inner_text()
    expect(page.get_by_role("button", name=f"Show hint 2 of {len(hints)}")).to_be_visible()

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
        expect(page.get_by_role("button", name=re.compile(r"^Show hint 1 of \d$"))).to_be_visible()


def test_a_student_climbs_the_whole_ladder_and_folds_it_again(live, page):
    exercise = CATALOG[12]
    hints = ladder(exercise)
    page.goto(live.app_url + f"/exercises/{exercise.slug}")
    for number in range(1, len(hints) + 1):
        page.get_by_role("button", name=f"Show hint {number} of {len(hints)}").click()
        expect(page.locator(f"#hint-{number}")).to_contain_text(hints[number - 1].title)
    expect(page.locator("[data-hints-all-shown]")).to_contain_text(f"python -m exercises {exercise.number} --solution")
    # The count is the server's: a reload shows the same rungs, and folding empties it.
    page.reload()
    assert page.locator("section.hint").count() == len(hints)
    page.get_by_role("button", name="Fold the hints again").click()
    page.wait_for_url(re.compile(r"#hint-ladder$"))
    assert page.locator("section.hint").count() == 0
