"""An exercise's hint ladder: its hints.md, read as numbered steps from a nudge to a near-answer.

hints.md is plain Markdown, one `## Hint N: title` heading per rung, in order:

    ## Hint 1: what does the check send?
    The body, any Markdown.

The command line (`make hint 1`) and the app's exercise page both reveal one rung at a time.
"""

import re
from dataclasses import dataclass

RUNG = re.compile(r"^## Hint (?P<number>\d+): (?P<title>[^\n]+)\n(?P<body>.*?)(?=^## Hint \d+: |\Z)", re.M | re.S)


@dataclass(frozen=True)
class Hint:
    number: int
    title: str
    body: str  # Markdown


def ladder(exercise):
    """The exercise's hints in order (an empty tuple if it has none)."""
    try:
        text = exercise.hints_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    return parse(text)


def parse(text):
    """The rungs of a hints.md; numbered 1, 2, 3... in the order written, whatever the headings say."""
    return tuple(
        Hint(index, found["title"].strip(), found["body"].strip())
        for index, found in enumerate(RUNG.finditer(text), start=1)
    )
