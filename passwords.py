"""Password hashing (PW-1) and the sign-up password policy (PW-2, PW-7)."""

import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

# Argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane. Memory
# hardness is what makes a GPU guessing farm expensive.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# A hash of a password nobody has: verified against when the user does not exist, so an
# unknown user costs the same time as a wrong password (PW-3: no user enumeration).
DUMMY_HASH = hasher.hash("no such user: this hash only burns the same time")

MIN_LENGTH = 8
MAX_LENGTH = 128  # generous (PW-2 asks >= 64), and a bound on the hashing work per request

# PW-7: a password is refused when an attacker's guessing program would find it early, which
# a length rule alone cannot tell: `aaaaaaaa`, `abcd1234` and eight spaces are 8 characters.
# zxcvbn (Dropbox's estimator; the Python port ships its lists, so it works offline) looks for
# what guessing programs try first: the 30,000 most common leaked passwords, 30,000 English
# words, names and surnames, keyboard walks (`qwertyuiop`), repeats, sequences, dates, l33t
# substitutions, and the words of this site. It scores the cheapest way to guess the password
# from 0 to 4; 3 means about 10^8 guesses or more, which NIST 800-63B's advice (refuse what is
# in breach corpuses and dictionaries) and OWASP ASVS 6.2.12 amount to for an online service
# that throttles sign-ins and hashes with Argon2id.
MIN_SCORE = 3
GUESSES_AT_MIN_SCORE = 10**8

# zxcvbn's work grows steeply with length (1.2 s for 128 random characters, 60 ms for 64), so
# it reads the first 64 characters only: a password is strong in those or it is refused, and
# a long one is still hashed whole (no truncation, PW-2). Without this bound one sign-up
# request could keep a core busy for a second.
SCORED_CHARACTERS = 64

# Words a guesser aims at this site with first, besides the username: its name, and the demo
# passwords every login page prints.
SITE_WORDS = ("authlab", "auth lab", "auth", "wonderland", "thebuilder")

# zxcvbn keeps the words it is told about (the username) in a module-level dictionary that
# every call overwrites: two threads of one worker estimating at once would each be scored
# against the other's username. One estimate at a time (it holds the GIL anyway).
estimator_lock = threading.Lock()


def hash_password(password):
    return hasher.hash(as_bytes(password))


def verify_password(stored_hash, password):
    """True when password matches; always spends one Argon2 verification."""
    try:
        return hasher.verify(stored_hash or DUMMY_HASH, as_bytes(password)) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def as_bytes(password):
    """The password as UTF-8. A JSON body can carry a lone surrogate ("\\ud800"), which plain UTF-8
    cannot encode: kept as its three bytes, it is a wrong password like any other, not a 500."""
    return password.encode("utf-8", "surrogatepass")


def password_problems(password, username=""):
    """The reasons a new password is refused, in words for the form (empty when it is acceptable).

    Any character is allowed, spaces and emoji included, and nothing is truncated: length
    is counted in characters, and the whole string is hashed.
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
        return problems  # not worth estimating: it is refused anyway
    name = folded(username)
    if name and folded(password) == name:
        problems.append("The password must not be the username.")
    elif name and len(name) >= 3 and name in folded(password) and not strong(without(password, name)):
        # zxcvbn credits a username it is told about at a few guesses, but it often finds the
        # same letters as a common first name first; this says plainly what the attacker tries.
        problems.append(
            f"It is built on your username ({username}): guessing programs try the username "
            "with a few characters around it first."
        )
    return problems + guessability_problems(password, username)


def guessability_problems(password, username=""):
    """Why zxcvbn finds the password easy to guess: its estimate, warning and suggestions."""
    if not password:
        return []  # the length rule says it (and zxcvbn fails on the empty string)
    verdict = estimate(password, [username, *SITE_WORDS] if username else SITE_WORDS)
    if verdict["score"] >= MIN_SCORE:
        return []
    offline = verdict["crack_times_display"]["offline_slow_hashing_1e4_per_second"]
    problems = [
        f"Too easy to guess: a guessing program would find it in about {in_words(verdict['guesses'])} guesses "
        f"(zxcvbn's score {verdict['score']} of 4; this site asks for {MIN_SCORE}, about "
        f"{in_words(GUESSES_AT_MIN_SCORE)} guesses). With a stolen copy of the password hashes, "
        f"an attacker would need {offline}."
    ]
    # The reason names the rank, never the matched text: the page may be on a projector.
    common = [m for m in verdict["sequence"] if m.get("dictionary_name") == "passwords"]
    if common:
        whole = len(verdict["sequence"]) == 1
        problems.append(
            f"It is on attackers' lists of common passwords: {'it' if whole else 'a part of it'} is number "
            f"{common[0]['rank']:,} of the 30,000 most common leaked passwords."
        )
    elif verdict["feedback"]["warning"]:
        problems.append(verdict["feedback"]["warning"])
    return problems + verdict["feedback"]["suggestions"]


def estimate(password, known_words=()):
    """zxcvbn's verdict on the first SCORED_CHARACTERS characters, the site's words made known to it."""
    with estimator_lock:
        return zxcvbn(password[:SCORED_CHARACTERS], user_inputs=list(known_words), max_length=SCORED_CHARACTERS)


def strong(password):
    """True when zxcvbn scores the password at least MIN_SCORE."""
    return bool(password) and estimate(password, SITE_WORDS)["score"] >= MIN_SCORE


def folded(text):
    """Text compared as a person reads it: NFKC-normalised, case-folded, outer spaces dropped."""
    return unicodedata.normalize("NFKC", text).casefold().strip() if isinstance(text, str) else ""


def without(password, name):
    """The password with every occurrence of the (folded) username taken out."""
    return folded(password).replace(name, "")


def in_words(guesses):
    """A number of guesses as a person reads it: 97, 15 thousand, 3.2 million, 10^21."""
    guesses = int(guesses)
    if guesses >= 10**15:
        return f"10^{len(str(guesses)) - 1}"
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if guesses >= size:
            amount = guesses / size
            return f"{amount:.0f} {word}" if amount >= 10 else f"{amount:.1f}".removesuffix(".0") + f" {word}"
    return str(guesses)
