"""What the walk through the JWT lab found (issue 14 §5, items 5, 7 and 9), each as the rule it broke.

The inspector names a token's key whole and says why refusing the provider's id_token is right;
the lab's lifetime bounds are the server's; scale-out (c) works after a form sign-in.
"""

import json
import re

import jwt as pyjwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

import b64url
from blueprints.jwt.signin import LAB_LIFETIME
from tests.conftest import PASSWORDS
from tests.jwt_flow import login
from tests.session_flow import login as session_login

PROVIDER_KID = "yXJ_lo-u_CWnLhjXPN20xQA4mTxogSSXRc6JpbBHo7g"  # an RFC 7638 thumbprint: 43 characters


@pytest.fixture(scope="module")
def outside_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def id_token_of_the_provider(app, key, **claims):
    """A token shaped like the built-in provider's id_token: its issuer, the app's client, its kid."""
    payload = {
        "iss": app.config["PROVIDER_URL"],
        "aud": [app.config["BUILTIN_CLIENT_ID"]],
        "sub": "2",
        "iat": 1_700_000_000,
        "exp": 4_000_000_000,
        "nonce": "n-0S6_WzA2Mj",
        **claims,
    }
    return pyjwt.encode(payload, key, algorithm="RS256", headers={"kid": PROVIDER_KID, "typ": "JWT"})


def inspect(client, token):
    response = client.post("/jwt/api/inspect", json={"token": token})
    assert response.status_code == 200
    return response.json


def key_check(result):
    return next(check for check in result["checks"] if check["check"] == "key")


# --- Item 5: the provider's id_token in the inspector ------------------------------------


def test_inspector_names_the_whole_kid_of_a_key_it_does_not_hold(app, client, outside_key):
    check = key_check(inspect(client, id_token_of_the_provider(app, outside_key)))
    assert check["verdict"] == "fail"
    assert PROVIDER_KID in check["detail"]


def test_inspector_says_refusing_the_providers_id_token_is_the_lesson(app, client, outside_key):
    result = inspect(client, id_token_of_the_provider(app, outside_key))
    assert result["accepted"] is False
    assert "refuses the provider's id_token on purpose" in result["lesson"]["title"]
    issuer, audience, key, why = result["lesson"]["points"]
    assert issuer.startswith("Another issuer") and app.config["PROVIDER_URL"] in issuer
    assert audience.startswith("Another audience") and app.config["BUILTIN_CLIENT_ID"] in audience
    assert key.startswith("Another key") and PROVIDER_KID in key
    assert "any app that received a user's id_token could call the API as that user" in why


def test_the_lab_page_shows_the_lesson_beside_the_refusal(app, client, outside_key):
    page = client.get("/jwt/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    token = id_token_of_the_provider(app, outside_key)
    html = client.post("/jwt/inspect", data={"token": token, "csrf_token": csrf}).get_data(as_text=True)
    final, lesson = html.index("data-final"), html.index("data-lesson")
    assert final < lesson
    assert "This refusal is the lesson" in html
    assert PROVIDER_KID in html[lesson:]


def test_inspector_gives_no_lesson_for_a_token_of_this_app(client):
    result = inspect(client, login(client)["access_token"])
    assert result["accepted"] is True and result["lesson"] is None


def test_inspector_gives_no_lesson_for_a_refused_token_of_this_app(client):
    header, payload, signature = login(client, "bob")["access_token"].split(".")
    result = inspect(client, f"{header}.{payload}.{signature[:-4]}AAAA")
    assert result["accepted"] is False and result["lesson"] is None


# --- Item 9h: a token without kid --------------------------------------------------------


def test_inspector_says_a_token_names_no_key_rather_than_kid_none(client):
    token = pyjwt.encode({"sub": "1"}, "a secret of thirty-two bytes or more!", algorithm="HS256")
    check = key_check(inspect(client, token))
    assert check["detail"] == "unknown key id (kid): the header names no key (no kid)"


def test_no_inspector_verdict_prints_none_for_a_bare_token(client):
    token = pyjwt.encode(
        {"sub": "1"}, "a secret of thirty-two bytes or more!", algorithm="HS256", headers={"typ": None}
    )
    assert not [check for check in inspect(client, token)["checks"] if "None" in check["detail"]]


def test_a_kid_that_is_not_a_string_is_named_as_such(client):
    # PyJWT will not write a list as kid; an attacker writes the header by hand.
    header = b64url.encode(json.dumps({"alg": "HS256", "kid": [1]}).encode())
    token = f"{header}.{b64url.encode(b'{}')}.c2ln"
    assert "kid is a JSON list, not a string" in key_check(inspect(client, token))["detail"]


def test_a_kid_longer_than_any_key_name_is_shown_cut_with_its_length(client):
    kid = "k" * 3000
    token = pyjwt.encode({"sub": "1"}, "a secret of thirty-two bytes or more!", algorithm="HS256", headers={"kid": kid})
    detail = key_check(inspect(client, token))["detail"]
    assert "(3000 characters)" in detail and len(detail) < 300


# --- Item 9c: one source of truth for the lab's lifetime ---------------------------------


def test_the_lifetime_field_states_the_bounds_the_server_clamps_to(client):
    page = client.get("/jwt/").get_data(as_text=True)
    low, high = LAB_LIFETIME
    assert f"Access-token lifetime in seconds ({low} to {high};" in page
    assert re.search(rf'id="jwt-lifetime"[^>]*min="{low}" max="{high}"', page)


def test_a_lifetime_the_old_label_refused_is_granted(client):
    assert login(client, lifetime=600)["expires_in"] == 600


def test_a_lifetime_past_the_bound_is_clamped_to_it(client):
    assert login(client, lifetime=100_000)["expires_in"] == LAB_LIFETIME[1]


# --- Item 7: scale-out (c), JWT on both --------------------------------------------------


def test_jwt_on_both_needs_no_password_again_after_a_sign_in(live):
    browser = requests.Session()
    assert browser.post(f"{live.app_url}/session/login", json={"username": "bob", "password": PASSWORDS["bob"]}).ok
    response = browser.post(f"{live.app_url}/session/scaleout/jwt", json={}, timeout=20)
    assert response.status_code == 200
    steps = response.json()["steps"]
    assert [step["status"] for step in steps] == [200, 200, 200, 200, 401]
    assert all(step["expected"] for step in steps)
    assert steps[0]["label"].startswith("The app issues bob a JWT pair")


def test_jwt_on_both_without_a_session_or_a_password_says_what_to_do(client):
    response = client.post("/session/scaleout/jwt", json={})
    assert response.status_code == 400
    assert "Sign in first" in response.json["description"]


def test_jwt_on_both_with_a_password_still_signs_in_at_jwt_login(live):
    body = {"username": "alice", "password": PASSWORDS["alice"]}
    steps = requests.post(f"{live.app_url}/session/scaleout/jwt", json=body, timeout=20).json()["steps"]
    assert steps[0]["label"] == "POST /jwt/login on the app" and steps[0]["status"] == 200


def test_the_sign_in_form_names_the_user_signed_in_after_the_reload(client):
    assert session_login(client, "bob").status_code == 200
    page = client.get("/session/").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="username"[^>]*value="bob"', page)
