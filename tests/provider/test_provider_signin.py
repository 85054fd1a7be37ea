"""Signing in and consenting at the provider (AS-7) and its throttling (PW-3)."""

from tests.conftest import PASSWORDS
from tests.oauth_flow import REDIRECT_URI, ProviderFlow, query

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
    response = provider_client.post("/login", data={"username": "alice", "password": PASSWORDS["alice"]})
    assert response.status_code == 400


def test_as_7_deny_sends_access_denied_and_no_code(flow):
    params = query(flow.consent(flow.params(), decision="deny").headers["Location"])
    assert params["error"] == "access_denied"
    assert "code" not in params


def test_as_7_next_after_login_stays_on_the_provider(provider_client):
    flow = ProviderFlow(provider_client)
    token_page = provider_client.get("/login?next=//evil.test/x").get_data(as_text=True)
    from tests.oauth_flow import csrf_token

    response = provider_client.post(
        "/login?next=//evil.test/x",
        data={"csrf_token": csrf_token(token_page), "username": "alice", "password": PASSWORDS["alice"]},
    )
    assert response.headers["Location"] == "/"
    assert flow


def test_wrong_password_at_the_provider_is_refused(provider_client):
    assert ProviderFlow(provider_client).login(password="nope").status_code == 401


# --- PW-3: throttling of the login form and the token endpoint ------------------------------


def test_pw_3_provider_login_is_throttled(tmp_path):
    from provider import create_app
    from tests.conftest import provider_config

    app = create_app(provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="3 per minute"))
    flow = ProviderFlow(app.test_client())
    responses = [flow.login(password="wrong") for _ in range(4)]
    assert [r.status_code for r in responses] == [401, 401, 401, 429]
    assert int(responses[-1].headers["Retry-After"]) > 0


def test_pw_3_throttling_one_provider_leaves_another_alone(tmp_path, provider_client):
    from provider import create_app
    from tests.conftest import provider_config

    throttled = create_app(
        provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="1 per minute")
    )
    ProviderFlow(throttled.test_client()).login()
    assert [ProviderFlow(provider_client).login().status_code for _ in range(3)] == [302, 302, 302]


def test_pw_3_provider_token_endpoint_is_throttled(tmp_path):
    from provider import create_app
    from tests.conftest import provider_config

    app = create_app(provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, TOKEN_FAILURES_PER_ADDRESS="3 per minute"))
    client = app.test_client()
    statuses = [client.post("/token", data={"grant_type": "password"}).status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401] or statuses[:3] == [400, 400, 400]
    assert statuses[-1] == 429


def test_pw_3_unknown_user_and_wrong_password_get_the_same_answer(provider_client):
    flow = ProviderFlow(provider_client)
    unknown, wrong = flow.login("mallory", PASSWORDS["alice"]), flow.login("alice", "not-her-password")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong username or password." in unknown.get_data(as_text=True)
    assert "Wrong username or password." in wrong.get_data(as_text=True)
