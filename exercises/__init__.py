"""Classroom exercises: one folder each, a starter to edit, a check that says what is still wrong.

This package is plain data and file paths. The exercises never import the app's own modules
(they use only the stack's libraries), so a student can read each one on its own.
"""

import shutil

# subprocess runs only `git show` with fixed arguments, to read a committed file.
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


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


# Graded from easy to hard; the numbers are what `make exercise N` takes.
CATALOG = (
    Exercise(
        1,
        "01-jwt-role-required",
        "A role-required decorator for a JWT API",
        "JWT",
        "easy",
        20,
        "Answer 403 unless the token's role claim is the one the route needs.",
    ),
    Exercise(
        2,
        "02-pkce-challenge",
        "Compute a PKCE S256 challenge",
        "OAuth",
        "easy",
        20,
        "Turn a code verifier into its S256 challenge, checked against RFC 7636's own example.",
    ),
    Exercise(
        3,
        "03-session-fixation",
        "Fix a session-fixation bug",
        "Sessions",
        "easy",
        25,
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
        30,
        "Bind each sign-in attempt to the browser that started it, and use it once.",
    ),
    Exercise(
        6,
        "06-redirect-uri-exact",
        "Exact redirect_uri matching in a provider",
        "OAuth",
        "medium",
        25,
        "Compare redirect URIs as whole strings, and see why prefix matching leaks codes.",
    ),
    Exercise(
        7,
        "07-jwt-revoke-jti",
        "Revoke JWTs by jti",
        "JWT",
        "medium",
        35,
        "Log out for real: a blocklist of token ids whose entries expire with each token.",
    ),
    Exercise(
        8,
        "08-jwt-key-rotation",
        "Key rotation by kid",
        "JWT",
        "hard",
        35,
        "Several signing keys live at once, chosen by kid; a retired key is refused.",
    ),
    Exercise(
        9,
        "09-refresh-rotation",
        "Refresh-token rotation with reuse detection",
        "JWT",
        "hard",
        40,
        "Every refresh gives a new token; replaying an old one kills the whole family.",
    ),
    Exercise(
        10,
        "10-id-token-verify",
        "Verify an OpenID Connect id_token",
        "OAuth",
        "hard",
        45,
        "Signature with a pinned algorithm, then iss, aud, exp and nonce, in that order.",
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
