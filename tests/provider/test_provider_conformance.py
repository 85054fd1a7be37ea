"""The provider says what the specs say: issue 13's table of deviations, one test a row.

AS-14 (prompt, max_age, auth_time: OIDC Core §3.1.2.1, §2), POST authorization requests,
parameter errors (RFC 6749 §3.1, §3.2, §4.1.2.1, §5.2), request objects and response modes
(OIDC Core §3.1.2.6), userinfo's bearer challenges (RFC 6750), revocation (RFC 7009) and the
discovery document (OIDC Discovery §3).
"""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import PASSWORDS
from tests.oauth_flow import CLIENT_ID, REDIRECT_URI, ProviderFlow, csrf_token, query, register_client

ISSUER = "http://127.0.0.1:8001"


def id_token_claims(flow, tokens):
    keys = KeySet.import_key_set(flow.client.get("/.well-known/jwks.json").get_json())
    return jwt.decode(tokens["id_token"], keys, algorithms=["RS256"]).claims


def backdate_sign_in(flow, seconds):
    """Make this browser's sign-in `seconds` older than it is; returns its new sign-in time."""
    with flow.client.session_transaction() as session:
        session["signed_in_at"] -= seconds
        return session["signed_in_at"]


def session_id(flow):
    return flow.client.get_cookie("provider_session").value


def sign_in_again(flow, location):
    """Follow a redirect to the sign-in page, sign in there, return the answer of the sign-in."""
    assert location.startswith("/login?next=/authorize")
    token = csrf_token(flow.client.get(location).get_data(as_text=True))
    data = {"csrf_token": token, "username": "alice", "password": PASSWORDS["alice"]}
    return flow.client.post(location, data=data)


def forget_consent(provider_app):
    """Revoke every grant (as the console's Revoke button does): no consent is remembered."""
    from provider.issued import Grant
    from provider.models import db

    with provider_app.app_context():
        for grant in db.session.execute(db.select(Grant).filter_by(revoked_at=None)).scalars():
            grant.revoke("revoked in the console")
        db.session.commit()


def approve_once(flow, scope="openid profile email"):
    """The user approves the client once, interactively (the consent prompt=none relies on)."""
    flow.code(scope=scope)


# --- AS-14: prompt=none (OIDC Core §3.1.2.1, errors §3.1.2.6) ----------------------------------


def test_as_14_prompt_none_signed_in_and_approved_gets_a_code_without_ui_oidc_core_3_1_2_1(flow):
    approve_once(flow)
    params = flow.params(prompt="none")
    response = flow.client.get("/authorize", query_string=params)
    assert response.status_code == 302
    answer = query(response.headers["Location"])
    assert response.headers["Location"].startswith(REDIRECT_URI + "?")
    assert answer["state"] == params["state"] and answer["iss"] == ISSUER and answer["code"]
    assert flow.token(answer["code"]).status_code == 200


def test_as_14_prompt_none_without_earlier_consent_is_consent_required_oidc_core_3_1_2_6(flow, provider_app):
    forget_consent(provider_app)
    params = flow.params(prompt="none")
    response = flow.client.get("/authorize", query_string=params)
    assert response.status_code == 302 and response.headers["Location"].startswith(REDIRECT_URI + "?")
    answer = query(response.headers["Location"])
    assert answer["error"] == "consent_required"
    assert answer["state"] == params["state"] and answer["iss"] == ISSUER
    assert "code" not in answer


def test_as_14_prompt_none_signed_out_is_login_required_oidc_core_3_1_2_6(provider_client):
    flow = ProviderFlow(provider_client)
    params = flow.params(prompt="none")
    response = provider_client.get("/authorize", query_string=params)
    assert response.status_code == 302 and response.headers["Location"].startswith(REDIRECT_URI + "?")
    answer = query(response.headers["Location"])
    assert answer["error"] == "login_required"
    assert answer["state"] == params["state"] and answer["iss"] == ISSUER


def test_as_14_prompt_none_for_more_scopes_than_approved_is_consent_required(flow, provider_app):
    forget_consent(provider_app)
    approve_once(flow, scope="openid")
    response = flow.client.get("/authorize", query_string=flow.params(prompt="none", scope="openid email"))
    assert query(response.headers["Location"])["error"] == "consent_required"


