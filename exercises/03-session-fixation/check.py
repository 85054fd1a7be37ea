"""Checks for exercise 3: a new session id at login, so a planted id is worth nothing (ASVS 7.2.4)."""

import pytest

ALICE = {"username": "alice", "password": "wonderland"}


@pytest.fixture
def app(ex):
    return ex.create_app()


def session_id(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_signs_the_user_in(app):
    client = app.test_client()
    assert client.post("/login", json=ALICE).status_code == 200, "alice's correct password was refused at /login."
    me = client.get("/me")
    assert me.status_code == 200 and me.get_json() == {"user": "alice"}, (
        "After a successful login, /me should answer 200 with {'user': 'alice'}: the login must "
        "still store the user in the session after your change."
    )


def test_a_wrong_password_signs_nobody_in(app):
    client = app.test_client()
    response = client.post("/login", json={"username": "alice", "password": "guess"})
    assert response.status_code == 401, f"A wrong password got {response.status_code} at /login instead of 401."
    assert client.get("/me").status_code == 401, "A failed login left someone signed in."


def test_the_session_id_changes_at_login(app):
    client = app.test_client()
    client.get("/")  # an anonymous visit: the browser now has a session id
    before = session_id(client)
    client.post("/login", json=ALICE)
    after = session_id(client)
    assert before and after and after != before, (
        "The browser kept the same session id across login. Anyone who knew (or planted) that id "
        "now holds a signed-in session: give the session a new id at login (regenerate)."
    )


def test_a_planted_session_id_gives_the_attacker_nothing(app):
    # The attacker visits the site, gets a session id, and plants it in the victim's browser
    # (a crafted link on a site that accepts ids in the URL, a subdomain setting a cookie, ...).
    attacker = app.test_client()
    attacker.get("/")
    planted = session_id(attacker)
    victim = app.test_client()
    victim.set_cookie("session", planted)
    # The victim signs in with the planted id, then the attacker tries the same id.
    victim.post("/login", json=ALICE)
    response = attacker.get("/me")
    assert response.status_code == 401, (
        "Session fixation: the attacker planted a session id, the victim signed in with it, and the "
        f"attacker's /me then answered {response.status_code} as alice. The id must change at login, "
        "and the old one must lead nowhere."
    )


def test_the_old_session_record_is_deleted_at_login(app):
    client = app.test_client()
    client.get("/")
    old = session_id(client)
    client.post("/login", json=ALICE)
    replay = app.test_client()
    replay.set_cookie("session", old)
    assert replay.get("/").get_json() == {"visits": 1}, (
        "The pre-login session still exists under its old id: regenerating must delete the old record "
        "from the store (Flask-Session's regenerate() does), not just hand out a second id."
    )


def test_logging_in_again_gives_yet_another_id(app):
    client = app.test_client()
    client.post("/login", json=ALICE)
    first = session_id(client)
    client.post("/login", json={"username": "bob", "password": "thebuilder"})
    assert session_id(client) != first and client.get("/me").get_json() == {"user": "bob"}, (
        "Signing in again (here as bob) kept the same id, or kept alice: every login gets a fresh id. "
        "Hint: regenerate() does nothing on an empty session, so set the user before calling it."
    )


def test_the_session_cookie_is_httponly(app):
    client = app.test_client()
    header = client.post("/login", json=ALICE).headers.get("Set-Cookie", "")
    assert "HttpOnly" in header, "The session cookie lost its HttpOnly flag: leave the cookie settings as they were."
