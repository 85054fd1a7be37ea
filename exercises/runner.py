"""Run one exercise's check.py on one file, and say in plain words what is still wrong."""

import os
import tempfile
import traceback
from pathlib import Path

import pytest

from exercises import committed_starter
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
    # Anything the student's module may raise while it loads, sys.exit() included.
    except (Exception, SystemExit) as error:
        lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(module)]
        where = f" (line {lines[-1]})" if lines else ""
        return f"{type(error).__name__}: {error}{where}."
    return None


def readable(name):
    """test_admin_gets_403 -> 'admin gets 403'."""
    return name.removeprefix("test_").replace("_", " ")


def run_checks(exercise, module):
    """Run the exercise's check.py on `module` (a path, or "starter"): (results, why it cannot load or None).

    A file that cannot load still goes through pytest: every check then fails at its start,
    which gives the count of checks the progress file records (0 of 8, not nothing).
    """
    with tempfile.TemporaryDirectory() as scratch:
        if module == "starter":
            module = Path(scratch) / "exercise.py"
            module.write_text(committed_starter(exercise))
        os.environ["EXERCISE_MODULE"] = str(module)
        # The checks need no third-party pytest plugins; not loading them makes the check start faster.
        os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        problem = cannot_load(module)
        collector = Collector()
        pytest.main(
            [str(exercise.folder / "check.py"), "-q", "--no-header", "--tb=no", "-rN"],
            plugins=[collector],
        )
    return collector.results, problem


def print_results(exercise, shown, results, problem):
    """What passed, and what is still wrong grouped by reason; returns the exit status."""
    passed = [name for name, ok, _ in results if ok]
    failed = [(name, message) for name, ok, message in results if not ok]
    total = len(results)
    print()
    if problem:
        print(f"Python cannot load {shown}, so no check could run ({total} to pass):\n  {problem}")
        return 1
    if total == 0:
        print("No check ran: is the file there and readable?")
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
        f" Stuck?  make hint {exercise.number}  shows the next hint, one at a time."
    )
    return 1
