"""PW-7: sign-up and password change refuse guessable passwords, and say why."""

import html
import re

import pytest

import passwords
from models import authenticate
from tests.conftest import PASSWORDS

STRONG = "a quiet orbit of lanterns"


def csrf_token(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_up(client, password, username="carol"):
    form = {"username": username, "password": password, "confirm": password}
    return client.post("/signup", data={"csrf_token": csrf_token(client, "/signup"), **form})


def password_errors(response):
    """The reasons the page shows under the password field."""
    help_block = re.search(r'id="(?:new_)?password-help"(.*?)</div>', response.get_data(as_text=True), re.DOTALL)
    return [html.unescape(e) for e in re.findall(r'class="error" role="alert">([^<]+)<', help_block.group(1))]


@pytest.mark.parametrize("password", ["aaaaaaaa", "abcd1234", " " * 8, "password1", "qwertyuiop", "carol123"])
def test_pw_7_a_guessable_password_is_refused_with_the_reason_on_the_page(app, client, password):
    response = sign_up(client, password)
    assert response.status_code == 400
    reasons = password_errors(response)
    assert any(re.search(r"find it in about [\d.]+( \w+)? guesses", reason) for reason in reasons), reasons
    assert not [reason for reason in reasons if password.strip() and password in reason]  # never echoed
    with app.app_context():
        assert authenticate("carol", password) is None


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
        (" " * 8, 'Repeats like "aaa" are easy to guess.'),
        ("abcd1234", "It is on attackers' lists of common passwords"),
        ("password1", "It is on attackers' lists of common passwords"),
        ("qwertyuiop", "It is on attackers' lists of common passwords"),
        ("carol123", "It is built on your username (carol)"),
    ],
)
def test_pw_7_the_page_says_why_the_password_is_guessable(client, password, why):
    assert any(reason.startswith(why) for reason in password_errors(sign_up(client, password)))


def test_pw_7_the_username_with_a_few_characters_around_it_is_refused(client):
    response = sign_up(client, "Carol2024!", username="carol")
    assert response.status_code == 400
    assert any("built on your username" in reason for reason in password_errors(response))


def test_pw_7_a_strong_passphrase_is_accepted(app, client):
    assert sign_up(client, STRONG).status_code == 302
    with app.app_context():
        assert authenticate("carol", STRONG).username == "carol"


def test_pw_7_the_username_inside_a_strong_passphrase_is_accepted(client):
    assert sign_up(client, "carol plants a quiet orbit of lanterns").status_code == 302


def test_pw_7_the_password_change_page_says_why_too(client):
    client.post("/session/login", json={"username": "alice", "password": PASSWORDS["alice"]})
    form = {"current_password": PASSWORDS["alice"], "new_password": "alice2024", "confirm": "alice2024"}
    response = client.post("/account/password", data={"csrf_token": csrf_token(client, "/account/password"), **form})
    assert response.status_code == 400
    reasons = password_errors(response)
    assert any("built on your username (alice)" in reason for reason in reasons)
    assert any("guesses" in reason for reason in reasons)


def test_pw_7_the_estimator_is_a_real_list_not_a_few_dozen_words():
    from zxcvbn.matching import RANKED_DICTIONARIES

    assert len(RANKED_DICTIONARIES["passwords"]) >= 30_000
    assert sum(len(words) for words in RANKED_DICTIONARIES.values()) >= 90_000


def test_pw_7_the_estimator_reads_at_most_64_characters(monkeypatch):
    # zxcvbn's time grows steeply with length (about a second at 128 characters): one sign-up
    # must not keep a core busy, so it is given at most SCORED_CHARACTERS.
    seen = []
    real = passwords.zxcvbn
    monkeypatch.setattr(passwords, "zxcvbn", lambda password, **kw: seen.append(len(password)) or real(password, **kw))
    long_one = "a quiet orbit of lanterns drifts over Tallinn harbour at 4 am " * 3
    assert passwords.password_problems(long_one[:128], "carol") == []  # 128 characters, accepted whole
    assert seen and max(seen) <= passwords.SCORED_CHARACTERS


def test_pw_7_length_rules_still_hold():
    assert "Use at least 8 characters." in passwords.password_problems("Zq8!xL", "carol")
    assert passwords.password_problems("x" * 129, "carol") == ["Use at most 128 characters."]
    assert passwords.password_problems("the username is not the password", "THE USERNAME IS NOT THE PASSWORD")


def test_pw_7_a_password_of_any_characters_is_estimated_not_refused_for_them():
    assert passwords.password_problems("ñandú pingüino río 42 🦊", "carol") == []
    assert passwords.password_problems("", "carol") == ["Use at least 8 characters."]
