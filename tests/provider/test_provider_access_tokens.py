"""JWT access tokens (RFC 9068) for a client registered with access_token_format "jwt": signed
with the provider's key under its kid, typed at+jwt, the claims §2.2 requires, and still stored
by digest, so revocation, introspection and userinfo treat them as the opaque ones."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from provider.models import Client, db
from tests.oauth_flow import REDIRECT_URI, ProviderFlow
from tests.provider.lab_flows import credentials, introspect, lab_settings, machine_token, part

JWT_APP = "jwt-code-client"
JWT_SECRET = "a-secret-for-this-test-only-0123456789abcdef"


@pytest.fixture(scope="module")
def settings(provider_app):
    return lab_settings(provider_app)


@pytest.fixture(scope="module", autouse=True)
def jwt_code_client(provider_app):
    """A code-flow client like the app's, registered for JWT access tokens."""
    with provider_app.app_context():
        client = Client(client_id=JWT_APP, client_id_issued_at=int(time.time()))
        client.set_secret(JWT_SECRET)
        client.set_client_metadata(
            {
                "client_name": "A JWT API client",
                "redirect_uris": [REDIRECT_URI],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "scope": "openid profile email",
                "token_endpoint_auth_method": "client_secret_basic",
                "access_token_format": "jwt",
            }
        )
        db.session.add(client)
        db.session.commit()


@pytest.fixture
def jwt_flow(provider_client):
    flow = ProviderFlow(provider_client, client_id=JWT_APP, secret=JWT_SECRET)
    flow.login()
    return flow


def verified(provider_client, token):
    keys = KeySet.import_key_set(provider_client.get("/.well-known/jwks.json").get_json())
    return jwt.decode(token, keys, algorithms=["RS256"])


def test_rfc9068_2_1_the_header_is_at_jwt_rs256_with_the_jwks_kid(provider_client, settings):
    token = machine_token(provider_client, settings, "MACHINE_JWT").get_json()["access_token"]
    header = part(token, 0)
    assert header == {
        "typ": "at+jwt",
        "alg": "RS256",
        "kid": provider_client.get("/.well-known/jwks.json").get_json()["keys"][0]["kid"],
    }


def test_rfc9068_2_2_a_machine_token_has_every_required_claim_and_the_client_as_subject(provider_client, settings):
    body = machine_token(provider_client, settings, "MACHINE_JWT").get_json()
    claims = verified(provider_client, body["access_token"]).claims
    assert set(claims) == {"iss", "exp", "aud", "sub", "client_id", "iat", "jti", "scope"}
    assert claims["iss"] == "http://127.0.0.1:8001"
    assert claims["aud"] == settings["API_AUDIENCE"] == "http://localhost:8000/api"
    assert claims["sub"] == claims["client_id"] == settings["MACHINE_JWT_CLIENT_ID"]
    assert claims["scope"] == "inventory:read"
    assert claims["exp"] - claims["iat"] == body["expires_in"] == 600


def test_rfc9068_2_2_a_user_token_has_the_users_sub_as_the_id_token(jwt_flow, provider_client):
    tokens = jwt_flow.tokens()
    claims = verified(provider_client, tokens["access_token"]).claims
    assert claims["sub"] == part(tokens["id_token"], 1)["sub"]
    assert claims["client_id"] == JWT_APP and claims["scope"] == "openid profile email"
    assert len(tokens["refresh_token"]) == 43  # refresh tokens stay opaque


def test_rfc9068_2_2_every_token_has_its_own_jti(provider_client, settings):
    tokens = [machine_token(provider_client, settings, "MACHINE_JWT").get_json()["access_token"] for _ in range(3)]
    assert len({part(token, 1)["jti"] for token in tokens}) == 3


def test_jwt_4_the_id_token_is_typed_jwt_never_at_jwt(jwt_flow):
    """RFC 9068 §4: an API checking typ cannot be handed the id_token in place of the access token."""
    tokens = jwt_flow.tokens()
    assert part(tokens["id_token"], 0)["typ"] == "JWT"
    assert part(tokens["access_token"], 0)["typ"] == "at+jwt"


def test_rfc9068_a_jwt_access_token_works_at_userinfo(jwt_flow):
    tokens = jwt_flow.tokens()
    response = jwt_flow.userinfo(tokens["access_token"])
    assert response.status_code == 200 and response.get_json()["preferred_username"] == "alice"


def test_rfc9068_a_revoked_jwt_access_token_is_refused_and_inactive(jwt_flow, provider_client, settings):
    tokens = jwt_flow.tokens()
    revoked = provider_client.post("/revoke", data={"token": tokens["access_token"]}, auth=(JWT_APP, JWT_SECRET))
    assert revoked.status_code == 200
    assert jwt_flow.userinfo(tokens["access_token"]).status_code == 401
    assert introspect(provider_client, settings, tokens["access_token"]).get_json() == {"active": False}


def test_rfc7662_a_jwt_access_token_introspects_like_an_opaque_one(provider_client, settings):
    token = machine_token(provider_client, settings, "MACHINE_JWT").get_json()["access_token"]
    body = introspect(provider_client, settings, token).get_json()
    assert body["active"] is True and body["aud"] == settings["API_AUDIENCE"]


def test_rfc9068_a_forged_copy_with_another_signature_opens_nothing(provider_client, settings):
    token = machine_token(provider_client, settings, "MACHINE_JWT").get_json()["access_token"]
    header, claims, signature = token.split(".")
    forged = f"{header}.{claims}.{signature[:-4]}AAAA"
    assert introspect(provider_client, settings, forged).get_json() == {"active": False}


def test_rfc9068_opaque_stays_the_default(flow, provider_client, settings):
    assert len(flow.tokens()["access_token"]) == 43
    assert "." not in machine_token(provider_client, settings).get_json()["access_token"]


def test_rfc7009_a_client_revokes_its_jwt_machine_token(provider_client, settings):
    token = machine_token(provider_client, settings, "MACHINE_JWT").get_json()["access_token"]
    provider_client.post("/revoke", data={"token": token}, auth=credentials(settings, "MACHINE_JWT"))
    assert introspect(provider_client, settings, token).get_json() == {"active": False}
