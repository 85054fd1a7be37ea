"""RP-Initiated Logout 1.0 at /end_session, and `sid` in the id_token: an application signs the
person out here with an id_token for this sign-in, and comes back only to an address registered
exactly; anything less asks the person first (CSRF-protected) and goes nowhere."""

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from provider.settings import new_signing_key
from tests.oauth_flow import CLIENT_ID, csrf_token, query
from tests.provider.lab_flows import lab_settings, machine_token, part

BACK = "http://localhost:8000/oauth/logged-out"


@pytest.fixture
def id_token(flow):
    return flow.tokens()["id_token"]


def signed_in(http):
    """True while the provider session lets the console open (it redirects to /login otherwise)."""
    return http.get("/console/").status_code == 200


def end(http, method="GET", **params):
    if method == "GET":
        return http.get("/end_session", query_string=params)
    return http.post("/end_session", data=params)


def resigned(provider_app, token, **changes):
    """The same claims with changes, signed with the provider's own key."""
    claims = {**part(token, 1), **changes}
    key = provider_app.extensions["provider_signing_key"]
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


# --- sid -------------------------------------------------------------------------------------


def test_oidc_frontchannel_3_the_id_token_carries_a_sid_that_is_not_the_session_cookie(flow, provider_client):
    tokens = flow.tokens()
    sid = part(tokens["id_token"], 1)["sid"]
    assert len(sid) == 22  # 128 random bits
    assert sid != provider_client.get_cookie("provider_session").value


def test_oidc_frontchannel_3_one_sign_in_keeps_one_sid_and_a_new_sign_in_gets_another(flow):
    first, second = part(flow.tokens()["id_token"], 1)["sid"], part(flow.tokens()["id_token"], 1)["sid"]
    assert first == second
    flow.login()
    assert part(flow.tokens()["id_token"], 1)["sid"] != first


def test_as_9_discovery_names_end_session_and_sid(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta["end_session_endpoint"] == "http://127.0.0.1:8001/end_session"
    assert "sid" in meta["claims_supported"]


# --- §2, §3: a valid hint for this sign-in --------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rpinitiated_3_a_hint_for_this_sign_in_signs_out_and_returns_with_state(provider_client, id_token, method):
    response = end(provider_client, method, id_token_hint=id_token, post_logout_redirect_uri=BACK, state="s-42")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(BACK + "?")
    assert query(response.headers["Location"]) == {"state": "s-42"}
    assert not signed_in(provider_client)


def test_as_10_after_end_session_a_copy_of_the_cookie_opens_nothing(provider_app, provider_client, id_token):
    thief = provider_app.test_client()
    thief.set_cookie("provider_session", provider_client.get_cookie("provider_session").value)
    assert signed_in(thief)  # the copy works while the sign-in lasts
    end(provider_client, id_token_hint=id_token, post_logout_redirect_uri=BACK)
    assert not signed_in(thief)


def test_rpinitiated_2_client_id_beside_the_hint_must_be_its_audience(provider_client, id_token, provider_app):
    other = lab_settings(provider_app)["SPA_CLIENT_ID"]
    response = end(provider_client, id_token_hint=id_token, client_id=other, post_logout_redirect_uri=BACK)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert signed_in(provider_client)


def test_rpinitiated_2_an_expired_id_token_is_still_a_valid_hint(provider_app, provider_client, id_token):
    expired = resigned(provider_app, id_token, exp=1, iat=0)
    response = end(provider_client, id_token_hint=expired, post_logout_redirect_uri=BACK)
    assert response.status_code == 302 and response.headers["Location"] == BACK


@pytest.mark.parametrize(
    "uri",
    [
        BACK + "/",
        BACK + "?next=evil",
        "http://localhost:8000/oauth/logged-out#x",
        "http://localhost:8001/oauth/logged-out",
        "http://localhost:8000/oauth/logged-ou",
        "http://LOCALHOST:8000/oauth/logged-out",
        "https://attacker.example/oauth/logged-out",
        "http://localhost:8000/oauth/callback",  # a redirect_uri, not a post-logout one
    ],
)
def test_rpinitiated_3_an_address_not_registered_exactly_gets_no_redirect(provider_client, id_token, uri):
    response = end(provider_client, id_token_hint=id_token, post_logout_redirect_uri=uri, state="s")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You are signed out" in page and "so you stay here" in page
    assert not signed_in(provider_client)  # the hint was valid: the sign-out itself happened


# --- §2, §4: hints that are not this provider's id_token for this sign-in --------------------------


def test_rpinitiated_4_a_hint_signed_by_another_key_is_refused_without_redirect(provider_client, id_token):
    other = RSAKey.import_key(new_signing_key())
    forged = jwt.encode({"alg": "RS256", "typ": "JWT"}, part(id_token, 1), other)
    response = end(provider_client, id_token_hint=forged, post_logout_redirect_uri=BACK)
    assert response.status_code == 400
    assert "not an id_token this provider issued" in response.get_data(as_text=True)
    assert signed_in(provider_client)


def test_jwt_4_a_jwt_access_token_is_not_an_id_token_hint(provider_client, provider_app, flow):
    """Both are signed with the provider's key (RFC 9068 §4): typ at+jwt tells them apart."""
    access_token = machine_token(provider_client, lab_settings(provider_app), "MACHINE_JWT").get_json()["access_token"]
    response = end(provider_client, id_token_hint=access_token)
    assert response.status_code == 400
    assert signed_in(provider_client)


def test_rpinitiated_2_a_hint_from_another_issuer_is_refused(provider_app, provider_client, id_token):
    response = end(provider_client, id_token_hint=resigned(provider_app, id_token, iss="https://other.example"))
    assert response.status_code == 400


@pytest.mark.parametrize("hint", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "x" * 10000])
def test_rpinitiated_4_an_unreadable_hint_is_a_clear_400(provider_client, hint):
    response = end(provider_client, id_token_hint=hint)
    assert response.status_code == 400
    assert "This sign-out request is not valid" in response.get_data(as_text=True)


