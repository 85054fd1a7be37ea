"""Exercise 3: fix a session-fixation bug (Flask-Session, server-side sessions). Fill in the TODO."""

import hmac
import secrets

from cachelib import SimpleCache
from flask import Flask, jsonify, request, session
from flask_session import Session

# The exercise's two accounts. The app itself keeps Argon2id hashes; here the lesson is the session id.
ACCOUNTS = {"alice": "wonderland", "bob": "thebuilder"}


def check_password(username, password):
    """True if the pair matches an account (constant-time comparison)."""
    expected = ACCOUNTS.get(username, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), (password or "").encode())


def create_app():
    """A small app with server-side sessions: the browser holds only a random id."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),
        SESSION_TYPE="cachelib",
        SESSION_CACHELIB=SimpleCache(),  # in memory: one process, for the exercise
        SESSION_COOKIE_SAMESITE="Lax",
    )
    Session(app)

    @app.get("/")
    def home():
        """Anonymous visitors get a session too (think: a shopping cart)."""
        session["visits"] = session.get("visits", 0) + 1
        return jsonify(visits=session["visits"])

    @app.post("/login")
    def login():
        data = request.get_json(silent=True) or {}
        if not check_password(data.get("username"), data.get("password")):
            return jsonify(error="Wrong username or password."), 401
        # TODO(student): this login keeps whatever session id the browser arrived with, so an
        # attacker who planted that id is signed in too (session fixation). After a successful
        # login the browser must hold a new id, and the id it came with must lead nowhere.
        session["user"] = data["username"]
        return "Login successful!"

    @app.get("/me")
    def me():
        if "user" not in session:
            return jsonify(error="Unauthorized"), 401
        return jsonify(user=session["user"])

    return app
