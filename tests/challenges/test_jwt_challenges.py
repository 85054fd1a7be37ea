"""The JWT lab's challenges without a browser: each judge, the twins they watch, the real code's refusals.

The victim's visits run in test_jwt_challenges_browser.py; here a victim's artifact is recorded
as the victim bot records it (a VictimVisit row), so each judge's rule is tested on its own.
"""

import base64
import hashlib
import hmac
import json
import re

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from blueprints.challenges import jwt_challenges, players
from blueprints.challenges.catalog import CHALLENGES
from tests.oauth_flow import csrf_token
from vulnerable import naive_jwt_notes, naive_jwt_refresh
from vulnerable.naive_jwt import PUBLIC_PEM, WEAK_SECRET, encode

SOLVED = "X-Lab-Challenge-Solved"
DEEP = "[" * 5000 + "]" * 5000


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parts(token):
    header, payload, _ = token.split(".")
    return tuple(json.loads(base64.urlsafe_b64decode(p + "==")) for p in (header, payload))


def naive_pair(client, username="bob", password=None):
    password = password or {"alice": "wonderland", "bob": "thebuilder"}[username]
    response = client.post("/vulnerable/jwt/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return response.json


def become_player(client):
    """This client's player digest, after a first visit made it one (the lab_player cookie)."""
    client.get("/challenges")
    return players.digest(client.get_cookie("lab_player").value)


def admin(client, token):
    return client.get("/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {token}"})


def bob_admin_claims(client):
    header, claims = parts(naive_pair(client)["access_token"])
    return header, {**claims, "role": "admin"}


def rs256_with_own_key(header, claims):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "RSA", "n": b64(numbers.n.to_bytes(256, "big")), "e": b64(numbers.e.to_bytes(3, "big"))}
    head = {"alg": "RS256", "typ": "JWT", "jwk": jwk}
    signing_input = f"{b64(json.dumps(head).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))}"


# Each forged-token challenge, and a token made the way its hints lead a student to it.
FORGERS = {
    "jwt-alg-none": lambda header, claims: encode({"alg": "none", "typ": "JWT"}, claims),
    "jwt-weak-secret": lambda header, claims: encode(header, claims, WEAK_SECRET.encode()),
    "jwt-alg-confusion": lambda header, claims: encode({**header, "kid": "naive-rs"}, claims, PUBLIC_PEM),
    "jwt-kid-traversal": lambda header, claims: encode({**header, "kid": "../../../dev/null"}, claims, b""),
    "jwt-jwk-injection": rs256_with_own_key,
}


def solve(client, challenge_id):
    become_player(client)
    token = FORGERS[challenge_id](*bob_admin_claims(client))
    response = admin(client, token)
    assert response.status_code == 200 and response.headers[SOLVED] == challenge_id, response.json
    return token


def real_attempt(client, challenge_id):
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    answer = client.post(f"/challenges/{challenge_id}/real", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


# --- The naive server's sign-in -------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice"},
        {"username": "alice", "password": "thebuilder"},
        {"username": "alice", "password": ["wonderland"]},
        {"username": ["alice"], "password": "wonderland"},
    ],
)
def test_naive_jwt_login_refuses_a_missing_or_wrong_password(client, body):
    response = client.post("/vulnerable/jwt/login", json=body)
    assert response.status_code == 401 and response.json == {"error": "invalid username or password"}


def test_two_naive_sign_ins_in_the_same_second_get_different_tokens(client):
    assert naive_pair(client, "alice")["access_token"] != naive_pair(client, "alice")["access_token"]


# --- The forged-token challenges -------------------------------------------------------------


@pytest.mark.parametrize("challenge_id", sorted(FORGERS))
def test_each_forged_bob_admin_token_solves_exactly_its_own_challenge(client, challenge_id):
    solve(client, challenge_id)
    assert "Solved" in client.get(f"/challenges/{challenge_id}").get_data(as_text=True)


def test_bobs_own_naive_token_solves_nothing(client):
    become_player(client)
    response = admin(client, naive_pair(client)["access_token"])
    assert response.status_code == 403 and SOLVED not in response.headers


