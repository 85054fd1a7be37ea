"""The victim bot, in a real Chromium, and a challenge solved by hand in the student's own browser."""

import re

import pytest

pytestmark = pytest.mark.browser
# A victim visit starts a browser of its own: on a loaded machine that takes a while.
VICTIM_TIMEOUT = 60_000


def test_session_guess_id_is_solved_by_reading_the_victims_neighbouring_id(live, page):
    page.goto(f"{live.app_url}/challenges/session-guess-id")
    page.click("text=Let the victim sign in", timeout=VICTIM_TIMEOUT)
    page.wait_for_selector("text=The victim's last visit", timeout=VICTIM_TIMEOUT)
    page.goto(f"{live.app_url}/vulnerable/session/")
    page.fill("#naive-username", "bob")
    page.fill("#naive-password", "thebuilder")
    page.click("text=Sign in to the naive twin")
    own = int(page.text_content("[data-naive-sid]"))
    whoami = f"{live.app_url}/vulnerable/session/whoami"
    answers = [page.request.get(f"{whoami}?sid={own - step}").json() for step in (1, 2, 3)]
    assert any(answer["user"] == "alice" for answer in answers)
    page.goto(f"{live.app_url}/challenges/session-guess-id")
    assert page.text_content("#status").strip().startswith("Solved")


def test_session_guess_id_stays_unsolved_when_the_student_reads_only_their_own_session(live, page):
    page.goto(f"{live.app_url}/challenges/session-guess-id")
    page.goto(f"{live.app_url}/vulnerable/session/")
    page.fill("#naive-username", "alice")
    page.fill("#naive-password", "wonderland")
    page.click("text=Sign in to the naive twin")
    assert page.request.get(f"{live.app_url}/vulnerable/session/whoami").json()["user"] == "alice"
    page.goto(f"{live.app_url}/challenges/session-guess-id")
    assert page.text_content("#status").strip().startswith("Not solved")


def test_the_victims_visit_lists_what_her_browser_did(live, page):
    page.goto(f"{live.app_url}/challenges/session-guess-id")
    page.click("text=Let the victim sign in", timeout=VICTIM_TIMEOUT)
    hops = page.text_content(".victim-hops")
    assert re.search(r"POST \S+/vulnerable/session/login", hops)
