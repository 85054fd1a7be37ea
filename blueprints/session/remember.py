"""SES-6: a remember-me cookie that is hardened and revocable.

flask-login's own remember cookie is the user's id with an HMAC: valid until the user's
login_id rotates, whatever its Expires said, and impossible to revoke for one device. This
one is a split token, as Paragon Initiative describes it: `<selector>.<validator>`. The
selector finds a row; only a SHA-256 of the validator is stored, so a leaked table signs no
one in. Each row belongs to one device, expires on the server after at most 14 days, and is
deleted at logout; "sign out everywhere" and a password change delete them all.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user

from extensions import db
from models import User, utcnow
from session_store import delete_cookie

from . import timeouts
from .models import RememberToken

# ASVS 7.4.3 / SES-6: whatever the configuration asks, no remember-me outlives two weeks.
MAX_LIFETIME = timedelta(days=14)


def digest(validator):
    return hashlib.sha256(validator.encode()).hexdigest()


def lifetime():
    return min(timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"]), MAX_LIFETIME)


def issue(user):
    """Remember this device: a new token row, and its cookie on the way out."""
    selector, validator = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
    token = RememberToken(
        selector=selector,
        validator_hash=digest(validator),
        user_id=user.id,
        login_id=user.login_id,
        expires_at=utcnow() + lifetime(),
    )
    db.session.add(token)
    db.session.commit()
    g.remember_cookie = (f"{selector}.{validator}", token.expires_at)


def presented_token():
    """The row the request's remember-me cookie names and proves, or None."""
    value = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"], "")
    selector, _, validator = value.partition(".")
    if not selector or not validator or len(value) > 128:
        return None
    token = db.session.get(RememberToken, selector)
    # Compared in constant time: the answer must not leak how much of a guess was right.
    if token is None or not hmac.compare_digest(token.validator_hash, digest(validator)):
        return None
    return token


def restore():
    """Before a request without a signed-in session: sign in from a valid remember-me cookie."""
    name = current_app.config["REMEMBER_COOKIE_NAME"]
    if name not in request.cookies or "_user_id" in session:
        return
    token = presented_token()
    user = db.session.get(User, token.user_id) if token else None
    if token is None or token.expires_at <= utcnow() or user is None or user.login_id != token.login_id:
        if token is not None:
            db.session.delete(token)  # expired or revoked: never valid again
            db.session.commit()
        g.remember_clear = True
        return
    # A remembered sign-in is a new session like any other: a fresh id (SES-2), fresh
    # clocks (SES-4), and marked not "fresh" (no password was typed in this session).
    session.clear()
    login_user(user, fresh=False)
    current_app.session_interface.regenerate(session)
    timeouts.start()
    session["_remembered"] = True


def forget():
    """Logout: delete this device's token (only a holder of the whole token can)."""
    token = presented_token()
    if token is not None:
        db.session.delete(token)
        db.session.commit()


def revoke_all(user):
    """Delete every remember-me token of a user (sign out everywhere, password change)."""
    db.session.execute(db.delete(RememberToken).where(RememberToken.user_id == user.id))


def clear_cookie():
    """Expire the remember-me cookie on the way out."""
    g.remember_clear = True


def update_cookie(response):
    """After every response: set a newly issued remember-me cookie, or expire a dead one."""
    if "remember_cookie" not in g and "remember_clear" not in g:
        return response  # nearly every response: nothing was issued or ended
    name = current_app.config["REMEMBER_COOKIE_NAME"]
    config = current_app.config
    if g.get("remember_cookie"):
        value, expires = g.remember_cookie
        response.set_cookie(
            name,
            value,
            expires=expires,
            path=config["REMEMBER_COOKIE_PATH"],  # the app's mount point: "/" unless under one
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )
    elif g.get("remember_clear") and name in request.cookies:
        # flask-login's own deletion omits Secure and SameSite; this one keeps every flag.
        delete_cookie(current_app, response, name, "REMEMBER")
    return response