def test_a_naive_token_the_student_got_by_signing_in_as_alice_solves_nothing(client):
    become_player(client)
    response = admin(client, naive_pair(client, "alice")["access_token"])
    assert response.status_code == 200 and SOLVED not in response.headers


def test_an_absolute_kid_to_dev_null_also_leaves_the_key_folder(client):
    become_player(client)
    header, claims = bob_admin_claims(client)
    response = admin(client, encode({**header, "kid": "/dev/null"}, claims, b""))
    assert response.headers[SOLVED] == "jwt-kid-traversal"


@pytest.mark.parametrize(
    "kid, refusal",
    [
        ("../../../etc/passwd", "no such file: /etc/passwd"),  # it exists on disk; the simulation never looks
        ("/etc/hostname", "no such file: /etc/hostname"),
        ("naive-hs/../../../../proc/self/environ", "no such file: /proc/self/environ"),
        ("//dev/null", "no such file: //dev/null"),
        ("", "kid is not a file name"),
        ("a\x00b", "kid is not a file name"),
        (5, "kid is not a file name"),
        (["naive-hs"], "kid is not a file name"),
        ("x" * 300, "kid: file name too long"),
    ],
)
def test_a_kid_outside_the_simulated_key_folder_is_no_such_file(client, kid, refusal):
    header, claims = bob_admin_claims(client)
    response = admin(client, encode({**header, "kid": kid}, claims, b""))
    assert response.status_code == 401 and response.json["error"] == f"naive verifier refused: {refusal}"


@pytest.mark.parametrize(
    "challenge_id, refusal",
    [
        ("jwt-alg-none", "algorithm not allowed: none"),
        ("jwt-weak-secret", "Signature verification failed"),
        ("jwt-alg-confusion", "unknown key id (kid)"),  # HS256 mode: no public key is published
        ("jwt-kid-traversal", "unknown key id (kid)"),
        ("jwt-jwk-injection", "key named in the header (jwk): refused, never fetched"),
    ],
)
def test_the_real_code_refuses_each_forged_token_attack(client, challenge_id, refusal):
    solve(client, challenge_id)
    page = real_attempt(client, challenge_id)
    assert "The real app answered 401: refused" in page
    assert refusal in page.replace("&#34;", '"').replace("&#39;", "'")


def test_the_weak_secret_real_attempt_cracks_bobs_real_token_in_vain_first(client):
    solve(client, "jwt-weak-secret")
    assert re.search(
        r"The same word list against it: \d+ words in \d+ ms, none of them is its key",
        real_attempt(client, "jwt-weak-secret"),
    )


