"""The session lab's challenges over plain HTTP: judges, victim checks, near misses, the real attempt.

The victim bot's visit is stood in for by the row it leaves (models.VictimVisit: what her
browser held) or by a Victim with the hops her browser made; the real bot runs in
test_session_challenges_browser.py.
"""

import json
import secrets
from types import SimpleNamespace

import pytest

from blueprints.challenges import players, progress
from blueprints.challenges.catalog import CHALLENGES
from blueprints.challenges.detect import HEADER
from blueprints.challenges.models import VictimVisit
from blueprints.challenges.victim import Victim
from extensions import db
from tests.oauth_flow import csrf_token
from vulnerable.accounts import NAIVE_ACCOUNTS

ATTACKER = "http://attacker.localhost:8003"
NAIVE = "/vulnerable/session"


@pytest.fixture
def student(client):
    """A student's browser (or curl) with its lab_player cookie."""
    client.get("/challenges")
    return client


def player_of(client):
    return players.digest(client.get_cookie("lab_player").value)


def sign_in_to_the_twin(client, username="alice", sid=None):
    """Sign in to the naive twin (after planting `sid` when given); the browser's naive_sid."""
    if sid:
        client.get(f"{NAIVE}/?sid={sid}")
    client.post(f"{NAIVE}/login", data={"username": username, "password": NAIVE_ACCOUNTS[username][0]})
    return client.get_cookie("naive_sid").value


def victims_browser_held(app, player, sid):
    """What the victim bot records of a visit: the naive_sid her browser held, for this player."""
    with app.app_context():
        artifacts = json.dumps({"naive_sid": [sid]})
        db.session.add(VictimVisit(id=secrets.token_hex(16), player=player, challenge="x", artifacts=artifacts))
        db.session.commit()


def solves_of(app, client):
    with app.app_context():
        return set(progress.solves(player_of(client)))


# --- session-fixation's judge --------------------------------------------------------------


def test_session_fixation_is_solved_by_reading_an_id_planted_in_the_victims_browser(app, student):
    planted = "mallory-" + secrets.token_hex(4)
    sign_in_to_the_twin(app.test_client(), sid=planted)  # her browser: the link, then her sign-in
    victims_browser_held(app, player_of(student), planted)
    answer = student.get(f"{NAIVE}/whoami?sid={planted}")
    assert answer.get_json() == {"sid": planted, "user": "alice"}
    assert answer.headers[HEADER] == "session-fixation"


def test_session_fixation_stays_unsolved_when_the_student_plants_and_signs_in_as_alice_themselves(app, student):
    planted = "mallory-" + secrets.token_hex(4)
    sign_in_to_the_twin(student, sid=planted)
    answer = student.get(f"{NAIVE}/whoami?sid={planted}")
    assert answer.get_json()["user"] == "alice" and HEADER not in answer.headers
    assert "Not solved" in student.get("/challenges/session-fixation").get_data(as_text=True)


def test_session_fixation_stays_unsolved_for_another_player_reading_the_planted_id(app, student):
    planted = "mallory-" + secrets.token_hex(4)
    sign_in_to_the_twin(app.test_client(), sid=planted)
    victims_browser_held(app, player_of(student), planted)
    someone_else = app.test_client()
    someone_else.get("/challenges")
    answer = someone_else.get(f"{NAIVE}/whoami?sid={planted}")
    assert answer.get_json()["user"] == "alice" and HEADER not in answer.headers
    assert solves_of(app, someone_else) == set()


def test_session_fixation_stays_unsolved_for_an_id_the_counter_issued_to_the_victim(app, student):
    issued = sign_in_to_the_twin(app.test_client())
    victims_browser_held(app, player_of(student), issued)
    student.get(f"{NAIVE}/whoami?sid={issued}")
    assert solves_of(app, student) == {"session-guess-id"}  # a guess, not a fixation


def test_session_guess_id_stays_unsolved_for_a_planted_id(app, student):
    planted = "mallory-" + secrets.token_hex(4)
    sign_in_to_the_twin(app.test_client(), sid=planted)
    victims_browser_held(app, player_of(student), planted)
    student.get(f"{NAIVE}/whoami?sid={planted}")
    assert solves_of(app, student) == {"session-fixation"}


# --- The victim checks of session-csrf and session-login-csrf ------------------------------


def victim_with(app, sid, hops=()):
    """The victim's browser as a check sees it: the id she held, the hops she made, her cookie."""
    jar = SimpleNamespace(cookies=lambda url: [{"name": "naive_sid", "value": sid}])
    victim = Victim(SimpleNamespace(context=jar), app.config, hops=list(hops))
    victim.hold("naive_sid", sid)
    return victim


