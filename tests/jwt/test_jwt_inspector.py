"""The token inspector: decoded without trust, then each check with its verdict."""

import re

import pytest

from tests.jwt_flow import login


def inspect(client, token):
    response = client.post("/jwt/api/inspect", json={"token": token})
    assert response.status_code == 200
    return response.json


def verdicts(result):
    return {c["check"]: c["verdict"] for c in result["checks"]}


def test_a_fresh_access_token_passes_every_check(client):
    result = inspect(client, login(client)["access_token"])
    assert set(verdicts(result).values()) == {"pass"}
    assert result["accepted"] is True
    assert result["header"]["alg"] == "HS256"
    assert result["payload"]["role"] == "admin"


def test_a_bearer_prefix_is_tolerated(client):
    assert inspect(client, "Bearer " + login(client)["access_token"])["accepted"] is True


def test_jwt_1_edited_payload_fails_the_signature_and_no_claim_is_trusted(client):
    header, payload, signature = login(client, "bob")["access_token"].split(".")
    result = inspect(client, f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}")
    v = verdicts(result)
    assert v["signature"] == "fail" or v["structure"] == "fail"
    assert v["expiry"] == "skip" and v["revocation"] == "skip"
    assert result["accepted"] is False


def test_jwt_1_alg_none_fails_the_algorithm_check(client):
    import base64
    import json

    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    result = inspect(client, f"{b64({'alg': 'none'})}.{b64({'sub': '1', 'role': 'admin'})}.")
    assert verdicts(result)["algorithm"] == "fail"
    assert result["payload"] == {"sub": "1", "role": "admin"}  # decoded, not trusted
    assert result["reason"] == "algorithm not allowed: none"


def test_jwt_5_revoked_token_fails_the_revocation_check(client):
    pair = login(client)
    client.post("/jwt/logout", headers={"Authorization": f"Bearer {pair['access_token']}"})
    result = inspect(client, pair["access_token"])
    assert verdicts(result)["revocation"] == "fail"
    assert result["accepted"] is False


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c",
        "....",
        "e30.e30.",
        "W10.W10.x",
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.x",
        "x" * 9000,
        "é.ü.ß",
    ],
)
def test_broken_tokens_are_decoded_as_far_as_they_go(client, token):
    result = inspect(client, token)
    assert result["checks"][0]["check"] == "structure"
    assert result["accepted"] is False


def test_inspect_api_needs_a_token_string(client):
    assert client.post("/jwt/api/inspect", json={"token": 5}).status_code == 400
    assert client.post("/jwt/api/inspect", json=["x"]).status_code == 400


def csrf_token(client):
    page = client.get("/jwt/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_jwt_7_another_lab_posts_a_token_in_a_form_not_a_url(client):
    token = login(client)["access_token"]
    response = client.post("/jwt/inspect", data={"token": token, "csrf_token": csrf_token(client)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="inspector"' in page and token.split(".")[2] in page


def test_inspect_form_without_csrf_token_is_refused(client):
    assert client.post("/jwt/inspect", data={"token": "a.b.c"}).status_code == 400


def test_inspect_form_is_post_only(client):
    assert client.get("/jwt/inspect?token=a.b.c").status_code == 405


def test_an_rs256_token_passes_every_check(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    client = create_app(app_config(tmp_path / "rs", JWT_ALGORITHM="RS256")).test_client()
    result = inspect(client, login(client)["access_token"])
    assert set(verdicts(result).values()) == {"pass"}
    assert result["header"]["alg"] == "RS256"


def test_a_retired_keys_token_fails_the_key_check(client):
    token = login(client)["access_token"]
    client.post("/jwt/api/keys/rotate", headers={"Authorization": f"Bearer {token}"}, json={"alg": "HS256"})
    fresh = login(client)["access_token"]
    kid = inspect(client, token)["header"]["kid"]
    client.post("/jwt/api/keys/retire", headers={"Authorization": f"Bearer {fresh}"}, json={"kid": kid})
    result = inspect(client, token)
    assert verdicts(result)["key"] == "fail"
    assert verdicts(result)["signature"] == "skip"
    assert result["reason"] == f"key {kid} has been retired"
