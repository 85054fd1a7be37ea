"""SES-4 timeouts, SES-6 remember-me, the browser binding, and PW-3/PW-4/PW-5 on the session login."""

import re
from datetime import timedelta

import pytest

from app import create_app
from blueprints.session.models import RememberToken
from extensions import db
from models import User, find_user, utcnow
from tests.conftest import PASSWORDS, app_config
from tests.session_flow import attributes, cookie_value, login, set_cookie


def csrf_token(client, path="/session/"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def move_clocks(client, **seconds_ago):
    """Pretend the session's clocks were started that long ago (no sleeping in tests)."""
    with client.session_transaction() as session:
        for clock, ago in seconds_ago.items():
            session[f"_{clock}"] -= ago


# --- SES-4: idle and absolute timeouts, on the server ---------------------------------------


def test_ses_4_idle_timeout_ends_the_session_on_the_server(app, client):
    login(client)
    move_clocks(client, seen=app.config["SESSION_IDLE_TIMEOUT"])
    response = client.get("/session/admin")
    assert response.status_code == 401
    assert "idle timeout" in response.get_json()["description"]


def test_ses_4_activity_keeps_a_session_alive(app, client):
    login(client)
    move_clocks(client, seen=app.config["SESSION_IDLE_TIMEOUT"] - 120)
    assert client.get("/session/admin").status_code == 200
    assert client.get("/session/lab/record").get_json()["timeouts"]["idle_left"] > 1700


def test_ses_4_absolute_timeout_ends_even_an_active_session(app, client):
    login(client)
    move_clocks(client, created=app.config["SESSION_ABSOLUTE_TIMEOUT"])
    response = client.get("/session/admin")
    assert response.status_code == 401
    assert "absolute timeout" in response.get_json()["description"]


def test_ses_4_the_demo_profile_uses_the_short_timeouts(app, client):
    login(client, timeouts="demo")
    state = client.get("/session/lab/record").get_json()["timeouts"]
    assert state["idle_timeout"] == app.config["SESSION_DEMO_IDLE_TIMEOUT"] == 20
    move_clocks(client, seen=20)
    assert client.get("/session/admin").status_code == 401


@pytest.mark.parametrize("profile", ["forever", ["demo"], {"idle": 10**9}, None, 7])
def test_ses_4_an_unknown_profile_gets_the_standard_timeouts(client, profile):
    assert login(client, timeouts=profile).status_code == 200
    assert client.get("/session/lab/record").get_json()["timeouts"]["profile"] == "standard"


@pytest.mark.parametrize("remember", [["on"], {"x": 1}, "yes", 1])
def test_ses_6_odd_remember_values_do_not_break_sign_in(client, remember):
    assert login(client, remember=remember).status_code == 200


def test_ses_4_an_expired_session_is_deleted_from_the_store(app, client):
    sid = cookie_value(login(client))
    move_clocks(client, seen=app.config["SESSION_IDLE_TIMEOUT"])
    client.get("/session/admin")
    with app.app_context():
        assert app.session_interface.inspect(sid) is None


def test_ses_4_the_store_forgets_a_record_by_the_absolute_timeout(app, client):
    sid = cookie_value(login(client))
    with app.test_request_context():
        expires = app.session_interface.inspect(sid)["expires"]
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= app.config["SESSION_ABSOLUTE_TIMEOUT"]
    assert expires is not None


# --- The browser binding (flask-login's "strong" protection, for signed-in sessions) --------


def test_a_session_id_presented_by_another_browser_is_ended(app):
    victim, thief = app.test_client(), app.test_client()
    sid = cookie_value(login(victim))
    thief.set_cookie("session", sid)
    response = thief.get("/session/admin", headers={"User-Agent": "thief/1.0"})
    assert response.status_code == 401
    assert "another browser" in response.get_json()["description"]


def test_anonymous_pages_do_not_rewrite_the_session_or_touch_the_remember_cookie(client):
    client.get("/session/")
    response = client.get("/session/")
    assert not response.headers.getlist("Set-Cookie")


# --- SES-6: remember-me --------------------------------------------------------------------


def test_ses_6_remember_cookie_is_hardened_and_at_most_14_days(client):
    response = login(client, remember=True)
    attrs = attributes(set_cookie(response, "remember_token"))
    assert "httponly" in attrs and attrs["samesite"] == "SameSite=Lax" and "domain" not in attrs
    expires = re.search(r"Expires=([^;]+)", set_cookie(response, "remember_token")).group(1)
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(expires).replace(tzinfo=None) <= utcnow() + timedelta(days=14, minutes=1)


def test_ses_6_remember_cookie_stores_only_a_hash_on_the_server(app, client):
    value = cookie_value(login(client, remember=True), "remember_token")
    selector, validator = value.split(".")
    with app.app_context():
        token = db.session.get(RememberToken, selector)
        assert token.validator_hash != validator and len(token.validator_hash) == 64


def test_ses_6_remember_cookie_starts_a_new_session_with_a_new_id(app):
    browser = app.test_client()
    old_sid = cookie_value(login(browser, remember=True))
    move_clocks(browser, created=app.config["SESSION_ABSOLUTE_TIMEOUT"])
    response = browser.get("/session/admin")
    assert response.status_code == 200
    assert cookie_value(response) != old_sid
    assert browser.get("/session/lab/record").get_json()["remembered"] is True


def test_ses_6_a_copied_remember_cookie_is_revoked_by_logout(app):
    browser, thief = app.test_client(), app.test_client()
    remember = cookie_value(login(browser, remember=True), "remember_token")
    browser.post("/session/logout")
    thief.set_cookie("remember_token", remember)
    assert thief.get("/session/admin").status_code == 401


def test_ses_6_a_tampered_remember_cookie_signs_nobody_in(app):
    browser, thief = app.test_client(), app.test_client()
    selector, _ = cookie_value(login(browser, remember=True), "remember_token").split(".")
    thief.set_cookie("remember_token", f"{selector}.{'A' * 43}")
    response = thief.get("/session/admin")
    assert response.status_code == 401
    assert "Max-Age=0" in set_cookie(response, "remember_token")


def test_ses_6_an_expired_remember_token_is_refused_and_deleted(app):
    browser, other = app.test_client(), app.test_client()
    remember = cookie_value(login(browser, remember=True), "remember_token")
    with app.app_context():
        token = db.session.get(RememberToken, remember.split(".")[0])
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    other.set_cookie("remember_token", remember)
    assert other.get("/session/admin").status_code == 401
    with app.app_context():
        assert db.session.get(RememberToken, remember.split(".")[0]) is None


def test_ses_6_sign_out_everywhere_ends_every_session_and_remember_cookie(app):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    phone_remember = cookie_value(login(phone, remember=True), "remember_token")
    assert laptop.post("/session/logout-everywhere").status_code == 200
    assert phone.get("/session/admin").status_code == 401
    fresh = app.test_client()
    fresh.set_cookie("remember_token", phone_remember)
    assert fresh.get("/session/admin").status_code == 401


def test_ses_6_remember_lifetime_is_capped_at_14_days_whatever_the_config(tmp_path):
    app = create_app(app_config(tmp_path / "i", REMEMBER_COOKIE_DURATION=365 * 24 * 3600))
    client = app.test_client()
    selector = cookie_value(login(client, remember=True), "remember_token").split(".")[0]
    with app.app_context():
        assert db.session.get(RememberToken, selector).expires_at <= utcnow() + timedelta(days=14)


# --- PW-3: throttling, and the same answer for unknown users and wrong passwords ------------


@pytest.fixture
def throttled(tmp_path):
    # The address limit is high by default (a class behind one NAT shares one address): 10 here.
    settings = app_config(
        tmp_path / "throttled", RATELIMIT_ENABLED=True, RATELIMIT_FAILURES_PER_ADDRESS="10 per 5 minutes"
    )
    return create_app(settings).test_client()


def test_pw_3_login_is_throttled_per_account_with_retry_after(throttled):
    statuses = [
        throttled.post("/session/login", json={"username": "alice", "password": f"guess {n}"}) for n in range(6)
    ]
    assert [r.status_code for r in statuses[:5]] == [401] * 5
    assert statuses[5].status_code == 429
    assert int(statuses[5].headers["Retry-After"]) > 0
    assert statuses[5].is_json


def test_pw_3_login_is_throttled_per_address_across_accounts(throttled):
    statuses = [
        throttled.post("/session/login", json={"username": f"user{n}", "password": "x"}).status_code for n in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_pw_3_unknown_user_and_wrong_password_get_the_same_answer(client):
    unknown = client.post("/session/login", json={"username": "nobody", "password": PASSWORDS["alice"]})
    wrong = client.post("/session/login", json={"username": "alice", "password": "wrong"})
    assert (unknown.status_code, unknown.get_json()) == (wrong.status_code, wrong.get_json())


# --- PW-5: the login form carries a CSRF token ---------------------------------------------


def test_pw_5_the_login_form_signs_in_with_its_csrf_token(client):
    form = {"csrf_token": csrf_token(client), "username": "alice", "password": PASSWORDS["alice"]}
    response = client.post("/session/login", data=form)
    assert response.status_code == 303
    assert client.get("/session/admin").status_code == 200


def test_pw_5_a_login_form_without_csrf_token_is_refused(client):
    response = client.post("/session/login", data={"username": "alice", "password": PASSWORDS["alice"]})
    assert response.status_code == 400
    assert client.get("/session/admin").status_code == 401


def test_pw_5_a_login_form_from_another_site_is_refused(client):
    form = {"csrf_token": csrf_token(client), "username": "mallory", "password": "x"}
    response = client.post("/session/login", data=form, headers={"Origin": "http://attacker.localhost:8003"})
    assert response.status_code == 400


def test_a_failed_form_login_shows_the_page_with_401(client):
    form = {"csrf_token": csrf_token(client), "username": "alice", "password": "wrong"}
    response = client.post("/session/login", data=form)
    assert response.status_code == 401
    assert "Invalid username or password." in response.get_data(as_text=True)


# --- PW-4: a password change ends every other session and token -----------------------------


def change_password(client, current=PASSWORDS["alice"], new="a much longer passphrase", confirm=None):
    form = {
        "csrf_token": csrf_token(client, "/account/password"),
        "current_password": current,
        "new_password": new,
        "confirm": new if confirm is None else confirm,
    }
    return client.post("/account/password", data=form)


def test_pw_4_password_change_ends_other_sessions_and_remember_cookies(app):
    here, elsewhere = app.test_client(), app.test_client()
    login(here)
    remembered = cookie_value(login(elsewhere, remember=True), "remember_token")
    assert change_password(here).status_code == 303
    assert here.get("/session/admin").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/session/admin").status_code == 401
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get("/session/admin").status_code == 401


def test_pw_4_password_change_moves_the_token_cutoff(app, client):
    with app.app_context():
        before = find_user("alice").tokens_valid_after
    login(client)
    change_password(client)
    with app.app_context():
        user = find_user("alice")
        assert user.tokens_valid_after > before
        assert user.check_password("a much longer passphrase")


def test_pw_4_password_change_gives_this_browser_a_new_session_id(client):
    sid = cookie_value(login(client))
    response = change_password(client)
    assert cookie_value(response) != sid


@pytest.mark.parametrize(
    "current,new,confirm,field",
    [
        ("wrong", "a much longer passphrase", None, "current_password"),
        (PASSWORDS["alice"], "short", None, "new_password"),
        (PASSWORDS["alice"], "password", None, "new_password"),
        (PASSWORDS["alice"], "a much longer passphrase", "something else", "confirm"),
    ],
)
def test_pw_4_bad_password_changes_are_refused_with_400(app, client, current, new, confirm, field):
    login(client)
    response = change_password(client, current, new, confirm)
    assert response.status_code == 400
    assert f'id="{field}"' in response.get_data(as_text=True)
    with app.app_context():
        assert find_user("alice").check_password(PASSWORDS["alice"])


def test_pw_4_password_page_needs_a_session(client):
    response = client.get("/account/password")
    assert response.status_code == 303


def test_pw_4_password_change_without_csrf_token_is_refused(client):
    login(client)
    form = {"current_password": PASSWORDS["alice"], "new_password": "a much longer passphrase", "confirm": "x"}
    assert client.post("/account/password", data=form).status_code == 400


# --- HDR-1/SES-3 in production: Secure cookies, read from Set-Cookie itself ----------------


def test_ses_3_production_cookies_are_secure(production_app, production_admin):
    client = production_app.test_client()
    username, password = production_admin
    response = client.post("/session/login", json={"username": username, "password": password, "remember": True})
    assert response.status_code == 200
    for name in ("session", "remember_token"):
        assert "secure" in attributes(set_cookie(response, name))
    logout = client.post("/session/logout")
    for name in ("session", "remember_token"):
        assert "secure" in attributes(set_cookie(logout, name))


def test_pw_1_demo_accounts_are_hashed_with_argon2id(production_argon2, app):
    with app.app_context():
        stored = db.session.execute(db.select(User).filter_by(username="alice")).scalar_one().password_hash
    assert stored.startswith("$argon2id$") and "m=19456,t=2,p=1" in stored


def test_pw_2_a_new_password_follows_the_sign_up_rules(app, client):
    login(client)
    long_any = "ünïcödé 🔑 " * 8  # 80 characters of anything: accepted whole, never truncated
    assert change_password(client, new=long_any).status_code == 303
    with app.app_context():
        user = find_user("alice")
        assert user.check_password(long_any) and not user.check_password(long_any[:72])
