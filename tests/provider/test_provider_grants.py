"""The provider's grants: exact redirect URIs (AS-1), PKCE (AS-2), codes (AS-3), no implicit or
password grant (AS-4), refresh rotation (AS-5), client authentication and token entropy (AS-6)."""

import time

import pytest

from provider.issued import CODE_LIFETIME, AuthorizationCode, Grant, Token
from provider.models import db, secret_digest
from tests.conftest import PASSWORDS
from tests.oauth_flow import CLIENT_ID, REDIRECT_URI, ProviderFlow, query, register_client

# --- AS-1: exact redirect URIs; bad client or URI -> an error page, never a redirect ------


@pytest.mark.parametrize(
    "redirect_uri",
    [
        REDIRECT_URI + "/../../evil",
        REDIRECT_URI + "x",
        REDIRECT_URI + "/",
        REDIRECT_URI + "?next=http://evil.test",
        "http://localhost:8000/oauth/callback#frag",
        "http://LOCALHOST:8000/oauth/callback",
        "http://localhost:8001/oauth/callback",
        "http://evil.test/oauth/callback",
        "",
    ],
)
def test_as_1_unregistered_redirect_uri_gets_an_error_page(flow, redirect_uri):
    response = flow.client.get("/authorize", query_string=flow.params(redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.mimetype == "text/html"


def test_as_1_missing_redirect_uri_gets_an_error_page(flow):
    response = flow.client.get("/authorize", query_string=flow.params(redirect_uri=None))
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize("client_id", ["unknown-client", "", "x" * 500])
def test_as_1_unknown_client_gets_an_error_page(flow, client_id):
    response = flow.client.get("/authorize", query_string=flow.params(client_id=client_id))
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_as_1_the_check_runs_before_sign_in(provider_client):
    flow = ProviderFlow(provider_client)
    response = provider_client.get("/authorize", query_string=flow.params(redirect_uri="http://evil.test/cb"))
    assert response.status_code == 400


def test_as_1_both_app_and_replica_callbacks_are_registered_exactly(provider_app):
    from provider.models import Client

    with provider_app.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=CLIENT_ID)).scalar_one()
        assert client.redirect_uris == ["http://localhost:8000/oauth/callback", "http://localhost:8002/oauth/callback"]


# --- AS-2: PKCE for every client, S256 only -------------------------------------------------


def test_as_2_authorization_without_code_challenge_is_refused(flow):
    response = flow.client.get("/authorize", query_string=flow.params(code_challenge=None, code_challenge_method=None))
    params = query(response.headers["Location"])
    assert params["error"] == "invalid_request"
    assert "code" not in params


@pytest.mark.parametrize("method", ["plain", None, "s256", "S512"])
def test_as_2_only_s256_is_accepted(flow, method):
    params = flow.params(code_challenge_method=method)
    if method == "plain":
        params["code_challenge"] = flow.verifier  # the downgrade: the verifier itself, no hash
    response = flow.client.get("/authorize", query_string=params)
    assert query(response.headers["Location"])["error"] == "invalid_request"


