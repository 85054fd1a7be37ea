"""Challenges a student solves by hand, against the naive twins; their progress, kept on the server.

The attack benches (vulnerable/) press Send for the student. Here the student performs the
attack, from the page, curl, DevTools or Burp, and the server notices that the goal was reached:
the naive verifier welcomed a forged admin, the victim's session carries the attacker's id, the
naive client believes the attacker is the victim. Never a "mark as done" button.

catalog.py     what a challenge is: goal, what to send, hint ladder, solution, the real code's refusal
players.py     who is playing: a random id in the `lab_player` cookie, per browser, no account
progress.py    what each player solved and how many hints and solution requests they made
detect.py      the twins say when a goal is reached; the victim's artifacts say whose victim it was
victim.py      the victim bot: a headless Chromium the app drives, as the victim, to the student's link
real.py        the final step: the same attack sent to the real code, and the line that refuses it
routes.py      the pages: the list, one challenge, its hints, solution, delivery and real attempt
addresses.py   the catalog's text names the lab as `make run` serves it; the pages show this lab's
jwt_challenges.py, session_challenges.py, oauth_challenges.py: the challenges, one module per lab

Development only, like the twins they target (create_app registers them with the twins).
"""


def init_app(app):
    from . import routes

    all_challenges()
    routes.init_app(app)


def all_challenges():
    """Every challenge, by id: each lab's module registers its own when first imported."""
    from . import jwt_challenges, oauth_challenges, session_challenges  # noqa: F401  (each registers)
    from .catalog import CHALLENGES

    return CHALLENGES
