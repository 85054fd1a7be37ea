"""LAB-3: the naive twins have their own state. Each attack below used a twin as a way into
the real app or the real provider; each now fails, and the twins' own demonstrations still work."""

import base64
import json
import secrets
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import PASSWORDS
from tests.oauth_flow import CLIENT_ID, CLIENT_SECRET, LiveDance, ProviderFlow, csrf_token, query
from vulnerable import jwt_attacks, naive_session

STRONG = "Lab3-" + secrets.token_urlsafe(18)  # a password any policy accepts
NAIVE_CALLBACK = "http://localhost:8000/vulnerable/oauth/callback"
ATTACKS = [a for a in jwt_attacks.ATTACKS if a != "expired"]  # expired waits 5 s: test_jwt_attacks.py


def b64(value):
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def header_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


def sign_up(client, username="carol", password=STRONG):
    page = client.get("/signup").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "username": username, "password": password, "confirm": password}
    response = client.post("/signup", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def naive_session_login(client, username, password):
    return client.post("/vulnerable/session/login", data={"username": username, "password": password})


# --- The session twin: its own accounts ---------------------------------------------------


def test_lab_3_the_session_twin_cannot_be_used_to_guess_a_real_password(client):
    sign_up(client)
    answers = [naive_session_login(client, "carol", f"guess-{n}").status_code for n in range(15)]
    answers.append(naive_session_login(client, "carol", STRONG).status_code)
    # The right password says no more than the fifteen wrong ones: the twin never met carol.
    assert answers == [401] * 16
    assert client.post("/session/login", json={"username": "carol", "password": STRONG}).status_code == 200


def test_lab_3_the_session_twin_knows_its_own_alice_not_the_real_one(app, client):
    from extensions import db
    from models import authenticate, find_user

    with app.app_context():
        find_user("alice").set_password(STRONG)
        db.session.commit()
    assert naive_session_login(client, "alice", STRONG).status_code == 401
    assert naive_session_login(client, "alice", PASSWORDS["alice"]).status_code == 303  # its own demo password
    with app.app_context():
        assert authenticate("alice", PASSWORDS["alice"]) is None  # and that says nothing about the real one


def test_lab_3_a_naive_session_sign_in_signs_nobody_in_to_the_real_app(client):
    assert naive_session_login(client, "alice", PASSWORDS["alice"]).status_code == 303
    assert client.get("/session/whoami").get_json()["user"] is None
    assert client.get("/session/admin").status_code == 401
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_lab_3_a_planted_number_is_not_a_500_when_the_counter_reaches_it(app):
    first = app.test_client()
    naive_session_login(first, "alice", PASSWORDS["alice"])
    taken = int(first.get_cookie("naive_sid").value)
    app.test_client().get(f"/vulnerable/session/?sid={taken + 2}")  # the planted row is taken + 1
    later = app.test_client()
    assert naive_session_login(later, "bob", PASSWORDS["bob"]).status_code == 303
    assert later.get_cookie("naive_sid").value not in {str(taken), str(taken + 2)}
    assert app.test_client().get(f"/vulnerable/session/whoami?sid={taken + 2}").get_json()["user"] is None


def test_lab_3_a_naive_session_id_opens_no_real_session(client):
    naive_session_login(client, "alice", PASSWORDS["alice"])
    naive_sid = client.get_cookie("naive_sid").value
    thief = client.application.test_client()
    thief.set_cookie("session", naive_sid)
    assert thief.get("/session/whoami").get_json()["user"] is None
    assert thief.get("/session/admin").status_code == 401


def test_lab_3_planted_sessions_cannot_fill_the_real_database(app, monkeypatch):
    from extensions import db

    monkeypatch.setattr(naive_session, "KEEP_SESSIONS", 5)
    client = app.test_client()
    for n in range(20):
        assert client.get(f"/vulnerable/session/?sid=planted-{n}").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(naive_session.NaiveSession)) <= 5


# --- The JWT twin: its own accounts, and a workbench that holds no real key ----------------


def bobs_pair(client):
    return client.post("/jwt/login", json={"username": "bob", "password": PASSWORDS["bob"]}).json


