"""The OAuth client (/oauth) against the built-in provider over real HTTP: the contract and
OC-1 to OC-5 (docs/security-checklist.md)."""

import time

import pytest

from tests.oauth_flow import LiveDance, challenge_of, query


@pytest.fixture
def dance(live):
    return LiveDance(live)


# --- The contract: GET /oauth/login ---------------------------------------------------------


def test_login_redirects_to_the_providers_authorization_endpoint(dance, live):
    response = dance.start()
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{live.provider_url}/authorize?")
    params = query(location)
    assert params["response_type"] == "code"
    assert params["client_id"] == "authlab-app"
    assert params["redirect_uri"] == f"{live.app_url}/oauth/callback"
    assert params["scope"] == "openid profile email"
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert len(params["code_challenge"]) == 43


def test_oc_1_every_attempt_gets_a_fresh_verifier_state_and_nonce(dance):
    first, second = query(dance.start().headers["Location"]), query(dance.start().headers["Location"])
    for name in ("code_challenge", "state", "nonce"):
        assert first[name] != second[name]


def test_oc_1_the_challenge_is_the_s256_of_the_verifier_shown_on_the_dance_page(dance):
    params = query(dance.start().headers["Location"])
    page = dance.page("/oauth/dance").text
    verifier = page.split('data-verifier="', 1)[1].split('"', 1)[0]
    assert challenge_of(verifier) == params["code_challenge"]


def test_login_with_an_unknown_provider_is_404(dance):
    assert dance.start(provider="myspace").status_code == 404


def test_login_with_an_unconfigured_provider_is_404(dance):
    assert dance.start(provider="github").status_code == 404


# --- The contract: GET /oauth/callback ----------------------------------------------------


def test_callback_signs_the_user_in_and_shows_every_step(dance):
    started = time.perf_counter()
    response = dance.sign_in()
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/oauth/dance")
    page = dance.page("/oauth/dance").text
    assert "data-oauth-identity>alice<" in page
    for step in ("authorize", "provider", "callback", "token", "id_token", "userinfo"):
        assert f'id="step-{step}" class="card step done"' in page
    assert '"sub": "1"' in page or "&#34;sub&#34;: &#34;1&#34;" in page
    assert elapsed < 5


def test_header_badge_names_the_oauth_identity(dance):
    dance.sign_in(username="bob")
    page = dance.page("/oauth/").text
    assert 'data-whoami="oauth">bob<' in page


def test_oc_4_callback_answers_with_a_no_store_redirect_and_no_token(dance):
    response = dance.sign_in()
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    assert "token" not in response.headers["Location"]
    assert "access_token" not in response.text


def test_oc_4_tokens_are_shortened_on_the_dance_page(dance, live):
    dance.sign_in()
    page = dance.page("/oauth/dance").text
    # The back channel's records come through the wire panel's one redaction path (wire.py).
    assert "characters, shortened on this page" in page
    assert "***masked***" in page or "*** (masked)" in page
    assert "test-client-secret" not in page


@pytest.mark.parametrize(
    "query_string", ["", "?code=abc", "?state=", "?code=abc&state=made-up", "?state=" + "x" * 5000]
)
def test_oc_2_a_callback_without_this_sessions_state_is_400_and_signs_nobody_in(dance, query_string):
    dance.start()
    response = dance.page(f"/oauth/callback{query_string}")
    assert response.status_code == 400
    assert "data-oauth-failure" in response.text
    assert 'data-whoami="oauth">signed out<' in response.text


def test_oc_2_login_csrf_an_attackers_callback_in_the_victims_browser_is_refused(live):
    attacker, victim = LiveDance(live), LiveDance(live)
    callback = attacker.callback_url()  # the attacker's own code and state, not redeemed
    victim.start()
    response = victim.http.get(callback, allow_redirects=False)
    assert response.status_code == 400
    assert 'data-whoami="oauth">signed out<' in victim.page("/oauth/").text


def test_oc_2_state_is_single_use_a_replayed_callback_is_400(dance):
    callback = dance.callback_url()
    assert dance.http.get(callback, allow_redirects=False).status_code == 302
    replay = dance.http.get(callback, allow_redirects=False)
    assert replay.status_code == 400


def test_a_replayed_code_is_refused_by_the_provider_and_revokes_the_grant(dance):
    callback = dance.callback_url()
    params = query(callback)
    assert dance.http.get(callback, allow_redirects=False).status_code == 302
    # Start a new attempt (fresh state in the session), then bring the old code back with it.
    new_state = query(dance.start().headers["Location"])["state"]
    replay = dance.page(f"/oauth/callback?code={params['code']}&state={new_state}&iss={params['iss']}")
    assert replay.status_code == 400
    assert "invalid_grant" in replay.text


def test_a_provider_error_is_a_400_page(dance):
    start = dance.start()
    response = dance.at_provider(start.headers["Location"], decision="deny")
    assert query(response.headers["Location"])["error"] == "access_denied"
    callback = dance.http.get(response.headers["Location"], allow_redirects=False)
    assert callback.status_code == 400
    assert "access_denied" in callback.text


def test_rfc_9207_a_missing_iss_is_refused(dance):
    params = query(dance.callback_url())
    response = dance.page(f"/oauth/callback?code={params['code']}&state={params['state']}")
    assert response.status_code == 400


def test_rfc_9207_a_wrong_iss_is_refused(dance):
    callback = dance.callback_url()
    params = query(callback)
    response = dance.page(f"/oauth/callback?code={params['code']}&state={params['state']}&iss=http://evil.test")
    assert response.status_code == 400
    assert "iss" in response.text