def test_in_rs256_mode_the_real_attempt_confuses_the_published_key_and_its_algorithm_refuses(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    client = create_app(app_config(tmp_path / "rs", JWT_ALGORITHM="RS256")).test_client()
    client.post("/jwt/login", json={"username": "bob", "password": "thebuilder"})  # the keyring's first RS256 key
    solve(client, "jwt-alg-confusion")
    assert re.search(
        r"algorithm HS256 does not match key rs256-\w+ \(RS256\)", real_attempt(client, "jwt-alg-confusion")
    )


# Imported above, jwt_challenges has registered every JWT challenge before the list is read.
@pytest.mark.parametrize("challenge_id", sorted(c.id for c in CHALLENGES.values() if c.lab == jwt_challenges.LAB))
def test_the_line_that_refuses_each_jwt_challenge_opens_in_the_source_viewer(app, client, challenge_id):
    from blueprints.source import source_url

    with app.test_request_context():
        link = source_url(*CHALLENGES[challenge_id].refused_by)
    assert "#L" in link and client.get(link.split("#")[0]).status_code == 200


# --- jwt-refresh-replay: the naive refresh and its log ---------------------------------------


def refresh(client, token):
    return client.post("/vulnerable/jwt/refresh", headers={"Authorization": f"Bearer {token}"})


def victim_held(app, player, kind, value):
    """A victim bot's visit for `player` whose browser held `value`, recorded as the bot records it."""
    from blueprints.challenges.models import VictimVisit
    from extensions import db

    with app.app_context():
        visit_id = hashlib.sha256(value.encode()).hexdigest()[:32]
        db.session.add(VictimVisit(id=visit_id, player=player, challenge="t", artifacts=json.dumps({kind: [value]})))
        db.session.commit()


def test_the_naive_refresh_rotates_but_takes_a_used_refresh_token_again(client):
    first = naive_pair(client, "alice")["refresh_token"]
    rotated = refresh(client, first)
    again = refresh(client, first)
    assert rotated.status_code == again.status_code == 200
    assert rotated.json["refresh_token"] != first
    assert parts(again.json["access_token"])[1]["sub"] == "alice"


def test_replaying_the_victims_used_refresh_token_solves_refresh_replay(app, client):
    player = become_player(client)
    leaked = naive_pair(app.test_client(), "alice")["refresh_token"]
    victim_held(app, player, "naive_refresh", leaked)
    assert SOLVED not in refresh(app.test_client(), leaked).headers  # alice's own refresh: the first use
    assert refresh(client, leaked).headers[SOLVED] == "jwt-refresh-replay"


def test_the_first_use_of_the_victims_refresh_token_is_no_replay(app, client):
    player = become_player(client)
    leaked = naive_pair(app.test_client(), "alice")["refresh_token"]
    victim_held(app, player, "naive_refresh", leaked)
    assert SOLVED not in refresh(client, leaked).headers


def test_replaying_your_own_used_refresh_token_does_not_solve_refresh_replay(client):
    become_player(client)
    own = naive_pair(client, "alice")["refresh_token"]
    refresh(client, own)
    response = refresh(client, own)
    assert response.status_code == 200 and SOLVED not in response.headers


def test_replaying_another_players_victims_token_does_not_solve_it(app, client):
    become_player(client)
    leaked = naive_pair(app.test_client(), "alice")["refresh_token"]
    victim_held(app, "someone-else", "naive_refresh", leaked)
    refresh(app.test_client(), leaked)
    assert SOLVED not in refresh(client, leaked).headers


def test_the_real_code_revokes_the_family_when_a_used_refresh_token_comes_back(app, client):
    player = become_player(client)
    leaked = naive_pair(app.test_client(), "alice")["refresh_token"]
    victim_held(app, player, "naive_refresh", leaked)
    refresh(app.test_client(), leaked)
    refresh(client, leaked)
    page = real_attempt(client, "jwt-refresh-replay").replace("&#34;", '"')
    assert "The real app answered 401: refused" in page
    assert "refresh token reused: the whole family is revoked" in page


@pytest.mark.parametrize("kind", ["access", "garbage", "deep", "forged-sub"])
def test_the_naive_refresh_wants_a_refresh_token_of_a_naive_account(client, kind):
    header, claims = parts(naive_pair(client)["refresh_token"])
    token = {
        "access": naive_pair(client)["access_token"],
        "garbage": "a.b.c",
        "deep": f"{b64(DEEP.encode())}.{b64(b'{}')}.",
        "forged-sub": encode(header, {**claims, "sub": "carol"}, WEAK_SECRET.encode()),
    }[kind]
    response = refresh(client, token)
    assert response.status_code == 401 and "error" in response.json


def test_the_debug_log_shows_the_refresh_token_of_your_own_lines_only(app, client):
    become_player(client)
    mine = naive_pair(client, "alice")["refresh_token"]
    refresh(client, mine)
    other = app.test_client()
    become_player(other)
    theirs = naive_pair(other, "alice")["refresh_token"]
    refresh(other, theirs)
    log = client.get("/vulnerable/jwt/log")
    assert log.mimetype == "text/plain"
    assert f"Authorization: Bearer {mine}" in log.text and theirs not in log.text


def test_the_debug_log_shows_the_victims_line_to_her_attacker(app, client):
    player = become_player(client)
    leaked = naive_pair(app.test_client(), "alice")["refresh_token"]
    victim_held(app, player, "naive_refresh", leaked)
    refresh(app.test_client(), leaked)  # the victim's own refresh, from her browser (no lab_player)
    assert f"user=alice Authorization: Bearer {leaked}" in client.get("/vulnerable/jwt/log").text


def test_the_debug_log_shows_nothing_without_a_player_cookie(app, client):
    become_player(client)
    refresh(client, naive_pair(client, "alice")["refresh_token"])
    assert "Bearer" not in app.test_client().get("/vulnerable/jwt/log").text


def test_lab_1_the_debug_log_keeps_only_its_newest_lines(app, client, monkeypatch):
    from extensions import db

    monkeypatch.setattr(naive_jwt_refresh, "KEEP_LOG", 5)
    token = naive_pair(client)["refresh_token"]
    for _ in range(12):
        assert refresh(client, token).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(naive_jwt_refresh.RefreshLogLine)) <= 5