def test_lab_3_the_naive_jwt_server_does_not_know_an_account_made_through_signup(client):
    sign_up(client)
    response = client.post("/vulnerable/jwt/login", json={"username": "carol", "password": STRONG})
    assert response.status_code == 401 and response.json == {"error": "invalid username or password"}


def test_lab_3_tokens_of_the_naive_jwt_server_open_nothing_real(client):
    naive = client.post("/vulnerable/jwt/login", json={"username": "alice", "password": PASSWORDS["alice"]}).json
    admin = client.get("/jwt/admin", headers={"Authorization": f"Bearer {naive['access_token']}"})
    refresh = client.post("/jwt/refresh", headers={"Authorization": f"Bearer {naive['refresh_token']}"})
    assert admin.status_code == refresh.status_code == 401
    assert admin.json["error"] == refresh.json["error"] == "unknown key id (kid)"


def test_lab_3_the_workbench_hands_nobody_a_real_token(client):
    # Before: POST /vulnerable/jwt/forge {"attack": "refresh-as-access"} returned bob's live
    # refresh token, minted for whoever asked; /jwt/refresh turned it into a live access token.
    for attack in jwt_attacks.ATTACKS:
        response = client.post("/vulnerable/jwt/forge", json={"attack": attack})
        assert response.status_code == 400 and "real_token" not in response.json
        assert "sign in as bob" in response.json["error"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_lab_3_every_real_token_the_workbench_returns_is_one_bob_brought_or_his_edit(client, attack, monkeypatch):
    from blueprints.jwt import blocklist, families, keys, tokens

    pair = bobs_pair(client)
    jwks = client.get("/jwt/.well-known/jwks.json").json
    foreign = pair["access_token"] if attack == "foreign-token" else ""

    def forbidden(*_args, **_kwargs):
        raise AssertionError("the workbench reached into the real JWT demo")

    for module, name in [(tokens, "issue"), (keys, "signing_material"), (families, "start"), (families, "register")]:
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(blocklist, "revoke", forbidden)
    monkeypatch.setattr("models.authenticate", forbidden)
    body = {"attack": attack, **pair, "jwks": jwks, "token": foreign}
    forged = client.post("/vulnerable/jwt/forge", json=body)
    assert forged.status_code == 200, forged.json
    brought = {claims_of(pair["access_token"])["jti"], claims_of(pair["refresh_token"])["jti"]}
    assert claims_of(forged.json["real_token"]).get("jti") in brought


def test_lab_3_the_naive_verifier_holds_no_real_key(client):
    response = client.get(
        "/vulnerable/jwt/protected", headers={"Authorization": f"Bearer {bobs_pair(client)['access_token']}"}
    )
    assert response.status_code == 401 and response.json["error"].startswith("naive verifier refused")


DEEP = "[" * 5000 + "]" * 5000
NOT_UTF8 = b"\xff\xfe"
UNREADABLE_TOKENS = [
    "not-a-token",
    "a.b.c",
    f"{b64([1, 2])}.{b64({'sub': '2'})}.",
    f"{b64({'alg': 'HS256'})}.{b64(DEEP.encode())}.",
    f"{b64({'alg': 'HS256'})}.{b64({'sub': '2'})}.A",  # 1 character: no base64 decodes it
    f"{b64({'alg': 'HS256'})}.{b64(NOT_UTF8)}.",
    "é.é.é",
    "x" * 9000 + "..",
]


@pytest.mark.parametrize("token", UNREADABLE_TOKENS)
def test_lab_3_the_workbench_answers_unreadable_tokens_with_400(client, token):
    for attack in ("alg-none", "refresh-as-access", "weak-secret"):
        body = {"attack": attack, "access_token": token, "refresh_token": token}
        assert client.post("/vulnerable/jwt/forge", json=body).status_code == 400


@pytest.mark.parametrize(
    "jwks",
    [[], {"keys": "x"}, {"keys": [{"kty": "RSA", "kid": None, "n": 5, "e": "AQAB"}]}, {"keys": [{"kty": "RSA"}]}],
)
def test_lab_3_the_workbench_ignores_a_jwks_it_cannot_read(client, jwks):
    pair = bobs_pair(client)
    response = client.post("/vulnerable/jwt/forge", json={"attack": "alg-confusion", **pair, "jwks": jwks})
    assert response.status_code == 200


def test_lab_3_an_impossible_rsa_key_in_the_jwks_is_not_a_500(client):
    pair = bobs_pair(client)
    kid = header_of(pair["access_token"])["kid"]
    jwks = {"keys": [{"kty": "RSA", "kid": kid, "n": b64(b"\x04"), "e": b64(b"\x02")}]}
    response = client.post("/vulnerable/jwt/forge", json={"attack": "alg-confusion", **pair, "jwks": jwks})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/vulnerable/jwt/forge", "/vulnerable/jwt/login"])
def test_lab_3_the_jwt_twin_answers_a_deeply_nested_body_with_400(client, path):
    response = client.post(path, data=DEEP, content_type="application/json")
    assert response.status_code == 400


# --- The naive provider: its own codes, tokens and key ---------------------------------------


def naive_params(**overrides):
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": NAIVE_CALLBACK,
        "scope": "openid profile",
    }
    return {**params, **overrides}


