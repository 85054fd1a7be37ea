"""The Session lab's challenges, against the naive session twin (vulnerable/naive_session.py).

The victim is alice, an admin, in a browser of her own (victim.py). The goal of each is a
moment in her session as the twin sees it: read by someone else, adopted from an attacker,
changed by another site.
"""

from vulnerable.accounts import NAIVE_ACCOUNTS

from . import real
from .catalog import register
from .detect import judge, victim_of
from .victim import Scenario

NAIVE_PAGE = "/vulnerable/session/"


def alice_signs_in(victim):
    """The victim's first step in every session story: alice signs in to the naive twin."""
    victim.goto(victim.url("APP_URL", NAIVE_PAGE))
    victim.page.fill("#naive-username", "alice")
    victim.page.fill("#naive-password", NAIVE_ACCOUNTS["alice"][0])
    victim.page.click("text=Sign in to the naive twin")
    victim.page.wait_for_load_state("load")
    victim.hold("naive_sid", victim.cookie("naive_sid"))


def real_session_with(sid):
    """The same id, presented as the real session cookie: the real store has never issued it."""
    return real.send("GET", "/session/whoami", {"Cookie": f"session={sid}", "Accept": "application/json"})


register(
    id="session-guess-id",
    lab="session",
    title="Guess your neighbour's session id",
    level="apprentice",
    goal=(
        "alice has just signed in to the naive session twin in her own browser. Read her session: make "
        '`GET /vulnerable/session/whoami` answer `"user": "alice"` with alice\'s session id, which nobody '
        "gave you."
    ),
    send=(
        "`GET /vulnerable/session/` and `POST /vulnerable/session/login` (bob / thebuilder): your own naive session.",
        "`GET /vulnerable/session/whoami`, with the session id in the `naive_sid` cookie or in `?sid=`.",
    ),
    hints=(
        "Sign in to the naive twin yourself, twice, and compare the two session ids you get.",
        "The ids are not random: each is the previous one plus one. alice signed in just before or after you.",
        "Try `GET /vulnerable/session/whoami?sid=N` for the numbers next to your own.",
    ),
    solution=(
        'Press "Let the victim sign in", then sign in to the naive twin as bob: note your `naive_sid`, say 42.',
        "alice signed in just before you: `GET /vulnerable/session/whoami?sid=41` (with your lab_player cookie).",
        'It answers `{"sid": "41", "user": "alice"}`: her session is yours to use.',
    ),
    lesson=(
        "The real store's ids are 256 random bits (SES-1): there is no neighbour to guess, and an id it never "
        "issued is refused, not adopted: the real answer names nobody."
    ),
    refused_by=("session_store.py", "Hardened"),
    real=real_session_with,
    victim=Scenario(
        story=(
            "alice, the admin, signs in to the naive twin (`/vulnerable/session/`) in her own browser when you ask. "
            "She opens no link of yours."
        ),
        prepare=alice_signs_in,
        needs_link=False,
    ),
)


@judge("naive_session.whoami", "session-guess-id")
def read_alices_session(player, record, own_sid):
    """Solved when the id is alice's, held by this player's victim, and not the one the student signed in to."""
    if record is None or record.username != "alice" or record.sid == own_sid:
        return None
    return record.sid if player is not None and victim_of("naive_sid", record.sid) == player else None
