"""Exercise results a student sends to the class: opt-in, into the sender's own row only."""

import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.classroom.conftest import Instructor, join, start_class

ROOT = Path(__file__).resolve().parents[2]


def send(running, key, body):
    return requests.post(
        running.front + "classroom/results", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10
    )


def test_a_result_sent_with_the_sandboxs_key_shows_on_the_dashboard(a_class):
    student = join(a_class, "Quin")
    assert send(a_class, student.key, {"exercise": 3, "passed": 4, "checks": 5}).status_code == 201
    teacher = Instructor(a_class)
    teacher.sign_in()
    assert teacher.student("Quin")["exercises"] == [{"exercise": 3, "passed": 4, "checks": 5}]


def test_a_rerun_replaces_the_earlier_result(a_class):
    student = join(a_class, "Rae")
    send(a_class, student.key, {"exercise": 1, "passed": 1, "checks": 5})
    send(a_class, student.key, {"exercise": 1, "passed": 5, "checks": 5})
    teacher = Instructor(a_class)
    teacher.sign_in()
    assert teacher.student("Rae")["exercises"] == [{"exercise": 1, "passed": 5, "checks": 5}]


def test_a_result_without_a_known_key_is_refused(a_class):
    assert send(a_class, "B" * 22, {"exercise": 1, "passed": 1, "checks": 1}).status_code == 404
    assert send(a_class, "short", {"exercise": 1, "passed": 1, "checks": 1}).status_code == 401


def test_a_result_that_is_not_whole_numbers_is_refused_with_the_rule(a_class):
    student = join(a_class, "Sam")
    for body in (
        {"exercise": "1", "passed": 1, "checks": 1},
        {"exercise": 1, "passed": True, "checks": 1},
        {"exercise": 1, "passed": 2, "checks": 1},
        [1, 2],
        {"exercise": 10**9, "passed": 0, "checks": 0},
    ):
        answer = send(a_class, student.key, body)
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "Bad Request"


def test_a_deeply_nested_result_is_refused_not_crashed(a_class):
    student = join(a_class, "Tia")
    deep = "[" * 5000 + "]" * 5000
    answer = requests.post(
        a_class.front + "classroom/results",
        data=deep,
        headers={"Authorization": f"Bearer {student.key}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 400


def test_a_class_that_does_not_collect_results_says_so(tmp_path, resolving_localhost_names):
    running = start_class(tmp_path / "class")
    try:
        student = join(running, "Uma")
        answer = send(running, student.key, {"exercise": 1, "passed": 1, "checks": 1})
        assert answer.status_code == 403
        assert "--accept-results" in answer.json()["message"]
    finally:
        running.stop()


def run_exercise(*args, instance):
    environment = {**os.environ, "APP_INSTANCE_PATH": str(instance)}
    return subprocess.run(
        [sys.executable, "-m", "exercises", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_exercise_with_submit_sends_the_checks_result_to_the_students_row(a_class, tmp_path):
    student = join(a_class, "Zed")
    done = run_exercise("1", "--submit", student.url("app", "/"), instance=tmp_path)
    assert "Sent to the class: exercise 1" in done.stdout
    teacher = Instructor(a_class)
    teacher.sign_in()
    [result] = teacher.student("Zed")["exercises"]
    assert result["exercise"] == 1 and result["checks"] > 0


def test_submitting_to_an_address_that_is_not_a_sandbox_says_what_to_paste(tmp_path):
    done = run_exercise("1", "--submit", "http://127.0.0.1:9/", instance=tmp_path)
    assert "Not sent to the class: paste your sandbox's address" in done.stdout
