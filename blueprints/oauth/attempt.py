"""One sign-in attempt, as this browser's server-side session remembers it.

`session["oauth_dance"]` holds the provider, pause mode, where to go afterwards and what each
hop saw (flow.py writes it, dance.py shows it). The tokens (`oauth_tokens`) and what the
callback hands the back channel (`oauth_pending`: code, verifier, nonce) sit beside it, on the
server only (OC-4); the browser holds nothing but its session id.
"""

from flask import session


class DanceError(Exception):
    """A hop failed a check; nobody is signed in. Rendered as a 400 page (502: unreachable)."""

    def __init__(self, step, reason, status=400):
        super().__init__(reason)
        self.step = step
        self.reason = reason
        self.status = status


def current():
    """This browser's attempt: the provider, pause mode, and the record of each hop."""
    return session.get("oauth_dance")


def save(dance):
    session["oauth_dance"] = dance  # reassigned, so the session store sees the change


def record_step(step, data):
    dance = current()
    dance["steps"][step] = data
    save(dance)


def abandon(error):
    """Record why a hop failed; nothing it produced is kept, nobody is signed in by it."""
    dance = current()
    if dance:
        dance["failed"] = {"step": error.step, "reason": error.reason}
        save(dance)
    session.pop("oauth_pending", None)
    session.pop("oauth_tokens", None)
    return dance
