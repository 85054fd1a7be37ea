"""The provider's JWT access tokens at the JWT lab's API and inspector (RFC 9068 §4, JWT-1, JWT-4).

An at+jwt the provider signed for this API is accepted, verified locally with the provider's
published keys; its id_token, a token for another audience, an expired one, one whose
signature or kid is wrong are refused with a 401 naming the rule they break.
"""

import json
import secrets
import time
from pathlib import Path

import jwt as pyjwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app import create_app
from blueprints.jwt import provider_keys
from tests.conftest import app_config, free_port
from tests.jwt_flow import bearer, login
from tests.oauth_flow import ProviderFlow


def provider_kid(live):
    return requests.get(f"{live.provider_url}/.well-known/jwks.json", timeout=5).json()["keys"][0]["kid"]


def at_jwt(live, headers=None, key=None, **changes):
    """An access token as the provider signs one (RFC 9068 §2), with some claims changed or removed."""
    now = int(time.time())
    claims = {
        "iss": live.provider_url,
        "exp": now + 300,
        "aud": f"{live.app_url}/api",  # API_AUDIENCE's default, on both sides
        "sub": "machine-client",
        "client_id": "machine-client",
        "iat": now,
        "jti": secrets.token_urlsafe(16),
        "scope": "inventory:read",
    }
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    header = {"typ": "at+jwt", "kid": provider_kid(live), **(headers or {})}
    alg = header.pop("alg", "RS256")
    return pyjwt.encode(claims, key or live.provider.config["SIGNING_KEY_PEM"], alg, headers=header)


def protected(live, token, path="/jwt/protected"):
    return requests.get(f"{live.app_url}{path}", headers=bearer(token), timeout=10)


def refused_because(live, token):
    response = protected(live, token)
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    return response.json()["error"]


def provider_id_token(live):
    """A real id_token of the live provider, from the code flow driven in-process."""
    flow = ProviderFlow(live.provider.test_client(), redirect_uri=f"{live.app_url}/oauth/callback")
    flow.login()
    return flow.tokens()["id_token"]


def another_rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    return key.private_bytes(*pem)


# -- accepted: the right type, issuer, audience, key and time ----------------------------------


def test_jwt_4_rfc9068_provider_at_jwt_for_this_api_is_accepted(live):
    response = protected(live, at_jwt(live))
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "You are authenticated!"
    assert response.json()["iss"] == live.provider_url and response.json()["sub"] == "machine-client"


def test_jwt_4_rfc9068_a_real_at_jwt_of_the_provider_is_accepted(live):
    """Issued by the provider itself, by client credentials to its JWT machine client."""
    handed = json.loads((Path(live.provider.instance_path) / "lab-clients.json").read_text())
    response = requests.post(
        f"{live.provider_url}/token",
        data={"grant_type": "client_credentials", "scope": "inventory:read"},
        auth=(handed["MACHINE_JWT_CLIENT_ID"], handed["MACHINE_JWT_CLIENT_SECRET"]),
        timeout=10,
    )
    token = response.json()["access_token"]
    assert pyjwt.get_unverified_header(token)["typ"] == "at+jwt"
    answer = protected(live, token)
    assert answer.status_code == 200 and answer.json()["sub"] == handed["MACHINE_JWT_CLIENT_ID"]


def test_jwt_4_the_providers_token_carries_no_role_here_even_if_it_says_admin(live):
    response = protected(live, at_jwt(live, role="admin"), "/jwt/admin")
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert protected(live, at_jwt(live, role="admin")).json()["role"] is None


def test_jwt_4_application_at_jwt_is_the_same_type(live):
    """RFC 9068 §4: typ is "at+jwt" or "application/at+jwt"."""
    assert protected(live, at_jwt(live, headers={"typ": "application/at+jwt"})).status_code == 200


# -- refused: each rule ----------------------------------------------------------------------


