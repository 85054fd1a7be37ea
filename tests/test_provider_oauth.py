"""The built-in provider's controls, AS-1 to AS-9 (docs/security-checklist.md), in-process."""

import secrets
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth_flow import CLIENT_ID, REDIRECT_URI, ProviderFlow, query

from provider.models import CODE_LIFETIME, AuthorizationCode, Grant, Token, db, secret_digest


@pytest.fixture(scope="module")
def signing_key_pem():
    from provider.settings import new_signing_key

    return new_signing_key()


@pytest.fixture(scope="module")
def provider_app(tmp_path_factory, signing_key_pem):
    """One provider for the module (each test gets its own browser, client and codes): making
    one costs an RSA key and two Argon2 hashes, a third of a second, 100 times over otherwise."""
    from conftest import provider_config

    from provider import create_app

    return create_app(provider_config(tmp_path_factory.mktemp("provider"), SIGNING_KEY_PEM=signing_key_pem))


@pytest.fixture
def flow(provider_client):
    flow = ProviderFlow(provider_client)
    flow.login()
    return flow


# --- AS-9: discovery and the issuer parameter -------------------------------------------


def test_as_9_metadata_advertises_only_what_is_allowed(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta["issuer"] == "http://127.0.0.1:8001"
    for name in ("authorization", "token", "userinfo", "revocation"):
        assert meta[f"{name}_endpoint"].startswith(meta["issuer"] + "/")
    assert meta["jwks_uri"] == meta["issuer"] + "/.well-known/jwks.json"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "none" not in meta["token_endpoint_auth_methods_supported"]
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


@pytest.mark.parametrize(
    "grant_type", ["password", "client_credentials", "implicit", "urn:ietf:params:oauth:grant-type:device_code"]
)
def test_as_4_other_grants_are_refused(flow, grant_type):
    data = {"grant_type": grant_type, "username": "alice", "password": "wonderland", "scope": "openid"}
    response = flow.client.post("/token", data=data, auth=(CLIENT_ID, flow.secret))
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


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


# --- AS-7: sign-in and consent, CSRF-protected, not frameable -------------------------------


def test_as_7_authorization_requires_sign_in(provider_client):
    flow = ProviderFlow(provider_client)
    response = provider_client.get("/authorize", query_string=flow.params())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/authorize")


def test_as_7_consent_page_names_the_client_and_explains_each_scope(flow):
    page = flow.client.get("/authorize", query_string=flow.params()).get_data(as_text=True)
    assert "Auth Lab (the teaching app)" in page
    for scope in ("openid", "profile", "email"):
        assert f"<code>{scope}</code>:" in page
    assert REDIRECT_URI in page


def test_as_7_consent_and_login_pages_cannot_be_framed(flow):
    for response in (flow.client.get("/authorize", query_string=flow.params()), flow.client.get("/login")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"


def test_as_7_consent_without_csrf_token_is_refused(flow):
    response = flow.client.post("/authorize", query_string=flow.params(), data={"approve": "approve"})
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_as_7_login_without_csrf_token_is_refused(provider_client):
    response = provider_client.post("/login", data={"username": "alice", "password": "wonderland"})
    assert response.status_code == 400


def test_as_7_deny_sends_access_denied_and_no_code(flow):
    params = query(flow.consent(flow.params(), decision="deny").headers["Location"])
    assert params["error"] == "access_denied"
    assert "code" not in params


def test_as_7_next_after_login_stays_on_the_provider(provider_client):
    flow = ProviderFlow(provider_client)
    token_page = provider_client.get("/login?next=//evil.test/x").get_data(as_text=True)
    from oauth_flow import csrf_token

    response = provider_client.post(
        "/login?next=//evil.test/x",
        data={"csrf_token": csrf_token(token_page), "username": "alice", "password": "wonderland"},
    )
    assert response.headers["Location"] == "/"
    assert flow


def test_wrong_password_at_the_provider_is_refused(provider_client):
    assert ProviderFlow(provider_client).login(password="nope").status_code == 401


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


# --- PW-3: throttling of the login form and the token endpoint ------------------------------


def test_pw_3_provider_login_is_throttled(tmp_path):
    from conftest import provider_config

    from provider import create_app

    app = create_app(provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="3 per minute"))
    flow = ProviderFlow(app.test_client())
    responses = [flow.login(password="wrong") for _ in range(4)]
    assert [r.status_code for r in responses] == [401, 401, 401, 429]
    assert int(responses[-1].headers["Retry-After"]) > 0


def test_pw_3_throttling_one_provider_leaves_another_alone(tmp_path, provider_client):
    from conftest import provider_config

    from provider import create_app

    throttled = create_app(
        provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="1 per minute")
    )
    ProviderFlow(throttled.test_client()).login()
    assert [ProviderFlow(provider_client).login().status_code for _ in range(3)] == [302, 302, 302]


