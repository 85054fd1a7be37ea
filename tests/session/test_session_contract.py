"""The session endpoints of docs/contract.md, and SES-1, SES-2, SES-3, SES-5 on the wire."""

import pytest
import requests

from tests.conftest import PASSWORDS
from tests.session_flow import attributes, cookie_value, login, set_cookie


def test_login_answers_the_articles_words(client):
    response = login(client)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "Login successful!"


def test_ses_3_session_cookie_is_httponly_lax_host_only(client):
    attrs = attributes(set_cookie(login(client), "session"))
    assert "httponly" in attrs
    assert attrs["samesite"] == "SameSite=Lax"
    assert "domain" not in attrs
    assert attrs["path"] == "Path=/"


def test_ses_1_session_id_is_256_random_bits(client):
    sid = cookie_value(login(client))
    assert len(sid) == 43  # 32 bytes, URL-safe base64


def test_ses_2_session_id_changes_at_login(client):
    client.get("/session/")  # the page's CSRF token gives the visitor an anonymous session
    before = client.get_cookie("session").value
    after = cookie_value(login(client))
    assert after != before


def test_ses_2_a_new_id_at_every_login_and_the_old_record_is_gone(client):
    first = cookie_value(login(client))
    second = cookie_value(login(client, "bob"))
    assert first != second
    client.set_cookie("session", first)
    assert client.get("/session/admin").status_code == 401


def test_ses_2_a_planted_issued_id_does_not_become_the_signed_in_session(app):
    mallory, victim = app.test_client(), app.test_client()
    mallory.get("/session/")  # Mallory gets a real anonymous id...
    planted = mallory.get_cookie("session").value
    victim.set_cookie("session", planted)  # ...and plants it in the victim's browser
    login(victim)
    assert victim.get_cookie("session").value != planted
    assert mallory.get("/session/admin").status_code == 401


@pytest.mark.parametrize("forged", ["0" * 43, "mallory-chose-this", "A" * 4000, "../../etc/passwd", "ünïcödé"])
def test_ses_1_unknown_or_forged_ids_are_never_adopted(client, forged):
    client.set_cookie("session", forged)
    response = login(client)
    assert response.status_code == 200
    assert cookie_value(response) != forged
    client.set_cookie("session", forged)
    assert client.get("/session/admin").status_code == 401


def test_admin_welcomes_alice(client):
    login(client)
    response = client.get("/session/admin")
    assert response.status_code == 200
    assert response.get_json() == {"message": "Welcome, admin!"}


def test_admin_forbids_bob_the_articles_erratum_fixed(client):
    login(client, "bob")
    response = client.get("/session/admin")
    assert response.status_code == 403
    assert response.get_json()["error"] == "Forbidden"


@pytest.mark.parametrize("accept", ["*/*", "text/html", "application/json"])
def test_admin_without_a_session_is_401_json_whatever_the_accept_header(client, accept):
    response = client.get("/session/admin", headers={"Accept": accept})
    assert response.status_code == 401
    assert response.get_json()["error"] == "Unauthorized"


def test_protected_admits_any_signed_in_user(client):
    login(client, "bob")
    assert client.get("/session/protected").get_json()["message"] == "You are authenticated!"


@pytest.mark.parametrize("username,password", [("alice", "wrong"), ("nobody", PASSWORDS["alice"]), ("", "")])
def test_wrong_credentials_get_401_and_no_session(client, username, password):
    response = client.post("/session/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.get_json()["error"] == "Unauthorized"
    assert not response.headers.getlist("Set-Cookie")


def test_ses_5_logout_deletes_the_record_and_replay_gets_401(client):
    sid = cookie_value(login(client))
    response = client.post("/session/logout")
    assert response.status_code == 200
    client.set_cookie("session", sid)  # a copy of the old cookie, replayed
    assert client.get("/session/admin").status_code == 401


def test_ses_5_logout_expires_both_cookies_with_their_flags(client):
    login(client, remember=True)
    response = client.post("/session/logout")
    for name in ("session", "remember_token"):
        attrs = attributes(set_cookie(response, name))
        assert attrs["max-age"] == "Max-Age=0"
        assert "httponly" in attrs and attrs["samesite"] == "SameSite=Lax"


def test_logout_as_a_bodiless_post_works_for_outside_clients(client):
    login(client)
    assert client.post("/session/logout", headers={"Content-Type": ""}).status_code == 200


def test_a_cross_site_form_post_is_refused(client):
    login(client)
    response = client.post("/session/note", data={"note": "hi"}, headers={"Origin": "http://attacker.localhost:8003"})
    assert response.status_code == 400
    assert client.get("/session/lab/record").get_json()["record"]["data"].get("note") is None


def test_a_cross_site_logout_is_refused(client):
    login(client)
    response = client.post("/session/logout", data={}, headers={"Origin": "http://attacker.localhost:8003"})
    assert response.status_code == 400
    assert client.get("/session/admin").status_code == 200


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"username": ["alice"], "password": {"x": 1}}', "application/json"),
        ('{"username": "alice", "password": null}', "application/json"),
        ('{"username": "' + "a" * 5000 + '", "password": "x"}', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
    ],
)
def test_bad_login_bodies_are_4xx_never_5xx(client, body, content_type):
    response = client.post("/session/login", data=body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.is_json


@pytest.mark.parametrize("cookie", ["", " ", "a;b", '"quoted"', "x" * 4096, "%00%ff", "session=session", "\\u0000"])
def test_bad_session_cookies_are_4xx_never_5xx(client, cookie):
    response = client.get("/session/admin", headers={"Cookie": f"session={cookie}; remember_token={cookie}"})
    assert response.status_code == 401


def test_note_refuses_bad_notes(client):
    login(client)
    for body in ({"note": ""}, {"note": "x" * 201}, {"note": 5}, {}):
        assert client.post("/session/note", json=body).status_code == 400


def test_outside_clients_use_the_api_with_plain_requests(live):
    with requests.Session() as browserless:
        response = browserless.post(
            f"{live.app_url}/session/login", json={"username": "bob", "password": PASSWORDS["bob"]}, timeout=5
        )
        assert response.status_code == 200 and response.text == "Login successful!"
        assert browserless.get(f"{live.app_url}/session/admin", timeout=5).status_code == 403
        old = browserless.cookies.get("session")
        assert browserless.post(f"{live.app_url}/session/logout", timeout=5).status_code == 200
        replay = requests.get(f"{live.app_url}/session/admin", cookies={"session": old}, timeout=5)
        assert replay.status_code == 401
        assert replay.json() == {"error": "Unauthorized", "description": replay.json()["description"]}


def test_an_anonymous_call_stores_no_session_the_articles_save_uninitialized_erratum(app, client):
    response = client.get("/session/admin")
    assert not response.headers.getlist("Set-Cookie")
    with app.app_context():
        from extensions import db

        assert db.session.execute(db.text("SELECT count(*) FROM server_sessions")).scalar() == 0