def hop(app, path, status=200, origin=ATTACKER):
    return {"method": "POST", "url": app.config["APP_URL"] + path, "status": status, "origin": origin}


def test_session_csrf_is_solved_by_her_browser_posting_the_note_from_the_attacker(app):
    sid = sign_in_to_the_twin(app.test_client())
    app.test_client().post(f"{NAIVE}/note?sid={sid}", data={"note": "pwned"}, headers={"Origin": ATTACKER})
    check = CHALLENGES["session-csrf"].victim.check
    with app.app_context():
        assert check(victim_with(app, sid, [hop(app, f"{NAIVE}/note")])) == "pwned"


def test_session_csrf_stays_unsolved_when_curl_forges_the_origin_on_her_guessed_id(app):
    sid = sign_in_to_the_twin(app.test_client())
    app.test_client().post(f"{NAIVE}/note?sid={sid}", data={"note": "pwned"}, headers={"Origin": ATTACKER})
    check = CHALLENGES["session-csrf"].victim.check
    with app.app_context():
        assert check(victim_with(app, sid)) is None  # her browser sent nothing


def test_session_csrf_stays_unsolved_when_her_browser_posted_someone_elses_note(app):
    sid = sign_in_to_the_twin(app.test_client())
    students = sign_in_to_the_twin(app.test_client(), "bob")
    app.test_client().post(f"{NAIVE}/note?sid={sid}", data={"note": "pwned"}, headers={"Origin": ATTACKER})
    check = CHALLENGES["session-csrf"].victim.check
    with app.app_context():
        assert check(victim_with(app, sid, [hop(app, f"{NAIVE}/note?sid={students}")])) is None


def test_session_csrf_stays_unsolved_for_a_note_written_on_the_naive_page_itself(app):
    sid = sign_in_to_the_twin(app.test_client())
    app.test_client().post(f"{NAIVE}/note?sid={sid}", data={"note": "mine"}, headers={"Origin": app.config["APP_URL"]})
    check = CHALLENGES["session-csrf"].victim.check
    with app.app_context():
        assert check(victim_with(app, sid, [hop(app, f"{NAIVE}/note", origin=app.config["APP_URL"])])) is None


def test_session_login_csrf_stays_unsolved_when_bobs_session_was_planted_not_posted(app):
    bobs = sign_in_to_the_twin(app.test_client(), "bob")  # the student's own sign-in as bob
    check = CHALLENGES["session-login-csrf"].victim.check
    with app.app_context():
        assert check(victim_with(app, bobs)) is None


def test_session_login_csrf_is_solved_when_her_browser_was_signed_in_as_bob_cross_site(app):
    bobs = sign_in_to_the_twin(app.test_client(), "bob")
    check = CHALLENGES["session-login-csrf"].victim.check
    with app.app_context():
        assert "signed in as bob" in check(victim_with(app, bobs, [hop(app, f"{NAIVE}/login", status=303)]))


# --- The last step: the real code refuses the same attack ----------------------------------

REFUSALS = {
    "session-guess-id": ("41", "401", "No valid session"),
    "session-fixation": ("mallory x;\n", "401", "No valid session"),
    "session-csrf": ("pwned", "400", "Cross-site request refused"),
    "session-login-csrf": ("signed in as bob", "400", "Cross-site request refused"),
}


@pytest.mark.parametrize("challenge_id", sorted(REFUSALS))
def test_the_real_code_refuses_the_attack_that_solved_the_challenge(app, student, challenge_id):
    evidence, status, words = REFUSALS[challenge_id]
    with app.app_context():
        progress.mark_solved(player_of(student), challenge_id, evidence)
    page = f"/challenges/{challenge_id}"
    token = csrf_token(student.get(page).get_data(as_text=True))
    text = student.post(f"{page}/real", data={"csrf_token": token}).get_data(as_text=True)
    assert f"The real app answered {status}: refused" in text and words in text


@pytest.mark.parametrize("challenge_id", sorted(REFUSALS))
def test_a_solved_challenge_links_the_real_code_that_refuses_it(app, student, challenge_id):
    with app.app_context():
        progress.mark_solved(player_of(student), challenge_id, REFUSALS[challenge_id][0])
    page = student.get(f"/challenges/{challenge_id}")
    module, symbol = CHALLENGES[challenge_id].refused_by
    assert page.status_code == 200 and f"<code>{symbol}</code> in {module}" in page.get_data(as_text=True)
