"""Classroom exercises: one folder each, a starter to edit, a check that says what is still wrong.

Each folder holds README.md, exercise.py (the starter), check.py and hints.md (the hint ladder).
The reference solutions live apart, in solutions/, one file each, so an instructor can remove
the folder before handing the exercises out: everything else works without it.

This package is plain data and file paths. The exercises never import the app's own modules
(they use only the stack's libraries), so a student can read each one on its own.
"""

import shutil

# subprocess runs only `git show` with fixed arguments, to read a committed file.
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    title: str
    mechanism: str
    difficulty: str
    minutes: int
    summary: str

    @property
    def folder(self):
        return HERE / self.slug

    @property
    def path(self):
        """The folder relative to the project root, as the source viewer names it."""
        return f"exercises/{self.slug}"

    @property
    def hints_path(self):
        return self.folder / "hints.md"

    @property
    def solution_path(self):
        """exercises/solutions/01_jwt_role_required.py: present unless an instructor removed it."""
        return SOLUTIONS / (self.slug.replace("-", "_") + ".py")


# Graded from easy to hard; the numbers are what `make exercise N` takes.
CATALOG = (
    Exercise(
        1,
        "01-jwt-role-required",
        "A role-required decorator for a JWT API",
        "JWT",
        "easy",
        15,
        "Answer 403 unless the token's role claim is the one the route needs.",
    ),
    Exercise(
        2,
        "02-pkce-challenge",
        "Compute a PKCE S256 challenge",
        "OAuth",
        "easy",
        15,
        "Turn a code verifier into its S256 challenge, checked against RFC 7636's own example.",
    ),
    Exercise(
        3,
        "03-session-fixation",
        "Fix a session-fixation bug",
        "Sessions",
        "easy",
        20,
        "Give the browser a new session id at login, so a planted id is worth nothing.",
    ),
    Exercise(
        4,
        "04-cookie-flags-csrf",
        "Cookie flags and a CSRF check",
        "Sessions",
        "medium",
        30,
        "HttpOnly, SameSite and Secure on the session cookie, and a token check on every POST.",
    ),
    Exercise(
        5,
        "05-oauth-state",
        "Add the state check to a naive OAuth client",
        "OAuth",
        "medium",
        25,
        "Bind each sign-in attempt to the browser that started it, and use it once.",
    ),
    Exercise(
        6,
        "06-redirect-uri-exact",
        "Exact redirect_uri matching in a provider",
        "OAuth",
        "medium",
        15,
        "Compare redirect URIs as whole strings, and see why prefix matching leaks codes.",
    ),
    Exercise(
        7,
        "07-jwt-revoke-jti",
        "Revoke JWTs by jti",
        "JWT",
        "medium",
        25,
        "Log out for real: a blocklist of token ids whose entries expire with each token.",
    ),
    Exercise(
        8,
        "08-jwt-key-rotation",
        "Key rotation by kid",
        "JWT",
        "hard",
        30,
        "Several signing keys live at once, chosen by kid; a retired key is refused.",
    ),
    Exercise(
        9,
        "09-refresh-rotation",
        "Refresh-token rotation with reuse detection",
        "JWT",
        "hard",
        25,
        "Every refresh gives a new token; replaying an old one kills the whole family.",
    ),
    Exercise(
        10,
        "10-id-token-verify",
        "Verify an OpenID Connect id_token",
        "OAuth",
        "hard",
        40,
        "Signature with a pinned algorithm, then iss, aud, exp and nonce, in that order.",
    ),
    # From here on, a blank function, its contract in the docstring, and the check: no steps.
    Exercise(
        11,
        "11-refresh-token-families",
        "Refresh-token families, from a blank page",
        "OAuth",
        "hard",
        60,
        "A provider's refresh-token store: single use, one family per sign-in, a family dies on reuse.",
    ),
    Exercise(
        12,
        "12-pkce-verifier-check",
        "The provider's PKCE verifier check",
        "OAuth",
        "hard",
        40,
        "At the token endpoint: S256 only, a well-formed verifier, a constant-time comparison.",
    ),
    Exercise(
        13,
        "13-redirect-uri-tricks",
        "A redirect_uri matcher that survives URL tricks",
        "OAuth",
        "hard",
        60,
        "Exact matching, one allowed variation (a loopback port), and every lookalike a browser reads otherwise.",
    ),
    Exercise(
        14,
        "14-session-timeouts",
        "A session store with idle and absolute timeouts",
        "Sessions",
        "hard",
        45,
        "Sessions that end after inactivity and after a fixed lifetime, on a clock the check controls.",
    ),
)


def find(number):
    """The exercise with this number, or None."""
    return next((exercise for exercise in CATALOG if exercise.number == number), None)


def find_slug(slug):
    """The exercise in this folder, or None."""
    return next((exercise for exercise in CATALOG if exercise.slug == slug), None)


def committed_starter(exercise):
    """The starter as shipped (git HEAD), so a student's edits never hide it; else the file on disk."""
    relative = f"{exercise.path}/exercise.py"
    git = shutil.which("git")
    try:
        # A fixed git command: no shell, no user input.
        shown = subprocess.run(  # noqa: S603  # nosec B603
            [git, "show", f"HEAD:{relative}"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, TypeError, subprocess.TimeoutExpired):  # TypeError: no git installed
        shown = None
    if shown is not None and shown.returncode == 0:
        return shown.stdout
    return (exercise.folder / "exercise.py").read_text()