def test_pw_3_provider_token_endpoint_is_throttled(tmp_path):
    from conftest import provider_config

    from provider import create_app

    app = create_app(provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, TOKEN_FAILURES_PER_ADDRESS="3 per minute"))
    client = app.test_client()
    statuses = [client.post("/token", data={"grant_type": "password"}).status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401] or statuses[:3] == [400, 400, 400]
    assert statuses[-1] == 429


# --- The console --------------------------------------------------------------------------


def register_client(provider_client, name="Another app", uris="https://other.example/cb"):
    """Register a client through the console (signed in); returns its id and the one-time secret."""
    from oauth_flow import csrf_token

    ProviderFlow(provider_client).login()
    token = csrf_token(provider_client.get("/console/clients/new").get_data(as_text=True))
    data = {"csrf_token": token, "client_name": name, "redirect_uris": uris, "scope_openid": "y"}
    page = provider_client.post("/console/clients/new", data=data).get_data(as_text=True)
    import re

    return {
        "client_id": re.search(r"data-client-id>([^<]+)<", page).group(1),
        "secret": re.search(r"data-client-secret>([^<]+)<", page).group(1),
    }


def test_console_requires_sign_in(provider_client):
    assert provider_client.get("/console/").headers["Location"].startswith("/login?next=/console/")


def test_console_registers_a_client_and_shows_its_secret_once(provider_client):
    registered = register_client(provider_client)
    assert len(registered["secret"]) >= 43
    listing = provider_client.get("/console/").get_data(as_text=True)
    assert registered["client_id"] in listing
    assert registered["secret"] not in listing
    flow = ProviderFlow(
        provider_client,
        client_id=registered["client_id"],
        secret=registered["secret"],
        redirect_uri="https://other.example/cb",
    )
    code, _ = flow.code(scope="openid")
    assert flow.token(code).status_code == 200


@pytest.mark.parametrize(
    "uris",
    ["not a url", "http://evil.example/cb", "https://x.example/cb#frag", "https://*.example/cb", "javascript:alert(1)"],
)
def test_console_refuses_unsafe_redirect_uris(provider_client, uris):
    from oauth_flow import csrf_token

    ProviderFlow(provider_client).login()
    token = csrf_token(provider_client.get("/console/clients/new").get_data(as_text=True))
    data = {"csrf_token": token, "client_name": "x", "redirect_uris": uris}
    assert provider_client.post("/console/clients/new", data=data).status_code == 400


