"""DELIBERATELY VULNERABLE: a naive twin of this provider, for the attack bench. Development only.

provider/__init__.py registers it only when ENABLE_ATTACK_DEMOS is on, which production forces
off. It makes the mistakes the real one is built to avoid (each marked FLAW below), so the same
attack can be sent to both:

- redirect_uri is accepted when it merely starts with a registered client's origin;
- PKCE is optional, even for a public client (a phone app, which has no secret), and `plain`
  is accepted (and assumed when no method is named);
- codes are never marked used: the same code buys tokens again and again while it lives;
- a helper hands out id_tokens issued to another application, as the attacker would obtain
  them by signing someone in to their own app.

What it shares with the real provider, and what it does not (LAB-3): it reads who is signed in
here (the real sign-in page, behind its throttle) and the app's client registration, and it
writes nothing of the real provider's. Its codes live in a store of its own, in memory
(NaiveStore), and its id_tokens are signed with a key of its own under an issuer of its own:
the real /token, /userinfo and /revoke never find what it issued, the real JWKS never lists
its key (the twin's own /naive/jwks.json does), and so the app's OAuth client and the JWT lab
refuse its id_tokens. Its one public client, the phone app, is a stand-in of its own too.
"""

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from joserfc import jwt
from joserfc.jwk import RSAKey

from .forms import ConsentForm
from .identity import issuer, user_info
from .models import SCOPES, Client, User, db, new_token
from .sessions import current_user
from .throttle import token_endpoint_throttle
from .web import csrf, refuses_unreadable

bp = Blueprint("naive_provider", __name__, url_prefix="/naive")

# Naive, but not forever: RFC 6749 §4.1.2 allows a code ten minutes at most. Within them the
# twin's codes can be replayed (the bench shows it); after them they are gone.
CODE_LIFETIME = 600
# The store is in memory: it keeps the newest codes only, so no loop of sign-ins can fill it.
KEEP_CODES = 1000
ID_TOKEN_LIFETIME = 600
SIGNING_ALG = "RS256"


@dataclass
class NaiveCode:
    """One of the twin's codes: never marked used, bound to nothing but its client."""

    client_id: str
    redirect_uri: str
    user_id: int
    scope: str
    nonce: str | None
    challenge: str | None
    method: str | None
    issued_at: float = field(default_factory=time.time)


# LAB-3: the twin's own state, per provider app, in memory: nothing in the real provider's
# tables (a twin that wrote Grant and Token rows issued access tokens the real /userinfo
# honoured), and its own signing key, made on first use and never written to disk or published
# in the real JWKS (a twin that signed with the real key handed out, without any sign-in,
# id_tokens the real provider's clients would verify).
class NaiveStore:
    def __init__(self):
        self.lock = threading.Lock()
        self.codes = {}  # code -> NaiveCode, oldest first
        self.key = None

    def add(self, code, item):
        with self.lock:
            self.forget_expired()
            while len(self.codes) >= KEEP_CODES:
                del self.codes[next(iter(self.codes))]
            self.codes[code] = item

    def find(self, code):
        """FLAW (AS-3): the code stays; the next exchange of it works as well as this one."""
        with self.lock:
            self.forget_expired()
            return self.codes.get(code) if isinstance(code, str) else None

    def forget_expired(self):
        while self.codes and next(iter(self.codes.values())).issued_at + CODE_LIFETIME < time.time():
            del self.codes[next(iter(self.codes))]

    def signing_key(self):
        with self.lock:
            if self.key is None:
                self.key = RSAKey.generate_key(2048, auto_kid=True)
            return self.key


def make_store(state):
    state.app.extensions["naive_provider"] = NaiveStore()


bp.record_once(make_store)


def store():
    return current_app.extensions["naive_provider"]


def origin(uri):
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


# FLAW (AS-1): "any address on the client's site" is checked with startswith on the origin
# string, so http://localhost:8000@attacker.localhost:8003/ (user info, then another host) passes.
def naive_redirect_ok(client, redirect_uri):
    registered = client.redirect_uris
    return redirect_uri in registered or any(redirect_uri.startswith(origin(uri)) for uri in registered)


# The notes app on a phone: a PUBLIC client (RFC 8252), which has no secret to keep, so the
# only proof that the app redeeming a code is the app that asked for it is PKCE. Its redirect
# URI is a private-use scheme (RFC 8252 §7.1), and any other app on the phone may register the
# same scheme and be handed the redirect, code and all. LAB-3: a stand-in of the twin's own,
# made here and never added to the real provider's tables; the app's naive twin knows its id.
MOBILE_CLIENT_ID = "authlab-notes-mobile"
MOBILE_REDIRECT_URI = "com.authlab.notes:/oauth2redirect"


def mobile_client():
    client = Client(client_id=MOBILE_CLIENT_ID, client_id_issued_at=0)
    client.set_client_metadata(
        {
            "client_name": "Lab Notes (a phone app)",
            "redirect_uris": [MOBILE_REDIRECT_URI],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "scope": "openid profile",
            "token_endpoint_auth_method": "none",  # nosec B105: public, no secret
        }
    )
    return client


