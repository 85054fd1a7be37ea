"""The OAuth lab's and the provider's challenges over plain HTTP: judges, victim checks, near
misses, the real attempts, and the twins' new endpoints under hostile input.

The victim bot's visit is stood in for by the row it leaves (models.VictimVisit: what her browser
held) or by a Victim with the hops her browser made; the real bot runs in
test_oauth_challenges_browser.py. Codes come from the live provider, as curl would get them.
"""

import base64
import hashlib
import json
import secrets
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from blueprints.challenges import oauth_challenges, oauth_steps, players
from blueprints.challenges.catalog import CHALLENGES
from blueprints.challenges.detect import HEADER
from blueprints.challenges.models import VictimVisit
from blueprints.challenges.victim import Victim
from blueprints.source import source_url
from extensions import db
from tests.oauth_flow import CLIENT_ID, csrf_token, query
from tests.session_flow import PASSWORDS

OURS = ("oauth-open-redirect", "oauth-login-csrf", "provider-lax-redirect-uri", "provider-no-pkce")
LAX = "provider-lax-redirect-uri"
NO_PKCE = "provider-no-pkce"
MOBILE = {"client_id": "authlab-notes-mobile", "redirect_uri": "com.authlab.notes:/oauth2redirect"}
APP = "http://localhost:8000"
ATTACKER = "http://attacker.localhost:8003"
CONFIG = {"APP_URL": APP, "ATTACKER_URL": ATTACKER, "PROVIDER_URL": "http://127.0.0.1:8001"}


# --- helpers: a student over HTTP, alice's browser at the provider, the bot's row ----------------


@pytest.fixture
def student(live):
    """A student's curl, with the lab_player cookie the challenge page hands out."""
    http = requests.Session()
    http.get(f"{live.app_url}/challenges", timeout=10)
    yield http
    http.close()


def player_of(http):
    return players.digest(http.cookies["lab_player"])


def code_at_the_naive_provider(live, username="alice", **params):
    """Sign in at the provider and allow at the naive consent page: the code in its redirect."""
    http = requests.Session()
    try:
        authorize = f"{live.provider_url}/naive/authorize?{urlencode(params)}"
        login = http.get(f"{live.provider_url}/login", timeout=10)
        data = {"csrf_token": csrf_token(login.text), "username": username, "password": PASSWORDS[username]}
        http.post(f"{live.provider_url}/login", data=data, allow_redirects=False, timeout=10)
        consent = http.get(authorize, timeout=10)
        assert consent.status_code == 200, consent.text[:300]
        allowed = http.post(
            authorize, data={"csrf_token": csrf_token(consent.text), "approve": "Allow"}, allow_redirects=False
        )
        assert allowed.status_code == 302, allowed.text[:300]
        return query(allowed.headers["Location"])["code"]
    finally:
        http.close()


def lax_params(redirect_uri):
    return {"response_type": "code", "client_id": CLIENT_ID, "scope": "openid profile", "redirect_uri": redirect_uri}


def mobile_params():
    return {"response_type": "code", "scope": "openid profile", **MOBILE}


def victims_visit_left(live, player, challenge, **artifacts):
    """What the victim bot records of a visit for this player: what her browser held."""
    with live.app.app_context():
        row = VictimVisit(id=secrets.token_hex(16), player=player, challenge=challenge, artifacts=json.dumps(artifacts))
        db.session.add(row)
        db.session.commit()


def real_attempt(student, live, challenge_id):
    page = student.get(f"{live.app_url}/challenges/{challenge_id}", timeout=10)
    answer = student.post(
        f"{live.app_url}/challenges/{challenge_id}/real", data={"csrf_token": csrf_token(page.text)}, timeout=30
    )
    assert answer.status_code == 200
    return answer.text


def redeem_as_the_notes_app(live, code):
    form = {"grant_type": "authorization_code", "code": code, **MOBILE}
    return requests.post(f"{live.provider_url}/naive/token", data=form, timeout=10)


def stolen_redirect_uri(live, exploit_id="0123abcd"):
    return f"{live.app_url}@{urlsplit(live.attacker_url).netloc}/collect/{exploit_id}"


def c_hash(code):
    """OIDC Core §3.3.2.11: the left half of the code's SHA-256, base64url (the id_token's c_hash)."""
    return base64.urlsafe_b64encode(hashlib.sha256(code.encode()).digest()[:16]).rstrip(b"=").decode()


def a_victim(*hops):
    return Victim(page=None, config=CONFIG, hops=list(hops))


# --- the catalog ----------------------------------------------------------------------------


@pytest.mark.parametrize("challenge_id", OURS)
def test_each_oauth_challenge_links_a_real_function_that_refuses_it(app, client, challenge_id):
    with app.test_request_context():
        link = source_url(*CHALLENGES[challenge_id].refused_by)
    page = client.get(link.split("#")[0])
    assert page.status_code == 200
    assert CHALLENGES[challenge_id].refused_by[1].split(".")[-1] in page.get_data(as_text=True)


