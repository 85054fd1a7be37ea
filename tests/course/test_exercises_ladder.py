"""`python -m exercises N --hint` climbs the hint ladder one rung per call; `--solution` answers the second time.

Both remember what they showed in the progress file, so each test gets its own instance folder.
"""

import pytest

import exercises
from exercises import CATALOG, find, progress
from exercises.__main__ import main
from exercises.hints import ladder

FIRST = CATALOG[0]


@pytest.fixture(autouse=True)
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def run(capsys, *args):
    """(exit status, what was printed) of `python -m exercises ARGS`."""
    status = main([str(arg) for arg in args])
    return status, capsys.readouterr().out


def test_the_first_hint_call_shows_hint_1_only(capsys):
    hints = ladder(FIRST)
    status, out = run(capsys, 1, "--hint")
    assert status == 0
    assert f"Hint 1 of {len(hints)}: {hints[0].title}" in out and hints[0].body in out
    assert hints[1].title not in out and hints[1].body not in out
    assert "make hint 1" in out  # how to get the next one


def test_each_hint_call_shows_the_next_rung(capsys):
    hints = ladder(FIRST)
    run(capsys, 1, "--hint")
    _, out = run(capsys, 1, "--hint")
    assert f"Hint 2 of {len(hints)}: {hints[1].title}" in out
    assert hints[0].title not in out and hints[2].title not in out


def test_after_the_last_rung_the_ladder_is_shown_again_with_the_way_to_the_solution(capsys):
    hints = ladder(FIRST)
    for _ in hints:
        _, out = run(capsys, 1, "--hint")
    assert "That was the last hint" in out and "--solution" in out
    _, again = run(capsys, 1, "--hint")
    assert f"all {len(hints)} hints" in again
    assert all(hint.title in again for hint in hints)
    assert progress.hints_shown(1) == len(hints)


def test_the_hints_shown_so_far_can_be_read_again_without_climbing(capsys):
    hints = ladder(FIRST)
    _, none_yet = run(capsys, 1, "--hints")
    assert "No hint of exercise 1 shown yet" in none_yet
    run(capsys, 1, "--hint")
    _, out = run(capsys, 1, "--hints")
    assert hints[0].title in out and hints[1].title not in out
    assert progress.hints_shown(1) == 1


def test_each_exercise_climbs_its_own_ladder(capsys):
    run(capsys, 1, "--hint")
    _, out = run(capsys, 2, "--hint")
    assert f"Hint 1 of {len(ladder(find(2)))}" in out


def test_the_first_ask_for_the_solution_says_what_it_costs_and_shows_nothing(capsys):
    status, out = run(capsys, 1, "--solution")
    assert status == 0
    assert "ask again" in out and "python -m exercises 1 --solution" in out
    assert "You have seen 0 of its" in out and "make hint 1" in out
    assert "def role_required" not in out


def test_the_second_ask_prints_the_solution(capsys):
    run(capsys, 1, "--solution")
    _, out = run(capsys, 1, "--solution")
    assert FIRST.solution_path.read_text() in out
    _, third = run(capsys, 1, "--solution")
    assert "def role_required" in third


def test_asking_for_one_solution_asks_nothing_of_another(capsys):
    run(capsys, 1, "--solution")
    _, out = run(capsys, 2, "--solution")
    assert "ask again" in out and "def s256_challenge" not in out


@pytest.fixture
def solutions_removed(tmp_path, monkeypatch):
    """The copy an instructor handed out without exercises/solutions/."""
    monkeypatch.setattr(exercises, "SOLUTIONS", tmp_path / "no-solutions-here")


def test_without_the_solutions_folder_the_solution_is_the_instructors(capsys, solutions_removed):
    for _ in range(2):
        status, out = run(capsys, 1, "--solution")
        assert status == 0
        assert "your instructor has the solutions" in out
    assert progress.solution_asks(1) == 0


def test_without_the_solutions_folder_the_hints_still_work(capsys, solutions_removed):
    _, out = run(capsys, 1, "--hint")
    assert "Hint 1 of" in out


def test_without_the_solutions_folder_checking_the_solution_says_why_not(capsys, solutions_removed):
    status, out = run(capsys, 1, "--check-solution")
    assert status == 2
    assert "your instructor has them" in out


def test_a_hint_needs_an_exercise_number(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--hint"])
    assert stopped.value.code == 2
    assert "--hint needs an exercise number" in capsys.readouterr().err


def test_a_hint_of_an_unknown_exercise_is_refused(capsys):
    status, out = run(capsys, 99, "--hint")
    assert status == 2 and "There is no exercise 99" in out


def test_the_list_shows_the_last_check_of_each_exercise(capsys):
    progress.record_check(3, 4, 7)
    _, out = run(capsys)
    line = next(line for line in out.splitlines() if find(3).title in line)
    assert "last check: 4 of 7 pass" in line
    assert "last check" not in next(line for line in out.splitlines() if find(4).title in line)
