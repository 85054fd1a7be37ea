"""The provider's endpoints: sign-in, the authorization endpoint with its consent page, the
token, userinfo and revocation endpoints, discovery and the public keys."""

import functools

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for

from .forms import ActionForm, ConsentForm, LoginForm
from .models import SCOPES, User, authenticate, db
from .oauth2 import authorization, issuer, metadata, public_jwks
from .web import csrf, throttled

bp = Blueprint("provider", __name__)


def current_user():
    """The user signed in at this provider (its own session cookie), or None."""
    user_id = session.get("user_id")
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def safe_next(target):
    """Only a path on this provider: `next` must never send the user elsewhere."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("provider.home")


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


@bp.route("/login", methods=["GET", "POST"])
@throttled("LOGIN_RATE_LIMIT")
def login():
    """Sign in to the provider (its own password store; the app never sees this password)."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user:
            # A fresh session at sign-in: nothing an attacker planted before survives.
            session.clear()
            session["user_id"] = user.id
            return redirect(safe_next(request.args.get("next")))
        error = "Wrong username or password."
    status = 401 if error else 200
    return render_template("provider/login.html", form=form, error=error, next=request.args.get("next")), status


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
        return render_template("provider/consent.html", form=form, client=client, scopes=scopes, grant=grant, user=user)
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
@throttled("TOKEN_RATE_LIMIT")
@refuses_unreadable
def token():
    """The token endpoint: codes and refresh tokens for tokens (client authentication required)."""
    return authorization.create_token_response()


@bp.post("/revoke")
@csrf.exempt
@throttled("TOKEN_RATE_LIMIT")
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