@pytest.mark.parametrize("challenge_id", OURS)
def test_each_oauth_challenge_page_says_not_solved_to_a_new_player(client, challenge_id):
    page = client.get(f"/challenges/{challenge_id}")
    assert page.status_code == 200 and "Not solved" in page.get_data(as_text=True)


@pytest.mark.parametrize("challenge_id", OURS)
def test_the_real_attempt_waits_until_the_challenge_is_solved(client, challenge_id):
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    answer = client.post(f"/challenges/{challenge_id}/real", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/challenges/{challenge_id}")


# --- oauth-open-redirect: the check of her hops, and the real /oauth/login -------------------


def test_open_redirect_counts_a_callback_redirect_to_the_attackers_origin():
    hop = {"url": f"{APP}/vulnerable/oauth/callback?code=x", "status": 302, "location": f"{ATTACKER}/phish"}
    assert oauth_challenges.sent_off_site(a_victim(hop)) == f"{ATTACKER}/phish"


@pytest.mark.parametrize(
    "location",
    ["/vulnerable/oauth/protected", f"{APP}/oauth/", f"{ATTACKER}.evil.example/", f"http://{ATTACKER[7:]}@x.example/"],
)
def test_open_redirect_ignores_a_callback_redirect_that_stays_off_the_attackers_origin(location):
    hop = {"url": f"{APP}/vulnerable/oauth/callback?code=x", "status": 302, "location": location}
    assert oauth_challenges.sent_off_site(a_victim(hop)) is None


def test_open_redirect_ignores_a_redirect_to_the_attacker_from_another_page_than_the_callback():
    hop = {"url": f"{APP}/vulnerable/oauth/login?next=x", "status": 302, "location": f"{ATTACKER}/"}
    assert oauth_challenges.sent_off_site(a_victim(hop)) is None


def test_open_redirect_real_attempt_shows_the_real_login_dropping_an_off_site_next(live):
    with live.app.test_request_context():
        attempt = oauth_steps.real_login_with_next(f"{ATTACKER}/")
    assert attempt.refused and attempt.status == 302
    assert "next = None" in attempt.answer and "it was dropped" in attempt.answer


def test_open_redirect_real_attempt_keeps_a_path_on_the_site(live):
    with live.app.test_request_context():
        attempt = oauth_steps.real_login_with_next("/oauth/protected")
    assert not attempt.refused and "next = '/oauth/protected'" in attempt.answer


# --- oauth-login-csrf: the real callback refuses a code without the session's state ------------


def test_login_csrf_real_attempt_is_refused_before_the_code_is_looked_at(app):
    with app.test_request_context():
        attempt = oauth_steps.real_callback_with("bobs-code-" + secrets.token_hex(4))
    assert attempt.status == 400 and "No sign-in was started in this browser session" in attempt.answer


# --- provider-lax-redirect-uri: the naive callback's judge ---------------------------------------


def test_lax_redirect_uri_is_solved_by_redeeming_a_code_her_visit_sent_to_the_attacker(live, student):
    stolen_to = stolen_redirect_uri(live)
    code = code_at_the_naive_provider(live, **lax_params(stolen_to))
    victims_visit_left(live, player_of(student), LAX, leak=[f"{code} {stolen_to}"])
    answer = student.get(f"{live.app_url}/vulnerable/oauth/callback", params={"code": code}, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers[HEADER] == LAX
    assert student.get(f"{live.app_url}/vulnerable/oauth/protected", timeout=10).json()["user"] == "alice"
    assert "Solved" in student.get(f"{live.app_url}/challenges/{LAX}", timeout=10).text


def test_lax_redirect_uri_real_attempt_is_the_real_provider_refusing_the_same_redirect_uri(live, student):
    stolen_to = stolen_redirect_uri(live)
    code = code_at_the_naive_provider(live, **lax_params(stolen_to))
    victims_visit_left(live, player_of(student), LAX, leak=[f"{code} {stolen_to}"])
    student.get(f"{live.app_url}/vulnerable/oauth/callback", params={"code": code}, allow_redirects=False)
    shown = real_attempt(student, live, LAX)
    assert "The real app answered 400: refused" in shown and "No redirect: the browser stays at the provider" in shown


def test_lax_redirect_uri_stays_unsolved_with_a_code_another_players_victim_leaked(live, student):
    stolen_to = stolen_redirect_uri(live)
    code = code_at_the_naive_provider(live, **lax_params(stolen_to))
    victims_visit_left(live, "someone-else", LAX, leak=[f"{code} {stolen_to}"])
    answer = student.get(f"{live.app_url}/vulnerable/oauth/callback", params={"code": code}, allow_redirects=False)
    assert answer.status_code == 302 and HEADER not in answer.headers


def test_lax_redirect_uri_stays_unsolved_with_her_code_from_the_registered_callback(live, student):
    code = code_at_the_naive_provider(live, **lax_params(f"{live.app_url}/vulnerable/oauth/callback"))
    victims_visit_left(live, player_of(student), LAX, code=[code])  # held, but never sent to the attacker
    answer = student.get(f"{live.app_url}/vulnerable/oauth/callback", params={"code": code}, allow_redirects=False)
    assert answer.status_code == 302 and HEADER not in answer.headers


def test_lax_redirect_uri_stays_unsolved_with_the_students_own_code_sent_to_the_collector(live, student):
    stolen_to = stolen_redirect_uri(live)
    code = code_at_the_naive_provider(live, "bob", **lax_params(stolen_to))
    victims_visit_left(live, player_of(student), LAX, leak=[f"{code} {stolen_to}"])
    answer = student.get(f"{live.app_url}/vulnerable/oauth/callback", params={"code": code}, allow_redirects=False)
    assert answer.status_code == 302 and HEADER not in answer.headers  # bob, not alice


# --- provider-no-pkce: the naive provider's phone app, and the notes app's backend ---------------


def caught_id_token(live):
    code = code_at_the_naive_provider(live, **mobile_params())
    tokens = redeem_as_the_notes_app(live, code)
    assert tokens.status_code == 200, tokens.text
    return code, tokens.json()["id_token"]


def test_no_pkce_the_naive_provider_redeems_the_phone_apps_code_with_no_secret_and_no_verifier(live):
    _code, id_token = caught_id_token(live)
    assert id_token.count(".") == 2


def test_no_pkce_is_solved_by_signing_in_to_the_backend_with_the_code_her_visit_lost(live, student):
    code, id_token = caught_id_token(live)
    victims_visit_left(live, player_of(student), NO_PKCE, code=[code], c_hash=[c_hash(code)])
    answer = student.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": id_token}, timeout=10)
    assert answer.status_code == 200 and answer.json()["user"] == "alice"
    assert answer.headers[HEADER] == NO_PKCE


def test_no_pkce_stays_unsolved_with_an_alice_code_her_visit_never_held(live, student):
    _code, id_token = caught_id_token(live)  # the student signed in as alice themselves
    answer = student.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": id_token}, timeout=10)
    assert answer.json()["user"] == "alice" and HEADER not in answer.headers


def test_no_pkce_stays_unsolved_with_a_code_another_players_victim_lost(live, student):
    code, id_token = caught_id_token(live)
    victims_visit_left(live, "someone-else", NO_PKCE, c_hash=[c_hash(code)])
    answer = student.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": id_token}, timeout=10)
    assert HEADER not in answer.headers


def test_no_pkce_real_attempt_is_the_real_provider_refusing_a_code_without_its_verifier(live, student, monkeypatch):
    monkeypatch.setitem(live.app.config, "SPA_CLIENT_ID", "authlab-spa")  # as the provider hands it over
    code, id_token = caught_id_token(live)
    victims_visit_left(live, player_of(student), NO_PKCE, c_hash=[c_hash(code)])
    student.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": id_token}, timeout=10)
    shown = real_attempt(student, live, NO_PKCE)
    assert "The real app answered 400: refused" in shown and "Missing" in shown and "code_verifier" in shown


def test_no_pkce_the_naive_provider_still_checks_a_verifier_when_the_app_sent_a_challenge(live):
    code = code_at_the_naive_provider(live, **mobile_params(), code_challenge="a" * 43, code_challenge_method="plain")
    assert redeem_as_the_notes_app(live, code).status_code == 400


def test_no_pkce_the_phone_app_takes_no_other_redirect_uri(live):
    params = {**mobile_params(), "redirect_uri": "https://attacker.example/oauth2redirect"}
    assert requests.get(f"{live.provider_url}/naive/authorize", params=params, timeout=10).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"id_token": 7},
        {"id_token": ""},
        {"id_token": "x" * 9000},
        {"id_token": "not.a.token"},
        {"id_token": "e30.e30."},
        {"id_token": "%%%.%%%.%%%"},
        {"id_token": {"nested": [[[[]]]]}},
    ],
)
def test_the_notes_app_backend_refuses_what_is_no_id_token_of_the_naive_provider_with_a_400(live, body):
    answer = requests.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json=body, timeout=10)
    assert answer.status_code == 400 and "error" in answer.json()


def test_the_notes_app_backend_refuses_an_id_token_issued_to_another_app(live):
    token = requests.get(f"{live.provider_url}/naive/id-token-for-another-app", timeout=5).json()["id_token"]
    answer = requests.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": token}, timeout=10)
    assert answer.status_code == 400 and "refused" in answer.json()["error"]


def test_lab_3_the_phone_apps_id_token_signs_nobody_in_to_the_real_app(live):
    _code, id_token = caught_id_token(live)
    http = requests.Session()
    try:
        http.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": id_token}, timeout=10)
        assert http.get(f"{live.app_url}/oauth/protected", timeout=10).status_code == 401
        bearer = {"Authorization": f"Bearer {id_token}"}
        assert requests.get(f"{live.app_url}/jwt/protected", headers=bearer, timeout=10).status_code == 401
    finally:
        http.close()


def test_lab_3_the_phone_app_is_no_client_of_the_real_provider(live):
    params = {
        **mobile_params(),
        "state": "s",
        "nonce": "n",
        "code_challenge": "a" * 43,
        "code_challenge_method": "S256",
    }
    answer = requests.get(f"{live.provider_url}/authorize", params=params, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
