"""The provider's red-team findings, each reproduced as the attack was written: AS-10 (sign-in on
the server), AS-11 (next after sign-in), AS-12 (a refused token request changes nothing), AS-13
(the registered client authentication method, everywhere), HDR-5, HDR-6 and HDR-8 (production
secrets, users and files), PW-6 (failed attempts counted where every worker sees them), and
look-alike client names on the consent page."""

import os
import re
import secrets
import stat
import threading

import pytest

from provider import create_app
from provider.models import Client, FailedAttempt, SessionRecord, User, db
from provider.settings import UnsafeProviderConfiguration
from tests.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORDS, provider_config
from tests.oauth_flow import ProviderFlow, csrf_token

HTTPS = "https://id.example.org"
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")


def throttled_provider(instance, signing_key_pem, **limits):
    """A provider with throttling on, generous limits unless a test names its own."""
    settings = {
        "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS": "100 per minute",
        "LOGIN_FAILURES_PER_ACCOUNT": "100 per minute",
        "LOGIN_FAILURES_PER_ADDRESS": "100 per minute",
        "TOKEN_FAILURES_PER_CLIENT": "100 per minute",
        "TOKEN_FAILURES_PER_ADDRESS": "100 per minute",
        **limits,
    }
    config = provider_config(instance, SIGNING_KEY_PEM=signing_key_pem, RATELIMIT_ENABLED=True, **settings)
    return create_app(config)


def sign_in(client, username="alice", password=PASSWORDS["alice"], query_string=None, address="127.0.0.1", **request):
    """Fetch the login page (for its CSRF token), then post the form as a browser would."""
    if isinstance(query_string, bytes):  # a raw query string, byte for byte as the attacker wrote it
        query_string = query_string.decode("latin-1")
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login", query_string=query_string, environ_base=environ, **request)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "username": username, "password": password}
    return client.post("/login", query_string=query_string, data=data, environ_base=environ, **request)


def session_cookie(response):
    """The provider_session Set-Cookie header of a response, whole."""
    return next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("provider_session="))


def cookie_value(client):
    return client.get_cookie("provider_session").value


def sign_out(client):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})


# --- AS-10: the provider's sign-in lives on the server --------------------------------------


def test_as_10_a_cookie_copied_before_logout_signs_nobody_in_after_it(provider_app):
    victim = provider_app.test_client()
    sign_in(victim)
    assert victim.get("/console/").status_code == 200
    stolen = cookie_value(victim)
    assert sign_out(victim).status_code == 302
    thief = provider_app.test_client()
    thief.set_cookie("provider_session", stolen)
    response = thief.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_as_10_a_cookie_copied_before_logout_cannot_reach_the_consent_page(provider_app):
    victim = provider_app.test_client()
    sign_in(victim)
    stolen = cookie_value(victim)
    sign_out(victim)
    thief = provider_app.test_client()
    thief.set_cookie("provider_session", stolen)
    response = thief.get("/authorize", query_string=ProviderFlow(thief).params())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_as_10_logout_deletes_the_server_record(provider_app):
    client = provider_app.test_client()
    sign_in(client)
    sid = cookie_value(client)
    with provider_app.app_context():
        assert db.session.execute(db.select(SessionRecord).filter_by(session_id=sid)).scalar_one_or_none()
    sign_out(client)
    with provider_app.app_context():
        assert db.session.execute(db.select(SessionRecord).filter_by(session_id=sid)).scalar_one_or_none() is None


def test_as_10_logout_deletes_the_cookie_with_its_flags(provider_app):
    client = provider_app.test_client()
    sign_in(client)
    deletion = session_cookie(sign_out(client))
    assert "Expires=Thu, 01 Jan 1970" in deletion
    assert "HttpOnly" in deletion and "SameSite=Lax" in deletion


def test_as_10_the_cookie_holds_only_a_random_id(provider_app):
    client = provider_app.test_client()
    response = sign_in(client)
    value = session_cookie(response).split(";")[0].split("=", 1)[1]
    assert SESSION_ID.fullmatch(value)
    assert "." not in value  # no signed payload (Flask's default cookie is data.timestamp.signature)