@pytest.mark.parametrize(
    "tail",
    [
        "?code=%00&state={state}",
        "?code=" + "x" * 600 + "&state={state}",
        "?error=%0d%0a&state={state}",
        "?state={state}",
    ],
)
def test_malformed_callbacks_are_4xx(dance, tail):
    state = query(dance.start().headers["Location"])["state"]
    response = dance.page("/oauth/callback" + tail.format(state=state))
    assert 400 <= response.status_code < 500


# --- OC-5: next= never leaves the site ------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.test/", "//evil.test/x", "/\\evil.test", "javascript:alert(1)"])
def test_oc_5_next_cannot_redirect_off_site(dance, target):
    response = dance.sign_in(next=target)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/oauth/dance")


def test_oc_5_next_on_this_site_is_honoured(dance):
    response = dance.sign_in(next="/session/")
    assert response.headers["Location"] == "/session/"


# --- Pause mode, then refresh, revoke and sign out -----------------------------------------


def test_pause_mode_runs_one_hop_per_continue(dance, live):
    start = dance.start(pause="1")
    assert start.status_code == 302 and start.headers["Location"].startswith("/oauth/dance")
    page = dance.page("/oauth/dance").text
    authorize_url = page.split('class="button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert authorize_url.startswith(f"{live.provider_url}/authorize?")
    back = dance.at_provider(authorize_url)
    assert dance.http.get(back.headers["Location"], allow_redirects=False).headers["Location"].endswith("#step-token")
    for expected in ("step-id_token", "step-userinfo", "step-done"):
        response = dance.post("/oauth/dance/next")
        assert response.headers["Location"].endswith(expected)
    assert "data-oauth-identity>alice<" in dance.page("/oauth/dance").text


def test_refresh_then_revoke_then_the_api_refuses_the_token(dance):
    dance.sign_in()
    dance.post("/oauth/api")
    dance.post("/oauth/refresh")
    dance.post("/oauth/api")
    dance.post("/oauth/revoke")
    dance.post("/oauth/api")
    outcomes = dance.page("/oauth/dance").text.split("data-after-outcome>")[1:]
    outcomes = [o.split("<", 1)[0] for o in outcomes]
    assert outcomes[0] == "The user API answered 200."
    assert outcomes[1].startswith("A new access token and a new refresh token")
    assert outcomes[2] == "The user API answered 200."
    assert outcomes[3].startswith("The provider answered 200")
    assert outcomes[4] == "The user API answered 401."


def test_logout_signs_out_and_revokes_the_grant(dance, live):
    dance.sign_in()
    response = dance.post("/oauth/logout")
    assert response.status_code == 302
    assert 'data-whoami="oauth">signed out<' in dance.page("/oauth/").text


def test_the_after_dance_forms_are_csrf_protected(dance, live):
    dance.sign_in()
    form = {"token_type_hint": "refresh_token"}
    response = dance.http.post(f"{live.app_url}/oauth/revoke", data=form, headers={"Origin": live.app_url})
    assert response.status_code == 400
    cross_site = dance.http.post(f"{live.app_url}/oauth/logout", data=form, headers={"Origin": live.attacker_url})
    assert cross_site.status_code in (400, 403)


def test_oc_4_the_real_tokens_never_reach_the_browser(dance, live, monkeypatch):
    """Every page and redirect the browser got, searched for the tokens the provider issued."""
    server = live.provider.extensions["authorization_server"]
    issued, save = [], server._save_token
    monkeypatch.setattr(
        server, "_save_token", lambda token, request: (issued.append(dict(token)), save(token, request))
    )
    seen = []
    dance.http.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response))
    dance.sign_in()
    dance.post("/oauth/refresh")
    seen.append(dance.page("/oauth/dance"))
    seen.append(dance.page("/oauth/"))
    secrets = [token[name] for token in issued for name in ("access_token", "refresh_token")]
    assert len(secrets) == 4
    for response in seen:
        exposed = response.text + str(response.headers) + str(response.cookies.get_dict())
        assert not [s for s in secrets if s in exposed], response.url


def test_signing_in_with_oauth_gives_a_fresh_session_id(dance, live):
    """Session fixation: an id planted before the sign-in is not the one that carries it."""
    callback = dance.callback_url()
    before = dance.http.cookies.get("session")
    assert before
    dance.http.get(callback, allow_redirects=False)
    after = dance.http.cookies.get("session")
    assert after and after != before


def test_protected_answers_401_before_and_200_after_the_oauth_sign_in(dance):
    assert dance.page("/oauth/protected").status_code == 401
    dance.sign_in()
    response = dance.page("/oauth/protected")
    assert response.status_code == 200
    assert response.json() == {"message": "You are authenticated!", "user": "alice", "provider": "builtin"}
    assert response.headers["Cache-Control"] == "no-store"


# --- The contract: GET /oauth/admin (the provider says who you are, the app decides) ----------


def admin(dance):
    """GET /oauth/admin as an API client (the errors are a page for a browser)."""
    return dance.http.get(f"{dance.live.app_url}/oauth/admin", headers={"Accept": "application/json"})


def test_admin_welcomes_alice(dance):
    dance.sign_in("alice")
    response = admin(dance)
    assert response.status_code == 200
    assert response.json() == {"message": "Welcome, admin!"}


def test_admin_forbids_bob(dance):
    dance.sign_in("bob")
    response = admin(dance)
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"


def test_admin_without_an_oauth_sign_in_is_401(dance):
    response = admin(dance)
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"
