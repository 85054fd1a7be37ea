"""exercises/progress.py: what `make exercise N` remembers, and what the rest of the app may read.

The file is the student's own: a missing, corrupt or hostile one reads as no progress, never as
an error; every write replaces it whole.
"""

import json
import os
import stat
from datetime import UTC, datetime

import pytest

from exercises import progress


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A fresh instance folder, named the way the app names its own (APP_INSTANCE_PATH)."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("APP_INSTANCE_PATH", str(folder))
    return folder


def write_raw(instance, text):
    instance.mkdir(exist_ok=True)
    (instance / progress.FILE_NAME).write_text(text)


def test_no_file_is_no_progress(instance):
    assert progress.read() == {}


def test_a_recorded_check_reads_back_with_its_counts_and_time(instance):
    progress.record_check(3, 5, 7, now=datetime(2025, 3, 1, 9, 30, tzinfo=UTC))
    assert progress.read() == {3: {"passed": 5, "total": 7, "at": "2025-03-01T09:30:00+00:00"}}


def test_the_latest_check_of_an_exercise_replaces_the_one_before(instance):
    progress.record_check(3, 5, 7)
    progress.record_check(3, 7, 7)
    progress.record_check(4, 0, 10)
    assert {number: entry["passed"] for number, entry in progress.read().items()} == {3: 7, 4: 0}


def test_the_time_recorded_is_now_in_utc(instance):
    progress.record_check(1, 1, 8)
    at = datetime.fromisoformat(progress.read()[1]["at"])
    assert at.tzinfo is not None and abs((datetime.now(UTC) - at).total_seconds()) < 60


def test_the_file_lives_in_the_instance_folder_the_app_uses(instance):
    progress.record_check(1, 1, 8)
    assert (instance / "exercise-progress.json").is_file()


def test_read_may_name_the_instance_folder(tmp_path, instance):
    other = tmp_path / "elsewhere"
    progress.record_check(2, 3, 11, instance=other)
    assert progress.read() == {} and list(progress.read(other)) == [2]


def test_without_the_environment_the_file_is_in_the_projects_instance_folder(monkeypatch):
    monkeypatch.delenv("APP_INSTANCE_PATH", raising=False)
    assert progress.path() == progress.ROOT / "instance" / "exercise-progress.json"


@pytest.mark.parametrize(
    "text",
    ["", "{", "not json", "[1, 2]", '"a string"', "null", "[" * 60_000, '{"a":' * 12_000],
    ids=["empty", "cut short", "not json", "a list", "a string", "null", "deep list", "deep object"],
)
def test_a_corrupt_file_is_no_progress(instance, text):
    write_raw(instance, text)
    assert progress.read() == {}


def test_a_file_too_big_to_be_ours_is_no_progress(instance):
    entry = {"passed": 1, "total": 2, "at": "2025-03-01T09:30:00+00:00"}
    write_raw(instance, json.dumps({"checks": {"1": entry}, "padding": "x" * progress.MAX_BYTES}))
    assert progress.read() == {}


def test_entries_that_are_not_counts_are_left_out_and_the_rest_kept(instance):
    at = "2025-03-01T09:30:00+00:00"
    checks = {
        "1": {"passed": 2, "total": 8, "at": at},  # kept
        "2": {"passed": 9, "total": 8, "at": at},  # more passed than there are
        "3": {"passed": True, "total": 8, "at": at},  # a boolean is not a count
        "4": {"passed": -1, "total": 8, "at": at},
        "5": {"passed": 1, "total": 8, "at": "yesterday"},
        "6": {"passed": 1.5, "total": 8, "at": at},
        "7": {"passed": 1, "total": 8},
        "8": "all of them",
        "01": {"passed": 1, "total": 8, "at": at},  # not a plain number
        "x": {"passed": 1, "total": 8, "at": at},
        "99999": {"passed": 1, "total": 8, "at": at},
        "٣": {"passed": 1, "total": 8, "at": at},  # a digit, but not an ASCII one
    }
    write_raw(instance, json.dumps({"checks": checks}))
    assert progress.read() == {1: {"passed": 2, "total": 8, "at": at}}


def test_a_checks_section_of_the_wrong_shape_is_no_progress(instance):
    write_raw(instance, json.dumps({"checks": ["1", "2"], "hints": "many"}))
    assert progress.read() == {} and progress.hints_shown(1) == 0


def test_hint_and_solution_counts_are_kept_beside_the_checks(instance):
    progress.record_check(1, 1, 8)
    progress.record_hints_shown(1, 2)
    assert progress.record_solution_ask(1) == 1
    assert progress.record_solution_ask(1) == 2
    assert (progress.hints_shown(1), progress.solution_asks(1), progress.hints_shown(2)) == (2, 2, 0)
    assert list(progress.read()) == [1]


def test_a_write_keeps_what_another_section_holds(instance):
    write_raw(instance, json.dumps({"notes": {"mine": "kept"}, "hints": {"4": 1}}))
    progress.record_check(1, 1, 8)
    data = json.loads((instance / progress.FILE_NAME).read_text())
    assert data["notes"] == {"mine": "kept"} and data["hints"] == {"4": 1}


def test_a_write_over_a_corrupt_file_starts_afresh(instance):
    write_raw(instance, "{broken")
    progress.record_check(1, 1, 8)
    assert list(progress.read()) == [1]


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(instance):
    progress.record_check(1, 1, 8)
    first = os.stat(instance / progress.FILE_NAME).st_ino
    progress.record_check(1, 2, 8)
    # A new file renamed over the old one (a new inode), never the old one rewritten in place.
    assert os.stat(instance / progress.FILE_NAME).st_ino != first
    assert sorted(path.name for path in instance.iterdir()) == [progress.FILE_NAME]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(instance, monkeypatch):
    progress.record_check(1, 1, 8)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress.json, "dump", full_disk)
    with pytest.raises(OSError):
        progress.record_check(1, 8, 8)
    assert progress.read()[1]["passed"] == 1
    assert sorted(path.name for path in instance.iterdir()) == [progress.FILE_NAME]


def test_a_folder_made_for_the_file_is_private_and_the_file_too(instance):
    progress.record_check(1, 1, 8)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert stat.S_IMODE((instance / progress.FILE_NAME).stat().st_mode) == 0o600


def test_a_file_where_the_folder_should_be_is_no_progress_and_a_clear_error_on_write(tmp_path, monkeypatch):
    blocker = tmp_path / "instance"
    blocker.write_text("not a folder")
    monkeypatch.setenv("APP_INSTANCE_PATH", str(blocker))
    assert progress.read() == {}
    with pytest.raises(OSError):
        progress.record_check(1, 1, 8)
