"""The OAuth client's routes, with the parallel names of the other demos: login, logout
(and the callback the provider sends the browser back to)."""

from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, jsonify, redirect, request, session, url_for
from requests import RequestException

from errors import error_response

from . import bp, providers
from .client import remote
from .dance import finish_callback, revoke_grant, start_redirect


@bp.get("/login")
def login():
    """Step 1: send the browser to the provider with state, PKCE (S256) and nonce."""
    name = request.args.get("provider", "builtin")
    if name not in {p.name for p in providers.configured(current_app)} or remote(name) is None:
        abort(404, f"No provider named {name!r} is configured; the OAuth lab page shows how to add one.")
    return start_redirect(name, paused=request.args.get("pause") == "1", next_url=request.args.get("next"))


# OC-4: the callback never renders tokens into the page it answers with: it does its work on
# the server and answers with a redirect (Cache-Control: no-store, set for every response by
# security.py), so the code-bearing URL leaves the address bar and the history at once.
@bp.get("/callback")
def callback():
    """Steps 3 to 6: check state, exchange the code, verify the id_token, call userinfo, sign in."""
    return finish_callback()


@bp.get("/protected")
def protected():
    """Anyone the OAuth sign-in named: the identity lives in the server-side session, and the
    provider's tokens never left the server (OC-4)."""
    identity = session.get("oauth_identity")
    if not identity:
        return error_response(401, "Unauthorized", "Nobody is signed in with OAuth in this browser.")
    return jsonify(message="You are authenticated!", user=identity["name"], provider=identity["provider"])


@bp.post("/logout")
def logout():
    """Forget the OAuth identity here and revoke the grant at the provider (best effort)."""
    tokens, dance = session.get("oauth_tokens"), session.get("oauth_dance")
    client = remote(dance["provider"]) if tokens and dance else None
    if client is not None:
        try:
            revoke_grant(client, tokens)
        except (OAuthError, RequestException, ValueError):
            # Best effort: signing out here must not depend on the provider being up.
            current_app.logger.warning("Could not revoke the OAuth grant at sign-out")
    for key in ("oauth_identity", "oauth_tokens", "oauth_pending", "oauth_dance"):
        session.pop(key, None)
    return redirect(url_for("oauth.lab"))
