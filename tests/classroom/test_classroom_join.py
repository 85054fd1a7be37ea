"""Joining the class: a display name in, a sandbox of one's own out."""

import requests

from tests.classroom.conftest import Instructor, form_token, join, start_class


def join_as(running, name, http=None):
    http = http or requests.Session()
    page = http.get(running.front, timeout=10)
    return http.post(
        running.front + "join",
        data={"name": name, "csrf_token": form_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )


def test_joining_leads_to_a_sandbox_of_ones_own(a_class):
    answer = join_as(a_class, "Kim")
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/s/")
    home = requests.get(a_class.front.rstrip("/") + answer.headers["Location"], timeout=30)
    assert home.status_code == 200 and "JWT lab" in home.text


def test_the_way_back_cookie_is_http_only_lax_and_sent_to_me_alone(a_class):
    cookie = join_as(a_class, "Lea").headers["Set-Cookie"]
    assert "classroom_sandbox=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/me" in cookie


def test_me_brings_a_returning_student_back_to_their_sandbox(a_class):
    student = join(a_class, "Max")
    answer = student.http.get(a_class.front + "me", allow_redirects=False, timeout=10)
    assert (answer.status_code, answer.headers["Location"]) == (303, f"/s/{student.key}/")


def test_me_without_a_sandbox_offers_the_join_form(a_class):
    answer = requests.get(a_class.front + "me", timeout=10)
    assert answer.status_code == 404
    assert "no sandbox in this class" in answer.text and 'name="name"' in answer.text


def test_no_cookie_of_the_class_reaches_a_sandbox(a_class):
    student = join(a_class, "Mo")
    teacher = Instructor(a_class)
    teacher.sign_in()
    sent = [
        c
        for c in (*student.http.cookies, *teacher.http.cookies)
        if c.path == "/" or f"/s/{student.key}".startswith(c.path)
    ]
    assert [c.name for c in sent if c.name.startswith("classroom")] == []


def test_a_sandbox_address_without_its_slash_is_sent_to_it(a_class):
    student = join(a_class, "Ned")
    answer = requests.get(f"{a_class.front}s/{student.key}", allow_redirects=False, timeout=10)
    assert (answer.status_code, answer.headers["Location"]) == (308, f"/s/{student.key}/")


def test_an_empty_name_is_refused_with_the_rule(a_class):
    answer = join_as(a_class, "   ")
    assert answer.status_code == 400
    assert "1 to 40" in answer.text


def test_a_name_with_a_bidi_override_is_refused(a_class):
    assert join_as(a_class, "Ann\u202egnp.exe").status_code == 400


def test_a_name_over_forty_characters_is_refused(a_class):
    assert join_as(a_class, "x" * 41).status_code == 400


def test_a_join_without_the_pages_form_token_is_refused(a_class):
    answer = requests.post(a_class.front + "join", data={"name": "Oli"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400


def test_one_machine_cannot_open_more_than_its_share_of_sandboxes(tmp_path, resolving_localhost_names):
    running = start_class(tmp_path / "class", most_per_address=2)
    try:
        statuses = [join_as(running, f"Pat {n}").status_code for n in range(3)]
        assert statuses == [303, 303, 429]
    finally:
        running.stop()


def test_the_provider_origins_root_points_students_to_the_front_page(a_class):
    page = requests.get(a_class.settings.origin("provider") + "/", timeout=10)
    assert page.status_code == 404
    assert a_class.front in page.text


def test_a_forged_host_header_is_refused(a_class):
    answer = requests.get(a_class.front, headers={"Host": "evil.example"}, timeout=10)
    assert answer.status_code == 400


def test_every_origin_of_the_class_answers_the_browsers_favicon_request(a_class):
    for role in ("app", "provider", "replica", "attacker"):
        answer = requests.get(a_class.settings.origin(role) + "/favicon.ico", timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/svg+xml"), role
