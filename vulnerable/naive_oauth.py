"""DELIBERATELY VULNERABLE: the naive twin of the oauth demo's client. Development only.

The article's OAuth example, completed the way tutorials often complete it: no `state`, no
PKCE, an id_token read without checking its signature, audience or nonce, and a `next`
parameter followed wherever it points. Each FLAW below has its fix in blueprints/oauth/.
It talks to the naive twin of the provider (provider/naive_provider.py). The attack bench
(vulnerable/oauth_bench.py) sends the same attacks to this twin and to the real client.
"""

import base64
import json
from urllib.parse import urlencode

import requests
from flask import Blueprint, current_app, redirect, request, session, url_for

import config

bp = Blueprint("naive_oauth", __name__, url_prefix="/vulnerable/oauth")


def naive_provider():
    return current_app.config["PROVIDER_URL"] + "/naive"


def callback_url():
    return current_app.config["APP_URL"] + url_for("naive_oauth.callback")


@bp.get("/login")
def login():
    """FLAW (OC-1, OC-2): no state, no PKCE, no nonce. FLAW (OC-5): `next` kept as given."""
    client_id, _ = config.builtin_client(current_app)
    session["naive_next"] = request.args.get("next")
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
    client_id, secret = config.builtin_client(current_app)
    try:
        response = requests.post(
            f"{naive_provider()}/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback_url()},
            auth=(client_id, secret),
            timeout=5,
        )
        claims = read_id_token(response.json()["id_token"])
    except (requests.RequestException, ValueError, KeyError, IndexError):
        return "The naive client could not use this code.", 400
    session["oauth_identity"] = {
        "name": claims.get("preferred_username") or claims.get("sub"),
        "sub": str(claims.get("sub")),
        "provider": "naive twin",
    }
    # FLAW (OC-5): wherever `next` said, even another site.
    return redirect(session.pop("naive_next", None) or url_for("naive_oauth.bench"))


from . import oauth_bench  # noqa: E402, F401  (the bench's routes, on this blueprint)