def test_console_lists_and_revokes_a_users_grants(flow):
    from oauth_flow import csrf_token

    tokens = flow.tokens()
    page = flow.client.get("/console/").get_data(as_text=True)
    assert "Auth Lab (the teaching app)" in page
    import re

    action = re.search(r'action="(/console/grants/\d+/revoke)"', page).group(1)
    response = flow.client.post(action, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert flow.userinfo(tokens["access_token"]).status_code == 401
    assert "you revoked it in the console" in flow.client.get("/console/").get_data(as_text=True)


def test_console_cannot_revoke_another_users_grant(provider_client, provider_app):
    alice = ProviderFlow(provider_client)
    alice.login()
    alice.tokens()
    bob_client = provider_app.test_client()
    bob = ProviderFlow(bob_client)
    bob.login("bob", "thebuilder")
    from oauth_flow import csrf_token

    token = csrf_token(bob_client.get("/console/clients/new").get_data(as_text=True))
    with provider_app.app_context():
        grant_id = db.session.execute(db.select(Grant.id)).scalars().first()
    assert bob_client.post(f"/console/grants/{grant_id}/revoke", data={"csrf_token": token}).status_code == 404


# --- Seeding and storage ----------------------------------------------------------------------


def test_first_run_hands_the_app_its_registration(provider_app):
    import json
    from pathlib import Path

    path = Path(provider_app.config["REGISTRATION_FILE"])
    assert json.loads(path.read_text()) == {
        "client_id": CLIENT_ID,
        "client_secret": provider_app.config["BUILTIN_CLIENT_SECRET"],
    }
    assert path.stat().st_mode & 0o077 == 0


def test_development_generates_and_keeps_a_client_secret(tmp_path):
    from provider import create_app

    config = {"ENV_NAME": "test", "INSTANCE_PATH": str(tmp_path / "p")}
    first = create_app(config)
    secret = (
        first.config["BUILTIN_CLIENT_SECRET"]
        or __import__("json").loads((tmp_path / "p" / "builtin-client.json").read_text())["client_secret"]
    )
    create_app(config)
    again = __import__("json").loads((tmp_path / "p" / "builtin-client.json").read_text())["client_secret"]
    assert secret == again and len(secret) >= 43


def test_provider_database_uses_wal(provider_app):
    with provider_app.app_context():
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"


# --- HDR-5: production refuses unsafe settings ---------------------------------------------


@pytest.mark.parametrize(
    "env,problem",
    [
        ({"PROVIDER_SECRET_KEY": ""}, "PROVIDER_SECRET_KEY"),
        ({"PROVIDER_SIGNING_KEY": ""}, "PROVIDER_SIGNING_KEY"),
        ({"BUILTIN_CLIENT_SECRET": "short"}, "BUILTIN_CLIENT_SECRET"),
        ({"PROVIDER_URL": "http://id.example.org"}, "https://"),
        ({"AUTHLIB_INSECURE_TRANSPORT": "1"}, "AUTHLIB_INSECURE_TRANSPORT"),
    ],
)
def test_hdr_5_provider_production_refuses_unsafe_settings(tmp_path, monkeypatch, signing_key_pem, env, problem):
    from provider import create_app
    from provider.settings import UnsafeProviderConfiguration

    good = {
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(32),
        "PROVIDER_SIGNING_KEY": signing_key_pem,
        "BUILTIN_CLIENT_SECRET": secrets.token_urlsafe(32),
        "PROVIDER_URL": "https://id.example.org",
    }
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    for name, value in {**good, **env}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeProviderConfiguration, match=problem):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})


def test_hdr_1_provider_production_sets_secure_cookies_and_hsts(tmp_path, monkeypatch, signing_key_pem):
    from provider import create_app

    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    for name, value in {
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(32),
        "PROVIDER_SIGNING_KEY": signing_key_pem,
        "BUILTIN_CLIENT_SECRET": secrets.token_urlsafe(32),
        "PROVIDER_URL": "https://id.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/.well-known/jwks.json", base_url="https://id.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert not (tmp_path / "p" / "builtin-client.json").exists()


def test_pw_3_unknown_user_and_wrong_password_get_the_same_answer(provider_client):
    flow = ProviderFlow(provider_client)
    unknown, wrong = flow.login("mallory", "wonderland"), flow.login("alice", "not-her-password")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong username or password." in unknown.get_data(as_text=True)
    assert "Wrong username or password." in wrong.get_data(as_text=True)


def test_hdr_3_token_responses_are_never_cached(flow):
    code, _ = flow.code()
    response = flow.token(code)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
