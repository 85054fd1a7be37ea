"""The JWT endpoints of docs/contract.md: login, protected, admin, refresh, logout."""

import pytest

from tests.conftest import PASSWORDS
from tests.jwt_flow import bearer, login


def assert_refused(response, words):
    """A 401 with an RFC 6750 challenge and a JSON reason containing `words`."""
    assert response.status_code == 401, (response.status_code, response.json)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="authlab"')
    assert words in response.json["error"]


def test_login_returns_a_bearer_pair(client):
    response = client.post("/jwt/login", json={"username": "alice", "password": PASSWORDS["alice"]})
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice", "password": "wrong"},
        {"username": "nobody", "password": PASSWORDS["alice"]},
        {"username": "alice"},
        {"username": ["alice"], "password": {"x": 1}},
        {},
    ],
)
def test_login_with_wrong_credentials_is_401(client, body):
    response = client.post("/jwt/login", json=body)
    assert response.status_code == 401
    assert response.json["error"] == "invalid username or password"


@pytest.mark.parametrize("data", ["[1, 2]", '"alice"', "null"])
def test_login_with_a_body_that_is_not_a_json_object_is_401_not_500(client, data):
    response = client.post("/jwt/login", data=data, content_type="application/json")
    assert response.status_code == 401


def test_login_with_a_body_that_is_not_json_is_400_not_500(client):
    response = client.post("/jwt/login", data="not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["description"] == "the JSON body is malformed or nested too deep"


def test_protected_with_a_valid_token(client):
    response = client.get("/jwt/protected", headers=bearer(login(client)["access_token"]))
    assert response.status_code == 200
    assert response.json["message"] == "You are authenticated!"


def test_protected_without_a_token_is_401_with_a_bare_challenge(client):
    response = client.get("/jwt/protected")
    assert response.status_code == 401
    # RFC 6750 §3.1: a request without credentials gets no error code in the challenge.
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authlab"'
    assert "missing bearer token" in response.json["error"]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Bearer", "Bad Authorization header"),
        ("Bearer a b", "Bad Authorization header"),
        ("Basic YWxpY2U6d29uZGVybGFuZA==", "Missing 'Bearer' type"),
        ("Bearer not-a-jwt", "Not enough segments"),
        ("Bearer a.b.c", "Invalid header"),
    ],
)
def test_protected_with_a_malformed_header_is_401(client, header, words):
    assert_refused(client.get("/jwt/protected", headers={"Authorization": header}), words)


def test_admin_is_200_for_alice(client):
    response = client.get("/jwt/admin", headers=bearer(login(client, "alice")["access_token"]))
    assert response.status_code == 200
    assert response.json["message"] == "Welcome, admin!"


def test_admin_is_403_for_bob(client):
    response = client.get("/jwt/admin", headers=bearer(login(client, "bob")["access_token"]))
    assert response.status_code == 403
    assert response.json["error"] == "admin role required"
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_refresh_returns_a_new_access_token_and_a_rotated_refresh_token(client):
    pair = login(client)
    response = client.post("/jwt/refresh", headers=bearer(pair["refresh_token"]))
    assert response.status_code == 200
    new = response.json
    assert new["access_token"] != pair["access_token"]
    assert new["refresh_token"] != pair["refresh_token"]
    assert client.get("/jwt/protected", headers=bearer(new["access_token"])).status_code == 200


def test_refresh_with_an_access_token_is_401(client):
    response = client.post("/jwt/refresh", headers=bearer(login(client)["access_token"]))
    assert_refused(response, "an access token cannot be used to refresh")


def test_logout_revokes_the_access_token(client):
    pair = login(client)
    response = client.post("/jwt/logout", headers=bearer(pair["access_token"]))
    assert response.status_code == 200
    assert_refused(client.get("/jwt/protected", headers=bearer(pair["access_token"])), "token revoked: logged out")


def test_logout_with_the_refresh_token_in_the_body_revokes_both(client):
    pair = login(client)
    response = client.post(
        "/jwt/logout", headers=bearer(pair["access_token"]), json={"refresh_token": pair["refresh_token"]}
    )
    assert response.status_code == 200
    assert len(response.json["revoked"]) == 2
    assert_refused(client.post("/jwt/refresh", headers=bearer(pair["refresh_token"])), "token revoked")


def test_logout_refuses_a_refresh_token_of_another_user(client):
    alice, bob = login(client, "alice"), login(client, "bob")
    response = client.post(
        "/jwt/logout", headers=bearer(alice["access_token"]), json={"refresh_token": bob["refresh_token"]}
    )
    assert response.status_code == 400
    assert client.post("/jwt/refresh", headers=bearer(bob["refresh_token"])).status_code == 200


def test_logout_without_a_token_is_401(client):
    assert client.post("/jwt/logout").status_code == 401


def test_no_jwt_endpoint_answers_422(client):
    bad = bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.xxxx")
    for method, path in [
        ("get", "/jwt/protected"),
        ("get", "/jwt/admin"),
        ("post", "/jwt/refresh"),
        ("post", "/jwt/logout"),
    ]:
        assert getattr(client, method)(path, headers=bad).status_code == 401


def test_login_is_rate_limited(tmp_path):
    """PW-3: the token endpoint throttles guessing (429)."""
    from app import create_app
    from tests.conftest import app_config

    client = create_app(app_config(tmp_path / "i", RATELIMIT_ENABLED=True)).test_client()
    statuses = [client.post("/jwt/login", json={"username": "alice", "password": "x"}).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5  # RATELIMIT_FAILURES_PER_ACCOUNT_AND_ADDRESS: 5 per 5 minutes (PW-6)
    assert statuses[5] == 429


def test_the_challenge_never_echoes_unsafe_characters(client):
    """RFC 6750 §3: error_description is limited to printable ASCII without quote or backslash."""
    import base64
    import json

    header = base64.urlsafe_b64encode(json.dumps({"alg": 'x"\r\n\\é'}).encode()).rstrip(b"=").decode()
    response = client.get("/jwt/protected", headers=bearer(f"{header}.e30.sig"))
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    description = challenge.split('error_description="', 1)[1][:-1]
    assert all(0x20 <= ord(c) <= 0x7E and c not in '"\\' for c in description)


@pytest.mark.parametrize(("value", "expires_in"), [("NaN", 900), ("Infinity", 900), ("-Infinity", 5), ("1e400", 900)])
def test_login_lifetime_that_json_allows_but_numbers_do_not_is_clamped_not_a_500(client, value, expires_in):
    body = '{"username": "alice", "password": "wonderland", "lifetime": ' + value + "}"
    response = client.post("/jwt/login", data=body, content_type="application/json")
    assert response.status_code == 200
    assert response.json["expires_in"] == expires_in
