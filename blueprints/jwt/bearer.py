"""One decode per request: how the bearer routes (/jwt/protected, /jwt/admin) verify a token.

The same loaders as tokens.py's, in flask-jwt-extended's order and with its settings, raising its
own exceptions (so the same answers go out), with the token read once without trust and decoded
once.
"""

import base64
import json
import re

import jwt as pyjwt
from flask import request
from flask_jwt_extended.config import config as jwt_settings
from flask_jwt_extended.exceptions import (
    InvalidHeaderError,
    NoAuthorizationError,
    RevokedTokenError,
    UserClaimsVerificationError,
    WrongTokenError,
)

from .tokens import BEARER, claims_are_well_formed, is_revoked, verification_key

# ### One decode per request: the bearer routes
#
# On its way to a view, flask-jwt-extended reads a token four times: its claims without trust,
# its header for the key loader, all of it again to verify it, and the header once more. PyJWT
# checks every character of each segment every time, so reading cost more than verifying. The
# bearer routes (guards.py: /jwt/protected, /jwt/admin) verify with bearer_claims() instead:
# the same loaders as tokens.py's, in flask-jwt-extended's order and with its settings, raising its
# own exceptions, so the same answers go out; but the token is read once without trust (here,
# for the rules before the signature) and decoded once, by PyJWT, with the key those rules chose.
# Refresh, logout and cookie mode keep flask-jwt-extended's @jwt_required.


def bearer_token():
    """The token of `Authorization: Bearer <token>`, refused as flask-jwt-extended refuses."""
    header = request.headers.get("Authorization", "").strip().strip(",")
    if not header:
        raise NoAuthorizationError("Missing Authorization Header")
    # The header may hold several comma-separated credentials: exactly one must be Bearer.
    credentials = [value for value in re.split(r",\s*", header) if value and value.split()[0] == BEARER]
    if len(credentials) != 1:
        raise NoAuthorizationError(
            f"Missing '{BEARER}' type in 'Authorization' header. Expected 'Authorization: {BEARER} <JWT>'"
        )
    parts = credentials[0].split()
    if len(parts) != 2:
        raise InvalidHeaderError(f"Bad Authorization header. Expected 'Authorization: {BEARER} <JWT>'")
    return parts[1]


def segment(text):
    """A JSON object from one base64url segment, read strictly; ValueError if it is anything else."""
    raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if len(text) % 4 == 1 or base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != text:
        raise ValueError("not canonical base64url")  # PyJWT refuses these too (its own words, below)
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def unverified(token):
    """(header, claims) read without trust, for the rules that run before the signature.

    A plain token of three canonical segments is read here; anything else (padding, `crit`, a
    `kid` that is not a string, a segment that is not JSON) is read by PyJWT, which refuses it
    in the words flask-jwt-extended's answer would carry.
    """
    parts = token.split(".")
    if len(parts) == 3:
        try:
            header, claims = segment(parts[0]), segment(parts[1])
        except (ValueError, RecursionError):
            pass
        else:
            if not {"crit", "b64"} & header.keys() and isinstance(header.get("kid", ""), str):
                return header, claims
    claims = pyjwt.decode(token, options={"verify_signature": False})
    return pyjwt.get_unverified_header(token), claims


def bearer_claims():
    """The claims of the request's bearer access token, verified; a refused one raises."""
    token = bearer_token()
    header, unverified_claims = unverified(token)
    key = verification_key(header, unverified_claims)
    try:
        claims = pyjwt.decode(
            token,
            key,
            algorithms=jwt_settings.decode_algorithms,
            audience=jwt_settings.decode_audience,
            issuer=jwt_settings.decode_issuer,
            leeway=jwt_settings.leeway,
            options={"verify_aud": jwt_settings.decode_audience is not None, "verify_sub": jwt_settings.verify_sub},
        )
    except pyjwt.ExpiredSignatureError as exc:
        # What the expired_token loader is given (PyJWT checks `exp` after the signature).
        exc.jwt_header, exc.jwt_data = header, unverified_claims
        raise
    if claims["type"] == "refresh":
        raise WrongTokenError("Only non-refresh tokens are allowed")
    if is_revoked(header, claims):
        raise RevokedTokenError(header, claims)
    if not claims_are_well_formed(header, claims):
        raise UserClaimsVerificationError("User claims verification failed", header, claims)
    return claims
