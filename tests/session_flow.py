"""Signing in to the session lab and reading its Set-Cookie headers, shared by the session tests."""

from tests.conftest import PASSWORDS


def login(client, username="alice", **extra):
    return client.post("/session/login", json={"username": username, "password": PASSWORDS[username], **extra})


def set_cookie(response, name):
    """The Set-Cookie header for one cookie, as sent (the test client's jar proves nothing)."""
    lines = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(lines) == 1, response.headers.getlist("Set-Cookie")
    return lines[0]


def cookie_value(response, name="session"):
    return set_cookie(response, name).split(";", 1)[0].split("=", 1)[1]


def attributes(header):
    return {part.strip().split("=", 1)[0].lower(): part.strip() for part in header.split(";")[1:]}
