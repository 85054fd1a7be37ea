"""The lab page, and the JSON it reads: the server's side of a session, made visible."""

import json
import zlib

from flask import current_app, jsonify, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature

import b64url
import session_store
from answers import bad_request, credentials
from models import DEMO_ACCOUNTS
from wire import first_characters, forward

from . import bp, remember, timeouts
from .guards import session_required
from .scaleout import step

MAX_COOKIE = 4096  # what a browser stores per cookie: a larger "cookie" is not one


def render_lab(status=200, **extra):
    """The lab page, with what the server knows (store, timeouts, the planted-id warning)."""
    context = {
        "store": session_store.store_name(),
        "store_kind": current_app.extensions["session_store"],
        "demo_accounts": DEMO_ACCOUNTS,
        "config": current_app.config,
        "planted_sid": request.args.get("sid", "")[:100],
    }
    context.update(extra)
    return render_template("session/lab.html", **context), status


@bp.get("/")
def lab():
    """The session lab page."""
    return render_lab()


@bp.get("/lab/record")
def server_state():
    """The session as the server holds it: the cookie's id, the record under it, the clocks."""
    sid = getattr(session, "sid", None)
    stored = current_app.session_interface.inspect(sid) if sid else None
    # A sign-in or logout by fetch empties the session, and the CSRF secret with it: the
    # page's forms get a fresh token from here (same-origin script only: no CORS, HDR-4).
    token = generate_csrf()
    # The page's script is shown the id's first characters, enough to see it change, never the
    # whole id: handing an HttpOnly cookie's value to script would undo what HttpOnly is for.
    if stored:
        stored["key"] = current_app.session_interface.key_prefix + first_characters(sid)
    return jsonify(
        store=session_store.store_name(),
        instance=current_app.config["INSTANCE_NAME"],
        cookie_name=current_app.config["SESSION_COOKIE_NAME"],
        # The id the browser sent, if the server found a record for it; an unknown one is
        # never adopted (SES-1), so a planted id shows up here as "none".
        session_id=first_characters(sid) if stored else None,
        record=stored,
        user=current_user.username if current_user.is_authenticated else None,
        role=current_user.role if current_user.is_authenticated else None,
        timeouts=timeouts.remaining(),
        remembered=bool(session.get("_remembered")),
        csrf_token=token,
    )


# --- The contrast: Flask's default session, kept in a signed cookie on the client ----------


def cookie_serializer():
    """Exactly what Flask's default session uses to sign its cookie (itsdangerous)."""
    return SecureCookieSessionInterface().get_signing_serializer(current_app)


def decode_without_key(value):
    """Read a Flask session cookie the way anyone can: no key needed, just base64."""
    payload = value.split(".")[1] if value.startswith(".") else value.split(".")[0]
    raw = b64url.decode(payload)
    if value.startswith("."):
        raw = zlib.decompress(raw)
    return json.loads(raw)


@bp.get("/lab/client-cookie")
def client_cookie():
    """The cookie Flask's default session would send for the same data, taken apart."""
    data = {
        "user": current_user.username if current_user.is_authenticated else None,
        "role": current_user.role if current_user.is_authenticated else None,
        "note": session.get("note"),
    }
    value = cookie_serializer().dumps(data)
    payload, timestamp, signature = value.rsplit(".", 2)
    return jsonify(
        cookie=value,
        parts={"payload": payload, "timestamp": timestamp, "signature": signature},
        decoded=decode_without_key(value),
    )


@bp.post("/lab/client-cookie/verify")
def verify_client_cookie():
    """Would Flask accept this cookie? Anyone can read one; only the key holder can make one."""
    value = (credentials() or {}).get("cookie")
    if not isinstance(value, str) or not 0 < len(value) <= MAX_COOKIE:
        return bad_request(f"Send {{'cookie': ...}}, at most {MAX_COOKIE} characters.")
    try:
        data = cookie_serializer().loads(value)
    except BadSignature as exc:
        # A forged or edited cookie fails here: the signature is an HMAC of the payload
        # under SECRET_KEY, which never leaves the server.
        return jsonify(valid=False, reason=f"{type(exc).__name__}: the signature does not match the payload.")
    return jsonify(valid=True, data=data)


# --- Logout, then replay the old cookie ------------------------------------------------------


@bp.post("/lab/replay")
@session_required()
def replay():
    """Log out with the browser's cookies, then send the same cookies again: refused.

    The page cannot do this itself: its script never sees the HttpOnly cookie. So this
    server replays the browser's own cookies against the app, as a thief who copied them
    would, and records each exchange.
    """
    config = current_app.config
    stolen = {
        name: request.cookies[name]
        for name in (config["SESSION_COOKIE_NAME"], config["REMEMBER_COOKIE_NAME"])
        if name in request.cookies
    }
    app_url = config["APP_URL"]
    steps = [
        step(
            "GET /session/admin with the cookies, before logout",
            *forward("GET", f"{app_url}/session/admin", stolen),
            200 if current_user.is_admin else 403,
        ),
        step("POST /session/logout with the same cookies", *forward("POST", f"{app_url}/session/logout", stolen), 200),
        step(
            "GET /session/admin replaying them after logout", *forward("GET", f"{app_url}/session/admin", stolen), 401
        ),
    ]
    # The record is gone from the store; this browser's copy of the id is dead too. Say so
    # (an empty session expires the cookie) and keep this request from writing it back.
    logout_user()
    session.clear()
    remember.clear_cookie()
    return jsonify(steps=steps)
