"""DELIBERATELY VULNERABLE: a naive twin of this provider, for the attack bench. Development only.

provider/__init__.py registers it only when ENABLE_ATTACK_DEMOS is on, which production forces
off. It shares the users, clients and signing key of the real provider, and makes the mistakes
the real one is built to avoid (each marked FLAW below), so the same attack can be sent to both:

- redirect_uri is accepted when it merely starts with a registered client's origin;
- PKCE is optional, and `plain` is accepted (and assumed when no method is named);
- codes are never marked used: the same code buys tokens again and again;
- a helper hands out genuine id_tokens issued to another application, as the attacker would
  obtain them by signing in to their own app at the same provider.
"""

import hmac
import time
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from joserfc import jwt
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .forms import ConsentForm
from .models import SCOPES, Client, Grant, Token, User, db, new_token, secret_digest
from .oauth2 import SIGNING_ALG, issuer, signing_key, user_info
from .views import current_user, refuses_unreadable
from .web import csrf

bp = Blueprint("naive_provider", __name__, url_prefix="/naive")


class NaiveCode(db.Model):
    """The naive twin's codes: no expiry, no `used` mark."""

    __tablename__ = "naive_codes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48))
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    user_id: Mapped[int]
    scope: Mapped[str] = mapped_column(String(255))
    nonce: Mapped[str | None] = mapped_column(String(255))
    challenge: Mapped[str | None] = mapped_column(String(255))
    method: Mapped[str | None] = mapped_column(String(16))


def origin(uri):
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


# FLAW (AS-1): "any address on the client's site" is checked with startswith on the origin
# string, so http://localhost:8000@127.0.0.1:8003/ (user info, then another host) passes.
def naive_redirect_ok(client, redirect_uri):
    return any(redirect_uri.startswith(origin(uri)) for uri in client.redirect_uris)


def find_client(client_id):
    return db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    """The naive authorization endpoint (prefix-matched redirect URIs, optional plain PKCE)."""
    args = request.args
    client = find_client(args.get("client_id", ""))
    redirect_uri = args.get("redirect_uri", "")
    if client is None or not naive_redirect_ok(client, redirect_uri):
        abort(400, "Unknown client or redirect URI.")
    user = current_user()
    if user is None:
        return redirect(url_for("provider.login", next=request.full_path))
    form = ConsentForm()
    scope = " ".join(s for s in args.get("scope", "").split() if s in SCOPES)
    if not form.validate_on_submit():
        scopes = [(name, SCOPES[name]) for name in scope.split()]
        grant = {"redirect_uri": redirect_uri}
        return render_template(
            "provider/consent.html", form=form, client=client, scopes=scopes, grant=grant, user=user, naive=True
        )
    if not form.approve.data:
        return redirect(add_params_to_uri(redirect_uri, [("error", "access_denied")]))
    code = NaiveCode(
        code=new_token(),
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        user_id=user.id,
        scope=scope,
        nonce=args.get("nonce"),
        challenge=args.get("code_challenge"),
        # FLAW (AS-2): no method named means plain, and plain is accepted.
        method=args.get("code_challenge_method") or ("plain" if args.get("code_challenge") else None),
    )
    db.session.add(code)
    db.session.commit()
    params = [("code", code.code)] + ([("state", args["state"])] if args.get("state") else [])
    return redirect(add_params_to_uri(redirect_uri, params))


def authenticated_client():
    auth = request.authorization
    if auth:
        client_id, secret = auth.username, auth.password
    else:
        client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    client = find_client(client_id or "")
    if client is None or not client.check_client_secret(secret or ""):
        abort(401, "Client authentication failed.")
    return client


@bp.post("/token")
@csrf.exempt
@refuses_unreadable
def token():
    """The naive token endpoint: a code is good forever, any number of times."""
    client = authenticated_client()
    item = db.session.get(NaiveCode, request.form.get("code", ""))
    # FLAW (AS-3): not bound to the client's redirect URI, never expires, never marked used.
    if item is None or item.client_id != client.client_id:
        return jsonify(error="invalid_grant"), 400
    # FLAW (AS-2): PKCE is checked only if the authorization request used it, plain included.
    if item.challenge:
        verifier = request.form.get("code_verifier", "")
        if item.method == "plain":
            ok = hmac.compare_digest(verifier, item.challenge)
        else:
            from authlib.oauth2.rfc7636 import create_s256_code_challenge

            ok = hmac.compare_digest(create_s256_code_challenge(verifier), item.challenge)
        if not ok:
            return jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
    user = db.session.get(User, item.user_id)
    grant = Grant(user_id=user.id, client_id=client.client_id, scope=item.scope)
    db.session.add(grant)
    db.session.flush()
    access = new_token()
    db.session.add(
        Token(
            client_id=client.client_id,
            user_id=user.id,
            grant_id=grant.id,
            token_type="Bearer",  # noqa: S106  # nosec B106
            access_token=secret_digest(access),
            scope=item.scope,
            expires_in=600,
        )
    )
    db.session.commit()
    body = {"access_token": access, "token_type": "Bearer", "expires_in": 600, "scope": item.scope}  # nosec B105
    if "openid" in item.scope.split():
        body["id_token"] = id_token(user, client.client_id, item.nonce, item.scope)
    return jsonify(body)


def id_token(user, audience, nonce, scope):
    """A genuine id_token, signed with the provider's real key."""
    now = int(time.time())
    claims = {"iss": issuer(), "aud": [audience], "iat": now, "exp": now + 600, **user_info(user, scope)}
    if nonce:
        claims["nonce"] = nonce
    key = signing_key()
    return jwt.encode({"alg": SIGNING_ALG, "kid": key.kid}, claims, key, algorithms=[SIGNING_ALG])


@bp.get("/id-token-for-another-app")
def token_for_another_app():
    """What an attacker gets by signing alice in to the attacker's own app at this provider:
    a genuine id_token, for another audience and another nonce. (Exists only in the twin.)"""
    username = request.args.get("username", "alice")
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        abort(404)
    return jsonify(id_token=id_token(user, "the-attackers-app", "the-attackers-nonce", "openid profile"))
