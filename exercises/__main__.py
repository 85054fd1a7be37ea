"""Check an exercise and say, in plain words, what is still wrong; or give its next hint.

    python -m exercises                   list the exercises (and how your last check went)
    python -m exercises 1                 check your exercises/01-.../exercise.py
    python -m exercises 1 --hint          the next hint, one at a time (again: the one after)
    python -m exercises 1 --hints         the hints shown so far, again
    python -m exercises 1 --solution      the reference solution, printed the second time you ask
    python -m exercises 1 --starter       check the starter as shipped (everything still to do)
    python -m exercises 1 --check-solution  check the reference solution (instructors)
    python -m exercises 1 --submit URL    check, then send the result to the class (URL: your sandbox)

`make exercise 1` (or `make exercise N=1`) runs the second line, `make hint 1` (or
`make exercise 1 HINT=1`) the third. Each check's result and the hints shown are remembered in
instance/exercise-progress.json (exercises/progress.py).
"""

import argparse
import sys

from exercises import CATALOG, find, progress, reveal, submit
from exercises.runner import print_results, run_checks


def list_exercises():
    print("Classroom exercises (exercises/README.md). Check one with:  make exercise N\n")
    results = progress.read()
    for exercise in CATALOG:
        last = results.get(exercise.number)
        status = f"  last check: {last['passed']} of {last['total']} pass" if last else ""
        print(
            f"  {exercise.number:>2}  {exercise.title:<50} {exercise.mechanism:<9} "
            f"{exercise.difficulty:<7} ~{exercise.minutes} min{status}"
        )
    return 0


def check(exercise, which, submit_to=None):
    """Check the student's file, the starter as shipped, or the reference solution."""
    if which == "solution" and not exercise.solution_path.is_file():
        print("The reference solutions are not in this copy (exercises/solutions/): your instructor has them.")
        return 2
    module = {"exercise": exercise.folder / "exercise.py", "starter": "starter", "solution": exercise.solution_path}
    shown = {
        "exercise": f"{exercise.path}/exercise.py",
        "starter": "the starter as shipped",
        "solution": f"exercises/solutions/{exercise.solution_path.name}",
    }[which]
    print(f"Exercise {exercise.number}: {exercise.title}\nChecking {shown} ...\n")
    results, problem = run_checks(exercise, module[which])
    status = print_results(exercise, shown, results, problem)
    if which == "exercise" and results:
        remember(exercise, results, problem)
        if submit_to:
            passed = 0 if problem else sum(1 for _name, ok, _message in results if ok)
            print(submit.send(submit_to, exercise.number, passed, len(results)))
    return status


def remember(exercise, results, problem):
    """Record this check in the progress file; a file we cannot write costs a line, not the check."""
    passed = 0 if problem else sum(1 for _name, ok, _message in results if ok)
    try:
        progress.record_check(exercise.number, passed, len(results))
    except OSError as error:
        print(f"(Your progress was not saved: {error.strerror or error} at {progress.path()}.)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m exercises", description=__doc__.splitlines()[0])
    parser.add_argument("number", nargs="?", type=int, help="the exercise (none: list them)")
    action = parser.add_mutually_exclusive_group()
    for flag, help_text in (
        ("--hint", "show the next hint of this exercise, one at a time"),
        ("--hints", "show again the hints already shown"),
        ("--solution", "print the reference solution (the second time you ask)"),
        ("--starter", "check the starter as shipped"),
        ("--check-solution", "check the reference solution (instructors)"),
    ):
        action.add_argument(flag, action="store_const", const=flag[2:], dest="action", help=help_text)
    parser.add_argument("--submit", metavar="URL", help="send the result to the class (your sandbox's address)")
    args = parser.parse_args(argv)
    if args.number is None:
        if args.action:
            parser.error(f"--{args.action} needs an exercise number, for example: python -m exercises 1 --hint")
        return list_exercises()
    exercise = find(args.number)
    if exercise is None:
        print(f"There is no exercise {args.number}: pick one of 1 to {len(CATALOG)} (make exercises lists them).")
        return 2
    if args.action == "hint":
        return reveal.next_hint(exercise)
    if args.action == "hints":
        return reveal.hints_so_far(exercise)
    if args.action == "solution":
        return reveal.solution(exercise)
    which = {"starter": "starter", "check-solution": "solution"}.get(args.action, "exercise")
    return check(exercise, which, args.submit)


if __name__ == "__main__":
    sys.exit(main())