def test_as_14_prompt_none_for_another_client_is_consent_required_despite_this_clients_approval(flow, provider_client):
    approve_once(flow)
    other = register_client(provider_client)
    stranger = ProviderFlow(provider_client, other["client_id"], other["secret"], "https://other.example/cb")
    response = provider_client.get("/authorize", query_string=stranger.params(prompt="none", scope="openid"))
    assert response.headers["Location"].startswith("https://other.example/cb?")
    assert query(response.headers["Location"])["error"] == "consent_required"


def test_as_14_prompt_none_after_the_user_revoked_the_grant_is_consent_required(flow, provider_app):
    approve_once(flow)
    forget_consent(provider_app)
    response = flow.client.get("/authorize", query_string=flow.params(prompt="none"))
    assert query(response.headers["Location"])["error"] == "consent_required"


def test_as_14_prompt_none_with_a_sign_in_older_than_max_age_is_login_required(flow):
    approve_once(flow)
    backdate_sign_in(flow, 120)
    response = flow.client.get("/authorize", query_string=flow.params(prompt="none", max_age="60"))
    assert query(response.headers["Location"])["error"] == "login_required"


@pytest.mark.parametrize("value", ["none login", "consent none", "none select_account"])
def test_as_14_prompt_none_with_another_value_is_invalid_request_oidc_core_3_1_2_1(flow, value):
    response = flow.client.get("/authorize", query_string=flow.params(prompt=value))
    answer = query(response.headers["Location"])
    assert answer["error"] == "invalid_request" and "code" not in answer


# --- AS-14: prompt=login, select_account, consent, unknown values ------------------------------


def test_as_14_prompt_login_asks_a_signed_in_user_to_sign_in_again_oidc_core_3_1_2_1(flow):
    response = flow.client.get("/authorize", query_string=flow.params(prompt="login"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/authorize")


def test_as_14_re_authentication_returns_to_the_same_request_under_a_new_session_id(flow):
    params = flow.params(prompt="login")
    before = session_id(flow)
    signed_in = sign_in_again(flow, flow.client.get("/authorize", query_string=params).headers["Location"])
    assert signed_in.status_code == 302 and signed_in.headers["Location"].startswith("/authorize?")
    assert session_id(flow) != before  # AS-10: a new id at every sign-in
    page = flow.client.get(signed_in.headers["Location"])
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    decided = flow.client.post(signed_in.headers["Location"], data={"csrf_token": token, "approve": "Allow"})
    assert query(decided.headers["Location"])["state"] == params["state"]
    assert flow.token(query(decided.headers["Location"])["code"]).status_code == 200


def test_as_14_a_sign_in_not_made_for_the_request_does_not_satisfy_prompt_login(flow):
    flow.login()  # signed in at /login directly, for no request
    response = flow.client.get("/authorize", query_string=flow.params(prompt="login"))
    assert response.headers["Location"].startswith("/login?next=/authorize")


def test_as_14_prompt_select_account_asks_to_sign_in_as_the_account_to_use(flow):
    response = flow.client.get("/authorize", query_string=flow.params(prompt="select_account"))
    assert response.headers["Location"].startswith("/login?next=/authorize")


def test_as_14_prompt_consent_shows_the_consent_page_after_an_earlier_approval(flow):
    approve_once(flow)
    page = flow.client.get("/authorize", query_string=flow.params(prompt="consent"))
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)


def test_as_14_unknown_prompt_values_are_ignored_oidc_core_3_1_2_1(flow):
    page = flow.client.get("/authorize", query_string=flow.params(prompt="create something_else"))
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)


# --- AS-14: max_age and auth_time (OIDC Core §3.1.2.1, §2) -------------------------------------


def test_as_14_max_age_shorter_than_the_sign_in_forces_re_authentication_oidc_core_3_1_2_1(flow):
    backdate_sign_in(flow, 120)
    response = flow.client.get("/authorize", query_string=flow.params(max_age="60"))
    assert response.headers["Location"].startswith("/login?next=/authorize")


def test_as_14_max_age_longer_than_the_sign_in_goes_straight_to_consent(flow):
    backdate_sign_in(flow, 30)
    page = flow.client.get("/authorize", query_string=flow.params(max_age="3600"))
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)