def test_jwt_4_rfc9068_provider_id_token_is_refused(live):
    """A real id_token of the provider (typ JWT) is checked as one of this app's: no key of ours."""
    id_token = provider_id_token(live)
    assert pyjwt.get_unverified_header(id_token)["typ"] == "JWT"
    assert refused_because(live, id_token) == "unknown key id (kid)"


def test_jwt_4_rfc9068_id_token_claims_typed_at_jwt_are_refused(live):
    """An id_token's claims (aud: a client; no client_id, no jti) fail the access token's rules."""
    now = int(time.time())
    claims = {"iss": live.provider_url, "aud": ["authlab-app"], "sub": "1", "iat": now, "exp": now + 300, "nonce": "n"}
    token = pyjwt.encode(
        claims, live.provider.config["SIGNING_KEY_PEM"], "RS256", headers={"typ": "at+jwt", "kid": provider_kid(live)}
    )
    assert refused_because(live, token) == "missing claim: client_id, jti"


def test_jwt_4_rfc9068_token_for_another_audience_is_refused(live):
    reason = refused_because(live, at_jwt(live, aud="authlab-app"))
    assert reason.startswith("Audience doesn't match: 'authlab-app'")


def test_jwt_3_rfc9068_expired_provider_token_is_refused(live):
    reason = refused_because(live, at_jwt(live, exp=int(time.time()) - 5))
    assert reason.startswith("token expired")


def test_jwt_1_provider_token_with_a_wrong_signature_is_refused(live):
    assert refused_because(live, at_jwt(live, key=another_rsa_key())) == "Signature verification failed"


def test_jwt_1_provider_token_with_an_unknown_kid_is_refused(live):
    reason = refused_because(live, at_jwt(live, headers={"kid": "not-the-providers"}))
    assert reason == f"unknown key id (kid) at the provider {live.provider_url}"


def test_jwt_1_provider_token_signed_hs256_is_refused(live):
    token = at_jwt(live, headers={"alg": "HS256"}, key="a-guessable-hmac-secret-of-32-bytes!")
    assert refused_because(live, token).startswith("algorithm not allowed: HS256")


def test_rfc9068_another_issuers_token_is_refused(live):
    assert refused_because(live, at_jwt(live, iss=live.attacker_url)).startswith("Invalid issuer")


def test_jwt_1_a_jku_in_the_header_is_refused_and_never_fetched(live):
    marker = secrets.token_hex(8)
    token = at_jwt(live, headers={"jku": f"{live.attacker_url}/jwks.json?{marker}"})
    assert refused_because(live, token) == "key named in the header (jku): refused, never fetched"
    assert not [query for query, _headers in live.received["attacker"].requests if marker in query]


