"""The lab page and its JSON helpers, and the attack bench's naive twin (development only)."""

import base64
import json
import re

import pytest

from tests.conftest import PASSWORDS
from tests.session_flow import attributes, cookie_value, login, set_cookie


def test_lab_page_renders_every_step_with_links_to_the_code(client):
    page = client.get("/session/").get_data(as_text=True)
    for heading in (
        "1. Sign in",
        "2. What the server holds",
        "3. Use the session",
        "4. Timeouts",
        "5. Contrast",
        "6. Attack bench",
        "7. Scale-out",
    ):
        assert heading in page
    assert page.count("/source/") >= 10
    assert 'name="csrf_token"' in page


def test_lab_page_says_a_planted_url_id_is_ignored(client):
    page = client.get("/session/?sid=mallory-planted").get_data(as_text=True)
    assert "data-planted-note" in page and "mallory-planted" in page


def test_record_shows_the_store_the_clocks_and_the_decoded_contents(client):
    login(client, "bob", timeouts="demo")
    state = client.get("/session/lab/record").get_json()
    assert state["user"] == "bob" and state["role"] == "user"
    assert state["store"] == "SQLite (Flask-SQLAlchemy)"
    assert state["timeouts"]["profile"] == "demo"
    assert state["record"]["key"].startswith("session:")
    assert set(state["record"]["data"]) >= {"_user_id", "_id", "_created", "_seen"}


def test_record_is_empty_for_a_visitor_without_a_session(client):
    state = client.get("/session/lab/record").get_json()
    assert state["record"] is None and state["session_id"] is None and state["user"] is None


def test_contrast_the_signed_cookie_is_readable_without_the_key(client):
    login(client)
    data = client.get("/session/lab/client-cookie").get_json()
    payload = data["parts"]["payload"]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert decoded == data["decoded"] == {"user": "alice", "role": "admin", "note": None}


def test_contrast_the_signed_cookie_verifies_unchanged(client):
    login(client)
    cookie = client.get("/session/lab/client-cookie").get_json()["cookie"]
    assert client.post("/session/lab/client-cookie/verify", json={"cookie": cookie}).get_json()["valid"] is True


def test_contrast_an_edited_signed_cookie_is_refused(client):
    login(client, "bob")
    data = client.get("/session/lab/client-cookie").get_json()
    forged_payload = base64.urlsafe_b64encode(json.dumps({"user": "bob", "role": "admin"}).encode()).rstrip(b"=")
    forged = ".".join([forged_payload.decode(), data["parts"]["timestamp"], data["parts"]["signature"]])
    answer = client.post("/session/lab/client-cookie/verify", json={"cookie": forged}).get_json()
    assert answer["valid"] is False and "signature" in answer["reason"]


@pytest.mark.parametrize("body", [{}, {"cookie": ""}, {"cookie": 7}, {"cookie": "x" * 5000}, []])
def test_contrast_verify_answers_bad_input_with_400(client, body):
    assert client.post("/session/lab/client-cookie/verify", json=body).status_code == 400


@pytest.mark.parametrize("cookie", ["...", "a.b.c", "%%%.%%%.%%%", ".eJzzSM3JyVcozy_KSQEAGgQEXQ.x.y"])
def test_contrast_verify_refuses_garbage_cookies_without_500(client, cookie):
    answer = client.post("/session/lab/client-cookie/verify", json={"cookie": cookie})
    assert answer.status_code == 200 and answer.get_json()["valid"] is False


def test_replay_needs_a_session(client):
    assert client.post("/session/lab/replay", json={}).status_code == 401


def test_scaleout_demos_need_a_session(client):
    for case in ("per-instance", "shared"):
        assert client.post(f"/session/scaleout/{case}", json={}).status_code == 401


def test_production_has_no_attack_bench(production_app):
    client = production_app.test_client()
    assert "Attack bench" not in client.get("/session/").get_data(as_text=True)
    assert client.get("/vulnerable/session/").status_code == 404


# --- The naive twin: each flaw, and its real counterpart -----------------------------------


def naive_login(client, username="alice", password=None):
    password = password or PASSWORDS[username]
    return client.post("/vulnerable/session/login", data={"username": username, "password": password})


def test_ses_2_naive_twin_fixation_succeeds(app):
    victim, mallory = app.test_client(), app.test_client()
    victim.get("/vulnerable/session/?sid=mallory-chose-this")  # the victim opens Mallory's link
    naive_login(victim)
    assert mallory.get("/vulnerable/session/whoami?sid=mallory-chose-this").get_json()["user"] == "alice"


