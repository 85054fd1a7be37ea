"""The naive twins' own demo accounts: a small store of their own, never the app's `users` table.

LAB-3: a twin is built to be attacked, so nothing it does may reach the real app's state. Its
sign-in is unthrottled and its sessions are guessable on purpose; if it asked the real
`models.authenticate()`, it would be an unthrottled oracle for real passwords (15 wrong guesses
and the right one for an account made through sign-up took 0.8 s and no 429). So the twins know
only these two people, with the public demo passwords of docs/contract.md. An account made
through the real sign-up is unknown here, a password changed on the real account changes nothing
here, and a guess here says nothing about any real password.
"""

import hmac
from dataclasses import dataclass

# username -> (password, role). The twins' own copies: the real accounts may change or not
# exist at all (production has none, HDR-6) and these stay as they are.
NAIVE_ACCOUNTS = {
    "alice": ("wonderland", "admin"),
    "bob": ("thebuilder", "user"),
}


@dataclass(frozen=True)
class NaiveUser:
    """Someone a twin knows: a name and a role, nothing of the real app's."""

    username: str
    role: str


def find(username):
    """One of the twins' own accounts, or None (an id the real app issued means nothing here)."""
    if not isinstance(username, str) or username not in NAIVE_ACCOUNTS:
        return None
    return NaiveUser(username, NAIVE_ACCOUNTS[username][1])


def authenticate(username, password):
    """The twins' own account whose demo password this is, or None."""
    user = find(username)
    if user is None or not isinstance(password, str):
        return None
    expected = NAIVE_ACCOUNTS[user.username][0].encode()
    # surrogatepass: a lone surrogate from JSON ("\ud800") is a wrong password, not a 500.
    return user if hmac.compare_digest(password.encode("utf-8", "surrogatepass"), expected) else None