def test_as_14_max_age_zero_forces_re_authentication_then_issues_a_fresh_auth_time(flow):
    params = flow.params(max_age="0")
    signed_in = sign_in_again(flow, flow.client.get("/authorize", query_string=params).headers["Location"])
    after_sign_in = int(time.time())
    page = flow.client.get(signed_in.headers["Location"])
    assert page.status_code == 200  # the new sign-in satisfies max_age=0: no loop
    token = csrf_token(page.get_data(as_text=True))
    decided = flow.client.post(signed_in.headers["Location"], data={"csrf_token": token, "approve": "Allow"})
    claims = id_token_claims(flow, flow.token(query(decided.headers["Location"])["code"]).get_json())
    assert after_sign_in - 2 <= claims["auth_time"] <= after_sign_in


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", " 1", "\u0661\u0662"])
def test_as_14_max_age_that_is_not_a_whole_number_is_invalid_request(flow, value):
    response = flow.client.get("/authorize", query_string=flow.params(max_age=value))
    assert query(response.headers["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize("name", ["max_age", "prompt", "response_mode", "request", "request_uri"])
def test_rfc_6749_3_1_a_parameter_without_a_value_is_as_if_omitted(flow, name):
    page = flow.client.get("/authorize", query_string=flow.params(**{name: ""}))
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)


def test_as_14_auth_time_is_when_the_user_signed_in_not_when_the_code_was_issued_oidc_core_2(flow):
    signed_in_at = backdate_sign_in(flow, 100)
    claims = id_token_claims(flow, flow.tokens())
    assert claims["auth_time"] == signed_in_at
    assert claims["iat"] - claims["auth_time"] >= 100


def test_as_14_auth_time_is_present_when_max_age_was_asked_oidc_core_2(flow):
    claims = id_token_claims(flow, flow.tokens(max_age="3600"))
    assert isinstance(claims["auth_time"], int)


# --- POST authorization requests (OIDC Core §3.1.2.1: GET and POST) ------------------------------


def test_oidc_core_3_1_2_1_a_posted_authorization_request_shows_the_consent_page(flow):
    response = flow.client.post("/authorize", data=flow.params())
    assert response.status_code == 200
    assert "wants to use your account" in response.get_data(as_text=True)


def test_oidc_core_3_1_2_1_a_posted_request_is_approved_through_the_consent_form(flow):
    params = flow.params()
    page = flow.client.post("/authorize", data=params).get_data(as_text=True)
    action = page.split('class="actions" action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    decided = flow.client.post(action, data={"csrf_token": csrf_token(page), "approve": "Allow"})
    answer = query(decided.headers["Location"])
    assert answer["state"] == params["state"]
    assert flow.token(answer["code"]).status_code == 200


def test_oidc_core_3_1_2_1_a_posted_request_signed_out_waits_for_the_sign_in(provider_client):
    flow = ProviderFlow(provider_client)
    response = provider_client.post("/authorize", data=flow.params())
    signed_in = sign_in_again(flow, response.headers["Location"])
    page = provider_client.get(signed_in.headers["Location"])
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)


def test_oidc_core_3_1_2_1_prompt_none_posted_gets_its_code_without_ui(flow):
    approve_once(flow)
    response = flow.client.post("/authorize", data=flow.params(prompt="none"))
    assert response.status_code == 302 and query(response.headers["Location"])["code"]


def test_as_7_a_posted_request_with_an_approve_button_is_never_a_decision(flow):
    data = {**flow.params(), "approve": "Allow"}  # a cross-site form: OAuth parameters, no token
    response = flow.client.post("/authorize", data=data)
    assert response.status_code == 200 and "Location" not in response.headers


def test_as_7_a_consent_decision_with_a_wrong_csrf_token_is_refused(flow):
    params = flow.params()
    response = flow.client.post("/authorize", query_string=params, data={"csrf_token": "forged", "approve": "Allow"})
    assert response.status_code == 400 and "Location" not in response.headers


# --- Parameter errors (RFC 6749 §3.1, §3.2, §4.1.2.1, §5.2) -----------------------------------


def test_rfc_6749_4_1_2_1_missing_response_type_is_invalid_request_sent_to_the_client(flow):
    params = flow.params(response_type=None)
    response = flow.client.get("/authorize", query_string=params)
    answer = query(response.headers["Location"])
    assert response.headers["Location"].startswith(REDIRECT_URI + "?")
    assert answer["error"] == "invalid_request" and answer["state"] == params["state"] and answer["iss"] == ISSUER


def test_as_1_missing_response_type_with_an_unregistered_redirect_uri_is_an_error_page(flow):
    response = flow.client.get(
        "/authorize", query_string=flow.params(response_type=None, redirect_uri="https://evil.test/cb")
    )
    assert response.status_code == 400 and "Location" not in response.headers


def test_rfc_6749_3_1_a_repeated_authorization_parameter_is_invalid_request(flow):
    params = list(flow.params().items()) + [("nonce", "a-second-nonce")]
    response = flow.client.get("/authorize", query_string=params)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "invalid_request" in response.get_data(as_text=True)


def test_rfc_6749_3_2_a_repeated_grant_type_is_invalid_request(flow):
    code, _ = flow.code()
    response = flow.token(code, grant_type=["authorization_code", "authorization_code"])
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_rfc_6749_3_2_a_repeated_code_is_refused_and_leaves_the_code_usable(flow):
    code, _ = flow.code()
    data = {"grant_type": "authorization_code", "code": [code, code], "redirect_uri": REDIRECT_URI}
    refused = flow.client.post("/token", data={**data, "code_verifier": flow.verifier}, auth=(CLIENT_ID, flow.secret))
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_request"
    assert flow.token(code).status_code == 200  # AS-12: a refused request changed nothing


def test_rfc_6749_5_2_a_missing_grant_type_is_invalid_request(flow):
    code, _ = flow.code()
    response = flow.token(code, grant_type=None)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_rfc_6749_5_2_an_unknown_grant_type_is_still_unsupported_grant_type(flow):
    response = flow.token("x", verifier="v" * 43, grant_type="urn:example:nothing")
    assert response.status_code == 400 and response.get_json()["error"] == "unsupported_grant_type"


# --- Request objects and response modes (OIDC Core §3.1.2.6) ---------------------------------


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
        ({"request_uri": "https://client.example/request.jwt"}, "request_uri_not_supported"),
        ({"response_mode": "fragment"}, "invalid_request"),
        ({"response_mode": "form_post"}, "invalid_request"),
        ({"response_mode": "nonsense"}, "invalid_request"),
    ],
)
def test_oidc_core_3_1_2_6_what_the_provider_cannot_honour_is_refused_not_ignored(flow, extra, error):
    params = flow.params(**extra)
    response = flow.client.get("/authorize", query_string=params)
    answer = query(response.headers["Location"])
    assert answer["error"] == error and answer["state"] == params["state"] and "code" not in answer


