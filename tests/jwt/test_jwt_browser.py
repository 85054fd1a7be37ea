"""The JWT lab in a real browser: sign in, call, expire, refresh, inspect, rotate, attack, storage."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS
from tests.jwt_flow import call

pytestmark = pytest.mark.browser


def sign_in(page, username, password, lifetime=""):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_label(re.compile("Access-token lifetime")).fill(lifetime)
    page.locator("[data-jwt-status]").evaluate("node => { node.textContent = ''; }")  # wait for the new one
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("[data-jwt-status]")).to_contain_text(f"Signed in as {username}")


def test_jwt_lab_sign_in_call_expire_refresh_inspect_rotate_attack(live, page):
    page.goto(live.app_url + "/jwt/")
    sign_in(page, "alice", PASSWORDS["alice"], lifetime="5")
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("alice")
    expect(page.locator("[data-token-text] .tok-signature")).to_be_visible()
    expect(page.locator("[data-token-checks] [data-final]")).to_contain_text("Accepted")
    expect(page.locator("[data-claims]")).to_contain_text("what logout puts on the blocklist")
    call(page, "GET /jwt/protected", "200 OK: You are authenticated!")
    call(page, "GET /jwt/admin", "200 OK: Welcome, admin!")
    admin_call = page.locator("#jwt-wire .wire-item").filter(
        has=page.locator("h3", has_text=re.compile(r"GET \S+/jwt/admin"))
    )
    expect(admin_call).to_contain_text("Authorization: Bearer")

    # The inspector, while the 5-second token runs out.
    page.get_by_role("button", name="Inspect my access token").click()
    expect(page.locator("[data-inspect-result] [data-final]")).to_contain_text("Accepted: a valid access token")
    page.get_by_label("Token", exact=True).fill("eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.")
    page.get_by_role("button", name="Inspect", exact=True).click()
    expect(page.locator("[data-inspect-result] [data-final]")).to_contain_text("Refused: algorithm not allowed: none")

    # Expiry: the countdown reaches zero, the API says why it refuses, refresh brings a new token.
    expect(page.locator("[data-countdown]")).to_contain_text("Expired", timeout=8000)
    call(page, "GET /jwt/protected", "401 UNAUTHORIZED: token expired")
    expect(page.locator("[data-call-result]")).to_contain_text('error="invalid_token"')
    call(page, "POST /jwt/refresh", "200 OK")
    call(page, "GET /jwt/protected", "200 OK")
    call(page, "Replay the previous refresh token", "refresh token reused")
    call(page, "GET /jwt/protected", "token revoked: refresh token reused")

    # Rotation to RS256: new tokens name the new key; the browser verifies one with the JWKS alone.
    sign_in(page, "alice", PASSWORDS["alice"])
    page.get_by_role("button", name="Rotate: new RS256 key").click()
    expect(page.locator("[data-keys-result]")).to_contain_text("New signing key rs256-")
    call(page, "GET /jwt/protected", "200 OK")  # signed by the previous key: still valid
    sign_in(page, "alice", PASSWORDS["alice"])
    expect(page.locator("[data-claims]")).to_be_visible()
    page.get_by_role("button", name="Verify my token in this browser with the JWKS only").click()
    expect(page.locator("[data-keys-result]")).to_contain_text("Signature valid")
    page.get_by_role("button", name="Rotate: new HS256 key").click()
    expect(page.locator("[data-keyring]")).to_contain_text("verifying")

    # The attack bench: the naive verifier falls, the real one holds.
    for attack, reason in [("alg-none", "algorithm not allowed"), ("kid-trick", "unknown key id")]:
        page.locator(f'[data-attack-run="{attack}"]').click()
        row = page.locator(f'[data-attack="{attack}"]')
        expect(row.locator("[data-naive]")).to_contain_text("fell for it")
        expect(row.locator("[data-real]")).to_contain_text(reason)
    page.locator('[data-attack-run="weak-secret"]').click()
    expect(page.locator("[data-bench-note]")).to_contain_text("the secret is 'butterfly'")

    # Logout revokes; the replay is refused.
    call(page, "POST /jwt/logout", "200 OK")
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("signed out")
    call(page, "Replay the revoked token", "token revoked: logged out")
    assert page.evaluate("Object.keys(localStorage).length") == 0  # JWT-7: never persisted
    assert "eyJ" not in page.url


def test_jwt_lab_storage_xss_and_cookie_mode_csrf(live, page):
    page.goto(live.app_url + "/jwt/")
    sign_in(page, "bob", PASSWORDS["bob"])
    call(page, "GET /jwt/admin", "403 FORBIDDEN: admin role required")

    page.get_by_role("button", name="Put my token in localStorage (demo)").click()
    page.get_by_role("button", name="Sign in with cookie mode (as the user above)").click()
    expect(page.locator("[data-xss-output]")).to_contain_text("200: Signed in as bob")
    call(page, "POST /jwt/logout", "200 OK")
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("bob")  # the cookie still signs bob in
    page.get_by_role("button", name="Run an injected script (XSS simulation)").click()
    out = page.locator("[data-xss-output]")
    expect(out).to_contain_text("STOLEN")
    expect(out).to_contain_text("csrf_access_token=")
    expect(out).not_to_contain_text("access_token_cookie=")

    # A reload: the memory token is gone, the cookie-mode user shows in the header badge.
    page.reload()
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("bob")

    page.get_by_role("button", name="POST /jwt/cookie/logout without the CSRF header").click()
    expect(out).to_contain_text("401: Missing CSRF token")

    # The attacker's cross-site form is refused as well.
    page.goto(live.attacker_url + "/attack/jwt-cookie-csrf")
    page.get_by_role("button", name="Log the victim out of cookie mode").click()
    expect(page.locator("body")).to_contain_text("Missing")
    page.goto(live.app_url + "/jwt/")
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("bob")

    page.get_by_role("button", name="POST /jwt/cookie/logout with it").click()
    expect(out).to_contain_text("200: Signed out")
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("signed out")
    page.reload()
    expect(page.locator('[data-whoami="jwt"]')).to_have_text("signed out")