def test_rfc6749_3_1_a_repeated_parameter_is_refused(provider_client, id_token):
    response = provider_client.get(f"/end_session?id_token_hint={id_token}&state=a&state=b")
    assert response.status_code == 400


# --- §6: without a hint for this sign-in, the person is asked (CSRF-protected) ---------------------


def test_rpinitiated_6_a_bare_cross_site_link_only_asks(flow, provider_client):
    page = end(provider_client)
    assert page.status_code == 200
    assert "Sign out of the Lab Identity Provider?" in page.get_data(as_text=True)
    assert signed_in(provider_client)


def test_rpinitiated_6_a_hint_from_an_earlier_sign_in_only_asks(flow, provider_client, id_token):
    flow.login()  # a new sign-in, a new sid: the old id_token names a session that ended
    page = end(provider_client, id_token_hint=id_token, post_logout_redirect_uri=BACK)
    assert page.status_code == 200 and "Sign out of the Lab Identity Provider?" in page.get_data(as_text=True)
    assert signed_in(provider_client)


def test_rpinitiated_6_a_hint_for_another_person_only_asks(provider_app, flow, provider_client):
    bob = provider_app.test_client()
    from tests.conftest import PASSWORDS
    from tests.oauth_flow import ProviderFlow

    bobs = ProviderFlow(bob)
    bobs.login("bob", PASSWORDS["bob"])
    bobs_token = bobs.tokens()["id_token"]
    page = end(provider_client, id_token_hint=bobs_token)
    assert "Sign out of the Lab Identity Provider?" in page.get_data(as_text=True)
    assert signed_in(provider_client)


def test_as_7_the_confirmation_refuses_a_post_without_its_csrf_token(flow, provider_client):
    response = provider_client.post("/end_session", data={"sign_out": "Sign out"})
    assert response.status_code == 400
    assert signed_in(provider_client)


def test_rpinitiated_6_confirming_signs_out_but_without_a_hint_never_redirects(flow, provider_client):
    page = end(provider_client, client_id=CLIENT_ID, post_logout_redirect_uri=BACK, state="s")
    html = page.get_data(as_text=True)
    token = csrf_token(html)
    assert f'value="{BACK}"' in html  # the request's parameters ride along in the form
    data = {"csrf_token": token, "client_id": CLIENT_ID, "post_logout_redirect_uri": BACK, "state": "s"}
    response = provider_client.post("/end_session", data={**data, "sign_out": "Sign out"})
    assert response.status_code == 200 and "You are signed out" in response.get_data(as_text=True)
    assert not signed_in(provider_client)


def test_rpinitiated_6_confirming_with_a_valid_hint_returns_to_the_application(flow, provider_client, id_token):
    flow.login()  # the hint is valid but from an earlier sign-in: asked first
    page = end(provider_client, id_token_hint=id_token, post_logout_redirect_uri=BACK, state="s")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "id_token_hint": id_token}
    data.update(post_logout_redirect_uri=BACK, state="s", sign_out="Sign out")
    response = provider_client.post("/end_session", data=data)
    assert response.status_code == 302 and query(response.headers["Location"]) == {"state": "s"}
    assert not signed_in(provider_client)


def test_rpinitiated_6_staying_signed_in_changes_nothing(flow, provider_client):
    token = csrf_token(end(provider_client).get_data(as_text=True))
    response = provider_client.post("/end_session", data={"csrf_token": token, "stay": "Stay signed in"})
    assert "You are still signed in" in response.get_data(as_text=True)
    assert signed_in(provider_client)


def test_rpinitiated_3_signed_out_already_a_valid_hint_still_returns(provider_app, id_token):
    stranger = provider_app.test_client()  # no session at all
    response = end(stranger, id_token_hint=id_token, post_logout_redirect_uri=BACK)
    assert response.status_code == 302 and response.headers["Location"] == BACK
