"""Exercise 4: session cookie flags and a CSRF check on state-changing requests. Fill in the TODOs."""

import hmac
import secrets

from flask import Flask, abort, jsonify, request, session

ACCOUNTS = {"alice": "wonderland", "bob": "thebuilder"}


def check_password(username, password):
    """True if the pair matches an account (constant-time comparison)."""
    expected = ACCOUNTS.get(username, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), (password or "").encode())


def csrf_token():
    """The session's CSRF token, made once per session (the synchronizer token pattern)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


# Long on purpose: the whole exercise app, its routes nested inside, reads top to bottom in one place.
def create_app(production=False):
    """A small bank with a signed session cookie; `production=True` is the deployed settings."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(32)

    # TODO(student) 1: the cookie flags (ASVS 3.3.1-3.3.4). These three settings are wrong:
    # the cookie must be HttpOnly, SameSite=Lax, and Secure when (and only when) production=True.
    app.config["SESSION_COOKIE_HTTPONLY"] = False
    app.config["SESSION_COOKIE_SAMESITE"] = None
    app.config["SESSION_COOKIE_SECURE"] = False

    @app.before_request
    def refuse_cross_site_requests():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        # TODO(student) 2: the CSRF check for every other method. Refuse with abort(403, ...)
        # a request that another site's page could have made the browser send: one the browser
        # says came from another origin, and one without this session's token (csrf_token()
        # hands it to our own pages; they send it back as the csrf_token field or X-CSRF-Token).
        return None

    @app.get("/login")
    def login_form():
        """The login page hands out the token its form must send back."""
        return jsonify(csrf_token=csrf_token())

    @app.post("/login")
    def login():
        if not check_password(request.form.get("username"), request.form.get("password")):
            return jsonify(error="Wrong username or password."), 401
        session.clear()
        session["user"] = request.form["username"]
        return jsonify(message="Login successful!", csrf_token=csrf_token())

    @app.get("/transfer")
    def transfer_form():
        if "user" not in session:
            return jsonify(error="Unauthorized"), 401
        return jsonify(csrf_token=csrf_token())

    @app.post("/transfer")
    def transfer():
        """Moves money: exactly what a forged cross-site form would like to do."""
        if "user" not in session:
            return jsonify(error="Unauthorized"), 401
        return jsonify(sent=request.form.get("amount"), to=request.form.get("to"), by=session["user"])

    return app
