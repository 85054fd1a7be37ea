"""Exercise 5, reference solution: the `state` check in an OAuth client's callback (RFC 6749 §10.12)."""

import hmac
import secrets
from urllib.parse import urlencode

import requests
from flask import Flask, jsonify, redirect, request, session

PROVIDER = "http://127.0.0.1:8001"  # the built-in provider of `make run`
CLIENT_ID = "exercise-client"
REDIRECT_URI = "http://localhost:8000/callback"


def exchange_code(code):
    """The back channel: trade the code for tokens at the provider (the check replaces this)."""
    response = requests.post(
        f"{PROVIDER}/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "client_id": CLIENT_ID},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


# Long on purpose: the whole exercise app, its routes nested inside, reads top to bottom in one place.
def create_app():
    """An OAuth client: /login sends the browser to the provider, /callback receives the code."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(32)

    @app.get("/login")
    def login():
        # A fresh, unguessable state per attempt (128+ bits), kept in this browser's session.
        # INSTRUCTOR: the state must be bound to the browser's session; a value kept in a server
        # cache shared by everyone (authlib's `cache=`) proves nothing about who started it.
        session["oauth_state"] = secrets.token_urlsafe(32)
        query = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "profile",
            "state": session["oauth_state"],
        }
        return redirect(f"{PROVIDER}/authorize?{urlencode(query)}")

    @app.get("/callback")
    def callback():
        # CSRF defence for the callback: the state that comes back must be the one THIS browser
        # sent. pop(): single use, so a replayed callback URL fails too. compare_digest: no timing
        # hints. Checked BEFORE the code is exchanged: a forged callback must cost nothing.
        # INSTRUCTOR: common mistakes: comparing after the exchange, `==` with None == None when
        # both are missing, and session.get() instead of pop() (replayable).
        expected = session.pop("oauth_state", None)
        returned = request.args.get("state", "")
        if not expected or not hmac.compare_digest(expected.encode(), returned.encode()):
            return jsonify(error="invalid_state", error_description="This sign-in was not started here."), 400
        code = request.args.get("code")
        if not code:
            return jsonify(error="invalid_request", error_description="No code came back."), 400
        tokens = exchange_code(code)
        session["user"] = tokens.get("user")
        return jsonify(signed_in=session["user"])

    @app.get("/me")
    def me():
        if "user" not in session:
            return jsonify(error="Unauthorized"), 401
        return jsonify(user=session["user"])

    return app
