"""A sandbox outlives a restart of the class's server; an idle one expires with its files."""

from datetime import timedelta

import sqlalchemy as sa

from classroom import registry as register
from classroom import sandbox_apps
from tests.classroom.conftest import Instructor, alg_none_admin, join, jwt_sign_in, start_class


def test_a_sandbox_keeps_its_tokens_and_progress_across_a_restart(tmp_path, resolving_localhost_names):
    folder = tmp_path / "class"
    first = start_class(folder)
    student = join(first, "Vic")
    token = jwt_sign_in(student)["access_token"]
    alg_none_admin(student)
    first.stop()
    again = start_class(folder, ports=first.settings.ports)
    try:
        student.running = again  # the same folder and origins, a new server
        answer = student.http.get(
            student.url("app", "/jwt/protected"), headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert answer.status_code == 200
        teacher = Instructor(again)
        teacher.sign_in()
        assert [c["id"] for c in teacher.student("Vic")["solved"]] == ["jwt-alg-none"]
    finally:
        again.stop()


def test_a_sandbox_idle_beyond_the_limit_is_deleted_with_its_folder(tmp_path, resolving_localhost_names):
    running = start_class(tmp_path / "class", sandbox_hours=1)
    try:
        student = join(running, "Wyn")
        jwt_sign_in(student)
        row = running.origins["app"].registry.find(student.key)
        where = sandbox_apps.folder(running.settings, row)
        assert where.exists()
        with running.origins["app"].registry.engine.begin() as db:
            db.execute(sa.update(register.sandboxes).values(last_seen=register.now() - timedelta(hours=2)))
        join(running, "Xan")  # joining sweeps the idle ones
        assert not where.exists()
        assert student.http.get(student.url("app", "/jwt/"), timeout=10).status_code == 404
    finally:
        running.stop()


def test_a_sandbox_that_cannot_start_answers_503_with_no_traceback(a_class):
    student = join(a_class, "Yul")
    row = a_class.origins["app"].registry.find(student.key)
    where = sandbox_apps.folder(a_class.settings, row)
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text("a file where the sandbox's folder should be")
    try:
        answer = student.http.get(student.url("app", "/jwt/"), timeout=30)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "60"
        assert "Traceback" not in answer.text and "could not start" in answer.text
    finally:
        where.unlink()


def test_four_servers_starting_at_once_on_a_new_folder_all_open_the_register(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    url = f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    code = f"from classroom.registry import Registry; Registry({url!r}).count()"
    root = Path(__file__).resolve().parents[2]
    starts = [subprocess.Popen([sys.executable, "-c", code], cwd=root, stderr=subprocess.PIPE) for _ in range(4)]
    errors = [process.communicate(timeout=60)[1] for process in starts]
    assert [process.returncode for process in starts] == [0, 0, 0, 0], errors
