"""Every exercise's check is real: it FAILS on the starter and PASSES on the reference solution.

Each check runs in its own pytest process with EXERCISE_MODULE set, as `make exercise N` runs
it; a few run at once.
"""

import ast
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exercises import CATALOG, committed_starter

ROOT = Path(__file__).resolve().parents[2]
PYTEST_ARGS = ["-q", "--no-header", "-p", "no:cacheprovider"]
# No third-party pytest plugins (hypothesis, playwright, xdist): the checks need none.
CHECK_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def run_check(exercise, module):
    """pytest on the exercise's check.py against `module`: (exit code, output)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS, str(exercise.folder / "check.py")],
        cwd=ROOT,
        env={**os.environ, **CHECK_ENV, "EXERCISE_MODULE": str(module)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """{(slug, 'starter'|'solution'): (exit code, output)} for every exercise, run in parallel."""
    scratch = tmp_path_factory.mktemp("starters")
    jobs = {}
    for exercise in CATALOG:
        # The starter as committed, so a student's own edits to exercise.py never fail this suite.
        starter = scratch / f"{exercise.slug}.py"
        starter.write_text(committed_starter(exercise))
        jobs[(exercise.slug, "starter")] = (exercise, starter)
        jobs[(exercise.slug, "solution")] = (exercise, exercise.folder / "solution.py")
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) * 2) as pool:
        futures = {key: pool.submit(run_check, *job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def test_the_catalog_matches_the_folders():
    folders = sorted(path.name for path in (ROOT / "exercises").iterdir() if path.is_dir() and path.name[:2].isdigit())
    assert folders == [exercise.slug for exercise in CATALOG]
    assert [exercise.number for exercise in CATALOG] == list(range(1, len(CATALOG) + 1))


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_exercise_has_its_four_files(exercise):
    for name in ("README.md", "exercise.py", "check.py", "solution.py"):
        assert (exercise.folder / name).is_file(), f"{exercise.slug} has no {name}"
    assert "# TODO(student)" in (exercise.folder / "exercise.py").read_text()
    assert "TODO(student)" not in (exercise.folder / "solution.py").read_text()


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_the_check_fails_on_the_starter(outcomes, exercise):
    code, output = outcomes[(exercise.slug, "starter")]
    assert code == 1, f"the check of {exercise.slug} should FAIL on the starter (exit 1), got {code}:\n{output}"
    assert " passed" in output or " failed" in output, output


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_the_check_passes_on_the_solution(outcomes, exercise):
    code, output = outcomes[(exercise.slug, "solution")]
    assert code == 0, f"the check of {exercise.slug} should PASS on the solution, got exit {code}:\n{output}"


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_every_check_fails_with_a_message_for_the_student(outcomes, exercise):
    _, output = outcomes[(exercise.slug, "starter")]
    assert "AssertionError" in output or "NotImplementedError" in output or "Failed" in output, output


def test_the_runner_lists_the_exercises():
    done = subprocess.run([sys.executable, "-m", "exercises"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for exercise in CATALOG:
        assert exercise.title in done.stdout


def test_the_runner_says_what_is_still_wrong_on_the_starter():
    done = subprocess.run(
        [sys.executable, "-m", "exercises", "1", "--starter"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "checks pass; still wrong:" in done.stdout
    assert "403" in done.stdout  # the check's own words, not a traceback
    assert "Traceback" not in done.stdout


def test_the_runner_congratulates_on_the_solution():
    done = subprocess.run(
        [sys.executable, "-m", "exercises", "1", "--solution"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout
    assert "All 8 checks pass" in done.stdout


def test_the_runner_refuses_an_unknown_number():
    done = subprocess.run(
        [sys.executable, "-m", "exercises", "99"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "There is no exercise 99" in done.stdout


def test_make_exercise_accepts_both_spellings():
    for args in (["exercise", "N=2"], ["exercise", "2"]):
        # -n: print the commands make would run (the venv set-up, if due, then the check).
        done = subprocess.run(
            ["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert "-m exercises 2" in done.stdout, done.stdout


def test_the_runner_names_the_line_when_a_file_cannot_load(tmp_path):
    from exercises.__main__ import cannot_load

    broken = tmp_path / "syntax.py"
    broken.write_text("def role_required(:\n")
    assert cannot_load(broken) == "invalid syntax (line 1)."
    raising = tmp_path / "raises.py"
    raising.write_text("import json\n\nraise RuntimeError('half-finished edit')\n")
    assert cannot_load(raising) == "RuntimeError: half-finished edit (line 3)."
    assert cannot_load(CATALOG[0].folder / "solution.py") is None


def test_the_exercises_readme_lists_every_exercise_in_order():
    readme = (ROOT / "exercises" / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| ") and "](" in line]
    assert len(rows) == len(CATALOG)
    for row, exercise in zip(rows, CATALOG, strict=True):
        assert row.startswith(f"| {exercise.number} | [{exercise.title}]({exercise.slug}/README.md)")
        assert f"| {exercise.difficulty} | {exercise.minutes} min |" in row


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_readme_has_the_parts_a_student_needs(exercise):
    readme = (exercise.folder / "README.md").read_text()
    assert readme.startswith(f"# Exercise {exercise.number}: ")
    for heading in ("## Goal", "## Background", "## Steps", "## Hints", "## When you are done"):
        assert heading in readme, f"{exercise.slug}/README.md has no {heading!r}"
    assert 2 <= readme.count("<details>") <= 4
    assert f"make exercise {exercise.number}" in readme
    assert re.search(r"RFC \d+|ASVS", readme), "name the RFC or ASVS section the rule comes from"


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_every_assert_in_a_check_tells_the_student_what_is_wrong(exercise):
    tree = ast.parse((exercise.folder / "check.py").read_text())
    bare = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.msg is None]
    assert not bare, f"{exercise.slug}/check.py: asserts without a message for the student on lines {bare}"


# The exercises use only the stack's libraries, never the app's own modules (which change).
STACK = {"flask", "flask_jwt_extended", "jwt", "authlib", "flask_session", "cachelib", "cryptography", "requests"}
APP_MODULES = {path.stem for path in ROOT.glob("*.py")} | {path.name for path in ROOT.iterdir() if path.is_dir()}


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_exercise_imports_only_the_standard_library_and_the_stack(exercise):
    for name in ("exercise.py", "solution.py", "check.py"):
        tree = ast.parse((exercise.folder / name).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        roots = {module.split(".")[0] for module in imported}
        assert not roots & (APP_MODULES - STACK), f"{exercise.slug}/{name} imports the app's own {roots & APP_MODULES}"
        outside = roots - STACK - set(sys.stdlib_module_names) - {"pytest"}
        assert not outside, f"{exercise.slug}/{name} imports {outside}, which the stack does not include"
