"""CSRF for the class's own forms: a token in the form, compared in constant time.

The instructor's forms keep theirs in the instructor's session (path /instructor/). The join
form, which anyone may use, keeps its token in a cookie of its own scoped to /join: a join that
another site made the browser send (a "login CSRF" into the attacker's sandbox, where the
attacker would watch everything the victim did) carries no token and is refused.
"""

import hmac
import secrets

from flask import abort, g, request, session

JOIN_COOKIE = "classroom_join"


def token():
    """The token the page's forms carry (join pages: a new one, sent with its cookie)."""
    if request.path.startswith("/instructor"):
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        return session["csrf"]
    if "join_token" not in g:
        g.join_token = request.cookies.get(JOIN_COOKIE) or secrets.token_urlsafe(24)
    return g.join_token


def set_join_cookie(response):
    """After a page with the join form: its token's cookie, sent back with /join posts only."""
    if "join_token" in g:
        response.set_cookie(JOIN_COOKIE, g.join_token, httponly=True, samesite="Strict", path="/join")
    return response


def require_token():
    """Refuse a form post that does not carry this browser's token (another site cannot read it)."""
    sent = request.form.get("csrf_token", "")
    expected = (
        session.get("csrf", "") if request.path.startswith("/instructor") else request.cookies.get(JOIN_COOKIE, "")
    )
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, "This form has expired or came from another site: reload the page and send it again.")