def test_jwt_4_an_app_token_typed_at_jwt_is_not_ours(app, client):
    """RFC 8725 §3.12: the two kinds' rules exclude each other (refused before any key is fetched)."""
    pair = login(client)
    claims = pyjwt.decode(pair["access_token"], options={"verify_signature": False})
    with app.app_context():
        from blueprints.jwt import keys

        key = keys.signing_key()
        token = pyjwt.encode(claims, keys.signing_material(key), key.alg, headers={"kid": key.kid, "typ": "at+jwt"})
    response = client.post("/jwt/refresh", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["error"] == "typ at+jwt: an access token of the provider, not a token of this app"


# -- the provider's keys: pinned, cached, refreshed on an unknown kid -------------------------


def test_jwt_1_keys_are_fetched_once_and_cached(live, monkeypatch):
    fetches = []
    real_fetch = provider_keys.fetch
    monkeypatch.setattr(provider_keys, "fetch", lambda: fetches.append(1) or real_fetch())
    live.app.extensions.pop("provider_jwks", None)
    for _ in range(3):
        assert protected(live, at_jwt(live)).status_code == 200
    assert len(fetches) == 1


def test_jwt_1_an_unknown_kid_refetches_at_most_once_per_interval(live, monkeypatch):
    fetches = []
    real_fetch = provider_keys.fetch
    monkeypatch.setattr(provider_keys, "fetch", lambda: fetches.append(1) or real_fetch())
    live.app.extensions.pop("provider_jwks", None)
    assert protected(live, at_jwt(live)).status_code == 200
    for _ in range(5):  # a flood of made-up kids
        protected(live, at_jwt(live, headers={"kid": secrets.token_hex(8)}))
    assert len(fetches) == 1  # within REFETCH_AFTER of the last fetch: no new one
    monkeypatch.setattr(provider_keys, "REFETCH_AFTER", 0)
    protected(live, at_jwt(live, headers={"kid": secrets.token_hex(8)}))
    assert len(fetches) == 2  # a rotated key at the provider is found without a restart


def test_jwt_1_a_jwks_uri_off_the_providers_address_is_not_followed(live, monkeypatch):
    real_get = provider_keys.get_json

    def discovery_naming_elsewhere(url):
        document = real_get(url)
        return {**document, "jwks_uri": f"{live.attacker_url}/jwks.json"} if "openid-configuration" in url else document

    monkeypatch.setattr(provider_keys, "get_json", discovery_naming_elsewhere)
    live.app.extensions.pop("provider_jwks", None)
    try:
        assert refused_because(live, at_jwt(live)) == "the provider's jwks_uri is not on the provider's own address"
    finally:
        live.app.extensions.pop("provider_jwks", None)


def test_a_provider_that_does_not_answer_is_a_401_not_a_500(tmp_path):
    app = create_app(app_config(tmp_path / "instance", PROVIDER_URL=f"http://127.0.0.1:{free_port()}"))
    now, issuer = int(time.time()), app.config["PROVIDER_URL"]
    claims = {"iss": issuer, "aud": "authlab-api", "sub": "x", "client_id": "x", "exp": now + 60, "iat": now}
    claims["jti"] = "j"
    token = pyjwt.encode(claims, another_rsa_key(), "RS256", headers={"typ": "at+jwt", "kid": "k"})
    response = app.test_client().get("/jwt/protected", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["error"].startswith(f"the provider's keys could not be fetched from {issuer}")


# -- the inspector shows the same rules --------------------------------------------------------


def inspect(live, token):
    response = requests.post(f"{live.app_url}/jwt/api/inspect", json={"token": token}, timeout=10)
    assert response.status_code == 200
    return response.json()


def test_jwt_4_inspector_accepts_the_providers_at_jwt_and_says_what_local_checks_cannot_know(live):
    result = inspect(live, at_jwt(live))
    assert result["accepted"] is True and result["reason"] == "a valid access token of the provider, for this API"
    checks = {check["check"]: check for check in result["checks"]}
    assert {check["verdict"] for check in result["checks"]} == {"pass"}
    assert checks["kind"]["detail"].startswith("typ at+jwt")
    assert checks["subject"]["detail"] == "no user: the client 'machine-client' itself (client credentials)"
    assert checks["revocation"]["detail"].startswith("not asked")


def test_jwt_4_inspector_shows_why_an_id_token_is_refused(live):
    result = inspect(live, provider_id_token(live))
    verdicts = {check["check"]: check["verdict"] for check in result["checks"]}
    assert verdicts["kind"] == "pass" and verdicts["key"] == "fail" and verdicts["signature"] == "skip"
    assert result["accepted"] is False


@pytest.mark.parametrize(
    ("change", "check"),
    [({"aud": "another-api"}, "audience"), ({"exp": 1}, "expiry"), ({"client_id": None}, "required claims")],
)
def test_jwt_4_inspector_names_the_rule_a_provider_token_breaks(live, change, check):
    result = inspect(live, at_jwt(live, **change))
    failed = [c["check"] for c in result["checks"] if c["verdict"] == "fail"]
    assert failed == [check] and result["accepted"] is False
