"""Helpers for the JWT tests: sign in through the contract's endpoint, send a bearer token."""

from tests.conftest import PASSWORDS


def login(client, username="alice", **extra):
    """POST /jwt/login as a demo account; the token pair (the sign-in must succeed)."""
    response = client.post("/jwt/login", json={"username": username, "password": PASSWORDS[username], **extra})
    assert response.status_code == 200, response.json
    return response.json


def bearer(token):
    return {"Authorization": f"Bearer {token}"}
