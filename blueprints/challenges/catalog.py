"""What a challenge is, and the list of them (each lab's module registers its own).

The page says what to send and what counts as solved, never how: the how is the hint ladder,
one step at a time, and the solution, shown only when asked for twice.
"""

from collections.abc import Callable
from dataclasses import dataclass

# The labs in the order of the home page; the provider's own flaws are a fourth group.
LABS = {"jwt": "JWT lab", "session": "Session lab", "oauth": "OAuth lab", "provider": "The provider"}
LEVELS = ("apprentice", "practitioner", "expert")  # PortSwigger's three words


@dataclass(frozen=True)
class Challenge:
    id: str
    lab: str
    title: str
    level: str
    goal: str  # what the server will notice when it is solved, in words
    send: tuple[str, ...]  # the endpoints involved: what to send, not how
    hints: tuple[str, ...]  # the ladder, from a nudge to nearly the answer
    solution: tuple[str, ...]  # the steps, shown after the second request
    lesson: str  # what the real code does instead, and why
    refused_by: tuple[str, str]  # (module, function) of the real code that refuses the attack
    real: Callable  # real(evidence) -> real.Attempt: the same attack sent to the real code
    victim: object = None  # a victim.Scenario when the attack needs someone else's browser

    def __post_init__(self):
        if self.lab not in LABS or self.level not in LEVELS or len(self.hints) < 3:
            raise ValueError(f"challenge {self.id}: a lab of LABS, a level of LEVELS, and a ladder of 3 hints or more")


CHALLENGES: dict[str, Challenge] = {}


def register(**fields):
    challenge = Challenge(**fields)
    if challenge.id in CHALLENGES:
        raise ValueError(f"two challenges named {challenge.id}")
    CHALLENGES[challenge.id] = challenge
    return challenge


def by_lab():
    """[(lab name, [challenges])] in the order of LABS, then of registration."""
    return [(name, [c for c in CHALLENGES.values() if c.lab == lab]) for lab, name in LABS.items()]
