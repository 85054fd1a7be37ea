"""The provider's endpoints: sign-in, the authorization endpoint with its consent page, the
token, userinfo and revocation endpoints, discovery and the public keys."""

import functools
import re
import time
from urllib.parse import unquote

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from .forms import ActionForm, ConsentForm, LoginForm
from .identity import issuer, public_jwks
from .models import SCOPES, User, authenticate, db
from .oauth2 import authorization, metadata
from .throttle import address, counts_failures, token_endpoint_throttle, wait_in_words
from .web import csrf

bp = Blueprint("provider", __name__)


def current_user():
    """The user signed in at this provider (a row of its session store), or None."""
    user_id, signed_in_at = session.get("user_id"), session.get("signed_in_at")
    if not isinstance(user_id, int) or not isinstance(signed_in_at, int):
        return None
    # An absolute limit: a sign-in ends PERMANENT_SESSION_LIFETIME after it happened.
    if time.time() - signed_in_at > current_app.permanent_session_lifetime.total_seconds():
        return None
    return db.session.get(User, user_id)


# AS-11: `next` is an address an attacker can write (a link to /login?next=...), so it is
# judged as the browser will read it, not as it looks. Browsers drop tabs and newlines
# anywhere in a URL, strip leading spaces and control characters, and read a backslash as a
# slash: "/\t/evil", "/\\evil" and " //evil" all become //evil, another host. Rather than
# imitate every normalisation, accept only text no browser rewrites: printable ASCII, no
# backslash, one leading slash not followed by another. What passes must also name one of
# this provider's own pages (the /authorize request that was interrupted, the console);
# anything else, including a CR or LF that would split the Location header, goes home.
LOCAL_PATH = re.compile(r"/(?!/)[!-\[\]-~]{0,2047}")


def safe_next(target):
    """The page to show after sign-in: `target` if it is one of this provider's pages, else home."""
    home = url_for("provider.home")
    if not isinstance(target, str) or not LOCAL_PATH.fullmatch(target):
        return home
    path = unquote(target.partition("?")[0])
    try:
        current_app.create_url_adapter(request).match(path, method="GET")
    except HTTPException:  # no such page, not for GET, or a redirect (//, a missing slash)
        return home
    return target


def refuses_unreadable(view):
    """authlib raises ValueError on input it cannot even describe (control characters in a
    parameter, a Basic header without credentials): that is a 400, never a 500."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ValueError:
            description = "The request is malformed (unreadable parameters or credentials)."
            if request.endpoint == "provider.authorize":
                page = render_template(
                    "provider/error.html", status=400, name="invalid_request", description=description
                )
                return page, 400
            return jsonify(error="invalid_request", error_description=description), 400

    return guarded


@bp.get("/")
def home():
    """What this party is, and its endpoints."""
    return render_template("provider/home.html", user=current_user(), form=ActionForm())


def login_page(form=None, error=None, status=200):
    form = form or LoginForm()
    interrupted = safe_next(request.args.get("next")).startswith("/authorize")
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
    # AS-10 (SES-2): a fresh session under a fresh id at every sign-in. Whatever an attacker
    # planted before (a session id they know) is emptied and its row deleted: regenerate()
    # deletes the old row and moves the data to a new random id (it must run after the data
    # is set: Flask-Session's regenerate() does nothing to an empty session).
    session.clear()
    session["user_id"] = user.id
    session["signed_in_at"] = int(time.time())
    current_app.session_interface.regenerate(session)
    return redirect(safe_next(request.args.get("next")))


# AS-10: logout empties the session; the store then deletes its row (sessions.ServerSideSessions),
# so the cookie, and every copy of it, names nothing any more.
@bp.post("/logout")
def logout():
    """Sign out of the provider (the form carries a CSRF token)."""
    session.clear()
    return redirect(url_for("provider.home"))


# The authorization endpoint (RFC 6749 §3.1). The request is validated before anything else:
# an unknown client or an unregistered redirect_uri gets an error page here and is never
# redirected (AS-1). Then sign-in, then consent, every time (AS-7).
@bp.route("/authorize", methods=["GET", "POST"])
@refuses_unreadable
def authorize():
    """Validate the client's request, sign the user in, ask for consent, answer with a code."""
    user = current_user()
    try:
        grant = authorization.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        return authorization_error(error)
    if user is None:
        return redirect(url_for("provider.login", next=request.full_path))
    form = ConsentForm()
    if not form.validate_on_submit():
        client = grant.client
        scopes = [(name, SCOPES[name]) for name in grant.request.scope.split() if name in SCOPES]
        return render_template(
            "provider/consent.html",
            form=form,
            client=client,
            scopes=scopes,
            grant=grant,
            user=user,
        )
    return authorization.create_authorization_response(grant_user=user if form.approve.data else None, grant=grant)


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
