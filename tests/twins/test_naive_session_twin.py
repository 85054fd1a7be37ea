"""What the naive session twin records for the challenges (a planted id, a note's Origin), and hostile input."""

import sqlite3

import pytest

from app import create_app
from tests.conftest import app_config

NAIVE = "/vulnerable/session"
ATTACKER = "http://attacker.localhost:8003"


def signed_in(client, username="alice", password="wonderland"):
    client.post(f"{NAIVE}/login", data={"username": username, "password": password})
    return client.get_cookie("naive_sid").value


def test_a_planted_id_is_shown_as_adopted_never_issued(client):
    page = client.get(f"{NAIVE}/?sid=mallory-chose-this").get_data(as_text=True)
    assert "adopted, never issued" in page


def test_an_id_the_counter_gave_is_shown_as_issued(client):
    signed_in(client)
    assert "the counter: issued here" in client.get(f"{NAIVE}/").get_data(as_text=True)


def test_the_note_page_shows_the_origin_the_twin_never_checked(client):
    signed_in(client)
    page = client.post(f"{NAIVE}/note", data={"note": "forged"}, headers={"Origin": ATTACKER})
    assert page.status_code == 200 and f"{ATTACKER} (never checked here)" in page.get_data(as_text=True)


@pytest.mark.parametrize("origin", ["x" * 10_000, "null", "http://ünïcode.test", "\t"])
def test_an_odd_origin_on_the_note_is_stored_cut_short_never_a_500(client, origin):
    signed_in(client)
    page = client.post(f"{NAIVE}/note", data={"note": "n"}, headers={"Origin": origin})
    assert page.status_code == 200
    assert "x" * 201 not in page.get_data(as_text=True)


@pytest.mark.parametrize("sid", ["a" * 5000, "%0Aline", "<script>", "' OR 1=1 --", "%00"])
def test_an_odd_planted_id_is_adopted_cut_short_never_a_500(client, sid):
    page = client.get(f"{NAIVE}/?sid={sid}")
    assert page.status_code == 200 and "<script>" not in page.get_data(as_text=True)
    assert client.get(f"{NAIVE}/whoami?sid={sid}").status_code == 200


def test_an_old_naive_sessions_table_is_retired_and_the_twin_works(tmp_path):
    # A database from before the challenges: the twin's old table, without its new columns.
    instance = tmp_path / "instance"
    create_app(app_config(instance))
    database = instance / "app.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE naive_sessions (seq INTEGER PRIMARY KEY, sid VARCHAR(100))")
    client = create_app(app_config(instance)).test_client()
    assert client.get(f"{NAIVE}/?sid=after-upgrade").status_code == 200
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "naive_sessions" not in tables and "naive_session_records" in tables
