"""The article's express-session example, route for route, done right.

    app.post('/login')  ->  POST /session/login    checks a password, new session id (SES-2)
    app.get('/admin')   ->  GET  /session/admin    checks the role, not just "signed in"
    (none)              ->  POST /session/logout   deletes the record and both cookies (SES-5)

The browser holds only a random id in an HttpOnly, SameSite=Lax cookie (SES-1, SES-3); the
user lives in the server-side record that id names (session_store.py).
"""

from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from bodies import json_body
from extensions import db, limiter
from models import authenticate
from session_store import STORE_NAMES
from throttle import Locked

from . import bp, remember, timeouts


def api_error(status, error, description=None):
    """A JSON error, whatever the Accept header says: these routes are an API."""
    response = jsonify(error=error, description=description)
    response.status_code = status
    return response


def credentials():
    """The submitted form as a dict: a JSON object, or form fields; None when neither."""
    if request.is_json:
        body = json_body()
        return body if isinstance(body, dict) else None
    return request.form


def submitted_username():
    """The username of a sign-in (JSON or form): the account the throttle counts a failure against."""
    return (credentials() or {}).get("username")


def wants_page():
    """A form post from the lab page (answered with a page); JSON clients get JSON."""
    return not request.is_json and request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}


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


# PW-3, PW-6: failed sign-ins are counted per account and per address, in the store every
# instance shares (throttle.py). While either is over its limit the answer is a 429 with
# Retry-After, and the password is not checked at all. A correct password is never counted.
@bp.post("/login")
@limiter.counts_failures(account=submitted_username)
def login():
    """Sign in with a username and password (JSON, or the lab's CSRF-protected form)."""
    body = credentials()
    if body is None:
        return api_error(400, "Bad request", 'Send a JSON object: {"username": ..., "password": ...}')
    username, password = body.get("username"), body.get("password")
    # The article's login accepts anyone ("simplified"); this one checks a password hash,
    # and answers an unknown user exactly as a wrong password (PW-3).
    user = authenticate(username, password) if isinstance(username, str) else authenticate("", "")
    if user is None:
        if wants_page():
            from .lab import render_lab

            return render_lab(401, login_error="Invalid username or password.")
        return api_error(401, "Unauthorized", "Invalid username or password.")
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
    from .lab import render_lab

    page, status = render_lab(429, login_error=exc.description)
    return page, status, retry


def unauthorized():
    reason = g.get("session_ended") or "No valid session: sign in first."
    return api_error(401, "Unauthorized", reason)


@bp.get("/protected")
def protected():
    """Any signed-in user (the article's /admin, which checks nothing more)."""
    if not current_user.is_authenticated:
        return unauthorized()
    return jsonify(message="You are authenticated!", user=current_user.username)


@bp.get("/admin")
def admin():
    """Admins only: the article admits anyone signed in here (erratum), this checks the role."""
    if not current_user.is_authenticated:
        return unauthorized()
    if not current_user.is_admin:
        return api_error(403, "Forbidden", f"{current_user.username} is signed in, but is not an admin.")
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
def logout_everywhere():
    """End every session and remember-me cookie of this user, on every device."""
    if not current_user.is_authenticated:
        return unauthorized()
    # The session records of other devices stay in the store until they expire, but they
    # name the old login_id, which no longer loads anyone: each is dead on its next use.
    # (A stateless JWT cannot be ended like this without a blocklist: see the JWT lab.)
    current_user.revoke_everything()
    remember.revoke_all(current_user)
    db.session.commit()
    return logout()


@bp.get("/whoami")
def whoami():
    """Which instance answered, from which store, and whom the session cookie names."""
    user = current_user if current_user.is_authenticated else None
    return jsonify(
        instance=current_app.config["INSTANCE_NAME"],
        store=STORE_NAMES[current_app.extensions["session_store"]],
        user=user.username if user else None,
        role=user.role if user else None,
    )


@bp.post("/note")
def note():
    """Write a note into the signed-in session: the state change the CSRF demo aims at."""
    if not current_user.is_authenticated:
        return unauthorized()
    text = (credentials() or {}).get("note")
    if not isinstance(text, str) or not 0 < len(text) <= 200:
        return api_error(400, "Bad request", "A note is 1 to 200 characters.")
    session["note"] = text
    if wants_page():
        flash("Note saved in your server-side session.")
        return redirect(url_for("session.lab"), 303)
    return jsonify(note=text)
