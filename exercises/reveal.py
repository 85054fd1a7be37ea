"""What a stuck student may ask for: the next hint, one rung at a time, and the solution, asked twice.

Both remember what was shown in the progress file (progress.py), so `make hint 1` tomorrow
continues where today stopped. The solution lives in exercises/solutions/, which an instructor
may remove before the class: then the answer is "your instructor has it", and nothing breaks.
"""

from exercises import progress
from exercises.hints import ladder


def next_hint(exercise):
    """Print the next hint of this exercise and remember it was shown."""
    hints = ladder(exercise)
    if not hints:
        print(f"Exercise {exercise.number} has no hints: its README.md and the check's messages are all there is.")
        return 0
    shown = min(progress.hints_shown(exercise.number), len(hints))
    if shown == len(hints):
        print(f"You have seen all {len(hints)} hints of exercise {exercise.number}; here they are again.\n")
        for hint in hints:
            print_hint(hint, len(hints))
        print(after_the_last(exercise))
        return 0
    hint = hints[shown]
    progress.record_hints_shown(exercise.number, hint.number)
    print_hint(hint, len(hints))
    if hint.number < len(hints):
        print(f"Try it, run  make exercise {exercise.number}, and if you are still stuck:  make hint {exercise.number}")
    else:
        print(after_the_last(exercise))
    return 0


def hints_so_far(exercise):
    """Print again the hints already shown (none: say how to get the first)."""
    hints = ladder(exercise)
    shown = min(progress.hints_shown(exercise.number), len(hints))
    if not shown:
        print(f"No hint of exercise {exercise.number} shown yet:  make hint {exercise.number}  shows the first.")
        return 0
    for hint in hints[:shown]:
        print_hint(hint, len(hints))
    return 0


def print_hint(hint, total):
    print(f"Hint {hint.number} of {total}: {hint.title}\n")
    print(hint.body)
    print()


def after_the_last(exercise):
    return (
        "That was the last hint. Still stuck? Ask a neighbour, or read the solution:"
        f"  python -m exercises {exercise.number} --solution  (it asks you twice)."
    )


def solution(exercise):
    """The first ask says it will show the solution next time; the second (and later) shows it."""
    source = exercise.solution_path
    if not source.is_file():
        print(
            f"The reference solution of exercise {exercise.number} is not in this copy of the exercises: "
            "your instructor has the solutions. Ask them, or a neighbour who has finished."
        )
        return 0
    asks = progress.record_solution_ask(exercise.number)
    if asks < 2:
        hints = ladder(exercise)
        seen = min(progress.hints_shown(exercise.number), len(hints))
        left = (
            f" You have seen {seen} of its {len(hints)} hints:  make hint {exercise.number}  shows the next."
            if seen < len(hints)
            else ""
        )
        print(
            f"Reading the solution ends the puzzle of exercise {exercise.number}.{left}\n"
            f"If you still want it, ask again:  python -m exercises {exercise.number} --solution"
        )
        return 0
    print(f"Exercise {exercise.number}, the reference solution (exercises/solutions/{source.name}):\n")
    print(source.read_text(encoding="utf-8"))
    return 0
