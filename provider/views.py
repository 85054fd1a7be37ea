"""The provider's endpoints: sign-in, the authorization endpoint with its consent page, the
token, userinfo and revocation endpoints, discovery and the public keys. Routes only: who is
signed in is sessions.current_user, and unreadable input a 400 by web.refuses_unreadable."""

import re
from urllib.parse import unquote, urlencode

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from . import prompt
from .forms import ActionForm, ConsentForm, LoginForm
from .identity import issuer, public_jwks
from .models import SCOPES, authenticate
from .oauth2 import authorization, metadata
from .sessions import current_user, sign_in, sign_in_time, signed_in_for
from .throttle import address, counts_failures, token_endpoint_throttle, wait_in_words
from .web import csrf, refuses_unreadable

bp = Blueprint("provider", __name__)


# AS-11: `next` is an address an attacker can write (a link to /login?next=...), so it is
# judged as the browser will read it, not as it looks. Browsers drop tabs and newlines
# anywhere in a URL, strip leading spaces and control characters, and read a backslash as a
# slash: "/\t/evil", "/\\evil" and " //evil" all become //evil, another host. Rather than
# imitate every normalisation, accept only text no browser rewrites: printable ASCII, no
# backslash, one leading slash not followed by another. What passes must also name one of
# this provider's own pages (the /authorize request that was interrupted, the console);
# anything else, including a CR or LF that would split the Location header, goes home.
# Served under a mount point (a classroom sandbox's /s/<key>), `next` is a path below it, as
# url_for writes them, and what follows the mount point must be one of those pages: a `next`
# never leads into another sandbox's provider.
LOCAL_PATH = re.compile(r"/(?!/)[!-\[\]-~]{0,2047}")


def safe_next(target):
    """The page to show after sign-in: `target` if it is one of this provider's pages, else home."""
    home = url_for("provider.home")
    root = request.script_root
    if not isinstance(target, str) or not LOCAL_PATH.fullmatch(target) or not target.startswith(root + "/"):
        return home
    path = unquote(target[len(root) :].partition("?")[0])
    try:
        current_app.create_url_adapter(request).match(path, method="GET")
    except HTTPException:  # no such page, not for GET, or a redirect (//, a missing slash)
        return home
    return target


@bp.get("/")
def home():
    """What this party is, and its endpoints."""
    return render_template("provider/home.html", user=current_user(), form=ActionForm())


def login_page(form=None, error=None, status=200):
    form = form or LoginForm()
    interrupted = safe_next(request.args.get("next")).startswith(url_for("provider.authorize"))
    return render_template("provider/login.html", form=form, error=error, interrupted=interrupted), status


def too_many_sign_ins(seconds):
    """PW-6: the page says in words how long to wait (Retry-After says it to programs)."""
    return login_page(
        error=f"Too many failed sign-ins for this account or from your address: {wait_in_words(seconds)}."
    )


def submitted():
    """The account a sign-in names (the form's field, as LoginForm reads it), or None."""
    return request.form.get("username", "")[:64] or None


@bp.route("/login", methods=["GET", "POST"])
@counts_failures(
    ("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", lambda: f"{address()} {account} " if (account := submitted()) else None),
    ("LOGIN_FAILURES_PER_ACCOUNT", submitted),
    ("LOGIN_FAILURES_PER_ADDRESS", address),
    refused=too_many_sign_ins,
)
def login():
    """Sign in to the provider (its own password store; the app never sees this password)."""
    form = LoginForm()
    if not form.validate_on_submit():
        return login_page(form)
    user = authenticate(form.username.data, form.password.data)
    if user is None:
        return login_page(form, "Wrong username or password.", 401)
    # AS-10: a new session under a new id, with the time of this sign-in (sessions.sign_in).
    target = safe_next(request.args.get("next"))
    sign_in(user, for_request=target)
    return redirect(target)


# AS-10: logout empties the session; the store then deletes its row (sessions.ServerSideSessions),
# so the cookie, and every copy of it, names nothing any more.
@bp.post("/logout")
def logout():
    """Sign out of the provider (the form carries a CSRF token)."""
    session.clear()
    return redirect(url_for("provider.home"))