def naive_code(provider_client, username="alice", **overrides):
    flow = ProviderFlow(provider_client)
    flow.login(username, PASSWORDS[username])
    params = naive_params(**overrides)
    page = provider_client.get("/naive/authorize", query_string=params)
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    token = csrf_token(page.get_data(as_text=True))
    answer = provider_client.post("/naive/authorize", query_string=params, data={"csrf_token": token, "approve": "1"})
    assert answer.status_code == 302
    return query(answer.headers["Location"])["code"]


def naive_exchange(provider_client, code, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": NAIVE_CALLBACK, **extra}
    return provider_client.post("/naive/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET))


def test_lab_3_naive_access_tokens_open_nothing_at_the_real_provider(provider_app, provider_client):
    from provider.issued import Grant, Token
    from provider.models import db

    with provider_app.app_context():
        before = [db.session.scalar(db.select(db.func.count()).select_from(t)) for t in (Grant, Token)]
    code = naive_code(provider_client)
    tokens = naive_exchange(provider_client, code).get_json()
    userinfo = provider_client.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 401
    real = ProviderFlow(provider_client).token(code, verifier="x" * 43, redirect_uri=NAIVE_CALLBACK)
    assert real.status_code == 400 and real.get_json()["error"] == "invalid_grant"
    with provider_app.app_context():
        after = [db.session.scalar(db.select(db.func.count()).select_from(t)) for t in (Grant, Token)]
    assert after == before  # the twin wrote nothing in the real provider's tables


def test_lab_3_naive_codes_replay_while_they_live_and_then_expire(provider_app, provider_client):
    from provider import naive_provider

    code = naive_code(provider_client)
    assert naive_exchange(provider_client, code).status_code == 200
    assert naive_exchange(provider_client, code).status_code == 200  # FLAW (AS-3): still on show
    provider_app.extensions["naive_provider"].codes[code].issued_at -= naive_provider.CODE_LIFETIME + 1
    expired = naive_exchange(provider_client, code)
    assert expired.status_code == 400 and expired.get_json() == {"error": "invalid_grant"}


def test_lab_3_the_naive_code_store_keeps_only_the_newest(provider_app, provider_client, monkeypatch):
    from provider import naive_provider

    monkeypatch.setattr(naive_provider, "KEEP_CODES", 3)
    codes = [naive_code(provider_client) for _ in range(5)]
    assert list(provider_app.extensions["naive_provider"].codes) == codes[-3:]


def naive_id_tokens(provider_client):
    another_app = provider_client.get("/naive/id-token-for-another-app?username=alice").get_json()["id_token"]
    exchanged = naive_exchange(provider_client, naive_code(provider_client, nonce="n-1")).get_json()["id_token"]
    return [another_app, exchanged]


def test_lab_3_naive_id_tokens_are_signed_with_a_key_the_real_provider_never_publishes(provider_app, provider_client):
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    published = provider_client.get("/.well-known/jwks.json").get_json()
    real_kids = {key["kid"] for key in published["keys"]}
    for token in naive_id_tokens(provider_client):
        assert header_of(token)["kid"] not in real_kids
        assert claims_of(token)["iss"] == provider_app.config["PROVIDER_URL"] + "/naive"
        with pytest.raises((JoseError, ValueError)):
            jwt.decode(token, KeySet.import_key_set(published), algorithms=["RS256"])
        # Not even under the real kid: the signature is not the real key's.
        real_key = KeySet.import_key_set(published).keys[0]
        with pytest.raises(JoseError):
            jwt.decode(token, real_key, algorithms=["RS256"])


def test_lab_3_the_helper_for_another_app_looks_up_no_real_user(provider_app, provider_client):
    from provider.models import User, db, hasher

    with provider_app.app_context():
        db.session.add(User(username="carol", name="Carol", email="carol@x.test", password_hash=hasher.hash(STRONG)))
        db.session.commit()
    carol = provider_client.get("/naive/id-token-for-another-app?username=carol")
    nobody = provider_client.get("/naive/id-token-for-another-app?username=nobody-at-all")
    assert carol.status_code == nobody.status_code == 404  # who has an account here stays unsaid
    alice = claims_of(provider_client.get("/naive/id-token-for-another-app").get_json()["id_token"])
    assert alice["sub"] == "naive-alice" and "email" not in alice


def test_lab_3_the_naive_provider_serves_no_client_registered_in_the_console(provider_app, provider_client):
    from provider.models import Client, db

    with provider_app.app_context():
        other = Client(client_id="someone-elses-app", client_id_issued_at=int(time.time()))
        other.set_secret("someone-elses-secret")
        other.set_client_metadata(
            {"redirect_uris": ["http://localhost:8000/theirs"], "grant_types": ["authorization_code"]}
        )
        db.session.add(other)
        db.session.commit()
    ProviderFlow(provider_client).login()
    params = naive_params(client_id="someone-elses-app", redirect_uri="http://localhost:8000/theirs")
    assert provider_client.get("/naive/authorize", query_string=params).status_code == 400
    data = {"grant_type": "authorization_code", "code": "x"}
    assert (
        provider_client.post("/naive/token", data=data, auth=("someone-elses-app", "someone-elses-secret")).status_code
        == 401
    )


def test_lab_3_guessing_the_client_secret_at_the_naive_token_endpoint_meets_the_real_throttle(tmp_path):
    from provider import create_app
    from tests.conftest import provider_config

    app = create_app(provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, TOKEN_FAILURES_PER_CLIENT="3 per minute"))
    client = app.test_client()
    data = {"grant_type": "authorization_code", "code": "x"}
    guesses = [client.post("/naive/token", data=data, auth=(CLIENT_ID, f"guess-{n}")).status_code for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    # The same count as the real token endpoint's: the twin is no second place to guess.
    assert client.post("/token", data=data, auth=(CLIENT_ID, "guess-5")).status_code == 429


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/naive/authorize?client_id=authlab-app&redirect_uri=javascript:x", None),
        ("get", "/naive/authorize?client_id[]=x", None),
        ("post", "/naive/token", {"code": "\x00" * 10}),
        ("post", "/naive/token", {"code": "x" * 5000, "code_verifier": "é"}),
        ("get", "/naive/id-token-for-another-app?username=" + "a" * 300, None),
        ("get", "/naive/id-token-for-another-app?username=%00", None),
        ("get", f"/naive/authorize?client_id=authlab-app&redirect_uri={NAIVE_CALLBACK}&nonce={'n' * 300}", None),
        ("get", f"/naive/authorize?client_id=authlab-app&redirect_uri={NAIVE_CALLBACK}{'x' * 3000}", None),
    ],
)
def test_lab_3_the_naive_provider_answers_bad_input_with_4xx(provider_client, method, path, data):
    auth = (CLIENT_ID, CLIENT_SECRET) if method == "post" else None
    response = getattr(provider_client, method)(path, data=data, auth=auth)
    assert 400 <= response.status_code < 500


