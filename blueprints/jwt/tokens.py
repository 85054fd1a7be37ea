"""Issuing tokens, and the verifier flask-jwt-extended runs on every token it is shown.

flask-jwt-extended verifies the signature, `exp`, `iss` and `aud` (with no leeway) and calls the
loaders below for the rest: which key a token may name, whether it has been revoked, and how to
answer when it is refused. The rules themselves, one function each, are in checks.py. The bearer
routes run the same loaders in the same order with one decode instead of four (bearer.py).

Its default answer to a bad token is 422; RFC 6750 §3.1 says a bearer token that is missing,
malformed, expired or revoked is a 401 with a `WWW-Authenticate` header saying why, so every
loader here answers that way (never a 422, never a 500).
"""

import re
import secrets
import time
from datetime import UTC, timedelta

import jwt as pyjwt
from flask import current_app, g, request
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import (
    JWTExtendedException,
)

from errors import error_response
from extensions import jwt_manager

from . import bp, checks, families, keys
from .checks import MAX_TOKEN, TokenRefused

BEARER = "Bearer"  # the token type of RFC 6750 (what the client puts before the token)

# The configured lifetime of each kind of token.
LIFETIME_SETTINGS = {"access": "JWT_ACCESS_TOKEN_EXPIRES", "refresh": "JWT_REFRESH_TOKEN_EXPIRES"}


def lifetime(token_type):
    seconds = current_app.config[LIFETIME_SETTINGS[token_type]]
    return seconds.total_seconds() if isinstance(seconds, timedelta) else seconds


# ### Issuing
#
# Every token names its issuer (`iss`, this app's URL) and audience (`aud`, this app's API), its
# subject (`sub`, the user id as a string, as RFC 7519 requires), its kind (`type`), a unique id
# (`jti`, what logout revokes) and the refresh family it belongs to (`fam`, what reuse revokes).
# It is signed with the keyring's newest key, which it names in its `kid` header.


def issue(user, token_type, family, seconds=None, csrf=False, auth_time=None):
    """Sign one token for `user`; returns (encoded token, its claims)."""
    key = keys.signing_key()
    # iat is a NumericDate in whole seconds (RFC 7519 §2, as PyJWT compares it). Whole seconds
    # cannot order a token and a password change of the same second, so PW-4 does not read iat:
    # the token names the change it was issued after (`gen`, checks.user_still_valid).
    now = int(time.time())
    config = current_app.config
    claims = {
        "iss": config["JWT_ENCODE_ISSUER"],
        "aud": config["JWT_ENCODE_AUDIENCE"],
        "sub": str(user.id),
        "role": user.role,
        "iat": now,
        "exp": int(now + (seconds or lifetime(token_type))),
        "jti": secrets.token_urlsafe(16),
        "type": token_type,
        "fam": family,
        # Which of the user's password changes this token came after (PW-4): the next change
        # makes every token that names this one invalid, even one issued in the same second.
        "gen": checks.credentials_generation(user.tokens_valid_after.replace(tzinfo=UTC).timestamp()),
        # When the user typed the password (OpenID Connect's name for it); kept across refreshes.
        "auth_time": int(auth_time or now),
    }
    if csrf:
        # Cookie mode: the double-submit value flask-jwt-extended compares with X-CSRF-TOKEN.
        claims["csrf"] = secrets.token_urlsafe(16)
    token = pyjwt.encode(claims, keys.signing_material(key), algorithm=key.alg, headers={"kid": key.kid})
    return token, claims


# ### The scheme in the Authorization header (runs before every view of this demo)
#
# RFC 7235 §2.1, on which RFC 6750 §2.1 builds: the auth-scheme is case-insensitive, so `bearer`,
# `BEARER` and `Bearer` name the same scheme (and a client may echo the `token_type` it was given
# in lower case). flask-jwt-extended compares the scheme with JWT_HEADER_TYPE character for
# character, so here the bearer scheme, however it is spelled, is written the one way it expects,
# in the same comma-separated parts it reads. Nothing else changes: another scheme (`Basic`) or a
# scheme without a token is still refused with a 401 and `WWW-Authenticate` (missing_token below).
BEARER_SCHEME = re.compile(r"(?P<before>^|,)(?P<space>\s*)bearer(?=\s)", re.IGNORECASE | re.ASCII)


@bp.before_request
def canonical_bearer_scheme():
    """Spell the bearer scheme of the Authorization header as flask-jwt-extended expects it."""
    header = request.environ.get("HTTP_AUTHORIZATION")
    # One credential already spelled `Bearer ` (nearly every request) has nothing to rewrite.
    if header and not (header.startswith(BEARER + " ") and "," not in header):
        request.environ["HTTP_AUTHORIZATION"] = BEARER_SCHEME.sub(rf"\g<before>\g<space>{BEARER}", header)


# ### The verifier: the loaders flask-jwt-extended calls on every token
#
# Before the signature, the header may only *select* one of our keys, and the key fixes the
# algorithm (JWT-1). PyJWT then checks the signature, the times, `iss` and `aud` with that key
# and no leeway (JWT-3, JWT-4). After it, the claims must be well formed (JWT-4) and the token
# still in force (JWT-5, JWT-6, PW-4). Each step runs the rules of checks.py; the first rule a
# token breaks refuses it, with that rule's reason.


