"""Token introspection (RFC 7662): the resource server registered for the tokens' audience learns
what an active token means; everything else, and everyone else, gets {"active": false}."""

import time

import pytest

from provider.issued import Token
from provider.models import db
from tests.oauth_flow import CLIENT_ID, CLIENT_SECRET
from tests.provider.lab_flows import credentials, introspect, lab_settings, machine_token


@pytest.fixture(scope="module")
def settings(provider_app):
    return lab_settings(provider_app)


INACTIVE = {"active": False}


def test_rfc7662_2_2_an_active_user_token_says_who_what_and_until_when(flow, provider_client, settings):
    tokens = flow.tokens()
    response = introspect(provider_client, settings, tokens["access_token"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["active"] is True
    assert body["scope"] == "openid profile email" and body["client_id"] == CLIENT_ID
    assert body["username"] == "alice" and body["token_type"] == "Bearer"
    assert body["sub"] == flow.userinfo(tokens["access_token"]).get_json()["sub"]  # the same subject
    assert body["aud"] == settings["API_AUDIENCE"] and body["iss"] == "http://127.0.0.1:8001"
    assert body["exp"] - body["iat"] == 600 and body["iat"] <= time.time()


def test_rfc7662_2_2_a_machine_token_has_no_username_and_the_client_as_subject(provider_client, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    body = introspect(provider_client, settings, token).get_json()
    assert body["active"] is True and body["scope"] == "inventory:read"
    assert body["sub"] == settings["MACHINE_CLIENT_ID"] == body["client_id"]
    assert "username" not in body


@pytest.mark.parametrize("token", ["unknown-token", "x" * 5000, "", "eyJhbGciOiJub25lIn0.e30."])
def test_rfc7662_2_2_an_unknown_token_is_inactive(provider_client, settings, token):
    response = introspect(provider_client, settings, token)
    if token:
        assert response.status_code == 200 and response.get_json() == INACTIVE
    else:
        assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_rfc7662_2_2_a_revoked_token_is_inactive_at_once(provider_client, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    provider_client.post("/revoke", data={"token": token}, auth=credentials(settings, "MACHINE"))
    assert introspect(provider_client, settings, token).get_json() == INACTIVE


def test_rfc7662_2_2_an_expired_token_is_inactive(provider_client, provider_app, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    with provider_app.app_context():
        Token.find(token).issued_at = int(time.time()) - 601
        db.session.commit()
    assert introspect(provider_client, settings, token).get_json() == INACTIVE


def test_rfc7662_4_a_refresh_token_is_never_a_resource_servers_business(flow, provider_client, settings):
    tokens = flow.tokens()
    body = introspect(provider_client, settings, tokens["refresh_token"], token_type_hint="refresh_token")
    assert body.get_json() == INACTIVE


def test_rfc7662_4_a_client_that_is_not_the_resource_server_learns_nothing(provider_client, settings):
    """Token scanning (§4): the machine client may hold a leaked token; it must not learn whose it is."""
    token = machine_token(provider_client, settings).get_json()["access_token"]
    assert introspect(provider_client, settings, token, role="MACHINE").get_json() == INACTIVE


def test_rfc7662_4_the_client_the_token_was_issued_to_cannot_introspect_it(flow, provider_client):
    tokens = flow.tokens()
    response = provider_client.post(
        "/introspect", data={"token": tokens["access_token"]}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert response.get_json() == INACTIVE


def test_rfc7662_2_3_an_unauthenticated_caller_is_401_invalid_client(provider_client, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    response = provider_client.post("/introspect", data={"token": token})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_rfc7662_2_3_a_wrong_secret_is_401(provider_client, settings):
    auth = (settings["RESOURCE_SERVER_CLIENT_ID"], "wrong")
    response = provider_client.post("/introspect", data={"token": "x"}, auth=auth)
    assert response.status_code == 401


def test_rfc7662_2_1_a_public_client_cannot_introspect(provider_client, settings):
    data = {"token": "x", "client_id": settings["DEVICE_CLIENT_ID"]}
    response = provider_client.post("/introspect", data=data)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_as_13_the_resource_server_authenticates_the_one_way_it_registered(provider_client, settings):
    client_id, secret = credentials(settings, "RESOURCE_SERVER")
    data = {"token": "x", "client_id": client_id, "client_secret": secret}  # registered for Basic
    assert provider_client.post("/introspect", data=data).status_code == 401


@pytest.mark.parametrize("hint", ["access_token", "refresh_token", "id_token", "bogus"])
def test_rfc7662_2_1_token_type_hint_is_only_a_hint(provider_client, settings, hint):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    assert introspect(provider_client, settings, token, token_type_hint=hint).get_json()["active"] is True


def test_rfc6749_3_2_a_repeated_token_parameter_is_invalid_request(provider_client, settings):
    response = provider_client.post(
        "/introspect", data={"token": ["a", "b"]}, auth=credentials(settings, "RESOURCE_SERVER")
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_rfc7662_2_1_introspection_is_post_only(provider_client):
    assert provider_client.get("/introspect?token=x").status_code == 405


def test_as_9_discovery_names_the_introspection_endpoint_and_its_methods(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta["introspection_endpoint"] == "http://127.0.0.1:8001/introspect"
    assert meta["introspection_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"]
