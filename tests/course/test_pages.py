"""The home page, the header's sign-in state, and sign-up (PW-1, PW-2, PW-5)."""

import re

import pytest

from models import User, authenticate


def csrf_token(client, path="/signup"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_up(client, username="carol", password="correct horse battery", confirm=None):
    return client.post(
        "/signup",
        data={
            "csrf_token": csrf_token(client),
            "username": username,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def test_home_shows_the_three_approaches_side_by_side(client):
    page = client.get("/").get_data(as_text=True)
    for title in ("JWT: a signed token", "Sessions: state on the server", "OAuth 2.0 and OpenID Connect"):
        assert title in page


def test_home_links_into_each_lab(client):
    page = client.get("/").get_data(as_text=True)
    for href in ('href="/jwt/"', 'href="/session/"', 'href="/oauth/"'):
        assert href in page


def test_header_shows_every_mechanism_signed_out_at_first(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count(">signed out<") == 3


def test_signup_creates_an_account_that_can_sign_in(app, client):
    response = sign_up(client)
    assert response.status_code == 302
    with app.app_context():
        assert authenticate("carol", "correct horse battery").username == "carol"


def test_pw_1_passwords_are_stored_as_argon2id(production_argon2, app, client):
    sign_up(client)
    with app.app_context():
        stored = User.query.filter_by(username="carol").one().password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_pw_2_a_password_under_8_characters_is_refused(client):
    response = sign_up(client, password="short7!")
    assert response.status_code == 400
    assert "at least 8 characters" in response.get_data(as_text=True)


def test_pw_2_a_common_password_is_refused(client):
    response = sign_up(client, password="password123")
    assert response.status_code == 400
    assert "common passwords" in response.get_data(as_text=True)


def test_pw_2_a_64_character_password_of_any_characters_is_accepted(app, client):
    password = "ünïcödé 🔑 spaces and symbols !@#$%^&*()" + "x" * 30
    assert len(password) >= 64
    assert sign_up(client, password=password).status_code == 302
    with app.app_context():
        assert authenticate("carol", password) is not None


def test_pw_2_a_long_password_is_not_truncated(app, client):
    password = "a long passphrase that goes on " * 3
    sign_up(client, password=password)
    with app.app_context():
        assert authenticate("carol", password[:-1]) is None


def test_signup_refuses_a_taken_username(client):
    response = sign_up(client, username="alice")
    assert response.status_code == 400
    assert "taken" in response.get_data(as_text=True)


def test_signup_refuses_mismatched_confirmation(client):
    response = sign_up(client, confirm="something else entirely")
    assert response.status_code == 400
    assert "differ" in response.get_data(as_text=True)


def test_pw_5_signup_form_without_csrf_token_is_refused(client):
    response = client.post("/signup", data={"username": "eve", "password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "fields",
    ["", "username=" + "x" * 5000, "username=%00%01", "username=a&username=b", "username=%FF%FE&password=%C0"],
)
def test_signup_answers_bad_forms_with_400(client, fields):
    body = f"csrf_token={csrf_token(client)}&{fields}"
    response = client.post("/signup", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_demo_accounts_are_seeded_with_their_roles(app):
    with app.app_context():
        roles = {u.username: u.role for u in User.query.all()}
    assert roles == {"alice": "admin", "bob": "user"}


def test_healthz_answers_json_with_the_instance_name(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "instance": "app"}
