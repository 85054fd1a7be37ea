"""Helpers for the JWT tests: sign in through the contract's endpoint, send a bearer token."""

from playwright.sync_api import expect

from tests.conftest import PASSWORDS


def login(client, username="alice", **extra):
    """POST /jwt/login as a demo account; the token pair (the sign-in must succeed)."""
    response = client.post("/jwt/login", json={"username": username, "password": PASSWORDS[username], **extra})
    assert response.status_code == 200, response.json
    return response.json


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def call(page, name, expected):
    """In the JWT lab's page: press one of its call buttons and wait for its answer."""
    page.locator("[data-call-result]").evaluate("node => { node.textContent = ''; }")  # wait for the new one
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("[data-call-result]")).to_contain_text(expected)