def test_as_10_the_session_id_changes_at_sign_in(provider_app):
    client = provider_app.test_client()
    client.get("/login")
    before = cookie_value(client)
    sign_in(client)
    after = cookie_value(client)
    assert before != after
    with provider_app.app_context():
        assert db.session.execute(db.select(SessionRecord).filter_by(session_id=before)).scalar_one_or_none() is None


def test_as_10_a_planted_session_id_is_never_adopted(provider_app):
    planted = secrets.token_urlsafe(32)
    client = provider_app.test_client()
    client.set_cookie("provider_session", planted)
    sign_in(client)
    assert cookie_value(client) != planted
    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize("value", ["x", "a" * 4000, "../../etc/passwd", "\x00", "eyJ1c2VyX2lkIjoxfQ.sig.sig"])
def test_as_10_a_malformed_cookie_is_a_fresh_visitor_not_an_error(provider_app, value):
    client = provider_app.test_client()
    client.set_cookie("provider_session", value)
    response = client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_as_10_the_cookie_is_httponly_samesite_lax_with_no_expiry(provider_app):
    cookie = session_cookie(sign_in(provider_app.test_client()))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Domain" not in cookie  # gone with the browser; this host only


def test_as_10_a_sign_in_ends_on_the_server_after_its_lifetime(provider_app):
    client = provider_app.test_client()
    sign_in(client)
    with client.session_transaction() as session:
        session["signed_in_at"] -= provider_app.permanent_session_lifetime.total_seconds() + 1
    assert client.get("/console/").headers["Location"].startswith("/login")


def test_as_10_the_oauth_dance_still_works_with_server_side_sessions(provider_app):
    flow = ProviderFlow(provider_app.test_client())
    flow.login()
    tokens = flow.tokens()
    assert flow.userinfo(tokens["access_token"]).get_json()["preferred_username"] == "alice"


# --- AS-11: `next` after sign-in stays on the provider -------------------------------------

ATTACKS = [
    b"next=/%09/127.0.0.1:8003/attack/oauth-phishing",
    b"next=/\t/127.0.0.1:8003/attack/oauth-phishing",  # a raw tab
    b"next=/%0a/evil",
    b"next=/%0d/evil",
    b"next=/%0d%0aSet-Cookie:%20provider_session=planted",
    b"next=/%00/evil",
    b"next=/\\host",
    b"next=%5c%5chost",
    b"next=//host",
    b"next=///host",
    b"next=/%5chost",
    b"next=/%5c/host",
    b"next=/%255chost",
    b"next=/%2f%2fhost",
    b"next=/%252f%252fhost",
    b"next=https://evil.test/",
    b"next=HTTPS:evil.test",
    b"next=javascript:alert(1)",
    b"next=%20//evil.test",
    b"next=%20%20/%09/evil.test",
    b"next=%0b//evil.test",
    b"next=/%EF%BC%8F/evil.test",  # fullwidth solidus
    b"next=%EF%BC%8F%EF%BC%8Fevil.test",
    b"next=/%EF%BC%BCevil.test",  # fullwidth reverse solidus
    b"next=%E2%88%95%E2%88%95evil.test",  # division slash
    b"next=/.//evil.test",
    b"next=/nowhere-on-this-provider",
    b"next=/logout",  # POST only: a GET would be a 405
    b"next=/" + b"a" * 5000,
    b"next=//evil.test&next=/authorize",
]


@pytest.mark.parametrize("query_string", ATTACKS, ids=[a.decode("latin-1")[:40] for a in ATTACKS])
def test_as_11_next_after_sign_in_never_leaves_the_provider(provider_app, query_string):
    response = sign_in(provider_app.test_client(), "bob", PASSWORDS["bob"], query_string=query_string)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_as_11_the_interrupted_authorization_request_resumes_after_sign_in(provider_app):
    client = provider_app.test_client()
    params = ProviderFlow(client).params()
    to_login = client.get("/authorize", query_string=params).headers["Location"]
    path, _, login_query = to_login.partition("?")
    assert path == "/login"
    response = sign_in(client, query_string=login_query)
    assert response.headers["Location"].startswith("/authorize?")
    assert client.get(response.headers["Location"]).status_code == 200  # the consent page


