"""Exercise 5: add the `state` check to a naive OAuth client (RFC 6749 §10.12). Fill in the TODOs."""

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
        # TODO(student) 1: every attempt must send the provider a `state` that only this
        # browser can bring back (the README says why).
        query = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "profile",
        }
        return redirect(f"{PROVIDER}/authorize?{urlencode(query)}")

    @app.get("/callback")
    def callback():
        # TODO(student) 2: before anything else, refuse a callback that does not answer an
        # attempt this browser started (or answers one already used): 400 with
        # {"error": "invalid_state"}, and no code exchanged.
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
