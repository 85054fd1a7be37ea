"""Exercise 4, reference solution: session cookie flags and a CSRF check on state-changing requests."""

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

    # Cookie flags (ASVS 3.3.1-3.3.4; the app's SES-3).
    # HttpOnly: script in the page cannot read the cookie (it limits what an XSS can steal).
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # SameSite=Lax: the browser leaves the cookie off cross-site POSTs, sub-requests and frames.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Secure: only over HTTPS. Local http://localhost needs it off; production always on.
    # INSTRUCTOR: students often set Secure=True unconditionally and then cannot sign in over
    # plain http on their laptop; or they forget it in production. Tie it to the environment.
    app.config["SESSION_COOKIE_SECURE"] = production

    # CSRF defence for every unsafe method (OWASP CSRF cheat sheet). SameSite is the first
    # layer; this is the second, for old browsers and for same-site attackers (sibling subdomains).
    @app.before_request
    def refuse_cross_site_requests():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        # A browser names the page that sent the request; another origin is refused outright.
        origin = request.headers.get("Origin")
        if origin is not None and origin != request.host_url.rstrip("/"):
            abort(403, "cross-origin request refused")
        # The synchronizer token: a forged form cannot know it (it lives in the session and in
        # our own pages). compare_digest: no timing hints. No token in the session yet: refuse.
        # INSTRUCTOR: the classic bug is `request.form.get("csrf_token") == session.get("csrf")`,
        # which lets None == None through when neither exists.
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        expected = session.get("csrf")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            abort(403, "missing or wrong CSRF token")
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
