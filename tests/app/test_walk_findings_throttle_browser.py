"""Walk finding 4 (issue 14) in Chromium: a locked sign-in says, on the lab page, how long to wait.

The walk read "Sign-in refused: 429 TOO MANY REQUESTS: Too many requests" in the JWT lab. The
live servers here run with the throttle on (the test configuration turns it off) and a limit
of two failures, so three sign-ins lock the account.
"""

import re
import socket

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS, resolve_localhost_names, start_live_servers

pytestmark = pytest.mark.browser

THROTTLED = {"RATELIMIT_ENABLED": True, "RATELIMIT_FAILURES_PER_ACCOUNT_AND_ADDRESS": "2 per 5 minutes"}


@pytest.fixture
def throttled(tmp_path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_localhost_names(socket.getaddrinfo))
        servers, threads = start_live_servers(tmp_path, **THROTTLED)
        yield servers
        for thread in threads:
            thread.stop()


def sign_in(page, password):
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_the_jwt_lab_says_try_again_in_so_many_seconds_when_locked(throttled, page):
    page.goto(throttled.app_url + "/jwt/")
    status = page.locator("[data-jwt-status]")
    for attempt in range(2):
        sign_in(page, f"wrong guess {attempt}")
        expect(status).to_contain_text("401")
    sign_in(page, PASSWORDS["alice"])
    expect(status).to_contain_text("429")
    assert re.search(r"Try again in \d+ (seconds|minutes?)", status.inner_text()), status.inner_text()


def test_the_session_lab_form_says_try_again_in_so_many_seconds_when_locked(throttled, page):
    page.goto(throttled.app_url + "/session/")
    for attempt in range(3):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password", exact=True).fill(f"wrong guess {attempt}")
        page.get_by_role("button", name="Sign in (form post)").click()
    expect(page.locator("[data-login-error]")).to_contain_text("Try again in")