def test_as_11_the_console_resumes_after_sign_in(provider_app):
    client = provider_app.test_client()
    login_query = client.get("/console/").headers["Location"].partition("?")[2]
    response = sign_in(client, query_string=login_query)
    assert response.headers["Location"].startswith("/console/")
    assert client.get(response.headers["Location"]).status_code == 200


def test_as_11_a_hostile_next_on_the_login_page_is_no_error(provider_app):
    response = provider_app.test_client().get("/login", query_string="next=/%0d%0a/evil")
    assert response.status_code == 200


# --- AS-12: a refused token request changes nothing ----------------------------------------


@pytest.fixture
def flow(provider_app):
    flow = ProviderFlow(provider_app.test_client())
    flow.login()
    return flow


def other_client(provider_app, flow):
    """A second confidential client, registered in the console by the signed-in user."""
    token = csrf_token(flow.client.get("/console/clients/new").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "client_name": "Notes",
        "redirect_uris": "https://notes.example/cb",
        "scope_openid": "y",
    }
    page = flow.client.post("/console/clients/new", data=data).get_data(as_text=True)
    client_id = re.search(r"data-client-id>([^<]+)<", page).group(1)
    return client_id, re.search(r"data-client-secret>([^<]+)<", page).group(1)


def refresh(flow, refresh_token, auth=None, **extra):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
    return flow.client.post("/token", data=data, auth=auth or (flow.client_id, flow.secret))


def test_as_12_a_refresh_asking_a_wider_scope_changes_nothing(flow):
    tokens = flow.tokens(scope="openid profile")
    refused = refresh(flow, tokens["refresh_token"], scope="openid profile email")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_scope"
    assert flow.userinfo(tokens["access_token"]).status_code == 200
    assert refresh(flow, tokens["refresh_token"]).status_code == 200


def test_as_12_a_refresh_asking_an_unknown_scope_changes_nothing(flow):
    tokens = flow.tokens(scope="openid")
    assert refresh(flow, tokens["refresh_token"], scope="openid admin").get_json()["error"] == "invalid_scope"
    assert flow.userinfo(tokens["access_token"]).status_code == 200
    assert refresh(flow, tokens["refresh_token"]).status_code == 200


def test_as_12_another_clients_refresh_attempt_is_refused_and_the_grant_lives(provider_app, flow):
    tokens = flow.tokens()
    thief = other_client(provider_app, flow)
    refused = refresh(flow, tokens["refresh_token"], auth=thief)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_grant"
    assert flow.userinfo(tokens["access_token"]).status_code == 200
    assert refresh(flow, tokens["refresh_token"]).status_code == 200


def test_as_12_another_client_replaying_a_rotated_token_does_not_end_the_grant(provider_app, flow):
    tokens = flow.tokens()
    thief = other_client(provider_app, flow)
    new = refresh(flow, tokens["refresh_token"]).get_json()
    assert refresh(flow, tokens["refresh_token"], auth=thief).status_code == 400
    assert flow.userinfo(new["access_token"]).status_code == 200
    assert refresh(flow, new["refresh_token"]).status_code == 200


def test_as_12_a_bad_client_secret_changes_nothing(flow):
    tokens = flow.tokens()
    refused = refresh(flow, tokens["refresh_token"], auth=(CLIENT_ID, "not-the-secret"))
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "invalid_client"
    assert flow.userinfo(tokens["access_token"]).status_code == 200
    assert refresh(flow, tokens["refresh_token"]).status_code == 200