# --- jwt-xss-token-theft: the notes app, and whose token counts ------------------------------


def post_note(client, text, token=None):
    token = token or naive_pair(client)["access_token"]
    return client.post("/vulnerable/jwt/notes", json={"text": text}, headers={"Authorization": f"Bearer {token}"})


def test_using_the_token_the_victim_held_solves_xss_token_theft(app, client):
    player = become_player(client)
    stolen = naive_pair(app.test_client(), "alice")["access_token"]
    victim_held(app, player, "naive_jwt_token", stolen)
    assert admin(client, stolen).headers[SOLVED] == "jwt-xss-token-theft"


def test_the_victims_own_browser_using_her_token_credits_nobody(app, client):
    player = become_player(client)
    stolen = naive_pair(app.test_client(), "alice")["access_token"]
    victim_held(app, player, "naive_jwt_token", stolen)
    assert SOLVED not in admin(app.test_client(), stolen).headers


def test_the_real_code_refuses_the_stolen_token_and_names_its_csp(app, client):
    player = become_player(client)
    stolen = naive_pair(app.test_client(), "alice")["access_token"]
    victim_held(app, player, "naive_jwt_token", stolen)
    admin(client, stolen)
    page = real_attempt(client, "jwt-xss-token-theft").replace("&#39;", "'")
    assert "The real app answered 401: refused" in page
    assert "script-src 'self'" in page and "unknown key id (kid)" in page.replace("&#34;", '"')


def test_a_note_is_rendered_unescaped_on_its_authors_board(client):
    become_player(client)
    assert post_note(client, "<b id=mark>hi</b>").status_code == 201
    assert "<b id=mark>hi</b>" in client.get("/vulnerable/jwt/notes").text


def test_the_escaped_view_shows_the_same_note_escaped(client):
    become_player(client)
    post_note(client, "<b id=mark>hi</b>")
    assert "&lt;b id=mark&gt;hi&lt;/b&gt;" in client.get("/vulnerable/jwt/notes?view=escaped").text


def test_lab_3_another_browser_opening_the_notes_page_sees_its_own_board_not_the_authors(app, client):
    become_player(client)
    post_note(client, "<script>steal()</script>")
    classmate = app.test_client()
    become_player(classmate)
    assert "steal()" not in classmate.get("/vulnerable/jwt/notes").text
    assert "steal()" not in app.test_client().get("/vulnerable/jwt/notes").text  # nor a browser with no player


def test_lab_3_a_victim_pass_opens_its_players_board_and_no_other(app, client):
    player = become_player(client)
    post_note(client, "<script>steal()</script>")
    with app.test_request_context():
        visit_pass = naive_jwt_notes.admit(player)
    bot = app.test_client()
    bot.set_cookie(naive_jwt_notes.VISIT_COOKIE, visit_pass, path="/vulnerable/jwt/")
    assert "steal()" in bot.get("/vulnerable/jwt/notes").text
    bot.set_cookie(naive_jwt_notes.VISIT_COOKIE, visit_pass + "x", path="/vulnerable/jwt/")
    assert "steal()" not in bot.get("/vulnerable/jwt/notes").text