def test_lab_3_a_verifier_that_is_not_ascii_is_a_4xx(provider_client):
    code = naive_code(provider_client, code_challenge="abc", code_challenge_method="S256")
    assert naive_exchange(provider_client, code, code_verifier="ünïcode").status_code in {400, 401}


# --- The naive OAuth client: its own sign-in, never the real one (live) -----------------------


def attackers_unused_naive_callback(live):
    """The attacker signs in to the naive client's flow as bob and keeps the callback URL."""
    attacker = LiveDance(live)
    start = attacker.http.get(f"{live.app_url}/vulnerable/oauth/login", allow_redirects=False)
    return attacker.at_provider(start.headers["Location"], "bob", PASSWORDS["bob"]).headers["Location"]


def test_lab_3_an_attackers_naive_callback_url_signs_the_victim_in_to_nothing_real(live):
    callback = attackers_unused_naive_callback(live)
    assert "state=" not in callback
    victim = live.app.test_client()
    parts = urlsplit(callback)
    assert victim.get(f"{parts.path}?{parts.query}").status_code == 302
    # Before: {"user": "bob", "provider": "naive twin"}, past the real client's state and PKCE.
    protected = victim.get("/oauth/protected")
    assert protected.status_code == 401
    assert 'data-whoami="oauth">signed out<' in victim.get("/oauth/").get_data(as_text=True)
    with victim.session_transaction() as session:
        assert "oauth_identity" not in session
        assert session["naive_oauth_twin"]["identity"]["name"] == "bob"
    # The twin's own demonstration still works: it believes the victim is bob.
    assert victim.get("/vulnerable/oauth/protected").get_json()["user"] == "bob"


