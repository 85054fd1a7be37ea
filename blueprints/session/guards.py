"""The session lab's guard: `@session_required()`, read above the view it protects.

The record the cookie names says who you are; the app decides what you may do. Authentication
first: no live session (never signed in, logged out, ended by a timeout or by another browser
presenting it) is a 401 that says which. Authorization second: `role=` asks for a role, and a
signed-in user without it gets a 403. The article's `/admin` admits anyone signed in (an
erratum): here the role is checked on the server, on every request.
"""

from functools import wraps

from flask import g
from flask_login import current_user

from answers import forbidden, unauthorized


def session_required(role=None):
    """Admit a request only with a live signed-in session (and, given `role`, that role)."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                # The before-request guard (binding.py, timeouts.py) says why a session ended.
                return unauthorized(g.get("session_ended") or "No valid session: sign in first.")
            if role is not None and current_user.role != role:
                article = "an" if role[:1] in "aeiou" else "a"
                return forbidden(f"{current_user.username} is signed in, but is not {article} {role}.")
            return view(*args, **kwargs)

        return guarded

    return decorator
