"""A student's progress through the exercises, in one small JSON file under the instance folder.

    {"checks": {"1": {"passed": 6, "total": 8, "at": "2025-01-31T10:02:03+00:00"}},
     "hints": {"1": 2},            how many hints `--hint` has shown, per exercise
     "solution_asks": {"1": 1}}    how often `--solution` was asked (it answers the second time)

`make exercise N` writes it after every check; `read()` is what the rest of the app reads.
The file is the student's own notes, not a record anyone should trust: nothing here grades.
A missing, unreadable or corrupt file reads as no progress at all, never as an error, and every
write replaces the whole file at once, so a reader never sees half of one.
"""

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE_NAME = "exercise-progress.json"
# Far more than fourteen exercises can ever write; a bigger file is not ours, and is ignored.
MAX_BYTES = 64 * 1024


def path(instance=None):
    """The progress file: in `instance`, else $APP_INSTANCE_PATH (as the app), else ./instance."""
    folder = instance or os.environ.get("APP_INSTANCE_PATH") or ROOT / "instance"
    return Path(folder) / FILE_NAME


def load(instance=None):
    """The whole file as a dict; {} when it is missing, too big, unreadable or not a JSON object."""
    try:
        with path(instance).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return {}
        data = json.loads(raw)
    # RecursionError: a file of a million "[" is corrupt too, not a crash.
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def counts(data, section):
    """{exercise number: count} of one section, keeping only whole numbers >= 0."""
    found = {}
    entries = data.get(section)
    for key, value in (entries if isinstance(entries, dict) else {}).items():
        number = exercise_number(key)
        if number is not None and type(value) is int and value >= 0:
            found[number] = value
    return found


def exercise_number(key):
    """1 for "1"; None for anything that is not a plain positive number ("01", "-1", "1e3", "x")."""
    if isinstance(key, str) and key.isascii() and key.isdigit() and not key.startswith("0") and len(key) < 4:
        return int(key)
    return None


def read(instance=None):
    """{number: {"passed": int, "total": int, "at": iso str}} for every exercise checked so far."""
    results = {}
    checks = load(instance).get("checks")
    for key, entry in (checks if isinstance(checks, dict) else {}).items():
        number = exercise_number(key)
        if number is None or not isinstance(entry, dict):
            continue
        passed, total, at = entry.get("passed"), entry.get("total"), entry.get("at")
        # type() is int, not isinstance: true and false are ints to Python, and not counts.
        if type(passed) is not int or type(total) is not int or not 0 <= passed <= total:
            continue
        if not isinstance(at, str) or not valid_time(at):
            continue
        results[number] = {"passed": passed, "total": total, "at": at}
    return results


def valid_time(text):
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def hints_shown(number, instance=None):
    """How many hints of this exercise `--hint` has shown so far."""
    return counts(load(instance), "hints").get(number, 0)


def solution_asks(number, instance=None):
    """How many times `--solution` was asked for this exercise."""
    return counts(load(instance), "solution_asks").get(number, 0)


def record_check(number, passed, total, instance=None, now=None):
    """Remember the latest check of one exercise: how many of its checks passed, of how many, when."""
    at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    update({"checks": {str(number): {"passed": passed, "total": total, "at": at}}}, instance)


def record_hints_shown(number, shown, instance=None):
    update({"hints": {str(number): shown}}, instance)


def record_solution_ask(number, instance=None):
    """Count one more ask for the solution; returns the new count."""
    asks = solution_asks(number, instance) + 1
    update({"solution_asks": {str(number): asks}}, instance)
    return asks


def update(changes, instance=None):
    """Merge {section: {key: value}} into the file and write it back whole."""
    data = load(instance)
    for section, entries in changes.items():
        current = data.get(section)
        data[section] = {**(current if isinstance(current, dict) else {}), **entries}
    write(data, instance)


def write(data, instance=None):
    """Write the file atomically: a temporary file beside it, then one rename over it.

    os.replace is atomic on the same file system (POSIX and Windows), so a reader (the app's
    progress page, another `make exercise`) sees the old file or the new one, never a torn one.
    """
    target = path(instance)
    # The instance folder also holds the app's secrets: when we are the first to make it, 0700.
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".exercise-progress-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
