"""The attack bench: each forged token sent to the naive verifier and to the real one."""

import time

import pytest

from tests.conftest import PASSWORDS
from vulnerable import jwt_attacks, naive_jwt

# Attack -> does the naive verifier fall for it? (It is saved by accident from a few.)
NAIVE_FALLS = {
    "alg-none": True,
    "stripped-signature": True,
    "payload-edited": False,
    "alg-confusion": True,
    "weak-secret": True,
    "kid-trick": True,
    "jwk-header": True,
    "expired": True,
    "refresh-as-access": True,
}

REAL_REASON = {
    "alg-none": "algorithm not allowed: none",
    "stripped-signature": "Signature verification failed",
    "payload-edited": "Signature verification failed",
    "alg-confusion": "Signature verification failed",  # HS256 mode: no RSA key to confuse
    "weak-secret": "Signature verification failed",
    "kid-trick": "unknown key id (kid)",
    "jwk-header": "key named in the header (jwk): refused, never fetched",
    "expired": "token expired",
    "refresh-as-access": "a refresh token cannot be used as an access token",
}


def bobs_tokens(client, attack):
    """What the attacker brings to the workbench: bob's own pair from the real sign-in (LAB-3),
    a 5-second one left to expire for "expired", and the published JWKS."""
    lifetime = {"lifetime": 5} if attack == "expired" else {}
    pair = client.post("/jwt/login", json={"username": "bob", "password": PASSWORDS["bob"], **lifetime}).json
    if attack == "expired":
        exp = jwt_attacks.parts(pair["access_token"])[1]["exp"]
        time.sleep(max(0, exp - time.time()) + 0.05)
    jwks = client.get("/jwt/.well-known/jwks.json").json
    return {"access_token": pair["access_token"], "refresh_token": pair["refresh_token"], "jwks": jwks}


def forge(client, attack, **extra):
    response = client.post("/vulnerable/jwt/forge", json={"attack": attack, **bobs_tokens(client, attack), **extra})
    assert response.status_code == 200, response.json
    return response.json


def send(client, prefix, target, token):
    return client.get(f"{prefix}/{target}", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("attack", sorted(NAIVE_FALLS))
def test_jwt_1_attack_bench_naive_falls_real_holds(client, attack):
    forged = forge(client, attack)
    naive = send(client, "/vulnerable/jwt", forged["target"], forged["naive_token"])
    real = send(client, "/jwt", forged["target"], forged["real_token"])
    assert (naive.status_code == 200) is NAIVE_FALLS[attack], naive.json
    assert real.status_code == 401
    assert real.json["error"].startswith(REAL_REASON[attack])
    assert real.headers["WWW-Authenticate"].startswith("Bearer ")


def test_jwt_1_algorithm_confusion_in_rs256_mode_is_refused_by_the_key_binding(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    client = create_app(app_config(tmp_path / "rs", JWT_ALGORITHM="RS256")).test_client()
    forged = forge(client, "alg-confusion")
    real = send(client, "/jwt", "admin", forged["real_token"])
    assert real.status_code == 401
    assert "does not match key" in real.json["error"]


def test_jwt_2_weak_secret_cracks_in_well_under_a_second_and_the_real_key_does_not(client):
    started = time.perf_counter()
    forged = forge(client, "weak-secret")
    assert time.perf_counter() - started < 1.0
    assert f"the secret is {naive_jwt.WEAK_SECRET!r}" in forged["notes"]["naive"]
    assert forged["notes"]["real"].startswith("not cracked")


def test_jwt_4_foreign_token_is_refused_by_both(client, provider_app):
    import jwt as pyjwt

    now = int(time.time())
    id_token = pyjwt.encode(
        {"iss": provider_app.config["PROVIDER_URL"], "aud": "authlab-app", "sub": "1", "iat": now, "exp": now + 60},
        provider_app.config["SIGNING_KEY_PEM"],
        "RS256",
        headers={"kid": "provider-1"},
    )
    forged = forge(client, "foreign-token", token=id_token)
    assert send(client, "/jwt", forged["target"], forged["real_token"]).json["error"] == "unknown key id (kid)"


def test_forge_refuses_unknown_attacks_and_missing_foreign_tokens(client):
    assert client.post("/vulnerable/jwt/forge", json={"attack": "nope"}).status_code == 400
    assert client.post("/vulnerable/jwt/forge", json={"attack": "foreign-token"}).status_code == 400
    assert client.post("/vulnerable/jwt/forge", data="[]", content_type="application/json").status_code == 400


def test_naive_twin_is_not_routed_in_production(tmp_path):
    from config import ProductionConfig

    assert ProductionConfig.ENABLE_ATTACK_DEMOS is False


def test_naive_twin_is_not_routed_when_attack_demos_are_off(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    client = create_app(app_config(tmp_path / "off", ENABLE_ATTACK_DEMOS=False)).test_client()
    assert client.post("/vulnerable/jwt/forge", json={"attack": "alg-none"}).status_code == 404
    assert client.get("/vulnerable/jwt/admin").status_code == 404


def test_jwt_7_without_attack_demos_the_page_offers_no_localstorage_demo_and_no_bench(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    page = create_app(app_config(tmp_path / "off", ENABLE_ATTACK_DEMOS=False)).test_client().get("/jwt/").get_data(True)
    assert "data-store-local" not in page
    assert 'id="attacks"' not in page
    assert "data-cookie-login" in page  # cookie mode is a real mode, not a demo
