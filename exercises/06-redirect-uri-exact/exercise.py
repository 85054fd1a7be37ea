"""Exercise 6: exact redirect_uri matching at the provider (RFC 9700 §2.1, §4.1). Fill in the TODO."""

import secrets
from urllib.parse import urlencode

from flask import Flask, redirect, render_template_string, request

# The provider's registered clients. A redirect URI is registered in full, never as a prefix.
CLIENTS = {
    "notes-app": ["http://localhost:8000/oauth/callback"],
    "photo-app": ["https://photos.example", "https://photos.example/mobile/callback"],
}

ERROR_PAGE = "<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><p>{{ reason }}</p>"


def redirect_uri_allowed(client_id, redirect_uri):
    """True only if redirect_uri is, character for character, one the client registered."""
    # TODO(student): this prefix test lets through any URI that merely STARTS with a registered
    # one (think "https://photos.example.evil.com"). Say yes only to what the client registered.
    return any(redirect_uri.startswith(registered) for registered in CLIENTS.get(client_id, []))


def create_app():
    """The authorization endpoint of a provider (the login and consent pages are left out)."""
    app = Flask(__name__)

    @app.get("/authorize")
    def authorize():
        client_id = request.args.get("client_id", "")
        redirect_uri = request.args.get("redirect_uri", "")
        # A bad client or redirect URI is told to the USER, on our own page: never redirect to a
        # URI we have not verified (RFC 6749 §4.1.2.1), or the error itself becomes an open redirect.
        if not redirect_uri_allowed(client_id, redirect_uri):
            return render_template_string(ERROR_PAGE, reason="Unknown client or unregistered redirect_uri."), 400
        # Here a real provider would show its login and consent pages; the exercise approves at once.
        code = secrets.token_urlsafe(32)
        query = {"code": code, "state": request.args.get("state", "")}
        return redirect(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(query)}")

    return app
