"""The provider's public face (docs/contract.md): discovery and the issuer (AS-9), the JWKS and
the id_token (AS-8), userinfo, revocation, and bad input at every endpoint."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oauth_flow import CLIENT_ID, query

# --- AS-9: discovery and the issuer parameter -------------------------------------------


def test_as_9_metadata_advertises_only_what_is_allowed(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta["issuer"] == "http://127.0.0.1:8001"
    for name in ("authorization", "token", "userinfo", "revocation"):
        assert meta[f"{name}_endpoint"].startswith(meta["issuer"] + "/")
    assert meta["jwks_uri"] == meta["issuer"] + "/.well-known/jwks.json"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    # Issue 13: the client credentials and device grants too (no implicit, no password: AS-4).
    assert meta["grant_types_supported"] == [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
    ]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    # AS-13: public clients ("none", PKCE only) are supported now, so discovery says so.
    assert meta["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post", "none"]
    assert meta["authorization_response_iss_parameter_supported"] is True


def test_as_9_rfc8414_metadata_is_the_same_document(provider_client):
    oidc = provider_client.get("/.well-known/openid-configuration").get_json()
    assert provider_client.get("/.well-known/oauth-authorization-server").get_json() == oidc


def test_as_9_iss_on_the_authorization_response(flow):
    response = flow.consent(flow.params())
    assert query(response.headers["Location"])["iss"] == "http://127.0.0.1:8001"


def test_as_9_iss_on_an_error_response_too(flow):
    response = flow.consent(flow.params(), decision="deny")
    params = query(response.headers["Location"])
    assert params["error"] == "access_denied"
    assert params["iss"] == "http://127.0.0.1:8001"


# --- AS-8: the id_token and the JWKS --------------------------------------------------------


def test_as_8_jwks_holds_public_parts_only_with_a_kid(provider_client):
    keys = provider_client.get("/.well-known/jwks.json").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kid"] and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])


def test_as_8_id_token_is_rs256_with_kid_and_nonce_and_verifies_against_the_jwks(flow, provider_client):
    code, params = flow.code()
    tokens = flow.token(code).get_json()
    keys = KeySet.import_key_set(provider_client.get("/.well-known/jwks.json").get_json())
    token = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
    assert token.header["alg"] == "RS256"
    assert token.header["kid"] == keys.keys[0].kid
    claims = token.claims
    assert claims["iss"] == "http://127.0.0.1:8001"
    assert claims["aud"] == [CLIENT_ID]
    assert claims["nonce"] == params["nonce"]
    assert claims["exp"] > time.time() > claims["iat"] - 5
    assert claims["sub"] == flow.userinfo(tokens["access_token"]).get_json()["sub"]


def test_as_8_a_nonce_cannot_be_used_twice(flow):
    _, params = flow.code()
    response = flow.client.get("/authorize", query_string=flow.params(nonce=params["nonce"]))
    assert query(response.headers["Location"])["error"] == "invalid_request"


def test_as_8_openid_requests_must_carry_a_nonce(flow):
    response = flow.client.get("/authorize", query_string=flow.params(nonce=None))
    assert query(response.headers["Location"])["error"] == "invalid_request"


# --- Userinfo and revocation ----------------------------------------------------------------


def test_userinfo_releases_only_what_the_scopes_allow(flow):
    tokens = flow.tokens(scope="openid")
    assert set(flow.userinfo(tokens["access_token"]).get_json()) == {"sub"}


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer nope", "Basic YWxpY2U6d29uZGVybGFuZA==", "Bearer " + "x" * 5000]
)
def test_userinfo_without_a_valid_bearer_token_is_401(provider_client, header):
    response = provider_client.get("/userinfo", headers={"Authorization": header} if header else {})
    assert response.status_code in (400, 401)
    assert response.status_code != 500
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer ")


def test_revoking_the_refresh_token_revokes_the_grant(flow):
    tokens = flow.tokens()
    response = flow.client.post(
        "/revoke",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=(CLIENT_ID, flow.secret),
    )
    assert response.status_code == 200
    assert flow.userinfo(tokens["access_token"]).status_code == 401
    assert flow.refresh(tokens["refresh_token"]).status_code == 400


def test_revocation_requires_client_authentication(flow):
    tokens = flow.tokens()
    response = flow.client.post("/revoke", data={"token": tokens["refresh_token"]})
    assert response.status_code == 401
    assert flow.userinfo(tokens["access_token"]).status_code == 200


# --- Bad input: a clear 4xx, never a 500 ----------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"grant_type": ""},
        {"grant_type": "authorization_code"},
        {"grant_type": "authorization_code", "code": "x" * 10000},
        {"grant_type": "authorization_code", "code": "nope", "redirect_uri": "\x00"},
        {"grant_type": "refresh_token"},
        {"grant_type": "refresh_token", "refresh_token": "nope"},
        {"grant_type": ["authorization_code", "refresh_token"]},
        {"grant_type": "\x00\x01"},
        {"grant_type": "refresh_token", "refresh_token": "\x00"},
    ],
)
def test_malformed_token_requests_get_4xx(provider_client, data):
    response = provider_client.post(
        "/token", data=data, auth=(CLIENT_ID, "test-client-secret-0123456789abcdef0123456789")
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()


@pytest.mark.parametrize(
    "extra",
    [
        {"state": ["a", "b"]},
        {"scope": "openid admin"},
        {"code_challenge": "short"},
        {"code_challenge": "x" * 200},
        {"prompt": "none login"},
        {"response_type": "\x00"},
    ],
)
def test_malformed_authorization_requests_get_4xx(flow, extra):
    params = flow.params()
    params.update(extra)
    response = flow.client.get("/authorize", query_string=params)
    if response.status_code == 302:
        location = query(response.headers["Location"])
        assert "error" in location or "code" not in location
    else:
        assert 400 <= response.status_code < 500


def test_token_endpoint_with_json_body_is_refused(provider_client):
    response = provider_client.post("/token", json={"grant_type": "password"})
    assert 400 <= response.status_code < 500


def test_hdr_3_token_responses_are_never_cached(flow):
    code, _ = flow.code()
    response = flow.token(code)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