def test_ses_2_real_login_defeats_the_same_fixation(app):
    victim, mallory = app.test_client(), app.test_client()
    victim.get("/session/?sid=mallory-chose-this")
    victim.set_cookie("session", "mallory-chose-this")
    login(victim)
    assert victim.get_cookie("session").value != "mallory-chose-this"
    mallory.set_cookie("session", "mallory-chose-this")
    assert mallory.get("/session/admin").status_code == 401


def test_ses_1_naive_twin_ids_count_up_and_a_neighbour_is_taken_over(app):
    alice, bob = app.test_client(), app.test_client()
    naive_login(alice)
    naive_login(bob, "bob")
    alice_id = alice.get_cookie("naive_sid").value
    bob_id = bob.get_cookie("naive_sid").value
    assert int(bob_id) == int(alice_id) + 1
    guess = bob.get(f"/vulnerable/session/whoami?sid={int(bob_id) - 1}").get_json()
    assert guess["user"] == "alice"


def test_ses_1_real_ids_do_not_count_up(app):
    ids = {cookie_value(login(app.test_client())) for _ in range(5)}
    assert len(ids) == 5 and not any(i.isdigit() for i in ids)


def test_ses_3_naive_twin_cookie_lacks_httponly_and_is_samesite_none(client):
    response = naive_login(client)
    attrs = attributes(set_cookie(response, "naive_sid"))
    assert "httponly" not in attrs and attrs["samesite"] == "SameSite=None"


def test_naive_twin_note_accepts_a_cross_site_post_real_note_refuses_it(client):
    naive_login(client)
    login(client)
    attacker = {"Origin": "http://attacker.localhost:8003"}
    naive = client.post("/vulnerable/session/note?cookie=none", data={"note": "forged"}, headers=attacker)
    real = client.post("/session/note", data={"note": "forged"}, headers=attacker)
    assert naive.status_code == 200 and "forged" in naive.get_data(as_text=True)
    assert real.status_code == 400


def test_naive_twin_without_its_cookie_refuses(client):
    response = client.post("/vulnerable/session/note?cookie=lax", data={"note": "x"})
    assert response.status_code == 401


def test_naive_twin_logout_keeps_the_id_alive(client):
    naive_login(client)
    sid = client.get_cookie("naive_sid").value
    client.post("/vulnerable/session/logout")
    assert client.get(f"/vulnerable/session/whoami?sid={sid}").get_json() == {"sid": sid, "user": None}


def test_naive_twin_wrong_password_is_401(client):
    assert naive_login(client, "alice", "wrong").status_code == 401


def test_the_record_hands_the_page_a_fresh_csrf_token_after_a_fetch_login(client):
    client.get("/session/")
    login(client)  # by fetch: the session, and the CSRF secret in it, start afresh
    token = client.get("/session/lab/record").get_json()["csrf_token"]
    form = {"csrf_token": token, "username": "bob", "password": PASSWORDS["bob"]}
    assert client.post("/session/login", data=form).status_code == 303


def test_the_wire_panel_shows_the_set_cookie_line_but_never_the_whole_id(client):
    capture = {"X-Wire": "capture"}
    response = client.post(
        "/session/login", json={"username": "alice", "password": PASSWORDS["alice"], "remember": True}, headers=capture
    )
    sid, remember = cookie_value(response), cookie_value(response, "remember_token")
    record = client.get(f"/wire/{response.headers['X-Wire-Id']}").get_json()
    set_cookies = [v for k, v in record["response"]["headers"] if k == "Set-Cookie"]
    assert any(v.startswith(f"session={sid[:6]}…") and "HttpOnly" in v and "SameSite=Lax" in v for v in set_cookies)
    assert any(v.startswith(f"remember_token={remember[:6]}…") for v in set_cookies)
    later = client.get("/session/admin", headers=capture)
    seen = client.get(f"/wire/{later.headers['X-Wire-Id']}").get_data(as_text=True)
    assert sid[:6] in seen
    for secret in (sid, remember):
        assert secret not in json.dumps(record) and secret not in seen


def test_naive_twin_login_answers_json_when_asked(client):
    response = client.post(
        "/vulnerable/session/login",
        data={"username": "bob", "password": PASSWORDS["bob"]},
        headers={"Accept": "application/json"},
    )
    assert response.get_json()["user"] == "bob" and response.get_json()["sid"].isdigit()


def test_every_local_link_on_the_lab_pages_works(client):
    login(client)
    for page in ("/session/", "/vulnerable/session/", "/account/password"):
        html = client.get(page).get_data(as_text=True)
        for href in sorted(set(re.findall(r'href="(/[^"#]*)', html))):
            with client.get(href) as response:
                assert response.status_code < 400, f"{page} links to {href}"
