"""Every exercise's check is real: it FAILS on the starter and PASSES on the reference solution.

Each check runs in its own pytest process with EXERCISE_MODULE set, as `make exercise N` runs
it; a few run at once. The solutions live in exercises/solutions/, which an instructor may
remove: then the solution tests skip with a line that says so (in CI they fail instead).
"""

import ast
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exercises import CATALOG, SOLUTIONS, committed_starter
from exercises.hints import ladder

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
        if exercise.solution_path.is_file():
            jobs[(exercise.slug, "solution")] = (exercise, exercise.solution_path)
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) * 2) as pool:
        futures = {key: pool.submit(run_check, *job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def test_the_catalog_matches_the_folders():
    folders = sorted(path.name for path in (ROOT / "exercises").iterdir() if path.is_dir() and path.name[:2].isdigit())
    assert folders == [exercise.slug for exercise in CATALOG]
    assert [exercise.number for exercise in CATALOG] == list(range(1, len(CATALOG) + 1))


def require_solutions():
    """Skip when an instructor removed exercises/solutions/, but never in CI: there it must be whole."""
    if SOLUTIONS.is_dir():
        return
    reason = "exercises/solutions/ is not here (an instructor removed it): the solution checks skip"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {reason}, and they must run")
    pytest.skip(reason)


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_exercise_folder_has_its_four_files_and_no_solution(exercise):
    for name in ("README.md", "exercise.py", "check.py", "hints.md"):
        assert (exercise.folder / name).is_file(), f"{exercise.slug} has no {name}"
    assert "# TODO(student)" in (exercise.folder / "exercise.py").read_text()
    assert not (exercise.folder / "solution.py").exists(), (
        "solutions live in exercises/solutions/, not beside the starter"
    )


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_exercise_has_its_solution_in_the_solutions_folder(exercise):
    require_solutions()
    assert exercise.solution_path.is_file(), f"no {exercise.solution_path.name} in exercises/solutions/"
    assert "TODO(student)" not in exercise.solution_path.read_text()


def test_the_solutions_folder_holds_only_the_catalogs_solutions():
    require_solutions()
    names = sorted(path.name for path in SOLUTIONS.glob("*.py"))
    assert names == sorted(exercise.solution_path.name for exercise in CATALOG)


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_the_check_fails_on_the_starter(outcomes, exercise):
    code, output = outcomes[(exercise.slug, "starter")]
    assert code == 1, f"the check of {exercise.slug} should FAIL on the starter (exit 1), got {code}:\n{output}"
    assert " passed" in output or " failed" in output, output


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_the_check_passes_on_the_solution(outcomes, exercise):
    require_solutions()
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


def run_exercises(*args, instance):
    """`python -m exercises ...` as a student runs it, its progress file in `instance`."""
    env = {**os.environ, **CHECK_ENV, "APP_INSTANCE_PATH": str(instance)}
    return subprocess.run(
        [sys.executable, "-m", "exercises", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_runner_says_what_is_still_wrong_on_the_starter(tmp_path):
    done = run_exercises("1", "--starter", instance=tmp_path)
    assert done.returncode == 1
    assert "checks pass; still wrong:" in done.stdout
    assert "403" in done.stdout  # the check's own words, not a traceback
    assert "Traceback" not in done.stdout


def test_the_runner_congratulates_on_the_solution(tmp_path):
    require_solutions()
    done = run_exercises("1", "--check-solution", instance=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "All 8 checks pass" in done.stdout
    assert not (tmp_path / "exercise-progress.json").exists()  # an instructor's check is nobody's progress


def test_a_students_check_is_recorded_in_the_progress_file(tmp_path):
    done = run_exercises("2", instance=tmp_path)
    assert "checks pass" in done.stdout, done.stdout
    recorded = json.loads((tmp_path / "exercise-progress.json").read_text())["checks"]["2"]
    assert recorded["total"] == 11 and 0 <= recorded["passed"] <= 11
    assert f"{recorded['passed']} of 11 checks pass" in done.stdout or "All 11 checks pass" in done.stdout


def test_a_progress_file_that_cannot_be_written_costs_a_line_not_the_check(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the instance folder should be")
    done = run_exercises("2", instance=blocker)
    assert "checks pass" in done.stdout, done.stdout
    assert "Your progress was not saved" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_runner_refuses_an_unknown_number(tmp_path):
    done = run_exercises("99", instance=tmp_path)
    assert done.returncode == 2
    assert "There is no exercise 99" in done.stdout


def make_dry_run(*args):
    """The commands make would run (-n), the venv set-up included if it is due."""
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("args", [["exercise", "N=2"], ["exercise", "2"], ["exercise", "2", "HINT=0"]])
def test_make_exercise_runs_the_check(args):
    commands = make_dry_run(*args)
    assert re.search(r"lab\.py exercise 2 *$", commands, re.M), commands


@pytest.mark.parametrize("args", [["hint", "2"], ["hint", "N=2"], ["exercise", "2", "HINT=1"]])
def test_make_hint_and_hint_1_show_the_next_hint(args):
    assert "lab.py hint 2" in make_dry_run(*args)


def test_make_without_a_number_says_which_to_give():
    # DEV_STAMP= on the command line: no venv set-up first, only the rule's own question.
    done = subprocess.run(
        ["make", "--no-print-directory", "hint", "DEV_STAMP="], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "Which exercise? For example: make hint 1" in done.stdout


def test_the_makefile_knows_every_exercise_number():
    numbers = re.search(r"^EXERCISE_NUMBERS := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    assert numbers == [str(exercise.number) for exercise in CATALOG]


def test_the_runner_names_the_line_when_a_file_cannot_load(tmp_path):
    from exercises.runner import cannot_load

    broken = tmp_path / "syntax.py"
    broken.write_text("def role_required(:\n")
    assert cannot_load(broken) == "invalid syntax (line 1)."
    raising = tmp_path / "raises.py"
    raising.write_text("import json\n\nraise RuntimeError('half-finished edit')\n")
    assert cannot_load(raising) == "RuntimeError: half-finished edit (line 3)."
    assert cannot_load(CATALOG[0].folder / "check.py") is None


def test_a_file_that_cannot_load_still_counts_its_checks(tmp_path):
    broken = tmp_path / "exercise.py"
    broken.write_text("def role_required(:\n")
    script = (
        "import sys; from pathlib import Path; from exercises import find; "
        "from exercises.runner import run_checks, print_results; "
        "results, problem = run_checks(find(1), Path(sys.argv[1])); "
        "print(len(results), sum(ok for _, ok, _ in results), problem); "
        "print_results(find(1), 'your file', results, problem)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(broken)],
        cwd=ROOT,
        env={**os.environ, **CHECK_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "8 0 invalid syntax (line 1)." in done.stdout, done.stdout + done.stderr
    assert "Python cannot load your file, so no check could run (8 to pass)" in done.stdout


def test_the_exercises_readme_lists_every_exercise_in_order():
    readme = (ROOT / "exercises" / "README.md").read_text()
    rows = [line for line in readme.splitlines() if re.match(r"\| \d+ \| \[", line)]
    assert len(rows) == len(CATALOG)
    for row, exercise in zip(rows, CATALOG, strict=True):
        assert row.startswith(f"| {exercise.number} | [{exercise.title}]({exercise.slug}/README.md)")
        assert f"| {exercise.difficulty} | {exercise.minutes} min |" in row


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_readme_has_the_parts_a_student_needs(exercise):
    readme = (exercise.folder / "README.md").read_text()
    assert readme.startswith(f"# Exercise {exercise.number}: ")
    for heading in ("## Goal", "## Background", "## Hints", "## When you are done"):
        assert heading in readme, f"{exercise.slug}/README.md has no {heading!r}"
    # 1-10 guide through steps; 11-14 give a contract and no steps.
    assert ("## Steps" in readme) != ("## The contract" in readme), f"{exercise.slug}: Steps or The contract"
    assert f"make exercise {exercise.number}" in readme
    assert re.search(r"RFC \d+|ASVS", readme), "name the RFC or ASVS section the rule comes from"
    assert f"**Time:** about {exercise.minutes} minutes" in readme, "the README's time is the catalog's"


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_a_readme_no_longer_lists_the_hints_but_says_how_to_climb_them(exercise):
    readme = (exercise.folder / "README.md").read_text()
    assert "<details>" not in readme
    assert f"`make hint {exercise.number}`" in readme


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_hint_ladder_has_three_to_five_rungs_in_order(exercise):
    text = exercise.hints_path.read_text()
    written = [int(number) for number in re.findall(r"^## Hint (\d+): ", text, re.M)]
    assert written == list(range(1, len(written) + 1)), f"{exercise.slug}/hints.md numbers its hints {written}"
    hints = ladder(exercise)
    assert 3 <= len(hints) <= 5 and len(hints) == len(written)
    assert all(hint.title and hint.body for hint in hints)


# Words that open an instruction. A check's message says what the code did when called, and
# why that is wrong; how to fix it is the hint ladder's job, one rung at a time.
DICTATION = re.compile(
    r"(?:^|[.:;!?]\s+)(use|call|set|pass|keep|compare|add|replace|wrap|return|raise|pin|require|"
    r"look it up|give it|strip|hash|tie|leave|select|take|mark|store|generate|check the|verify the)\b"
    r"|\bhint:",
    re.I,
)


def message_texts(tree):
    """The literal text of every assert message and every AssertionError raised, in a check."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            found.append(node.msg)
        elif isinstance(node, ast.Raise) and getattr(getattr(node.exc, "func", None), "id", None) == "AssertionError":
            found.extend(node.exc.args)
    texts = []
    for message in found:
        parts = [
            part.value for part in ast.walk(message) if isinstance(part, ast.Constant) and isinstance(part.value, str)
        ]
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_no_check_message_dictates_the_answer(exercise):
    texts = message_texts(ast.parse((exercise.folder / "check.py").read_text()))
    dictating = [text for text in texts if DICTATION.search(text)]
    assert not dictating, f"{exercise.slug}/check.py tells the student what to type:\n" + "\n".join(dictating)


def test_the_dictation_guard_catches_an_instruction():
    tree = ast.parse("assert ok, \"A token was accepted. Use get_jwt().get('role') instead.\"")
    assert DICTATION.search(message_texts(tree)[0])


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
    for path in (exercise.folder / "exercise.py", exercise.folder / "check.py", exercise.solution_path):
        if not path.is_file():  # a solution an instructor removed
            continue
        tree = ast.parse(path.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        roots = {module.split(".")[0] for module in imported}
        assert not roots & (APP_MODULES - STACK), f"{path.name} imports the app's own {roots & APP_MODULES}"
        outside = roots - STACK - set(sys.stdlib_module_names) - {"pytest"}
        assert not outside, f"{path.name} imports {outside}, which the stack does not include"
