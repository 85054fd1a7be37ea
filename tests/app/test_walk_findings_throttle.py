"""Walk finding 4 (issue 14): every throttled answer says how long to wait, in words.

The walk met "Sign-in refused: 429 TOO MANY REQUESTS: Too many requests", with no wait. Each
throttled endpoint of the app is locked here, and its 429 must carry Retry-After and, for the
person reading it (a page, or the description a lab page prints), "Try again in N seconds".
"""

import re

import pytest

from app import create_app
from tests.conftest import PASSWORDS, app_config
from throttle import in_words

# Low limits, so that two failures lock (the real ones are in config.py).
LOW_LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_FAILURES_PER_ACCOUNT_AND_ADDRESS": "2 per 5 minutes",
    "RATELIMIT_SIGN_UPS_PER_ADDRESS": "1 per hour",
    "RATELIMIT_DEVICE_STARTS_PER_ADDRESS": "1 per 10 minutes",
}
WRONG = {"username": "alice", "password": "not the password"}


@pytest.fixture
def app(tmp_path):
    return create_app(app_config(tmp_path / "instance", **LOW_LIMITS))


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def says_the_wait(response, text):
    """The 429's Retry-After, and the same wait in words in `text`."""
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert wait > 0
    assert f"Try again in {in_words(wait)}" in text, text
    return wait


def visible_text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.mark.parametrize("path", ["/jwt/login", "/jwt/cookie/login", "/session/login"])
def test_a_locked_json_sign_in_describes_the_wait_in_words(client, path):
    for _ in range(2):
        assert client.post(path, json=WRONG).status_code == 401
    locked = client.post(path, json={"username": "alice", "password": PASSWORDS["alice"]})
    says_the_wait(locked, locked.get_json()["description"])


def test_a_locked_scale_out_relay_describes_the_wait_in_words(client):
    for _ in range(2):  # the relay shares the sign-in counters: locked at /jwt/login, locked here
        client.post("/jwt/login", json=WRONG)
    locked = client.post("/session/scaleout/jwt", json=WRONG, headers={"Accept": "application/json"})
    says_the_wait(locked, locked.get_json()["description"])


def test_the_session_lab_form_says_try_again_in_so_many_seconds(client):
    for _ in range(2):
        client.post("/session/login", data={"csrf_token": csrf(client, "/session/"), **WRONG})
    locked = client.post("/session/login", data={"csrf_token": csrf(client, "/session/"), **WRONG})
    says_the_wait(locked, visible_text(locked))


def test_the_account_password_form_says_try_again_in_so_many_seconds(client):
    client.post("/session/login", json={"username": "alice", "password": PASSWORDS["alice"]})

    def change(current):
        form = {"csrf_token": csrf(client, "/account/password"), "current_password": current}
        return client.post("/account/password", data={**form, "new_password": "x", "confirm": "x"})

    for _ in range(2):
        assert change("a wrong guess").status_code == 400
    locked = change(PASSWORDS["alice"])
    says_the_wait(locked, visible_text(locked))


def test_the_sign_up_form_says_try_again_in_so_many_seconds(client):
    form = {"password": "a long passphrase nobody guesses", "confirm": "a long passphrase nobody guesses"}
    made = client.post("/signup", data={"csrf_token": csrf(client, "/signup"), "username": "carol", **form})
    assert made.status_code == 302
    locked = client.post("/signup", data={"csrf_token": csrf(client, "/signup"), "username": "dave", **form})
    says_the_wait(locked, visible_text(locked))


def test_the_device_lab_start_page_says_try_again_in_so_many_seconds(client):
    client.post("/oauth/device/start", data={"csrf_token": csrf(client, "/oauth/device")})
    locked = client.post("/oauth/device/start", data={"csrf_token": csrf(client, "/oauth/device")})
    text = visible_text(locked)
    says_the_wait(locked, text)
    assert "Too many device sign-ins started from your address" in text


def test_a_refused_refresh_token_lock_describes_the_wait_in_words(tmp_path):
    limits = {"RATELIMIT_ENABLED": True, "RATELIMIT_FAILURES_PER_ADDRESS": "2 per 5 minutes"}
    app = create_app(app_config(tmp_path / "i", **limits))
    client = app.test_client()
    for _ in range(2):
        assert client.post("/jwt/refresh", headers={"Authorization": "Bearer not.a.token"}).status_code == 401
    locked = client.post("/jwt/refresh", headers={"Authorization": "Bearer not.a.token"})
    says_the_wait(locked, locked.get_json()["description"])


def test_a_429_without_words_of_its_own_says_the_wait_from_its_retry_after(app):
    from werkzeug.exceptions import TooManyRequests

    @app.get("/test-only/busy")
    def busy():
        raise TooManyRequests(retry_after=42)

    page = app.test_client().get("/test-only/busy", headers={"Accept": "text/html"})
    assert page.headers["Retry-After"] == "42"
    assert "Try again in 42 seconds" in visible_text(page)
