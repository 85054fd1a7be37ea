"""The token workbench in a real browser, driven as a student: decode, edit, sign, verify."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser


def lab_token(page, live, username="bob"):
    """An access token of the JWT lab, as a student copies it from the lab page."""
    response = page.request.post(
        live.app_url + "/jwt/login", data={"username": username, "password": PASSWORDS[username]}
    )
    assert response.ok
    return response.json()["access_token"]


def sign_with_a_generated_key(page, alg):
    page.get_by_role("button", name="Generate a key for this algorithm").click()
    expect(page.locator("[data-wb-sign-status]")).to_contain_text(f"A new {alg} key")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("[data-wb-sign-status]")).to_contain_text(f"Signed with {alg}")


def test_a_forged_admin_token_signed_with_a_student_key_fails_the_signature_check_against_the_app_jwks(live, page):
    token = lab_token(page, live)
    page.goto(live.app_url + "/jwt/workbench")
    page.get_by_label("Token", exact=True).fill(token)
    page.get_by_role("button", name="Decode into header and payload").click()
    payload = page.get_by_label("Payload (JSON)")
    expect(payload).to_have_value(re.compile('"role": "user"'))
    # The times are readable: in UTC, and from now.
    expect(page.locator('[data-claim="exp"]')).to_contain_text(re.compile(r"UTC \(in 1[45] minutes\)"))
    expect(page.locator('[data-claim="iat"]')).to_contain_text(re.compile(r"UTC \((now|\d+ seconds? ago)\)"))

    payload.fill(payload.input_value().replace('"role": "user"', '"role": "admin"'))
    expect(page.locator('[data-claim="role"]')).to_contain_text('"admin"')
    sign_with_a_generated_key(page, "HS256")
    assert page.get_by_label("Token", exact=True).input_value() != token
    expect(page.locator("[data-wb-coloured] .tok-signature")).to_be_visible()

    page.get_by_label("Verify with").select_option(label="This app's JWKS (its keyring's public keys)")
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator("[data-wb-signature-final]")).to_contain_text("Signature refused at the key check")
    expect(page.locator("[data-wb-signature-final]")).to_contain_text("no JWKS publishes")
    expect(page.locator("[data-wb-app-final]")).to_have_text("Refused: Signature verification failed")


def test_a_generated_es256_key_signs_and_its_jwk_passes_every_signature_check(live, page):
    page.goto(live.app_url + "/jwt/workbench")
    page.get_by_label("Algorithm (writes the header's alg)").select_option("ES256")
    expect(page.get_by_label("Header (JSON)")).to_have_value(re.compile('"alg": "ES256"'))
    sign_with_a_generated_key(page, "ES256")
    expect(page.get_by_label("Verify with")).to_have_value("jwk")

    page.get_by_role("button", name="Verify", exact=True).click()
    signature = page.locator("[data-wb-signature] li")
    expect(signature).to_have_count(4)
    expect(page.locator("[data-wb-signature] .verdict.pass")).to_have_count(4)
    expect(page.locator("[data-wb-signature-final]")).to_contain_text("Signature valid")
    # The app's own allow-list is another rule: ES256 is not among its algorithms.
    expect(page.locator("[data-wb-rules] li", has_text="algorithm")).to_contain_text("fail")
    expect(page.locator("[data-wb-app-final]")).to_have_text("Refused: algorithm not allowed: ES256")


def test_a_weak_secret_signs_with_a_warning_and_a_bad_key_says_why(live, page):
    page.goto(live.app_url + "/jwt/workbench")
    page.get_by_label("Signing key", exact=True).fill("butterfly")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("[data-wb-warnings]")).to_contain_text("weak secret: 9 bytes")

    page.get_by_label("Kind of signing key").select_option("pem")
    page.get_by_label("Signing key", exact=True).fill("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("[data-wb-sign-status]")).to_contain_text("Not signed: 400: pem: not a private key")
