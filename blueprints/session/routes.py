"""The article's express-session example, route for route, done right.

    app.post('/login')  ->  POST /session/login    checks a password, new session id (SES-2)
    app.get('/admin')   ->  GET  /session/admin    checks the role, not just "signed in"
    (none)              ->  POST /session/logout   deletes the record and both cookies (SES-5)

The browser holds only a random id in an HttpOnly, SameSite=Lax cookie (SES-1, SES-3); the
user lives in the server-side record that id names (session_store.py).
"""

from flask import current_app, flash, jsonify, redirect, session, url_for
from flask_login import current_user, logout_user

import session_store
from answers import api_error, bad_request, credentials, unauthorized, wants_page
from extensions import db, limiter
from models import authenticate
from throttle import Locked

from . import bp, remember
from .guards import session_required
from .lab import render_lab
from .signin import sign_in, submitted_username
from .users import editable


# PW-3, PW-6: failed sign-ins are counted per account and per address, in the store every
# instance shares (throttle.py). While either is over its limit the answer is a 429 with
# Retry-After, and the password is not checked at all. A correct password is never counted.
@bp.post("/login")
@limiter.counts_failures(account=submitted_username)
def login():
    """Sign in with a username and password (JSON, or the lab's CSRF-protected form)."""
    body = credentials()
    if body is None:
        return bad_request('Send a JSON object: {"username": ..., "password": ...}')
    username, password = body.get("username"), body.get("password")
    # The article's login accepts anyone ("simplified"); this one checks a password hash,
    # and answers an unknown user exactly as a wrong password (PW-3).
    user = authenticate(username, password) if isinstance(username, str) else authenticate("", "")
    if user is None:
        if wants_page():
            return render_lab(401, login_error="Invalid username or password.")
        return unauthorized("Invalid username or password.")
    sign_in(user, profile=body.get("timeouts", "standard"), remember_me=body.get("remember") in (True, "on", "1"))
    if wants_page():
        flash(f"Signed in as {user.username} with a new session id.")
        return redirect(url_for("session.lab"), 303)
    # The article's answer, word for word.
    return current_app.response_class("Login successful!", mimetype="text/plain")


@bp.errorhandler(Locked)
def locked(exc):
    """A locked sign-in: the lab's form says how long to wait, where it says a password was wrong."""
    retry = {"Retry-After": str(exc.wait)}
    if not wants_page():
        return api_error(429, "Too many requests", exc.description), retry
    page, status = render_lab(429, login_error=exc.description)
    return page, status, retry


@bp.get("/protected")
@session_required()
def protected():
    """Any signed-in user (the article's /admin, which checks nothing more)."""
    return jsonify(message="You are authenticated!", user=current_user.username)


# Authorization after authentication: the role in the user's row decides (guards.py), read
# from the database on every request, so a demotion takes effect at once.
@bp.get("/admin")
@session_required(role="admin")
def admin():
    """Admins only: the article admits anyone signed in here (erratum), this checks the role."""
    return jsonify(message=f"Welcome, {current_user.role}!")


@bp.post("/logout")
def logout():
    """End this session: the server record, the session cookie and the remember-me cookie."""
    remember.forget()
    logout_user()
    # SES-5: only now, after logout_user() is done with it, is the session emptied. An empty
    # session is deleted from the store, and its cookie expired (session_store.Hardened).
    session.clear()
    response = redirect(url_for("session.lab"), 303) if wants_page() else jsonify(message="Logged out.")
    remember.clear_cookie()
    return response


@bp.post("/logout-everywhere")
@session_required()
def logout_everywhere():
    """End every session and remember-me cookie of this user, on every device."""
    # The session records of other devices stay in the store until they expire, but they
    # name the old login_id, which no longer loads anyone: each is dead on its next use.
    # (A stateless JWT cannot be ended like this without a blocklist: see the JWT lab.)
    user = editable(current_user)
    user.revoke_everything()
    remember.revoke_all(user)
    db.session.commit()
    return logout()


@bp.get("/whoami")
def whoami():
    """Which instance answered, from which store, and whom the session cookie names."""
    user = current_user if current_user.is_authenticated else None
    return jsonify(
        instance=current_app.config["INSTANCE_NAME"],
        store=session_store.store_name(),
        user=user.username if user else None,
        role=user.role if user else None,
    )


@bp.post("/note")
@session_required()
def note():
    """Write a note into the signed-in session: the state change the CSRF demo aims at."""
    text = (credentials() or {}).get("note")
    if not isinstance(text, str) or not 0 < len(text) <= 200:
        return bad_request("A note is 1 to 200 characters.")
    session["note"] = text
    if wants_page():
        flash("Note saved in your server-side session.")
        return redirect(url_for("session.lab"), 303)
    return jsonify(note=text)
