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
        "now holds a signed-in session."
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
        f"attacker's /me then answered {response.status_code} {response.get_json(silent=True)}: the "
        "attacker is alice now."
    )


def test_the_old_session_record_is_deleted_at_login(app):
    client = app.test_client()
    client.get("/")
    old = session_id(client)
    client.post("/login", json=ALICE)
    replay = app.test_client()
    replay.set_cookie("session", old)
    body = replay.get("/").get_json()
    assert body == {"visits": 1}, (
        f"After login, the pre-login session id still opened the pre-login session ({body}, where a fresh "
        "session counts 1): the old record is alive in the store, for whoever planted that id."
    )


def test_logging_in_again_gives_yet_another_id(app):
    client = app.test_client()
    client.post("/login", json=ALICE)
    first = session_id(client)
    client.post("/login", json={"username": "bob", "password": "thebuilder"})
    same, me = session_id(client) == first, client.get("/me").get_json()
    assert not same and me == {"user": "bob"}, (
        f"Signing in as bob in a browser already signed in as alice: the id {'stayed' if same else 'changed'} "
        f"and /me answered {me}. Every login needs a fresh id, carrying the user who just signed in."
    )


def test_the_session_cookie_is_httponly(app):
    client = app.test_client()
    header = client.post("/login", json=ALICE).headers.get("Set-Cookie", "")
    assert "HttpOnly" in header, (
        f"The login's Set-Cookie is {header!r}: without HttpOnly any script in the page can read the id."
    )
