"""The OAuth client's routes, with the parallel names of the other demos: login, protected,
admin, logout (and the lab page, and the callback the provider sends the browser back to)."""

from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from requests import RequestException

from errors import error_response
from models import find_user

from . import after_sign_in, bp, end_session, flow, providers, step_up
from .attempt import DanceError, current
from .client import remote
from .dance import advance, fail


@bp.get("/")
def lab():
    """The OAuth lab page: sign in with a provider, or learn how to configure one."""
    configured = providers.configured(current_app)
    names = {provider.name for provider in configured}
    missing = [p for p in providers.all_providers(current_app).values() if p.name not in names]
    return render_template(
        "oauth/lab.html",
        configured=configured,
        missing=missing,
        redirect_uri=providers.redirect_uri(current_app),
        identity=session.get("oauth_identity"),
        dance=current(),
        revoked=revoked_in_the_dance(current()),
    )


# Revoking at the provider ends the grant and its tokens there, and nothing here: the app's
# sign-in is the app's own record, made once at the callback (flow.py). The lab page says so
# when the dance page's "Revoke the grant" got the provider's 200 (dance.revoked's outcome).
def revoked_in_the_dance(dance):
    """Whether this browser's sign-in had its grant revoked from the dance page."""
    extras = (dance or {}).get("extra") or []
    done = "The provider answered 200"
    return any(e.get("title") == "Revoke the grant" and str(e.get("outcome", "")).startswith(done) for e in extras)


@bp.get("/login")
def login():
    """Step 1: send the browser to the provider with state, PKCE (S256) and nonce; a silent
    sign-in (prompt=none) or a step-up (max_age, prompt=login) when asked for."""
    name = request.args.get("provider", "builtin")
    if name not in {p.name for p in providers.configured(current_app)} or remote(name) is None:
        abort(404, f"No provider named {name!r} is configured; the OAuth lab page shows how to add one.")
    try:
        options = step_up.read(request.args, providers.all_providers(current_app)[name])
    except step_up.BadOption as exc:
        abort(400, str(exc))
    paused = request.args.get("pause") == "1"
    try:
        url = flow.begin(name, paused, next_url=request.args.get("next"), options=options)
    except DanceError as error:
        return fail(error)
    # Pause mode: the dance page first, which shows the request before the browser goes.
    if paused:
        return redirect(url_for("oauth.dance_page", _anchor="step-authorize"))
    return redirect(url)


# OC-4: the callback never renders tokens into the page it answers with: it does its work on
# the server and answers with a redirect (Cache-Control: no-store, set for every response by
# security.py), so the code-bearing URL leaves the address bar and the history at once.
# A failed check (OC-2 state, RFC 9207 iss, OC-3 id_token) signs nobody in: a 400 page.
@bp.get("/callback")
def callback():
    """Steps 3 to 6: check state, exchange the code, verify the id_token, call userinfo, sign in."""
    try:
        flow.check_callback(request.args)
        if not current()["paused"]:
            advance(all_remaining=True)
    except DanceError as error:
        return fail(error)
    if current()["paused"]:
        return redirect(url_for("oauth.dance_page", _anchor="step-token"))
    return redirect(current().get("next") or url_for("oauth.dance_page", _anchor="step-userinfo"))


@bp.get("/protected")
def protected():
    """Anyone the OAuth sign-in named: the identity lives in the server-side session, and the
    provider's tokens never left the server (OC-4)."""
    identity = session.get("oauth_identity")
    if not identity:
        return error_response(401, "Unauthorized", "Nobody is signed in with OAuth in this browser.")
    return jsonify(message="You are authenticated!", user=identity["name"], provider=identity["provider"])


# The provider says who you are; the app decides what you may do. An id_token or a scope is
# no role in this app: the provider knows nothing of its admins. So the app maps the identity
# to one of its own accounts and asks that account. The rule is the simplest honest one: only
# the built-in provider's accounts map, by username, because that provider is run for this
# app, its issuer is pinned (OC-3) and its demo users are the app's demo users. A GitHub or
# Google user who happens to be called "alice" is somebody else, and is never an admin here.
def app_account(identity):
    """The app's own account the OAuth identity stands for, or None."""
    return find_user(identity["name"]) if identity["provider"] == "builtin" else None


@bp.get("/admin")
def admin():
    """Admins of this app only: signed in with OAuth, and mapped to an admin account here."""
    identity = session.get("oauth_identity")
    if not identity:
        return error_response(401, "Unauthorized", "Nobody is signed in with OAuth in this browser.")
    account = app_account(identity)
    if account is None or not account.is_admin:
        return error_response(403, "Forbidden", f"{identity['name']} is signed in, but is not an admin of this app.")
    return jsonify(message="Welcome, admin!")


# Sign-out everywhere: forget the identity here, revoke the grant at the provider (best
# effort), then end the provider's session too when it advertises an end_session_endpoint
# (RP-Initiated Logout 1.0, end_session.py). The dance record stays, to show these hops.
@bp.post("/logout")
def logout():
    """Forget the OAuth identity here, revoke the grant, and sign out at the provider too."""
    tokens, dance = session.get("oauth_tokens"), current()
    client = remote(dance["provider"]) if dance else None
    ending = None
    for key in ("oauth_identity", "oauth_tokens", "oauth_pending", "oauth_logout"):
        session.pop(key, None)
    if client is not None:
        provider = providers.all_providers(current_app)[dance["provider"]]
        try:
            if tokens:
                after_sign_in.revoke_grant(client, tokens)
            ending = end_session.begin(client, tokens) if provider.openid else None
        except (OAuthError, RequestException, ValueError):
            # Best effort: signing out here must not depend on the provider being up.
            current_app.logger.warning("Could not reach the OAuth provider at sign-out")
        if ending is None:
            end_session.local_only(provider)
    if ending:
        return redirect(ending)
    return redirect(url_for("oauth.dance_page", _anchor="step-logout") if dance else url_for("oauth.lab"))


@bp.get("/logged-out")
def logged_out():
    """The provider's redirect back after its sign-out: the state checked, the hop shown."""
    try:
        end_session.finish(request.args)
    except DanceError as error:
        return error_response(400, "Unexpected sign-out return", error.reason)
    return redirect(url_for("oauth.dance_page", _anchor="step-logout"))
