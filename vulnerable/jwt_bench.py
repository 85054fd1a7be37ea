"""DELIBERATELY VULNERABLE demos: the JWT attack bench's workbench. Development only.

The attacker's side of the JWT lab's attack bench (static/js/jwt-attacks.js): it takes the
tokens the attacker brings, has one attack forged from them (vulnerable/jwt_attacks.py) and
answers with a token for the naive verifier and one for the real. None of this is registered
in production (vulnerable/__init__.py, config.ProductionConfig).
"""

import binascii
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Blueprint, Response, jsonify

from bodies import json_object

from .jwt_attacks import ATTACKS, EXPLAIN, WORDLIST, forge, parts
from .naive_jwt import issue, unb64

bp = Blueprint("jwt_bench", __name__, url_prefix="/vulnerable/jwt")


@bp.get("/wordlist.txt")
def wordlist():
    """The attacker's word list (a tiny one: real ones hold billions of entries)."""
    return Response(WORDLIST.read_bytes(), mimetype="text/plain")


# LAB-3: the workbench holds no account and no key of the real app. The attacker (bob, an
# ordinary user) signs in at the real POST /jwt/login with his own password, through its
# throttle, like anybody else, and brings that pair here (with the published JWKS when he wants
# the real public key). The workbench only edits what he brought: it never calls the real
# authenticate(), never signs with the real keyring and never writes the real refresh families
# or blocklist. Each token aimed at the real verifier is one the real app issued to bob, or
# bob's own edit of it; nothing here mints a real token for anyone.
@bp.post("/forge")
def forge_route():
    """Forge one attack's tokens from the attacker's own: one for the naive verifier, one for the real.

    Send {"attack": ..., "access_token": ..., "refresh_token": ...}: bob's pair from POST /jwt/login.
    Also "jwks" (GET /jwt/.well-known/jwks.json) for alg-confusion, "token" for foreign-token, and,
    for expired, an access token whose exp has passed (sign in with "lifetime": 5, then wait).
    """
    data = json_object()
    attack = data.get("attack")
    if attack not in ATTACKS:
        return jsonify(error=f"attack must be one of {', '.join(ATTACKS)}"), 400
    access, refresh, foreign = (attackers_token(data.get(name)) for name in ("access_token", "refresh_token", "token"))
    if access is None:
        return jsonify(error="sign in as bob at POST /jwt/login first, and send the access_token you got"), 400
    if attack == "refresh-as-access" and refresh is None:
        return jsonify(error="send bob's refresh_token too (from the same sign-in)"), 400
    if attack == "foreign-token" and foreign is None:
        return jsonify(error="paste a token from elsewhere (the OAuth lab's id_token) first"), 400
    if attack == "expired" and not has_expired(access):
        return jsonify(error="this access token has not expired yet: sign in with a 5 s lifetime and wait"), 400
    naive_token, real_token, notes = forge(
        attack, issue("bob"), access, refresh, published_rsa_key(data.get("jwks"), access), foreign
    )
    # Attacks on the role go to /admin; the others only need any valid token (/protected).
    target = "protected" if attack in {"expired", "refresh-as-access", "foreign-token"} else "admin"
    notes = {"why": EXPLAIN[attack], **notes}
    return jsonify(attack=attack, target=target, naive_token=naive_token, real_token=real_token, notes=notes)


# What the attacker brings is attacker input like any other: a malformed token, a header that is
# a list, nesting thousands deep or a JWKS with impossible numbers is a 400, never a 500.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, binascii.Error, RecursionError)


def attackers_token(value):
    """A token the attacker brought, if it has a JSON object for header and payload; else None."""
    if not isinstance(value, str) or len(value) > 8192 or value.count(".") != 2:
        return None
    try:
        header, payload, signature = parts(value)
        unb64(signature)
    except UNREADABLE:
        return None
    return value if isinstance(header, dict) and isinstance(payload, dict) else None


def has_expired(token):
    exp = parts(token)[1].get("exp")
    return isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= time.time()


def published_rsa_key(jwks, token):
    """(kid, PEM) of the RSA key the token names in a JWKS the attacker fetched, or None."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    kid = parts(token)[0].get("kid")
    for jwk in keys if isinstance(keys, list) else []:
        if not (isinstance(jwk, dict) and jwk.get("kty") == "RSA" and jwk.get("kid") == kid):
            continue
        try:
            e, n = (int.from_bytes(unb64(jwk[name]), "big") for name in ("e", "n"))
            public = rsa.RSAPublicNumbers(e, n).public_key()
        except UNREADABLE:
            return None
        return kid, public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return None
