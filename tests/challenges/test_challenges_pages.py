"""The challenges' pages and progress, in-process: what a student sees and what the server keeps."""

import base64
import json
import re

from app import create_app
from tests.conftest import PASSWORDS, app_config

CHALLENGE = "/challenges/jwt-alg-none"


def b64(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def forged_admin(client):
    """bob's own naive token, edited to role admin and alg none: what solves jwt-alg-none."""
    token = client.post("/vulnerable/jwt/login", json={"username": "bob", "password": PASSWORDS["bob"]}).get_json()
    payload = json.loads(base64.urlsafe_b64decode(token["access_token"].split(".")[1] + "=="))
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({**payload, 'role': 'admin'})}."


def form_token(client, path=CHALLENGE):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def status_line(client, path=CHALLENGE):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'id="status">(.*?)</p>', page, re.S).group(1)


def test_a_first_visit_gives_an_httponly_lax_player_cookie(client):
    cookie = client.get("/challenges").headers["Set-Cookie"]
    assert cookie.startswith("lab_player=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_list_shows_every_challenge_unsolved_at_first(client):
    page = client.get("/challenges").get_data(as_text=True)
    assert "Become admin with alg: none" in page and "Solved</strong>" not in page


def test_an_unknown_challenge_is_a_404(client):
    assert client.get("/challenges/no-such-thing").status_code == 404


def test_a_challenge_stays_unsolved_when_the_naive_server_only_sees_a_legit_token(client):
    client.get(CHALLENGE)
    token = client.post("/vulnerable/jwt/login", json={"username": "alice", "password": PASSWORDS["alice"]})
    response = client.get(
        "/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {token.get_json()['access_token']}"}
    )
    assert response.status_code == 200 and "X-Lab-Challenge-Solved" not in response.headers
    assert "Not solved yet" in status_line(client)


def test_the_forged_request_says_in_a_header_that_it_solved_the_challenge(client):
    client.get(CHALLENGE)
    response = client.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(client)}"})
    assert response.headers["X-Lab-Challenge-Solved"] == "jwt-alg-none"


def test_the_challenge_page_says_solved_after_the_forged_request(client):
    client.get(CHALLENGE)
    client.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(client)}"})
    assert "Solved" in status_line(client)


def test_a_solve_without_the_player_cookie_is_not_recorded_and_the_header_says_so(app):
    curl = app.test_client(use_cookies=False)
    response = curl.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(curl)}"})
    assert "not recorded: send your lab_player cookie" in response.headers["X-Lab-Challenge-Solved"]


def test_a_solve_from_curl_with_the_player_cookie_counts_for_that_browser(app):
    browser = app.test_client()
    page = browser.get(CHALLENGE).get_data(as_text=True)
    cookie = re.search(r"Cookie: (lab_player=[A-Za-z0-9_-]{43})", page).group(1)
    curl = app.test_client(use_cookies=False)
    curl.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(curl)}", "Cookie": cookie})
    assert "Solved" in status_line(browser)


def test_another_browser_does_not_see_the_first_ones_solve(app):
    first, second = app.test_client(), app.test_client()
    first.get(CHALLENGE)
    first.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(first)}"})
    assert "Not solved yet" in status_line(second)


def test_a_malformed_player_cookie_is_replaced_not_trusted(client):
    client.set_cookie("lab_player", "1")
    assert client.get("/challenges").headers["Set-Cookie"].startswith("lab_player=")


def test_hints_are_revealed_one_at_a_time(client):
    client.post(f"{CHALLENGE}/hint", data={"csrf_token": form_token(client)})
    page = client.get(CHALLENGE).get_data(as_text=True)
    assert page.count('<ol class="hints"><li>') == 1 and "Show hint 2 of 3" in page


def test_the_hint_ladder_stops_at_its_last_hint(client):
    for _ in range(5):
        client.post(f"{CHALLENGE}/hint", data={"csrf_token": form_token(client)})
    page = client.get(CHALLENGE).get_data(as_text=True)
    assert "That was the last hint." in page and "Show hint 4" not in page


def test_the_solution_is_not_shown_after_the_first_request(client):
    client.post(f"{CHALLENGE}/solution", data={"csrf_token": form_token(client)})
    page = client.get(CHALLENGE).get_data(as_text=True)
    assert "Ask once more to see it" in page and '<ol class="solution">' not in page


def test_the_solution_is_shown_after_the_second_request(client):
    for _ in range(2):
        client.post(f"{CHALLENGE}/solution", data={"csrf_token": form_token(client)})
    assert '<ol class="solution">' in client.get(CHALLENGE).get_data(as_text=True)


def test_asking_for_a_hint_without_the_csrf_token_is_refused(client):
    client.get(CHALLENGE)
    assert client.post(f"{CHALLENGE}/hint", data={"csrf_token": "forged"}).status_code == 400


def test_asking_for_a_hint_from_another_site_is_refused(client, app):
    token = form_token(client)
    origin = {"Origin": app.config["ATTACKER_URL"]}
    assert client.post(f"{CHALLENGE}/hint", data={"csrf_token": token}, headers=origin).status_code == 400


def test_the_real_attempt_waits_for_a_solve(client):
    response = client.post(f"{CHALLENGE}/real", data={"csrf_token": form_token(client)})
    assert response.status_code == 303


def test_the_real_code_refuses_the_token_that_solved_the_challenge(client):
    client.get(CHALLENGE)
    client.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(client)}"})
    page = client.post(f"{CHALLENGE}/real", data={"csrf_token": form_token(client)}).get_data(as_text=True)
    assert "The real app answered 401: refused" in page and "algorithm not allowed: none" in page


def test_the_last_step_links_the_line_that_refuses_the_attack(client):
    client.get(CHALLENGE)
    client.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(client)}"})
    link = re.search(
        r'href="(/source/blueprints/jwt/checks.py#L\d+-L\d+)"', client.get(CHALLENGE).get_data(as_text=True)
    )
    assert link and client.get(link.group(1).split("#")[0]).status_code == 200


def test_progress_survives_a_restart_of_the_server(tmp_path):
    first = create_app(app_config(tmp_path / "instance")).test_client()
    first.get(CHALLENGE)
    first.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(first)}"})
    restarted = create_app(app_config(tmp_path / "instance")).test_client()
    restarted.set_cookie("lab_player", first.get_cookie("lab_player").value)
    assert "Solved" in status_line(restarted)


def test_the_progress_page_counts_the_solved_challenges(client):
    client.get(CHALLENGE)
    client.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged_admin(client)}"})
    assert re.search(r"1 of \d+ challenges solved", client.get("/progress").get_data(as_text=True))


def test_the_progress_page_lists_the_exercises(client):
    page = client.get("/progress").get_data(as_text=True)
    assert "1. A role-required decorator for a JWT API" in page and "not checked yet" in page


def test_production_has_no_challenges(production_app):
    assert production_app.test_client().get("/challenges").status_code == 404


def test_without_a_browser_for_the_victim_the_page_says_how_to_get_one(tmp_path):
    client = create_app(app_config(tmp_path / "instance", VICTIM_BROWSER=str(tmp_path / "no-chromium"))).test_client()
    path = "/challenges/session-guess-id"
    client.post(f"{path}/victim", data={"csrf_token": form_token(client, path)})
    page = client.get(path).get_data(as_text=True)
    assert "The victim bot needs Chromium" in page and "apt install chromium" in page