def race(request, runners=2):
    """Run `request` in several threads at once (they wait for each other at a barrier)."""
    threads = [threading.Thread(target=request) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def assert_no_live_token(flow, answers):
    """Two answers to one credential used twice at once: at most one issued, and nothing it issued works."""
    assert sorted(a.status_code for a in answers) in ([200, 400], [400, 400])
    for answer in answers:
        if answer.status_code == 200:
            assert flow.userinfo(answer.get_json()["access_token"]).status_code == 401


def test_as_3_two_concurrent_code_exchanges_cannot_both_win(provider_app, flow):
    code, _ = flow.code()
    start, answers = threading.Barrier(2), []

    def exchange():
        client = ProviderFlow(provider_app.test_client())
        client.verifier = flow.verifier
        start.wait()
        answers.append(client.token(code))

    race(exchange)
    assert_no_live_token(flow, answers)


def test_as_5_reuse_after_refused_refreshes_still_revokes_the_family(provider_app, flow):
    tokens = flow.tokens(scope="openid profile")
    refresh(flow, tokens["refresh_token"], scope="openid email")  # refused: changes nothing
    new = refresh(flow, tokens["refresh_token"]).get_json()
    replay = refresh(flow, tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.get_json()["error"] == "invalid_grant"
    assert flow.userinfo(new["access_token"]).status_code == 401
    assert refresh(flow, new["refresh_token"]).status_code == 400


def test_as_5_two_concurrent_refreshes_cannot_both_win(provider_app, flow):
    tokens = flow.tokens()
    start, answers = threading.Barrier(2), []

    def one_refresh():
        client = provider_app.test_client()
        start.wait()
        data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        answers.append(client.post("/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET)))

    race(one_refresh)
    # Whichever request the database served first, both parties held the token: the family
    # is revoked, and no live token comes out of either answer.
    assert_no_live_token(flow, answers)
    assert flow.userinfo(tokens["access_token"]).status_code == 401


# --- AS-13: the registered client authentication method, at every endpoint ------------------


def test_as_13_revocation_refuses_a_method_the_client_did_not_register(flow):
    tokens = flow.tokens()
    data = {"token": tokens["refresh_token"], "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    response = flow.client.post("/revoke", data=data)  # client_secret_post; registered: basic
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] == "invalid_client"
    assert flow.userinfo(tokens["access_token"]).status_code == 200


def test_as_13_the_token_endpoint_refuses_a_method_the_client_did_not_register(flow):
    code, _ = flow.code()
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow.redirect_uri,
        "code_verifier": flow.verifier,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    response = flow.client.post("/token", data=data)
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] == "invalid_client"


def test_as_13_revocation_with_the_registered_method_works(flow):
    tokens = flow.tokens()
    response = flow.client.post("/revoke", data={"token": tokens["access_token"]}, auth=(CLIENT_ID, CLIENT_SECRET))
    assert response.status_code == 200
    assert flow.userinfo(tokens["access_token"]).status_code == 401


# --- Look-alike client names; who registered a client ---------------------------------------


def register(flow, name):
    token = csrf_token(flow.client.get("/console/clients/new").get_data(as_text=True))
    data = {"csrf_token": token, "client_name": name, "redirect_uris": "https://x.example/cb", "scope_openid": "y"}
    return flow.client.post("/console/clients/new", data=data)


@pytest.mark.parametrize(
    "name",
    [
        "Auth Lab (the teaching app)",
        "auth lab (the teaching app)",
        "  Auth   Lab  (the teaching app) ",
        "Auth-Lab: the teaching app",
        "AUTHLAB",
        "Auth Lab",
        "Auth Lab 2",
        "Auth\u200bLab (the teaching app)",  # zero-width space
        "\u0410uth L\u0430b (the teaching app)",  # Cyrillic A and a
        "\u0391uth Lab",  # Greek Alpha
        "\uff21\uff55\uff54\uff48 \uff2c\uff41\uff42",  # fullwidth
        "A\u0301uth Lab",  # combining accent
        "Auth 1ab (the teaching app)",
        "Au7h Lab",
        "\U0001d400\U0001d42e\U0001d42d\U0001d421 \U0001d40b\U0001d41a\U0001d41b",  # mathematical bold
        "A\u057dth Lab",  # Armenian u
        "Auth\u00adLab",  # soft hyphen
        "\u0251uth Lab (the teaching app)",  # Latin alpha (found by the red team)
        "\u13aauth Lab (the teaching app)",  # Cherokee A (found by the red team)
        "Auth \u13deab",  # Cherokee L
    ],
)
def test_as_7_the_console_refuses_names_that_read_as_the_builtin_clients(provider_app, flow, name):
    with provider_app.app_context():
        before = len(db.session.execute(db.select(Client)).scalars().all())
    response = register(flow, name)
    assert response.status_code == 400
    assert "reads as the built-in client" in response.get_data(as_text=True)
    with provider_app.app_context():
        assert len(db.session.execute(db.select(Client)).scalars().all()) == before


@pytest.mark.parametrize("name", ["OAuth Lab notes", "My notes app", "Lab Auth"])
def test_as_7_the_console_accepts_other_names(flow, name):
    assert register(flow, name).status_code == 200


def test_as_7_the_consent_page_says_the_builtin_client_was_registered_by_the_operator(flow):
    page = flow.client.get("/authorize", query_string=flow.params()).get_data(as_text=True)
    assert "Registered by this provider's operator." in page
    assert "developer console by" not in page


def test_as_7_the_consent_page_names_who_registered_a_console_client(provider_app, flow):
    client_id, secret = other_client(provider_app, flow)
    consent = ProviderFlow(flow.client, client_id=client_id, secret=secret, redirect_uri="https://notes.example/cb")
    page = flow.client.get("/authorize", query_string=consent.params(scope="openid")).get_data(as_text=True)
    assert "Registered in the developer console by\n  <strong>alice</strong>" in page
    assert "operator" not in page


# --- HDR-5, HDR-6: production secrets and users ---------------------------------------------


def production_environment(monkeypatch, signing_key_pem, **env):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    values = {
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(32),
        "PROVIDER_SIGNING_KEY": signing_key_pem,
        "BUILTIN_CLIENT_SECRET": secrets.token_urlsafe(32),
        "PROVIDER_URL": HTTPS,
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def production_provider(tmp_path, monkeypatch, signing_key_pem):
    """The provider as `make serve-provider` runs it: strong secrets, an https URL, a PEM key."""
    production_environment(monkeypatch, signing_key_pem)
    return create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "production")})


def https_sign_in(client, username, password):
    """A sign-in over https, with the same-origin Referer a browser sends (Referrer-Policy)."""
    return sign_in(client, username, password, base_url=HTTPS, headers={"Referer": f"{HTTPS}/login"})


WEAK = ["a" * 32, "ab" * 16, "0123456789" * 4, "0123456789abcdefghijklmnopqrstuvwxyz", "p" * 40, "changeme" * 5]


@pytest.mark.parametrize("name", ["PROVIDER_SECRET_KEY", "BUILTIN_CLIENT_SECRET"])
@pytest.mark.parametrize("value", WEAK)
def test_hdr_5_production_refuses_low_entropy_secrets(tmp_path, monkeypatch, signing_key_pem, name, value):
    production_environment(monkeypatch, signing_key_pem, **{name: value})
    with pytest.raises(UnsafeProviderConfiguration, match=f"{name} looks guessable"):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32)])
