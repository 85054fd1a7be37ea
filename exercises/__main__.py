"""Run one exercise's check and say, in plain words, what is still wrong.

    python -m exercises              list the exercises
    python -m exercises 1            check your exercises/01-.../exercise.py
    python -m exercises 1 --solution check the reference solution (instructors)
    python -m exercises 1 --starter  check the starter as shipped (everything still to do)

`make exercise 1` (or `make exercise N=1`) runs the second line.
"""

import argparse
import os
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

from exercises import CATALOG, committed_starter, find
from exercises.conftest import load_module


class Collector:
    """A pytest plugin that keeps each check's name, outcome and first line of complaint."""

    def __init__(self):
        self.results = []  # (check name, passed, message)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and report.failed):
            message = explain(call.excinfo) if report.failed else ""
            self.results.append((item.name, report.passed, message))


def explain(excinfo):
    """The student-facing sentence of a failure: the check's own message, else the exception."""
    if excinfo is None:
        return "the check did not complete"
    error = excinfo.value
    if isinstance(error, AssertionError) and error.args:
        # pytest appends its own `assert ...` introspection after the check's message.
        return str(error.args[0]).split("\nassert ")[0].strip()
    if isinstance(error, pytest.fail.Exception):
        return str(error)
    if isinstance(error, NotImplementedError):
        return f"not written yet ({error})."
    if isinstance(error, SyntaxError):
        return f"Python cannot read the file: {error.msg} (line {error.lineno})."
    return f"the code raised {type(error).__name__}: {error}"


def cannot_load(module):
    """Why the file cannot be imported (with its line), or None if it imports fine."""
    try:
        load_module(module)
    except SyntaxError as error:
        return f"{error.msg} (line {error.lineno})."
    except Exception as error:  # anything the student's module may raise while it loads
        lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(module)]
        where = f" (line {lines[-1]})" if lines else ""
        return f"{type(error).__name__}: {error}{where}."
    return None


def readable(name):
    """test_admin_gets_403 -> 'admin gets 403'."""
    return name.removeprefix("test_").replace("_", " ")


def list_exercises():
    print("Classroom exercises (exercises/README.md). Check one with:  make exercise N\n")
    for exercise in CATALOG:
        print(
            f"  {exercise.number:>2}  {exercise.title:<48} {exercise.mechanism:<9} "
            f"{exercise.difficulty:<7} ~{exercise.minutes} min"
        )
    return 0


def check(number, which):
    exercise = find(number)
    if exercise is None:
        print(f"There is no exercise {number}: pick one of 1 to {len(CATALOG)} (make exercises lists them).")
        return 2
    ran = run_checks(exercise, which)
    if ran is None:
        return 1
    return print_results(exercise, *ran)


def run_checks(exercise, which):
    """Run the exercise's check.py on one file: (pytest's exit code, results), or None if it cannot load."""
    with tempfile.TemporaryDirectory() as scratch:
        if which == "starter":
            module = Path(scratch) / "exercise.py"
            module.write_text(committed_starter(exercise))
        else:
            module = exercise.folder / f"{which}.py"
        os.environ["EXERCISE_MODULE"] = str(module)
        # The checks need no third-party pytest plugins; not loading them makes the check start faster.
        os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        collector = Collector()
        shown = "the starter as shipped" if which == "starter" else f"{exercise.path}/{which}.py"
        print(f"Exercise {exercise.number}: {exercise.title}\nChecking {shown} ...\n")
        problem = cannot_load(module)
        if problem:
            print(f"Python cannot load {shown}, so no check could run:\n  {problem}")
            return None
        code = pytest.main(
            [str(exercise.folder / "check.py"), "-q", "--no-header", "--tb=no", "-rN"],
            plugins=[collector],
        )
    return code, collector.results


def print_results(exercise, code, results):
    """What passed, and what is still wrong grouped by reason; returns the exit status."""
    passed = [name for name, ok, _ in results if ok]
    failed = [(name, message) for name, ok, message in results if not ok]
    total = len(results)
    print()
    if total == 0:
        print(f"No check ran (pytest exit code {int(code)}): is the file there and readable?")
        return 1
    if not failed:
        print(f"All {total} checks pass. Well done: read 'When you are done' in {exercise.path}/README.md.")
        return 0
    print(f"{len(passed)} of {total} checks pass; still wrong:")
    # Checks that fail for the same reason are listed together, with the reason once.
    reasons = {}
    for name, message in failed:
        reasons.setdefault(message, []).append(readable(name))
    for message, names in reasons.items():
        for name in names:
            print(f"  x {name}")
        print(f"      {message}")
    print(
        f"\nEdit {exercise.path}/exercise.py and run  make exercise {exercise.number}  again."
        f" Stuck? The hints are in {exercise.path}/README.md."
    )
    return 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m exercises", description=__doc__.splitlines()[0])
    parser.add_argument("number", nargs="?", type=int, help="the exercise to check (none: list them)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--solution", action="store_const", const="solution", dest="which", help="check the reference solution"
    )
    which.add_argument(
        "--starter", action="store_const", const="starter", dest="which", help="check the starter as shipped"
    )
    args = parser.parse_args(argv)
    if args.number is None:
        return list_exercises()
    return check(args.number, args.which or "exercise")


if __name__ == "__main__":
    sys.exit(main())