def test_oidc_core_3_1_2_1_response_mode_query_is_accepted(flow):
    page = flow.client.get("/authorize", query_string=flow.params(response_mode="query"))
    assert page.status_code == 200 and "wants to use your account" in page.get_data(as_text=True)


def test_oidc_discovery_3_request_objects_and_response_modes_are_advertised_as_unsupported(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta["request_parameter_supported"] is False
    assert meta["request_uri_parameter_supported"] is False
    assert meta["response_modes_supported"] == ["query"]


# --- Userinfo: RFC 6750 bearer tokens and challenges ----------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic YWxpY2U6d29uZGVybGFuZA=="}])
def test_rfc_6750_3_1_userinfo_without_a_token_is_401_with_no_error_code(provider_client, headers):
    response = provider_client.get("/userinfo", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="{ISSUER}"'
    assert "error" not in (response.get_json(silent=True) or {})


def test_rfc_6750_3_1_userinfo_with_an_unknown_token_is_invalid_token(provider_client):
    response = provider_client.get("/userinfo", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith(f'Bearer realm="{ISSUER}", error="invalid_token"')
    assert response.get_json()["error"] == "invalid_token"


def test_rfc_6750_3_1_userinfo_with_a_revoked_token_is_invalid_token(flow):
    tokens = flow.tokens()
    flow.client.post("/revoke", data={"token": tokens["access_token"]}, auth=(CLIENT_ID, flow.secret))
    response = flow.userinfo(tokens["access_token"])
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_rfc_6750_3_userinfo_without_the_openid_scope_is_403_insufficient_scope(flow):
    tokens = flow.tokens(scope="profile", nonce=None)
    response = flow.userinfo(tokens["access_token"])
    assert response.status_code == 403
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and 'error="insufficient_scope"' in challenge
    assert 'scope="openid"' in challenge
    assert response.get_json()["error"] == "insufficient_scope"


def test_rfc_6750_2_2_the_token_in_a_form_encoded_post_body_is_accepted(flow):
    tokens = flow.tokens()
    response = flow.client.post("/userinfo", data={"access_token": tokens["access_token"]})
    assert response.status_code == 200 and response.get_json()["preferred_username"] == "alice"


@pytest.mark.parametrize("where", ["header and body", "body twice"])
def test_rfc_6750_2_a_token_sent_more_than_once_is_invalid_request(flow, where):
    token = flow.tokens()["access_token"]
    if where == "header and body":
        response = flow.client.post(
            "/userinfo", data={"access_token": token}, headers={"Authorization": f"Bearer {token}"}
        )
    else:
        response = flow.client.post("/userinfo", data={"access_token": [token, token]})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


def test_rfc_6750_2_3_a_token_in_the_url_query_is_refused(flow):
    token = flow.tokens()["access_token"]
    response = flow.client.get("/userinfo", query_string={"access_token": token})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_rfc_6750_2_2_a_token_in_a_get_body_is_not_read(flow):
    token = flow.tokens()["access_token"]
    response = flow.client.get("/userinfo", data={"access_token": token})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="{ISSUER}"'


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer a b", 'Bearer "quoted"'])
def test_rfc_6750_2_1_an_unreadable_bearer_header_is_invalid_request(provider_client, header):
    response = provider_client.get("/userinfo", headers={"Authorization": header})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_oidc_core_5_3_2_userinfo_sub_is_the_id_token_sub(flow):
    tokens = flow.tokens()
    assert flow.userinfo(tokens["access_token"]).get_json()["sub"] == id_token_claims(flow, tokens)["sub"]


# --- Revocation (RFC 7009) --------------------------------------------------------------------


def revoke(flow, credentials=None, **data):
    return flow.client.post("/revoke", data=data, auth=credentials or (CLIENT_ID, flow.secret))


def test_rfc_7009_2_1_an_unknown_token_type_hint_is_ignored_and_the_token_revoked(flow):
    tokens = flow.tokens()
    response = revoke(flow, token=tokens["access_token"], token_type_hint="id_token")
    assert response.status_code == 200
    assert flow.userinfo(tokens["access_token"]).status_code == 401


def test_rfc_7009_2_1_a_wrong_hint_still_finds_the_token(flow):
    tokens = flow.tokens()
    assert revoke(flow, token=tokens["refresh_token"], token_type_hint="access_token").status_code == 200
    assert flow.refresh(tokens["refresh_token"]).status_code == 400


def test_rfc_7009_2_1_another_clients_token_gets_200_and_is_not_revoked(flow, provider_client):
    other = register_client(provider_client)
    tokens = flow.tokens()
    response = revoke(flow, (other["client_id"], other["secret"]), token=tokens["refresh_token"])
    assert response.status_code == 200  # the same answer as for a token that does not exist
    assert flow.userinfo(tokens["access_token"]).status_code == 200
    assert flow.refresh(tokens["refresh_token"]).status_code == 200


def test_rfc_7009_2_2_an_unknown_token_gets_200(flow):
    assert revoke(flow, token="never-issued").status_code == 200


def test_rfc_7009_2_1_a_repeated_token_parameter_is_invalid_request(flow):
    tokens = flow.tokens()
    response = revoke(flow, token=[tokens["access_token"], tokens["access_token"]])
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    assert flow.userinfo(tokens["access_token"]).status_code == 200


def test_rfc_7009_2_1_a_missing_token_is_invalid_request(flow):
    response = revoke(flow, token_type_hint="access_token")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


# --- Discovery (OIDC Discovery §3) -----------------------------------------------------------


def test_oidc_discovery_3_claims_supported_lists_every_claim_issued(flow):
    meta = flow.client.get("/.well-known/openid-configuration").get_json()
    tokens = flow.tokens()
    issued = set(id_token_claims(flow, tokens)) | set(flow.userinfo(tokens["access_token"]).get_json())
    assert issued <= set(meta["claims_supported"])
    assert {"preferred_username", "email_verified", "auth_time"} <= set(meta["claims_supported"])


def test_oidc_discovery_3_prompt_values_supported(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert set(meta["prompt_values_supported"]) == {"none", "login", "consent", "select_account"}