def test_hdr_5_production_accepts_random_secrets(tmp_path, monkeypatch, signing_key_pem, make):
    production_environment(monkeypatch, signing_key_pem, PROVIDER_SECRET_KEY=make(), BUILTIN_CLIENT_SECRET=make())
    assert (
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")}).config["ENV_NAME"] == "production"
    )


@pytest.mark.parametrize("pem", ["not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])
def test_hdr_5_production_refuses_an_unreadable_signing_key(tmp_path, monkeypatch, signing_key_pem, pem):
    production_environment(monkeypatch, signing_key_pem, PROVIDER_SIGNING_KEY=pem)
    with pytest.raises(UnsafeProviderConfiguration, match="PROVIDER_SIGNING_KEY"):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})


def test_hdr_6_production_has_no_demo_users(production_provider):
    with production_provider.app_context():
        assert db.session.execute(db.select(User)).scalars().all() == []


def test_hdr_6_production_refuses_alice_wonderland(production_provider):
    response = https_sign_in(production_provider.test_client(), "alice", PASSWORDS["alice"])
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_hdr_6_production_pages_do_not_advertise_the_demo_accounts(production_provider):
    page = production_provider.test_client().get("/login", base_url=HTTPS).get_data(as_text=True)
    assert PASSWORDS["alice"] not in page and PASSWORDS["bob"] not in page


