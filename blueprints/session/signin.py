"""What a session sign-in submits, and the fresh session it starts (SES-2)."""

from flask import current_app, session
from flask_login import login_user

from answers import credentials

from . import remember, timeouts


def submitted_username():
    """The username of a sign-in (JSON or form): the account the throttle counts a failure against."""
    return (credentials() or {}).get("username")


def sign_in(user, profile="standard", remember_me=False):
    """Start a fresh authenticated session for user: new id, new clocks, maybe remember-me."""
    # Nothing from before sign-in survives into the signed-in session (flaskr does the same):
    # not data an attacker put there, not the id that named it.
    session.clear()
    login_user(user)
    # SES-2, the fixation defence: the signed-in session gets an id nobody saw before, and
    # the record under the old id is deleted. Flask-Session's regenerate() does nothing on
    # an empty session, so it comes after login_user() has filled this one.
    current_app.session_interface.regenerate(session)
    timeouts.start(profile)
    if remember_me:
        remember.issue(user)
