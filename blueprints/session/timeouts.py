"""SES-4: idle and absolute timeouts, enforced on the server.

A cookie's Expires is only a request to the browser, and a stolen id ignores it. So the
session record itself carries two clocks, and every request checks them before any view
runs: `_created` (set at sign-in, never moved) and `_seen` (moved forward as the user is
active). Past either limit the session is ended here, whatever the cookie says.
"""

import time

from flask import current_app, g, session
from flask_login import logout_user

# The timeout pairs a session may run under; the learner picks one at sign-in. Names only
# travel from the browser, never numbers: the server decides what each name means.
PROFILES = {
    "standard": ("SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_TIMEOUT"),
    "demo": ("SESSION_DEMO_IDLE_TIMEOUT", "SESSION_DEMO_ABSOLUTE_TIMEOUT"),
}


def start(profile="standard"):
    """Start both clocks of a freshly signed-in session."""
    now = int(time.time())
    session["_created"] = session["_seen"] = now
    session["_timeouts"] = profile if isinstance(profile, str) and profile in PROFILES else "standard"


def limits():
    """(idle, absolute) seconds for the current session."""
    idle, absolute = PROFILES.get(session.get("_timeouts"), PROFILES["standard"])
    return current_app.config[idle], current_app.config[absolute]


def remaining():
    """Seconds left before the idle and the absolute timeout, for the lab page; None signed out."""
    if "_user_id" not in session or not isinstance(session.get("_created"), int):
        return None
    idle, absolute = limits()
    now = time.time()
    return {
        "profile": session["_timeouts"],
        "idle_timeout": idle,
        "absolute_timeout": absolute,
        "idle_left": max(0, round(session["_seen"] + idle - now)),
        "absolute_left": max(0, round(session["_created"] + absolute - now)),
    }


def enforce():
    """Before every view (see guard()): end a signed-in session past either timeout."""
    if "_user_id" not in session:
        return
    created, seen = session.get("_created"), session.get("_seen")
    if not (isinstance(created, int) and isinstance(seen, int)):
        start()  # signed in by another part of the app: its clocks start now
        return
    idle, absolute = limits()
    now = time.time()
    if now - created >= absolute:
        end("absolute timeout: signed in too long ago")
    elif now - seen >= idle:
        end("idle timeout: unused for too long")
    elif now - seen >= max(1, idle // 20):
        # Moving the idle clock is a write to the store, so it moves in steps of a twentieth
        # of the timeout rather than on every request (the timeout is exact to that step).
        session["_seen"] = int(now)


def end(reason):
    """End the session now; the request goes on as an anonymous one."""
    logout_user()
    session.clear()
    g.session_ended = f"Session expired ({reason}). Sign in again."
