"""The instructor's dashboard: signed in by the printed password, live progress, resets."""

import requests

from tests.classroom.conftest import Instructor, alg_none_admin, form_token, join, jwt_sign_in


def test_the_dashboard_asks_for_the_password_first(a_class):
    page = requests.get(a_class.front + "instructor/", timeout=10)
    assert page.status_code == 200
    assert 'type="password"' in page.text and "Reset" not in page.text


def test_the_class_state_is_refused_without_the_instructors_sign_in(a_class):
    answer = requests.get(a_class.front + "instructor/state.json", timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"] == "Unauthorized"


def test_a_wrong_password_is_refused(a_class):
    assert Instructor(a_class).sign_in("not-the-password").status_code == 401


def test_the_printed_password_signs_the_instructor_in_with_a_strict_cookie(a_class):
    answer = Instructor(a_class).sign_in()
    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_the_dashboard_lists_each_student_by_the_name_they_chose(a_class):
    join(a_class, "Chloé <b>")
    teacher = Instructor(a_class)
    teacher.sign_in()
    page = teacher.http.get(a_class.front + "instructor/", timeout=30)
    assert "Chloé &lt;b&gt;" in page.text


def test_a_solve_shows_on_the_dashboard_as_soon_as_the_server_detects_it(a_class):
    dan = join(a_class, "Dan")
    teacher = Instructor(a_class)
    teacher.sign_in()
    assert teacher.student("Dan")["solved"] == []
    alg_none_admin(dan)
    assert [c["id"] for c in teacher.student("Dan")["solved"]] == ["jwt-alg-none"]


def test_resetting_a_sandbox_starts_it_again_from_nothing(a_class):
    eve = join(a_class, "Eve")
    token = jwt_sign_in(eve)["access_token"]
    alg_none_admin(eve)
    teacher = Instructor(a_class)
    teacher.sign_in()
    assert teacher.reset(teacher.student("Eve")["handle"]).status_code == 303
    assert teacher.student("Eve")["solved"] == []
    refused = eve.http.get(eve.url("app", "/jwt/protected"), headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert refused.status_code == 401
    jwt_sign_in(eve)  # the same address, a new sandbox behind it: alice is back with her demo password


def test_resetting_one_sandbox_leaves_the_others_as_they_were(a_class):
    join(a_class, "Fay")
    gil = join(a_class, "Gil")
    token = jwt_sign_in(gil)["access_token"]
    alg_none_admin(gil)
    teacher = Instructor(a_class)
    teacher.sign_in()
    teacher.reset(teacher.student("Fay")["handle"])
    assert [c["id"] for c in teacher.student("Gil")["solved"]] == ["jwt-alg-none"]
    kept = gil.http.get(gil.url("app", "/jwt/protected"), headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert kept.status_code == 200


def test_a_reset_without_the_dashboards_form_token_is_refused(a_class):
    hal = join(a_class, "Hal")
    teacher = Instructor(a_class)
    teacher.sign_in()
    answer = teacher.http.post(
        a_class.front + "instructor/reset", data={"sandbox": teacher.student("Hal")["handle"]}, timeout=30
    )
    assert answer.status_code == 400
    assert jwt_sign_in(hal)


def test_a_student_cannot_reset_a_sandbox(a_class):
    ivy = join(a_class, "Ivy")
    page = ivy.http.get(a_class.front, timeout=10)
    answer = ivy.http.post(
        a_class.front + "instructor/reset", data={"sandbox": "all", "csrf_token": form_token(page.text)}, timeout=10
    )
    assert answer.status_code == 401


def test_the_class_state_names_no_sandbox_key(a_class):
    jay = join(a_class, "Jay")
    teacher = Instructor(a_class)
    teacher.sign_in()
    assert jay.key not in teacher.http.get(a_class.front + "instructor/state.json", timeout=30).text
    assert jay.key not in teacher.http.get(a_class.front + "instructor/", timeout=30).text