def test_lab_3_the_naive_clients_sign_out_leaves_the_real_sign_in_alone(live):
    victim = LiveDance(live)
    assert victim.sign_in("alice").status_code == 302  # the real dance
    victim.http.get(attackers_unused_naive_callback(live), allow_redirects=False)
    page = victim.page("/vulnerable/oauth/").text
    response = victim.http.post(
        f"{live.app_url}/vulnerable/oauth/logout",
        data={"csrf_token": csrf_token(page)},
        headers={"Origin": live.app_url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert victim.page("/vulnerable/oauth/protected").status_code == 401
    assert victim.page("/oauth/protected").json()["user"] == "alice"


def test_lab_3_the_apps_client_and_the_jwt_lab_refuse_a_naive_id_token(live):
    from joserfc.errors import JoseError

    from blueprints.oauth import providers
    from blueprints.oauth.client import remote
    from blueprints.oauth.id_token import check_id_token

    token = requests.get(f"{live.provider_url}/naive/id-token-for-another-app", timeout=5).json()["id_token"]
    with live.app.test_request_context(), pytest.raises((JoseError, ValueError)):
        check_id_token(remote("builtin"), providers.builtin(live.app), {"id_token": token}, nonce="the-attackers-nonce")
    refused = requests.get(f"{live.app_url}/jwt/protected", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert refused.status_code == 401 and refused.json()["error"] == "unknown key id (kid)"


@pytest.mark.parametrize(
    "path",
    [
        "/vulnerable/oauth/callback?code=",
        "/vulnerable/oauth/callback?code=" + "x" * 3000,
        "/vulnerable/oauth/callback?code=%00%0a",
        "/vulnerable/oauth/protected",
    ],
)
def test_lab_3_the_naive_client_answers_bad_input_with_4xx(live, path):
    response = requests.get(live.app_url + path, allow_redirects=False, timeout=10)
    assert 400 <= response.status_code < 500


def test_lab_3_a_next_no_location_header_can_carry_is_dropped_not_a_500(live):
    victim = LiveDance(live)
    start = victim.http.get(f"{live.app_url}/vulnerable/oauth/login?next=/%0a/evil", allow_redirects=False)
    callback = victim.at_provider(start.headers["Location"], "alice", PASSWORDS["alice"]).headers["Location"]
    answer = victim.http.get(callback, allow_redirects=False)
    assert answer.status_code == 302 and "evil" not in answer.headers["Location"]
