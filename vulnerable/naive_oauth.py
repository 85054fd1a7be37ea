"""DELIBERATELY VULNERABLE: the naive twin of the oauth demo's client. Development only.

The article's OAuth example, completed the way tutorials often complete it: no `state`, no
PKCE, an id_token read without checking its signature, audience or nonce, and a `next`
parameter followed wherever it points. Each FLAW below has its fix in blueprints/oauth/.
It talks to the naive twin of the provider (provider/naive_provider.py), and plays the backend
of that twin's phone app too (mobile_signin). The attack bench
(vulnerable/oauth_bench.py, its own blueprint) sends the same attacks to this twin and to the
real client; the twin imports nothing of it.

What it never does (LAB-3): sign anyone in to the real app. Whom it believes lives under its own
session key (NAIVE_STATE), which no real view reads; the real identity key, `oauth_identity`,
is written only by the real client after state, PKCE, the id_token and userinfo all held.
"""

import base64
import json
from urllib.parse import urlencode

import requests
from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from blueprints.challenges.detect import reached
from blueprints.oauth.providers import builtin_client
from bodies import json_object

bp = Blueprint("naive_oauth", __name__, url_prefix="/vulnerable/oauth")

# LAB-3: everything this twin keeps, under one key of its own in the visitor's session. Never
# `oauth_identity`, which the real /oauth/protected and the page header trust: a naive callback
# that wrote it let an attacker's unused callback URL, opened by a victim, sign the victim in
# to the real app as the attacker (a login CSRF around the real client's state and PKCE).
NAIVE_STATE = "naive_oauth_twin"


def naive_state():
    """This twin's own state in the session: where to go next, and whom it believes."""
    state = session.get(NAIVE_STATE)
    return dict(state) if isinstance(state, dict) else {}


def save_naive_state(**changes):
    session[NAIVE_STATE] = {**naive_state(), **changes}  # reassigned, so the store sees it


def naive_identity():
    """Whom the naive client believes this browser to be, or None."""
    identity = naive_state().get("identity")
    return identity if isinstance(identity, dict) else None


def naive_provider():
    return current_app.config["PROVIDER_URL"] + "/naive"


def callback_url():
    # APP_URL already ends in the mount point the app may be served under (a classroom
    # sandbox's /s/<key>), which url_for puts in front of the path too: it counts once.
    return current_app.config["APP_URL"] + url_for("naive_oauth.callback").removeprefix(request.script_root)


@bp.get("/login")
def login():
    """FLAW (OC-1, OC-2): no state, no PKCE, no nonce. FLAW (OC-5): `next` kept as given."""
    client_id, _ = builtin_client(current_app)
    # Only a value no Location header can carry (a newline, a tab) is dropped: a 500 teaches nothing.
    wanted = request.args.get("next", "")
    save_naive_state(next=wanted if wanted.isprintable() and len(wanted) <= 2000 else None)
    query = urlencode(
        {"response_type": "code", "client_id": client_id, "redirect_uri": callback_url(), "scope": "openid profile"}
    )
    return redirect(f"{naive_provider()}/authorize?{query}")


def read_id_token(id_token):
    """FLAW (OC-3): the payload is base64-decoded and believed; nothing is verified."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@bp.get("/callback")
def callback():
    """FLAW (OC-2): any code is exchanged, whoever's it is and whoever started the flow."""
    code = request.args.get("code", "")
    client_id, secret = builtin_client(current_app)
    try:
        response = requests.post(
            f"{naive_provider()}/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback_url()},
            auth=(client_id, secret),
            timeout=5,
        )
        claims = read_id_token(response.json()["id_token"])
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
        return "The naive client could not use this code.", 400
    if not isinstance(claims, dict):
        return "The naive client could not use this code.", 400
    # LAB-3: the naive client signs people in to itself only (NAIVE_STATE), never the real app.
    identity = {"name": str(claims.get("preferred_username") or claims.get("sub")), "sub": str(claims.get("sub"))}
    next_url = naive_state().get("next")
    save_naive_state(identity={**identity, "provider": "naive twin"}, next=None)
    reached("naive_oauth.callback", code=code, identity=identity)  # the challenges watch
    # FLAW (OC-5): wherever `next` said, even another site.
    return redirect(next_url or url_for("oauth_bench.bench", _anchor="naive-whoami"))


# The backend of the naive provider's phone app, the notes app (a public client: no secret).
# The app sends it the id_token it got, and the backend signs its user in. It checks what a
# backend should: the naive provider's signature (its own JWKS), issuer, audience, expiry. A
# token bought with a stolen code is genuine, so it passes: the flaw is upstream, where the
# naive provider let that code be redeemed without the PKCE proof only the phone app that
# asked for it could give (provider/naive_provider.py, token). LAB-3: the sign-in is this
# twin's own (NAIVE_STATE); the real client never fetches the naive provider's keys.
MOBILE_CLIENT_ID = "authlab-notes-mobile"  # the naive provider's phone app, as it registered it
ID_TOKEN_LIMIT = 8000


def verified_by_the_naive_provider(id_token):
    """The id_token's claims, once the naive provider's key, issuer, audience and expiry hold."""
    keys = requests.get(f"{naive_provider()}/jwks.json", timeout=5).json()
    token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": naive_provider()},
        aud={"essential": True, "value": MOBILE_CLIENT_ID},
        exp={"essential": True},
    ).validate(token.claims)
    return token.claims


@bp.post("/mobile/signin")
def mobile_signin():
    """The notes app's backend: an id_token of the naive provider's, for the notes app, signs you in."""
    id_token = json_object().get("id_token")
    if not isinstance(id_token, str) or not 0 < len(id_token) <= ID_TOKEN_LIMIT:
        return jsonify(error='Send the notes app\'s id_token as the app does: JSON {"id_token": "..."}.'), 400
    try:
        claims = verified_by_the_naive_provider(id_token)
    except requests.RequestException:
        return jsonify(error="The naive provider's keys could not be fetched: is it running?"), 502
    except (JoseError, ValueError, KeyError, TypeError, AttributeError) as refused:
        return jsonify(error=f"The notes app's backend refused this id_token: {refused}"), 400
    identity = {"name": str(claims.get("preferred_username") or claims.get("sub")), "sub": str(claims.get("sub"))}
    save_naive_state(identity={**identity, "provider": "naive twin (the notes app)"})
    reached("naive_oauth.mobile_signin", claims=claims)  # the challenges watch
    return jsonify(message="The notes app's backend signed you in as:", user=identity["name"])


@bp.get("/protected")
def protected():
    """Anyone the naive client believes (its own sign-in: the real /oauth/protected never sees it)."""
    identity = naive_identity()
    if identity is None:
        return jsonify(error="Nobody is signed in to the naive client in this browser."), 401
    return jsonify(message="The naive client believes you are:", user=identity["name"], provider=identity["provider"])


@bp.post("/logout")
def logout():
    """Forget whom the naive client believed (the real OAuth sign-in is not touched)."""
    session.pop(NAIVE_STATE, None)
    return redirect(url_for("oauth_bench.bench", _anchor="naive-whoami"))