# LAB-3: the twin serves the app's own registration, read and never written, and its phone
# app. The clients people register in the console never meet its prefix matching.
def find_client(client_id):
    if client_id == MOBILE_CLIENT_ID:
        return mobile_client()
    if client_id != current_app.config["BUILTIN_CLIENT_ID"]:
        return None
    return db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    """The naive authorization endpoint (prefix-matched redirect URIs, optional plain PKCE)."""
    args = request.args
    client = find_client(args.get("client_id", ""))
    redirect_uri = args.get("redirect_uri", "")
    if client is None or not naive_redirect_ok(client, redirect_uri):
        abort(400, "Unknown client or redirect URI.")
    # What the store keeps is bounded too (LAB-1): no one fills the twin's memory with huge codes.
    if len(redirect_uri) > 2000 or any(len(args.get(name, "")) > 255 for name in ("nonce", "state", "code_challenge")):
        abort(400, "A parameter is too long.")
    # Who is signed in here is the real sign-in's answer (its page, its throttle), only read.
    user = current_user()
    if user is None:
        return redirect(url_for("provider.login", next=request.script_root + request.full_path))
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
    code = new_token()
    store().add(
        code,
        NaiveCode(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            user_id=user.id,
            scope=scope,
            nonce=args.get("nonce"),
            challenge=args.get("code_challenge"),
            # FLAW (AS-2): no method named means plain, and plain is accepted.
            method=args.get("code_challenge_method") or ("plain" if args.get("code_challenge") else None),
        ),
    )
    params = [("code", code)] + ([("state", args["state"])] if args.get("state") else [])
    return redirect(add_params_to_uri(redirect_uri, params))


def authenticated_client():
    auth = request.authorization
    if auth:
        client_id, secret = auth.username, auth.password
    else:
        client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    client = find_client(client_id or "")
    # A public client has no secret (RFC 6749 §2.1): it names itself, and that is all.
    if client is not None and client.is_public() and not secret:
        return client
    if client is None or not client.check_client_secret(secret or ""):
        abort(401, "Client authentication failed.")
    return client


# LAB-3: it checks the app's real client secret, so it does so behind the real token
# endpoint's throttle, counting failures against the same client and address: the twin is no
# faster a place to guess that secret than the real /token.
@bp.post("/token")
@csrf.exempt
@token_endpoint_throttle
@refuses_unreadable
def token():
    """The naive token endpoint: a code is good for as long as it lives, any number of times."""
    client = authenticated_client()
    code = request.form.get("code", "")
    item = store().find(code)
    # FLAW (AS-3): not bound to the client's redirect URI, never marked used.
    if item is None or item.client_id != client.client_id:
        return jsonify(error="invalid_grant"), 400
    # FLAW (AS-2): PKCE is checked only if the authorization request used it, plain included.
    # A public client that sent no challenge redeems its code with nothing at all: whoever
    # caught the redirect (another app on the phone) gets the tokens.
    if item.challenge:
        verifier = request.form.get("code_verifier", "")
        if item.method == "plain":
            ok = hmac.compare_digest(verifier.encode(), item.challenge.encode())
        else:
            ok = hmac.compare_digest(create_s256_code_challenge(verifier).encode(), item.challenge.encode())
        if not ok:
            return jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
    user = db.session.get(User, item.user_id)
    if user is None:
        return jsonify(error="invalid_grant"), 400
    # LAB-3: the access token is stored nowhere: the twin has no API, and the real /userinfo
    # looks tokens up in the real table, where this one never is.
    body = {"access_token": new_token(), "token_type": "Bearer", "expires_in": 600, "scope": item.scope}  # nosec B105
    if "openid" in item.scope.split():
        claims = {**user_info(user, item.scope), "c_hash": code_hash(code)}
        body["id_token"] = id_token(claims, client.client_id, item.nonce)
    return jsonify(body)


# OIDC Core §3.3.2.11: c_hash, the left half of the code's SHA-256, base64url: which code
# bought this id_token. The app's challenges read it to tell the victim's code from another.
def code_hash(code):
    return base64.urlsafe_b64encode(hashlib.sha256(code.encode()).digest()[:16]).rstrip(b"=").decode()


def naive_issuer():
    """The twin's own issuer: its id_tokens never name the real provider."""
    return issuer() + "/naive"


def id_token(claims, audience, nonce):
    """An id_token signed with the twin's own key (never the real provider's)."""
    now = int(time.time())
    claims = {"iss": naive_issuer(), "aud": [audience], "iat": now, "exp": now + ID_TOKEN_LIFETIME, **claims}
    if nonce:
        claims["nonce"] = nonce
    key = store().signing_key()
    return jwt.encode({"alg": SIGNING_ALG, "kid": key.kid, "typ": "JWT"}, claims, key, algorithms=[SIGNING_ALG])


# The twin's own public key, where a backend that trusts the twin can find it: the notes app's
# backend (vulnerable/naive_oauth.py) verifies its id_tokens with it. Never in the real JWKS.
@bp.get("/jwks.json")
def jwks():
    return jsonify(keys=[store().signing_key().as_dict(private=False)])


# The people the attacker's own app has signed in: the twin's stand-ins. LAB-3: this helper
# answers anyone, without a sign-in, so it looks nobody up in the real user table (which would
# tell who has an account here, and their name and email).
OTHER_APP_USERS = {"alice": "Alice (signed in to the attacker's app)", "bob": "Bob (signed in to the attacker's app)"}


@bp.get("/id-token-for-another-app")
def token_for_another_app():
    """What an attacker gets by signing alice in to the attacker's own app: an id_token for
    another audience and another nonce. (Exists only in the twin, signed with the twin's key.)"""
    username = request.args.get("username", "alice")
    if username not in OTHER_APP_USERS:
        abort(404)
    claims = {"sub": f"naive-{username}", "preferred_username": username, "name": OTHER_APP_USERS[username]}
    return jsonify(id_token=id_token(claims, "the-attackers-app", "the-attackers-nonce"))