# The authorization endpoint (RFC 6749 §3.1). The request is validated before anything else:
# an unknown client or an unregistered redirect_uri gets an error page here and is never
# redirected (AS-1). Then what the request asks (prompt.py: sign in again, consent, or no
# page at all), then the consent page, then the code.
#
# Two kinds of POST arrive here. OIDC Core §3.1.2.1: a client "MAY use the HTTP GET or POST
# methods" to send the authorization request, and a POSTed request carries its parameters in a
# form body, with no CSRF token: it comes from another site by design, and it is treated as
# the same GET (it can at most show a page, or issue a code where prompt=none allows one).
# The consent form's own POST, the user's decision, carries a CSRF token and no OAuth
# parameters in its body (they are in its action URL). So a POST whose body names a
# client_id or response_type is a client's request and never a decision; any other POST is
# a decision, and must pass the CSRF check (AS-7) before anything is read from it.
@bp.route("/authorize", methods=["GET", "POST"])
@csrf.exempt  # checked below, for the consent decision only
@refuses_unreadable
def authorize():
    """Validate the client's request, sign the user in, ask for consent, answer with a code."""
    if request.method == "POST" and not posted_authorization_request():
        return consent_decision()
    user = current_user()
    try:
        grant = authorization.get_consent_grant(end_user=user)
        step = prompt.next_step(grant, user, sign_in_time(), signed_in_for(authorization_request_url()))
    except OAuth2Error as error:
        return authorization_error(error)
    if step == prompt.SIGN_IN:
        # AS-14: the request waits in `next` (judged by safe_next, AS-11) while the user signs
        # in; sign_in gives the session a new id and records which request it was made for.
        return redirect(url_for("provider.login", next=authorization_request_url()))
    if step == prompt.ISSUE:
        return authorization.create_authorization_response(grant_user=user, grant=grant)
    return consent_page(grant, user)


def posted_authorization_request():
    """True if this POST is a client's authorization request (OAuth parameters in its body)."""
    return "client_id" in request.form or "response_type" in request.form


def authorization_request_url():
    """This authorization request as one GET URL: where the browser returns after signing in,
    and the address the consent form posts its decision to."""
    params = request.values if posted_authorization_request() else request.args
    return url_for("provider.authorize") + "?" + urlencode(list(params.items(multi=True)))


def consent_page(grant, user):
    scopes = [(name, SCOPES[name]) for name in grant.request.scope.split() if name in SCOPES]
    return render_template(
        "provider/consent.html",
        form=ConsentForm(),
        client=grant.client,
        scopes=scopes,
        grant=grant,
        user=user,
        action=authorization_request_url(),
    )


def consent_decision():
    """The user pressed Allow or Deny: CSRF-checked (AS-7), then the request is validated again."""
    csrf.protect()
    user = current_user()
    if user is None:  # signed out in another tab meanwhile
        return redirect(url_for("provider.login", next=authorization_request_url()))
    try:
        grant = authorization.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        return authorization_error(error)
    approved = ConsentForm().approve.data
    return authorization.create_authorization_response(grant_user=user if approved else None, grant=grant)


def authorization_error(error):
    """Redirect an error only to a redirect URI already checked against the client; else a page."""
    if error.redirect_uri:
        status, _, headers = error()
        location = add_params_to_uri(dict(headers)["Location"], [("iss", issuer())])
        return redirect(location, status)
    description = error.description or error.error
    return render_template("provider/error.html", status=400, name=error.error, description=description), 400


@bp.post("/token")
@csrf.exempt
@token_endpoint_throttle
@refuses_unreadable
def token():
    """The token endpoint: codes and refresh tokens for tokens (client authentication required)."""
    return authorization.create_token_response()


@bp.post("/revoke")
@csrf.exempt
@token_endpoint_throttle
@refuses_unreadable
def revoke():
    """Token revocation (RFC 7009)."""
    return authorization.create_endpoint_response("revocation")


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
@refuses_unreadable
def userinfo():
    """The claims about the user the bearer token's scopes release (OIDC Core §5.3)."""
    return authorization.create_endpoint_response("userinfo")


@bp.get("/.well-known/openid-configuration")
@bp.get("/.well-known/oauth-authorization-server")
def discovery():
    """What this provider supports, for clients to configure themselves (AS-9)."""
    return jsonify(metadata())


@bp.get("/.well-known/jwks.json")
def jwks():
    """The public keys that verify id_tokens (AS-8)."""
    return jsonify(public_jwks())
