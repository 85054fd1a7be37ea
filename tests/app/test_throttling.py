"""PW-6: failed sign-ins and failed token requests are throttled per account and per address,
in a store every worker and instance shares; a correct password is never counted."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import throttle_store
from app import create_app
from refusals import UnsafeConfiguration
from tests.app.serving import production_environment, run_serve
from tests.conftest import PASSWORDS, PRODUCTION, app_config
from throttle_store import DatabaseStorage

ALICE = {"username": "alice", "password": PASSWORDS["alice"]}


def throttled_app(instance, **overrides):
    """An app with the throttle on (the test configuration turns it off)."""
    return create_app(app_config(instance, RATELIMIT_ENABLED=True, **overrides))


def two_workers(tmp_path, **overrides):
    """Two app objects on one instance folder: two server workers, or the app and its replica."""
    instance = tmp_path / "shared"
    return throttled_app(instance, **overrides), throttled_app(instance, INSTANCE_NAME="replica", **overrides)


def wrong(client, username="alice", address="127.0.0.1", path="/jwt/login"):
    body = {"username": username, "password": f"guess {uuid.uuid4().hex[:8]}"}
    return client.post(path, json=body, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def app(tmp_path):
    return throttled_app(tmp_path / "instance")


# --- Shared by every worker and instance ----------------------------------------------------


@pytest.mark.parametrize("path", ["/jwt/login", "/session/login"])
def test_pw_6_wrong_attempts_through_two_workers_are_counted_together(tmp_path, path):
    first, second = (app.test_client() for app in two_workers(tmp_path))
    statuses = [wrong(first if n % 2 else second, path=path).status_code for n in range(30)]
    # The account's limit is 5: exactly 5 of the 30 got a password check, the rest a 429.
    assert statuses.count(401) == 5 and statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 25


def test_pw_6_a_flood_in_parallel_gets_no_more_than_the_limit_through(tmp_path):
    apps = two_workers(tmp_path)

    def attempt(n):
        return wrong(apps[n % 2].test_client()).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(attempt, range(36)))
    # Each attempt is counted before its password is checked, atomically in the store: the
    # attempts in flight when the limit is reached do not slip through.
    assert statuses.count(401) == 5 and statuses.count(429) == 31


@pytest.mark.redis
def test_pw_6_with_redis_two_instances_share_the_counts(tmp_path, redis_url):
    first = throttled_app(tmp_path / "one", REDIS_URL=redis_url)
    second = throttled_app(tmp_path / "two", REDIS_URL=redis_url)  # no shared database: only Redis
    first.extensions["throttle"].storage.reset()
    name = f"redis-{uuid.uuid4().hex[:8]}"
    clients = first.test_client(), second.test_client()
    statuses = [wrong(clients[n % 2], username=name).status_code for n in range(12)]
    assert statuses == [401] * 5 + [429] * 7
    assert type(first.extensions["throttle"].storage).__name__ == "RedisStorage"


def test_pw_6_the_app_counts_in_its_database_by_default(app, production_app):
    assert isinstance(app.extensions["throttle"].storage, DatabaseStorage)
    assert isinstance(production_app.extensions["throttle"].storage, DatabaseStorage)


# --- What is counted: failures, per account and per address ---------------------------------


def test_pw_6_correct_sign_ins_are_never_counted_or_refused(app):
    client = app.test_client()
    assert [wrong(client).status_code for _ in range(4)] == [401] * 4
    # A notebook's pace: 200 correct sign-ins in a row, from one address, after 4 typos.
    assert {client.post("/jwt/login", json=ALICE).status_code for _ in range(200)} == {200}
    # None of them was counted: the 5th failure is still a 401, the 6th the first 429.
    assert wrong(client).status_code == 401
    assert wrong(client).status_code == 429


def test_pw_6_the_account_limit_applies_across_addresses(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ACCOUNT="5 per 10 minutes").test_client()
    statuses = [wrong(client, address=f"198.51.100.{n}").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    fresh = client.post("/session/login", json=ALICE, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert fresh.status_code == 429  # a new address, the same locked account
    assert client.post("/jwt/login", json={"username": "bob", "password": PASSWORDS["bob"]}).status_code == 200


def test_pw_6_a_stranger_failing_as_bob_cannot_keep_bob_out(app):
    client = app.test_client()
    assert [wrong(client, username="bob", address="192.0.2.66").status_code for _ in range(6)] == [401] * 5 + [429]
    bob = {"username": "bob", "password": PASSWORDS["bob"]}
    # The stranger's address is locked out of bob's account; bob, at his own address, is not.
    assert client.post("/jwt/login", json=bob, environ_base={"REMOTE_ADDR": "192.0.2.66"}).status_code == 429
    assert client.post("/jwt/login", json=bob, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200


def test_pw_6_the_scaleout_relay_is_no_way_around_a_locked_address(app):
    client = app.test_client()
    for _ in range(5):
        wrong(client, address="192.0.2.9")
    relayed = client.post("/session/scaleout/jwt", json=ALICE, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert relayed.status_code == 429  # refused before anything was forwarded: no password was checked


def test_pw_6_the_address_limit_applies_across_accounts(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="10 per 5 minutes").test_client()
    statuses = [wrong(client, username=f"user{n}", address="192.0.2.1").status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    bob = {"username": "bob", "password": PASSWORDS["bob"]}
    assert client.post("/jwt/login", json=bob, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert client.post("/jwt/login", json=bob, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200


def test_pw_6_every_sign_in_counts_on_the_same_account_counter(app):
    client = app.test_client()
    for path in ("/jwt/login", "/jwt/cookie/login", "/session/login", "/jwt/login", "/session/login"):
        assert wrong(client, path=path).status_code == 401
    assert client.post("/jwt/cookie/login", json=ALICE).status_code == 429


@pytest.mark.parametrize("variant", ["Alice", " alice ", "ALICE", "ａｌｉｃｅ", "alice\u00a0", "Ａlice"])
def test_pw_6_spellings_of_a_username_share_its_counter(app, variant):
    client = app.test_client()
    for _ in range(4):
        wrong(client, username=variant)
    assert wrong(client).status_code == 401  # the 5th failure of "alice"
    assert client.post("/jwt/login", json=ALICE).status_code == 429


def test_pw_6_an_unknown_account_is_counted_like_a_real_one(app):
    client = app.test_client()
    assert [wrong(client, username="nobody-here").status_code for _ in range(6)] == [401] * 5 + [429]


def test_pw_6_failed_refresh_tokens_are_throttled_per_address(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="10 per 5 minutes").test_client()
    refresh = client.post("/jwt/login", json=ALICE).get_json()["refresh_token"]
    forged = {"Authorization": "Bearer not.a.token"}
    statuses = [client.post("/jwt/refresh", headers=forged).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    # Locked: even a good refresh token from this address is not looked at.
    assert client.post("/jwt/refresh", headers={"Authorization": f"Bearer {refresh}"}).status_code == 429


def test_pw_6_good_refreshes_are_never_counted(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="3 per 5 minutes").test_client()
    token = client.post("/jwt/login", json=ALICE).get_json()["refresh_token"]
    for _ in range(20):
        response = client.post("/jwt/refresh", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        token = response.get_json()["refresh_token"]


def test_pw_6_a_reused_refresh_token_counts_as_a_failure(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="1 per 5 minutes").test_client()
    token = client.post("/jwt/login", json=ALICE).get_json()["refresh_token"]
    assert client.post("/jwt/refresh", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.post("/jwt/refresh", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/jwt/login", json=ALICE).status_code == 429


# --- While locked: no password check, and the wait in words ----------------------------------


def test_pw_6_a_locked_account_refuses_its_correct_password_without_checking_it(app, monkeypatch):
    client = app.test_client()
    for _ in range(5):
        wrong(client)
    checked = []
    import models

    monkeypatch.setattr(models, "verify_password", lambda *args: checked.append(args) or True)
    for path in ("/jwt/login", "/jwt/cookie/login", "/session/login"):
        assert client.post(path, json=ALICE).status_code == 429
    assert checked == []  # no Argon2 verification ran: a locked account is no oracle


def test_pw_6_the_429_has_retry_after_and_says_how_long_to_wait(app):
    client = app.test_client()
    for _ in range(5):
        wrong(client)
    response = client.post("/jwt/login", json=ALICE)
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 300
    description = response.get_json()["description"]
    assert f"({wait} s)" in description or f"{wait} seconds" in description
    assert "account" in description and "wait" in description


def test_pw_6_the_session_lab_form_shows_the_wait(app):
    client = app.test_client()
    for _ in range(5):
        wrong(client, path="/session/login")
    page = client.get("/session/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/session/login", data={"csrf_token": token, **ALICE})
    assert response.status_code == 429
    wait = response.headers["Retry-After"]
    error = re.search(r"data-login-error>([^<]+)<", response.get_data(as_text=True)).group(1)
    assert "wait" in error and f"{wait} s" in error


def test_pw_6_the_json_session_sign_in_says_the_wait_too(app):
    client = app.test_client()
    for _ in range(5):
        wrong(client, path="/session/login")
    response = client.post("/session/login", json=ALICE)
    assert response.status_code == 429 and response.is_json
    assert response.headers["Retry-After"] in response.get_json()["description"]


def test_pw_6_a_wrong_current_password_counts_and_the_account_page_shows_the_wait(app):
    client = app.test_client()
    client.post("/session/login", json=ALICE)

    def change(current):
        page = client.get("/account/password").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "current_password": current, "new_password": "x", "confirm": "x"}
        return client.post("/account/password", data=form)

    assert [change(f"guess {n}").status_code for n in range(5)] == [400] * 5
    locked = change(PASSWORDS["alice"])
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert "wait" in re.search(r"data-locked>([^<]+)<", locked.get_data(as_text=True)).group(1)
    # The same account counter as every sign-in: alice is locked there too.
    assert app.test_client().post("/jwt/login", json=ALICE).status_code == 429


def test_pw_6_a_new_password_refused_by_the_policy_is_not_a_failure(app):
    client = app.test_client()
    client.post("/session/login", json=ALICE)
    for _ in range(8):
        page = client.get("/account/password").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "current_password": PASSWORDS["alice"], "new_password": "aaaaaaaa"}
        assert client.post("/account/password", data={**form, "confirm": "aaaaaaaa"}).status_code == 400
    assert app.test_client().post("/jwt/login", json=ALICE).status_code == 200


def sign_up(client, username, password="a quiet orbit of lanterns"):
    page = client.get("/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "username": username, "password": password, "confirm": password}
    return client.post("/signup", data=form)


def test_pw_6_sign_ups_are_counted_per_address_and_the_page_shows_the_wait(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_SIGN_UPS_PER_ADDRESS="3 per hour").test_client()
    assert sign_up(client, "carol", password="aaaaaaaa").status_code == 400  # refused password: not counted
    assert sign_up(client, "carol").status_code == 302
    assert sign_up(client, "alice").status_code == 400  # taken: counted (it tells that alice exists)
    assert sign_up(client, "dave").status_code == 302
    locked = sign_up(client, "erin")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "sign-ups" in re.search(r"data-locked>([^<]+)<", locked.get_data(as_text=True)).group(1)


# --- The counted address, and the counters themselves ----------------------------------------


def test_pw_6_x_forwarded_for_does_not_change_the_counted_address(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="5 per 5 minutes").test_client()
    statuses = [
        client.post(
            "/jwt/login",
            json={"username": f"user{n}", "password": "x"},
            headers={"X-Forwarded-For": f"10.9.{n}.1", "X-Real-IP": f"10.8.{n}.1", "Forwarded": f"for=10.7.{n}.1"},
        ).status_code
        for n in range(6)
    ]
    assert statuses == [401] * 5 + [429]


def test_pw_6_behind_a_configured_proxy_the_forwarded_address_is_counted(tmp_path, monkeypatch):
    import wsgi

    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    app = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="2 per 5 minutes")
    app.wsgi_app = wsgi.behind_proxy(app.wsgi_app)
    client = app.test_client()

    def via_proxy(n, client_address):
        body = {"username": f"user{n}", "password": "x"}
        return client.post("/jwt/login", json=body, headers={"X-Forwarded-For": client_address}).status_code

    assert [via_proxy(n, "198.51.100.1") for n in range(3)] == [401, 401, 429]
    assert via_proxy(9, "198.51.100.2") == 401  # another client behind the same proxy


def test_pw_6_ipv6_addresses_are_counted_per_64(tmp_path):
    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ADDRESS="3 per 5 minutes").test_client()
    block = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:abcd:1:2:3", "2001:db8:1:2::beef"]
    statuses = [wrong(client, username=f"user{n}", address=a).status_code for n, a in enumerate(block)]
    assert statuses == [401, 401, 401, 429]
    assert wrong(client, username="other", address="2001:db8:1:3::1").status_code == 401


def test_pw_6_the_counters_never_hold_a_username_in_clear(app):
    typed = "hunter2-typed-in-the-username-box"
    wrong(app.test_client(), username=typed)
    with app.app_context():
        from extensions import db

        keys = [row.key for row in db.session.execute(DatabaseStorage.table.select())]
    assert keys and not [key for key in keys if typed in key or "alice" in key]


def test_pw_6_a_lock_ends_with_its_window(tmp_path):
    import time

    client = throttled_app(tmp_path / "i", RATELIMIT_FAILURES_PER_ACCOUNT="2 per 2 seconds").test_client()
    assert [wrong(client).status_code for _ in range(3)] == [401, 401, 429]
    time.sleep(2.1)
    assert client.post("/jwt/login", json=ALICE).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": ["alice"], "password": "x"},
        {"username": 5, "password": "x"},
        {"username": None},
        {"username": "a" * 100_000, "password": "x"},
        {"username": "ali\x00ce", "password": "x\x00"},
        {"username": "alice", "password": "\udfff"},  # a lone surrogate, which UTF-8 cannot encode
        [1, 2],
        "alice",
    ],
)
def test_pw_6_bad_input_to_a_throttled_sign_in_is_a_4xx(app, body):
    client = app.test_client()
    for path in ("/jwt/login", "/jwt/cookie/login", "/session/login"):
        assert 400 <= client.post(path, json=body).status_code < 500


@pytest.mark.parametrize(
    "body", ['{"username": "alice", "password": ', "[" * 5000, '{"username": "alice", "password": "\\ud800"}']
)
def test_pw_6_malformed_json_to_a_throttled_sign_in_is_a_4xx(app, body):
    client = app.test_client()
    for path in ("/jwt/login", "/jwt/cookie/login", "/session/login"):
        response = client.post(path, data=body, content_type="application/json")
        assert 400 <= response.status_code < 500


# --- Production: a per-process store under several workers refuses to start -----------------


def test_pw_6_production_refuses_a_per_process_store_under_several_workers(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    settings = {**PRODUCTION, "INSTANCE_PATH": str(tmp_path / "p"), "RATELIMIT_STORAGE_URI": "memory://"}
    with pytest.raises(UnsafeConfiguration, match=r"memory:// counts in each process's memory and 4 processes"):
        create_app(settings)
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert create_app(settings).extensions["throttle"].storage.__class__.__name__ == "MemoryStorage"


def test_pw_6_make_serve_refuses_a_per_process_store_with_one_line(tmp_path):
    env = production_environment(tmp_path, RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY="3")
    done = run_serve("wsgi:app", env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [throttle_store.per_process_refusal("memory://", 3)]


def test_pw_6_device_sign_ins_started_are_counted_per_address(tmp_path, monkeypatch):
    """Each start makes the provider keep a waiting code (at most 1000 per client): a loop from
    one address must not use them up for everybody."""
    from blueprints.oauth import device_grant

    monkeypatch.setattr(device_grant, "start", lambda: {"device_code": "d" * 43, "interval": 5, "last_poll": None})
    client = throttled_app(tmp_path / "i", RATELIMIT_DEVICE_STARTS_PER_ADDRESS="2 per 10 minutes").test_client()
    for _ in range(2):
        assert client.post("/oauth/device/start", headers={"Origin": "http://localhost:8000"}).status_code == 302
    locked = client.post("/oauth/device/start", headers={"Origin": "http://localhost:8000"})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "device sign-ins" in locked.get_data(as_text=True)
