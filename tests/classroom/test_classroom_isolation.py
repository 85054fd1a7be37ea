"""Two students in one class: nothing one does is visible to, or breaks, the other's sandbox."""

import requests

from tests.classroom.conftest import Instructor, alg_none_admin, join, jwt_sign_in

SOLVED = "X-Lab-Challenge-Solved"


def test_a_token_from_one_sandbox_is_refused_in_another(a_class):
    ada, bea = join(a_class, "Ada"), join(a_class, "Bea")
    token = jwt_sign_in(ada)["access_token"]
    mine = ada.http.get(ada.url("app", "/jwt/protected"), headers=bearer(token), timeout=30)
    theirs = bea.http.get(bea.url("app", "/jwt/protected"), headers=bearer(token), timeout=30)
    assert (mine.status_code, theirs.status_code) == (200, 401)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_retiring_every_key_in_one_sandbox_leaves_another_sandboxes_tokens_good(a_class):
    ada, bea = join(a_class, "Ada"), join(a_class, "Bea")
    ada_admin, bea_token = jwt_sign_in(ada)["access_token"], jwt_sign_in(bea)["access_token"]
    old = ada.http.get(ada.url("app", "/jwt/api/keys"), timeout=30).json()["keys"][0]["kid"]
    assert ada.http.post(ada.url("app", "/jwt/api/keys/rotate"), json={}, headers=bearer(ada_admin), timeout=30).ok
    assert ada.http.post(
        ada.url("app", "/jwt/api/keys/retire"), json={"kid": old}, headers=bearer(ada_admin), timeout=30
    ).ok
    assert ada.http.get(ada.url("app", "/jwt/protected"), headers=bearer(ada_admin), timeout=30).status_code == 401
    assert bea.http.get(bea.url("app", "/jwt/protected"), headers=bearer(bea_token), timeout=30).status_code == 200


def test_a_session_cookie_from_one_sandbox_signs_nobody_in_in_another(a_class):
    ada, bea = join(a_class, "Ada"), join(a_class, "Bea")
    assert ada.http.post(
        ada.url("app", "/session/login"), json={"username": "alice", "password": "wonderland"}, timeout=30
    ).ok
    stolen = requests.Session()
    stolen.cookies.update({"session": ada.http.cookies.get("session")})
    assert stolen.get(ada.url("app", "/session/admin"), timeout=30).status_code == 200
    assert stolen.get(bea.url("app", "/session/admin"), timeout=30).status_code == 401


def test_a_challenge_solved_in_one_sandbox_is_not_solved_in_another(a_class):
    ada, bea = join(a_class, "Ada the solver"), join(a_class, "Bea the bystander")
    assert alg_none_admin(ada).headers.get(SOLVED, "").startswith("jwt-alg-none")
    bea.http.get(bea.url("app", "/challenges"), timeout=30)
    teacher = Instructor(a_class)
    teacher.sign_in()
    assert [c["id"] for c in teacher.student("Ada the solver")["solved"]] == ["jwt-alg-none"]
    assert teacher.student("Bea the bystander")["solved"] == []


def test_a_guessed_sandbox_key_finds_nothing(a_class):
    join(a_class, "Ada")
    answer = requests.get(a_class.settings.origin("app") + "/s/" + "A" * 22 + "/jwt/", timeout=10)
    assert answer.status_code == 404
    assert "No such sandbox" in answer.text


def test_a_malformed_sandbox_key_finds_nothing_on_every_origin(a_class):
    for role in ("app", "provider", "replica", "attacker"):
        answer = requests.get(a_class.settings.origin(role) + "/s/..%2f..%2fetc/passwd", timeout=10)
        assert answer.status_code == 404, role


def test_the_sandboxes_provider_is_its_own(a_class):
    ada, bea = join(a_class, "Ada"), join(a_class, "Bea")
    issuers = [
        s.http.get(s.url("provider", "/.well-known/openid-configuration"), timeout=30).json()["issuer"]
        for s in (ada, bea)
    ]
    assert issuers == [ada.url("provider", ""), bea.url("provider", "")]