def test_hdr_6_production_still_registers_the_builtin_client(production_provider):
    with production_provider.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=CLIENT_ID)).scalar_one()
        assert client.check_client_secret(os.environ["BUILTIN_CLIENT_SECRET"])


def test_hdr_6_the_create_user_command_makes_a_user_who_can_sign_in(production_provider):
    password = "a passphrase for carol only"
    result = production_provider.test_cli_runner().invoke(
        args=["create-user", "carol", "--name", "Carol Ann", "--email", "carol@example.edu"],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output  # asked twice, never echoed
    client = production_provider.test_client()
    response = https_sign_in(client, "carol", password)
    assert response.status_code == 302
    assert client.get("/console/", base_url=HTTPS).status_code == 200


def test_hdr_6_the_create_user_command_wants_the_password_twice(production_provider):
    result = production_provider.test_cli_runner().invoke(
        args=["create-user", "carol"], input="a passphrase for carol\nanother one entirely\n"
    )
    assert result.exit_code != 0
    with production_provider.app_context():
        assert db.session.execute(db.select(User)).scalars().all() == []


@pytest.mark.parametrize(
    "args,password,problem",
    [
        (["create-user", "carol"], "short", "8 to 1024 characters"),
        (["create-user", "carol"], PASSWORDS["alice"], "public demo password"),
        (["create-user", "car ol"], "a passphrase for carol", "USERNAME"),
        (["create-user", "carol", "--name", "x" * 200], "a passphrase for carol", "128 characters"),
    ],
)
def test_hdr_6_the_create_user_command_refuses_bad_input(production_provider, args, password, problem):
    result = production_provider.test_cli_runner().invoke(args=args, input=f"{password}\n{password}\n")
    assert result.exit_code != 0
    assert problem in result.output
    with production_provider.app_context():
        assert db.session.execute(db.select(User)).scalars().all() == []


def test_hdr_6_the_create_user_command_refuses_an_existing_username(production_provider):
    runner, entry = production_provider.test_cli_runner(), "a passphrase for carol\n" * 2
    assert runner.invoke(args=["create-user", "carol"], input=entry).exit_code == 0
    again = runner.invoke(args=["create-user", "carol"], input=entry)
    assert again.exit_code != 0
    assert "exists already" in again.output


def test_hdr_1_provider_production_sign_in_sets_a_secure_cookie(production_provider):
    production_provider.test_cli_runner().invoke(args=["create-user", "carol"], input="a passphrase for carol\n" * 2)
    cookie = session_cookie(https_sign_in(production_provider.test_client(), "carol", "a passphrase for carol"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_hdr_2_the_provider_keeps_the_referer_for_its_own_origin_only(provider_app):
    # "no-referrer" would make every HTTPS sign-in fail Flask-WTF's same-origin Referer check.
    assert provider_app.test_client().get("/login").headers["Referrer-Policy"] == "same-origin"


# --- HDR-8: files on disk readable by their owner only ---------------------------------------


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask: the provider must not rely on a careful one."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_hdr_8_the_database_sessions_and_secrets_are_private_whatever_the_umask(tmp_path, open_umask):
    folder = tmp_path / "provider"
    app = create_app({"ENV_NAME": "test", "INSTANCE_PATH": str(folder)})
    client = app.test_client()
    ProviderFlow(client, secret=app.config["BUILTIN_CLIENT_SECRET"] or "unused").login()
    assert client.get("/console/").status_code == 200  # a session row was written and read
    assert mode(folder) == 0o700
    names = {path.name for path in folder.iterdir()}
    assert {"provider.sqlite", "provider.sqlite-wal", "provider.sqlite-shm"} <= names
    assert {"secret-key.txt", "signing-key.pem", "builtin-client.json"} <= names
    assert {name: mode(folder / name) for name in names} == dict.fromkeys(names, 0o600)


def test_hdr_8_files_left_readable_by_an_older_version_are_made_private(tmp_path, signing_key_pem):
    folder = tmp_path / "provider"
    create_app(provider_config(folder, SIGNING_KEY_PEM=signing_key_pem))
    os.chmod(folder, 0o755)  # noqa: S103  (what an older version left: the test undoes it)
    for path in folder.iterdir():
        os.chmod(path, 0o644)
    create_app(provider_config(folder, SIGNING_KEY_PEM=signing_key_pem))
    assert mode(folder) == 0o700
    assert {mode(path) for path in folder.iterdir()} == {0o600}


# --- PW-6: failed attempts counted per account and per address, in a shared store -------------


def test_pw_6_the_per_account_limit_applies_from_different_addresses(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    statuses = [sign_in(client, password="guess", address=f"10.0.0.{n}").status_code for n in range(1, 5)]
    assert statuses == [401, 401, 401, 429]


def test_pw_6_a_json_sign_in_cannot_step_around_the_per_account_limit(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    assert [sign_in(client, password="guess", address="10.0.0.1").status_code for _ in range(3)] == [401] * 3
    environ = {"REMOTE_ADDR": "10.0.0.2"}
    token = csrf_token(client.get("/login", environ_base=environ).get_data(as_text=True))
    body = {"username": "alice", "password": PASSWORDS["alice"], "csrf_token": token}
    response = client.post("/login", json=body, headers={"X-CSRFToken": token}, environ_base=environ)
    assert response.status_code != 302  # a JSON body is no sign-in: nobody was signed in
    assert client.get("/console/", environ_base=environ).status_code == 302


def test_pw_6_a_stranger_failing_as_bob_cannot_keep_bob_out(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="3 per minute")
    client = app.test_client()
    stranger = [sign_in(client, "bob", "guess", address="10.0.5.66").status_code for _ in range(4)]
    assert stranger == [401, 401, 401, 429]
    assert sign_in(client, "bob", PASSWORDS["bob"], address="10.0.5.66").status_code == 429
    assert sign_in(client, "bob", PASSWORDS["bob"], address="10.0.5.7").status_code == 302  # bob, at home


def test_pw_6_the_per_address_limit_applies_across_accounts(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ADDRESS="3 per minute")
    client = app.test_client()
    statuses = [sign_in(client, name, "guess", address="10.0.0.9").status_code for name in ("a", "b", "c", "d")]
    assert statuses == [401, 401, 401, 429]
    assert sign_in(client, "e", "guess", address="10.0.0.10").status_code == 401


def test_pw_6_addresses_of_one_ipv6_network_count_as_one(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ADDRESS="2 per minute")
    client = app.test_client()
    hosts = ["2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:2:aaaa::7"]
    assert [sign_in(client, f"user{n}", "guess", address=h).status_code for n, h in enumerate(hosts)] == [401, 401, 429]
    assert sign_in(client, "user9", "guess", address="2001:db8:1:3::1").status_code == 401


def test_pw_6_while_locked_even_the_right_password_gets_the_same_refusal(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        sign_in(client, password="guess")
    wrong, right = sign_in(client, password="guess"), sign_in(client, password=PASSWORDS["alice"])
    assert wrong.status_code == right.status_code == 429
    assert "Location" not in right.headers
    assert client.get("/console/").status_code == 302  # nobody signed in: no oracle


def test_pw_6_concurrent_guesses_cannot_slip_under_the_limit(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="5 per minute")
    start, statuses = threading.Barrier(20), []

    def guess():
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        start.wait()
        data = {"csrf_token": token, "username": "alice", "password": "guess"}
        statuses.append(client.post("/login", data=data).status_code)

    race(guess, runners=20)
    assert sorted(statuses) == [401] * 5 + [429] * 15


def test_pw_6_a_refusal_says_how_long_to_wait(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="1 per minute")
    client = app.test_client()
    sign_in(client, password="guess")
    refused = sign_in(client, password="guess")
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    assert f"try again in {wait} seconds" in refused.get_data(as_text=True)


def test_pw_6_two_providers_sharing_an_instance_share_the_count(tmp_path, signing_key_pem):
    first = throttled_provider(tmp_path / "shared", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="3 per minute")
    second = throttled_provider(tmp_path / "shared", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="3 per minute")
    assert sign_in(first.test_client(), password="guess").status_code == 401
    assert sign_in(second.test_client(), password="guess").status_code == 401
    assert sign_in(first.test_client(), password="guess").status_code == 401
    assert sign_in(second.test_client(), password="guess").status_code == 429


def test_pw_6_fifty_correct_sign_ins_in_a_row_all_succeed(tmp_path, signing_key_pem):
    app = throttled_provider(
        tmp_path / "p",
        signing_key_pem,
        LOGIN_FAILURES_PER_ACCOUNT="3 per minute",
        LOGIN_FAILURES_PER_ADDRESS="3 per minute",
    )
    client = app.test_client()
    assert [sign_in(client).status_code for _ in range(50)] == [302] * 50
    with app.app_context():
        assert db.session.execute(db.select(FailedAttempt)).scalars().all() == []


def test_pw_6_the_lock_lifts_when_the_window_has_passed(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, LOGIN_FAILURES_PER_ACCOUNT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        sign_in(client, password="guess")
    assert sign_in(client).status_code == 429
    with app.app_context():
        db.session.execute(db.update(FailedAttempt).values(at=FailedAttempt.at - 61))
        db.session.commit()
    assert sign_in(client).status_code == 302


def test_pw_6_the_count_keeps_no_username_or_address(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem)
    sign_in(app.test_client(), "my-password-typed-as-a-name", "guess", address="10.1.2.3")
    with app.app_context():
        keys = [row.key for row in db.session.execute(db.select(FailedAttempt)).scalars()]
    assert len(keys) == 3  # account here, account, address
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)


def test_pw_6_failed_token_requests_are_counted_per_client(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, TOKEN_FAILURES_PER_CLIENT="3 per minute")
    client = app.test_client()

    def attempt(secret, n):
        data = {"grant_type": "refresh_token", "refresh_token": "guess"}
        return client.post("/token", data=data, auth=(CLIENT_ID, secret), environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})

    # The client proves who it is, then guesses refresh tokens: each guess counts against it.
    assert [attempt(CLIENT_SECRET, n).status_code for n in range(3)] == [400, 400, 400]
    refused = attempt(CLIENT_SECRET, 4)  # from yet another address, while locked: not even checked
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"] == "too_many_requests"
    assert "try again in" in refused.get_json()["error_description"]


def test_pw_6_strangers_naming_a_client_with_wrong_secrets_cannot_lock_it_out(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, TOKEN_FAILURES_PER_CLIENT="3 per minute")
    client = app.test_client()
    data = {"grant_type": "refresh_token", "refresh_token": "guess"}
    for n in range(10):
        wrong = client.post("/token", data=data, auth=(CLIENT_ID, "wrong"), environ_base={"REMOTE_ADDR": f"10.0.2.{n}"})
        assert wrong.status_code == 401
    rightful = client.post(
        "/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET), environ_base={"REMOTE_ADDR": "10.0.3.1"}
    )
    assert rightful.status_code == 400 and rightful.get_json()["error"] == "invalid_grant"


def test_pw_6_failed_token_requests_are_counted_per_address(tmp_path, signing_key_pem):
    app = throttled_provider(tmp_path / "p", signing_key_pem, TOKEN_FAILURES_PER_ADDRESS="3 per minute")
    client = app.test_client()
    statuses = [
        client.post("/revoke", data={"token": "x"}, auth=(f"client-{n}", "guess")).status_code for n in range(4)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429


def test_pw_6_successful_token_requests_are_never_counted(tmp_path, signing_key_pem):
    app = throttled_provider(
        tmp_path / "p",
        signing_key_pem,
        TOKEN_FAILURES_PER_CLIENT="2 per minute",
        TOKEN_FAILURES_PER_ADDRESS="2 per minute",
    )
    flow = ProviderFlow(app.test_client())
    flow.login()
    refresh_token = flow.tokens()["refresh_token"]
    for _ in range(10):
        response = flow.refresh(refresh_token)
        assert response.status_code == 200
        refresh_token = response.get_json()["refresh_token"]


def test_hdr_7_the_provider_refuses_a_host_header_not_its_own(provider_client):
    discovery = "/.well-known/openid-configuration"
    assert provider_client.get(discovery, headers={"Host": "evil.example"}).status_code == 400
    assert provider_client.get(discovery, headers={"Host": "127.0.0.1:8001"}).status_code == 200