def test_lab_3_a_victim_pass_expires(app, client, monkeypatch):
    player = become_player(client)
    post_note(client, "<script>steal()</script>")
    monkeypatch.setattr(naive_jwt_notes, "PASS_SECONDS", -1)
    bot = app.test_client()
    bot.set_cookie(naive_jwt_notes.VISIT_COOKIE, naive_jwt_notes.admit(player), path="/vulnerable/jwt/")
    assert "steal()" not in bot.get("/vulnerable/jwt/notes").text


def test_lab_1_victim_passes_are_bounded(app, monkeypatch):
    monkeypatch.setattr(naive_jwt_notes, "KEEP_PASSES", 3)
    monkeypatch.setattr(naive_jwt_notes, "PASSES", {})
    for n in range(10):
        naive_jwt_notes.admit(f"board-{n}")
    assert len(naive_jwt_notes.PASSES) <= 3


def test_lab_3_the_notes_page_csp_confines_its_scripts_to_the_naive_jwt_paths_and_the_collector(app, client):
    policy = dict(
        directive.split(" ", 1)
        for directive in client.get("/vulnerable/jwt/notes").headers["Content-Security-Policy"].split("; ")
    )
    twin, collector = f"{app.config['APP_URL']}/vulnerable/jwt/", f"{app.config['ATTACKER_URL']}/collect/"
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == f"{twin} {collector}"
    assert policy["form-action"] == twin
    assert "'self'" not in " ".join(policy.values())


def test_lab_3_the_inline_script_allowance_is_on_the_notes_page_only(client):
    assert "'unsafe-inline'" in client.get("/vulnerable/jwt/notes").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/vulnerable/session/").headers["Content-Security-Policy"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001, 5, None, ["<b>"]])
def test_a_note_is_one_to_4000_characters_of_text(client, text):
    become_player(client)
    response = post_note(client, text)
    assert response.status_code == 400 and "1 to 4000" in response.json["error"]


def test_a_note_needs_a_token_the_naive_verifier_believes(client):
    become_player(client)
    assert post_note(client, "hi", token="a.b.c").status_code == 401


def test_a_note_needs_a_player_cookie(client):
    response = post_note(client, "hi")
    assert response.status_code == 400 and "lab_player" in response.json["error"]