@jwt_manager.decode_key_loader
def verification_key(header, unverified_claims):
    """Before the signature: which of our keys may verify this token (JWT-1, JWT-3, JWT-4)."""
    checks.no_key_offered(header)
    checks.own_token_type(header)  # the provider's at+jwt has rules of its own (provider_tokens.py)
    checks.allowed_algorithm(header)
    checks.known_key(header)
    checks.required_claims(unverified_claims)
    return keys.verification_material(keys.held(header["kid"]))


# The three rules of a well-formed token are reported together ("claims refused: type must be
# access or refresh; sub must be a user id"), so a student sees every malformed claim at once.
WELL_FORMED = (checks.token_type, checks.subject, checks.role)


@jwt_manager.token_verification_loader
def claims_are_well_formed(_header, claims):
    """After the signature: a known `type`, a numeric-string `sub` and a string `role`."""
    g.jwt_refusal = "; ".join(reason for rule in WELL_FORMED if (reason := checks.failure(rule, claims)))
    return not g.jwt_refusal


def revocation_reason(claims):
    """Why a well-signed token is no longer in force (JWT-5, JWT-6, PW-4), or None when it is."""
    return checks.failure(checks.not_on_blocklist, claims) or checks.failure(checks.user_still_valid, claims)


@jwt_manager.token_in_blocklist_loader
def is_revoked(_header, claims):
    g.jwt_refusal = revocation_reason(claims)
    return g.jwt_refusal is not None


# ### Answers: 401 with WWW-Authenticate (RFC 6750 §3)

# RFC 6750 allows only these characters in error_description.
UNSAFE_DESCRIPTION = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


def refuse(reason, error="invalid_token", status=401):
    """The answer to a refused bearer token: 401, WWW-Authenticate, and the reason in JSON."""
    challenge = 'Bearer realm="authlab"'
    if error:
        description = UNSAFE_DESCRIPTION.sub("?", reason)[:200]
        challenge += f', error="{error}", error_description="{description}"'
    return error_response(status, reason, headers={"WWW-Authenticate": challenge})


@jwt_manager.unauthorized_loader
def missing_token(reason):
    # No credentials at all: RFC 6750 §3.1 says the challenge carries no error code.
    if reason.startswith("Missing Authorization"):
        return refuse("missing bearer token: send Authorization: Bearer <token>", error=None)
    return refuse(reason)  # cookie mode: missing cookie or CSRF double-submit value


@jwt_manager.invalid_token_loader
def invalid_token(reason):
    if reason == "Only non-refresh tokens are allowed":
        reason = "a refresh token cannot be used as an access token"
    elif reason == "Only refresh tokens are allowed":
        reason = "an access token cannot be used to refresh"
    return refuse(reason)


@jwt_manager.expired_token_loader
def expired_token(_header, claims):
    return refuse(f"token expired {int(time.time() - claims['exp'])} s ago")


@jwt_manager.revoked_token_loader
def revoked_token(_header, _claims):
    return refuse(f"token revoked: {g.get('jwt_refusal') or 'revoked'}")


@jwt_manager.token_verification_failed_loader
def malformed_claims(_header, _claims):
    return refuse(f"claims refused: {g.get('jwt_refusal') or 'malformed'}")


@jwt_manager.user_lookup_error_loader
def unknown_user(_header, _claims):
    return refuse("the user no longer exists")


# ### A login's pair of tokens


# Rotation hands out a new refresh token at every refresh, but never one that outlives the
# sign-in: a family ends JWT_REFRESH_TOKEN_EXPIRES after the password was typed (`auth_time`),
# however often it is refreshed. Then the user signs in again (RFC 9700 §4.14.2).
def issue_pair(user, family, access_seconds=None, auth_time=None):
    """An access token and a refresh token of one family, in the OAuth-style JSON answer."""
    auth_time = int(auth_time or time.time())
    refresh_seconds = auth_time + lifetime("refresh") - time.time()
    access, access_claims = issue(user, "access", family, access_seconds, auth_time=auth_time)
    refresh, refresh_claims = issue(user, "refresh", family, refresh_seconds, auth_time=auth_time)
    families.register(refresh_claims)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": BEARER,
        "expires_in": access_claims["exp"] - access_claims["iat"],
    }


# Everything check() may raise when it refuses a token.
REFUSALS = (pyjwt.PyJWTError, JWTExtendedException, ValueError, TypeError)


def check(token, token_type=None):
    """Every check a request would get, for a token that arrived some other way; raises if refused."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise TokenRefused("not a token")
    claims = decode_token(token)
    if token_type and claims.get("type") != token_type:
        raise TokenRefused(f"a {claims.get('type')} token where a {token_type} token was expected")
    if not claims_are_well_formed({}, claims):
        raise TokenRefused(g.jwt_refusal)
    reason = revocation_reason(claims)
    if reason:
        raise TokenRefused(f"token revoked: {reason}")
    return claims