def test_as_2_token_request_without_verifier_is_refused(flow):
    code, _ = flow.code()
    response = flow.client.post(
        "/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(CLIENT_ID, flow.secret),
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_as_2_wrong_verifier_is_refused(flow):
    code, _ = flow.code()
    response = flow.token(code, verifier="A" * 50)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_as_2_confidential_client_cannot_skip_pkce(flow):
    """authlib's default lets a client that authenticates skip PKCE; this provider does not."""
    response = flow.client.get("/authorize", query_string=flow.params(code_challenge=None, code_challenge_method=None))
    assert "code" not in query(response.headers["Location"])


# --- AS-3: codes single-use, short-lived, bound to client and redirect URI ----------------


def test_as_3_code_is_single_use_and_reuse_revokes_what_it_issued(flow):
    code, _ = flow.code()
    first = flow.token(code)
    assert first.status_code == 200
    access = first.get_json()["access_token"]
    assert flow.userinfo(access).status_code == 200
    again = flow.token(code)
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"
    assert flow.userinfo(access).status_code == 401
    assert flow.refresh(first.get_json()["refresh_token"]).status_code == 400


def test_as_3_code_lives_at_most_five_minutes(flow, provider_app):
    assert CODE_LIFETIME <= 300
    code, _ = flow.code()
    with provider_app.app_context():
        item = db.session.execute(db.select(AuthorizationCode).filter_by(code=secret_digest(code))).scalar_one()
        item.issued_at = time.time() - CODE_LIFETIME - 1
        db.session.commit()
    response = flow.token(code)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_as_3_code_is_bound_to_its_redirect_uri(flow):
    code, _ = flow.code()
    response = flow.token(code, redirect_uri="http://localhost:8002/oauth/callback")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_as_3_code_is_bound_to_its_client(flow, provider_client):
    other = register_client(provider_client)
    code, _ = flow.code()
    thief = ProviderFlow(provider_client, client_id=other["client_id"], secret=other["secret"])
    response = thief.token(code, verifier=flow.verifier)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_as_3_code_has_256_random_bits(flow):
    codes = {flow.code()[0] for _ in range(3)}
    assert len(codes) == 3
    assert all(len(code) >= 43 for code in codes)


# --- AS-4: no implicit, no password grant ---------------------------------------------------


@pytest.mark.parametrize("response_type", ["token", "id_token", "code token", "code id_token", "none"])
def test_as_4_implicit_and_hybrid_response_types_are_refused(flow, response_type):
    response = flow.client.get("/authorize", query_string=flow.params(response_type=response_type))
    location = response.headers.get("Location", "")
    assert "access_token" not in location and "id_token=" not in location
    if response.status_code == 302:
        assert query(location)["error"] == "unsupported_response_type"
    else:
        assert response.status_code == 400


@pytest.mark.parametrize("grant_type", ["password", "implicit", "urn:ietf:params:oauth:grant-type:saml2-bearer"])
def test_as_4_other_grants_are_refused(flow, grant_type):
    data = {"grant_type": grant_type, "username": "alice", "password": PASSWORDS["alice"], "scope": "openid"}
    response = flow.client.post("/token", data=data, auth=(CLIENT_ID, flow.secret))
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


# Issue 13 added these two grants (provider/machine.py, provider/device.py); the app's client is
# not registered for either, so it is refused them (RFC 6749 §5.2 unauthorized_client).
@pytest.mark.parametrize("grant_type", ["client_credentials", "urn:ietf:params:oauth:grant-type:device_code"])
def test_rfc6749_5_2_the_apps_client_is_not_registered_for_the_machine_or_device_grant(flow, grant_type):
    data = {"grant_type": grant_type, "device_code": "a-device-code", "scope": "openid"}
    response = flow.client.post("/token", data=data, auth=(CLIENT_ID, flow.secret))
    assert response.status_code == 400
    assert response.get_json()["error"] == "unauthorized_client"


# --- AS-5: refresh rotation and reuse detection -------------------------------------------


def test_as_5_refresh_rotates_the_refresh_token(flow):
    tokens = flow.tokens()
    response = flow.refresh(tokens["refresh_token"])
    assert response.status_code == 200
    new = response.get_json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["access_token"] != tokens["access_token"]
    assert flow.userinfo(new["access_token"]).status_code == 200
    assert flow.userinfo(tokens["access_token"]).status_code == 401


def test_as_5_reuse_of_a_rotated_refresh_token_revokes_the_family(flow, provider_app):
    tokens = flow.tokens()
    new = flow.refresh(tokens["refresh_token"]).get_json()
    replay = flow.refresh(tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.get_json()["error"] == "invalid_grant"
    assert flow.userinfo(new["access_token"]).status_code == 401
    assert flow.refresh(new["refresh_token"]).status_code == 400
    with provider_app.app_context():
        grant = db.session.execute(db.select(Grant)).scalars().all()[-1]
        assert grant.revoked_because == "a rotated refresh token was used again"


# --- AS-6: client authentication, token entropy --------------------------------------------


def test_as_6_token_endpoint_requires_client_authentication(flow):
    code, _ = flow.code()
    response = flow.token(code, auth=False)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_as_6_wrong_client_secret_is_refused(flow):
    code, _ = flow.code()
    flow.secret = "not-the-secret"
    response = flow.token(code)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_as_6_tokens_carry_at_least_128_random_bits(flow):
    tokens = flow.tokens()
    for name in ("access_token", "refresh_token"):
        assert len(tokens[name]) >= 43  # token_urlsafe(32): 256 bits
    assert tokens["token_type"].lower() == "bearer"


def test_as_6_codes_and_tokens_are_stored_only_as_digests(flow, provider_app):
    code, _ = flow.code()
    tokens = flow.token(code).get_json()
    with provider_app.app_context():
        assert db.session.execute(db.select(AuthorizationCode).filter_by(code=code)).first() is None
        for name in ("access_token", "refresh_token"):
            column = getattr(Token, name)
            assert db.session.execute(db.select(Token).where(column == tokens[name])).first() is None
            assert db.session.execute(db.select(Token).where(column == secret_digest(tokens[name]))).first()
    assert flow.userinfo(tokens["access_token"]).status_code == 200


def test_as_6_client_secrets_are_stored_as_digests(provider_app):
    from provider.models import Client

    with provider_app.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=CLIENT_ID)).scalar_one()
        assert client.client_secret != provider_app.config["BUILTIN_CLIENT_SECRET"]
        assert client.check_client_secret(provider_app.config["BUILTIN_CLIENT_SECRET"])