def test_a_deeply_nested_note_body_is_a_400(client):
    become_player(client)
    token = naive_pair(client)["access_token"]
    response = client.post(
        "/vulnerable/jwt/notes",
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400


def unsigned(payload, header=b'{"alg": "none"}'):
    """An alg-none token made of raw JSON parts, as a hostile student would type them."""
    return f"{b64(header)}.{b64(payload)}."


# Hostile tokens: parts that a naive parse would believe, and then a page, a note or a log would choke on.
HOSTILE_TOKENS = {
    "lone-surrogate-sub": unsigned(b'{"sub": "\\ud800", "role": "admin", "type": "refresh"}'),
    "deep-claim": unsigned(b'{"sub": "bob", "role": "admin", "x": ' + DEEP.encode() + b"}"),
    "moderately-deep-claim": unsigned(b'{"sub": "bob", "role": "admin", "x": ' + b"[" * 900 + b"]" * 900 + b"}"),
    "deep-header": unsigned(b'{"sub": "bob", "role": "admin"}', b'{"alg": "none", "x": ' + DEEP.encode() + b"}"),
    "not-utf-8": unsigned(b"\xff\xfe"),
    "list-claims": unsigned(b"[]"),
    "sub-object": unsigned(b'{"sub": {"a": 1}, "role": "admin", "type": "refresh"}'),
    "jwk-not-a-key": unsigned(b"{}", b'{"alg": "RS256", "jwk": {"n": 5, "e": []}}') + "AAAA",
}
TWIN_ENDPOINTS = [
    ("GET", "/vulnerable/jwt/admin"),
    ("GET", "/vulnerable/jwt/protected"),
    ("POST", "/vulnerable/jwt/refresh"),
    ("POST", "/vulnerable/jwt/notes"),
]


@pytest.mark.parametrize("kind", sorted(HOSTILE_TOKENS))
@pytest.mark.parametrize(("method", "path"), TWIN_ENDPOINTS)
def test_hdr_7_a_hostile_token_at_a_naive_jwt_endpoint_is_never_a_500(client, kind, method, path):
    become_player(client)
    headers = {"Authorization": f"Bearer {HOSTILE_TOKENS[kind]}"}
    response = client.open(path, method=method, headers=headers, json={"text": "hi"} if method == "POST" else None)
    # The naive server believes some of them (that is its flaw): an answer, never a crash.
    assert response.status_code < 500 and response.is_json


def test_a_claim_that_is_not_text_is_refused_by_the_naive_verifier(client):
    response = admin(client, HOSTILE_TOKENS["lone-surrogate-sub"])
    assert response.status_code == 401 and "not JSON text" in response.json["error"]


def test_lab_1_a_board_keeps_its_newest_notes(client, monkeypatch):
    monkeypatch.setattr(naive_jwt_notes, "KEEP_PER_BOARD", 3)
    become_player(client)
    token = naive_pair(client)["access_token"]
    for n in range(6):
        post_note(client, f"note-{n}", token)
    page = client.get("/vulnerable/jwt/notes").text
    assert "note-2" not in page and all(f"note-{n}" in page for n in (3, 4, 5))


def test_clearing_deletes_your_own_board_only(app, client):
    become_player(client)
    post_note(client, "mine")
    other = app.test_client()
    become_player(other)
    post_note(other, "theirs")
    assert client.post("/vulnerable/jwt/notes/clear", json={}).json == {"deleted": 1}
    assert "theirs" in other.get("/vulnerable/jwt/notes").text


def test_another_site_cannot_clear_a_board(app, client):
    become_player(client)
    post_note(client, "mine")
    forged = client.post("/vulnerable/jwt/notes/clear", data="x", content_type="text/plain",
                         headers={"Origin": app.config["ATTACKER_URL"]})  # fmt: skip
    assert forged.status_code in (400, 403)
    assert "mine" in client.get("/vulnerable/jwt/notes").text


def test_lab_3_the_naive_refresh_and_notes_touch_nothing_of_the_real_jwt_demo(client, monkeypatch):
    from blueprints.jwt import blocklist, families, keys, tokens

    def forbidden(*_args, **_kwargs):
        raise AssertionError("a twin reached into the real JWT demo")

    for module, name in [(tokens, "issue"), (keys, "signing_material"), (families, "redeem"), (families, "register")]:
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(blocklist, "revoke", forbidden)
    monkeypatch.setattr("models.authenticate", forbidden)
    become_player(client)
    pair = naive_pair(client, "alice")
    assert refresh(client, pair["refresh_token"]).status_code == 200
    assert post_note(client, "hi", pair["access_token"]).status_code == 201
    assert client.get("/vulnerable/jwt/log").status_code == 200


# --- Plain HTTP, as curl would: the weak secret cracked and used ------------------------------


def test_jwt_weak_secret_is_solved_from_plain_http_with_the_player_cookie(live):
    base = live.app_url
    player = re.search(r"lab_player=([\w-]+)", requests.get(f"{base}/challenges", timeout=10).headers["Set-Cookie"])
    cookie = {"Cookie": f"lab_player={player.group(1)}"}
    pair = requests.post(f"{base}/vulnerable/jwt/login", json={"username": "bob", "password": "thebuilder"}, timeout=10)
    signing_input, signature = pair.json()["access_token"].rsplit(".", 1)
    words = requests.get(f"{base}/vulnerable/jwt/wordlist.txt", timeout=10).text.split()
    secret = next(
        w for w in words if b64(hmac.new(w.encode(), signing_input.encode(), hashlib.sha256).digest()) == signature
    )
    header, claims = parts(pair.json()["access_token"])
    forged = encode(header, {**claims, "role": "admin"}, secret.encode())
    answer = requests.get(
        f"{base}/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged}", **cookie}, timeout=10
    )
    assert answer.status_code == 200 and answer.headers[SOLVED] == "jwt-weak-secret"
    assert "Solved" in requests.get(f"{base}/challenges/jwt-weak-secret", headers=cookie, timeout=10).text
