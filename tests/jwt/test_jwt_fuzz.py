"""Garbage tokens of every shape: always a 4xx with a reason, never a 500 (contract: bad input)."""

import base64
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORDS

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
claim_sets = st.dictionaries(
    st.sampled_from(
        [
            "alg",
            "kid",
            "typ",
            "jwk",
            "jku",
            "x5u",
            "crit",
            "sub",
            "exp",
            "iat",
            "nbf",
            "iss",
            "aud",
            "jti",
            "type",
            "role",
            "fam",
        ]
    ),
    json_values,
    max_size=10,
)
segments = st.one_of(
    claim_sets.map(lambda d: b64(json.dumps(d).encode())),
    json_values.map(lambda v: b64(json.dumps(v).encode())),
    st.binary(max_size=40).map(b64),
    st.text(alphabet="ABCabc012-_=+/.", max_size=40),
)
tokens = st.one_of(
    st.tuples(segments, segments, segments).map(".".join),
    st.lists(segments, max_size=5).map(".".join),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=80),
)


def assert_clean_4xx(response):
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.is_json and "error" in response.json


@FUZZ
@given(token=tokens)
def test_garbage_bearer_tokens_are_4xx(client, token):
    for method, path in (
        ("get", "/jwt/protected"),
        ("get", "/jwt/admin"),
        ("post", "/jwt/refresh"),
        ("post", "/jwt/logout"),
    ):
        response = getattr(client, method)(path, headers={"Authorization": f"Bearer {token}"})
        assert_clean_4xx(response)
        if response.status_code == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


@FUZZ
@given(header=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60))
def test_garbage_authorization_headers_are_4xx(client, header):
    assert_clean_4xx(client.get("/jwt/protected", headers={"Authorization": header}))


@FUZZ
@given(token=tokens)
def test_inspector_never_fails_on_garbage(client, token):
    response = client.post("/jwt/api/inspect", json={"token": token})
    assert response.status_code == 200
    assert response.json["accepted"] is False


# Fewer examples here: every login attempt runs Argon2 (about 40 ms), as it should.
@settings(FUZZ, max_examples=100)
@given(body=json_values)
def test_garbage_json_bodies_are_4xx(client, body):
    assert_clean_4xx(client.post("/jwt/login", json=body))
    if not (isinstance(body, dict) and isinstance(body.get("token"), str)):
        assert_clean_4xx(client.post("/jwt/api/inspect", json=body))


@FUZZ
@given(token=tokens.filter(lambda t: len(t) < 2000))  # browsers drop cookies over 4 kB anyway
def test_garbage_cookies_are_4xx(client, token):
    client.set_cookie("access_token_cookie", token)
    response = client.post("/jwt/cookie/logout", headers={"X-CSRF-TOKEN": "x"})
    assert_clean_4xx(response)
    assert client.get("/jwt/").status_code == 200  # the header badge never raises


# A real sign-in with whatever the lab's optional `lifetime` may hold (NaN and Infinity included).
@settings(FUZZ, max_examples=40)
@given(lifetime=json_values)
def test_any_lifetime_value_signs_in_with_a_clamped_lifetime(client, lifetime):
    body = {"username": "bob", "password": PASSWORDS["bob"], "lifetime": lifetime}
    response = client.post("/jwt/login", json=body)
    assert response.status_code == 200
    assert 5 <= response.json["expires_in"] <= 900
