"""A signed-in session works only in the browser that signed in (flask-login's "strong" mode).

At sign-in flask-login records `_id`, a hash of the client's address and User-Agent. A
session id copied into another browser arrives with another hash, and is ended on the spot.

flask-login can do this itself (SESSION_PROTECTION = "strong"), but it also runs the check
on anonymous sessions, which have no `_id`: every page that holds a CSRF token would then be
rewritten to the store and sent a remember-me deletion without Secure or SameSite. So the
check runs here, for signed-in sessions only, and flask-login's is switched off (config.py).
"""

from flask import current_app, g, session
from flask_login import logout_user


def enforce():
    """Before every view (see guard()): end a signed-in session presented by another browser."""
    if "_user_id" not in session:
        return
    if session.get("_id") != current_app.login_manager._session_identifier_generator():
        logout_user()
        session.clear()
        g.session_ended = "Session ended: it was presented by another browser than the one that signed in."
