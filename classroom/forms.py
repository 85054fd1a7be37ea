"""CSRF for the class's own forms: a per-session token, compared in constant time."""

import hmac
import secrets

from flask import abort, request, session


def token():
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def require_token():
    """Refuse a form post that does not carry this browser's token (another site cannot read it)."""
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, "This form has expired or came from another site: reload the page and send it again.")
