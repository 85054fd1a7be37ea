"""Issuing tokens, and the checks flask-jwt-extended runs on every token it is shown.

flask-jwt-extended verifies the signature, `exp`, `iss` and `aud` (with no leeway) and calls the
loaders below for the rest: which key a token may name, whether it has been revoked, and how to
answer when it is refused. Its default answer to a bad token is 422; RFC 6750 §3.1 says a
bearer token that is missing, malformed, expired or revoked is a 401 with a `WWW-Authenticate`
header saying why, so every loader here answers that way (never a 422, never a 500).
"""

import re
import secrets
import time
from datetime import UTC, timedelta

import jwt as pyjwt
from flask import current_app, g, request
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException

from errors import error_response
from extensions import db, jwt
from models import User

from . import blocklist, bp, keys

# Claims every token of this app carries, checked on every token it is shown (JWT-3, JWT-4).
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "jti", "type")
TOKEN_TYPES = ("access", "refresh")
BEARER = "Bearer"  # the token type of RFC 6750 (what the client puts before the token)
MAX_TOKEN = 8192  # characters; no token of ours comes near

# Header parameters that name a key. A verifier that follows them lets the token choose the
# key that verifies it, i.e. lets the attacker sign with their own key (RFC 8725 §3.10).
KEY_NAMING_HEADERS = ("jwk", "jku", "x5u", "x5c")


class TokenRefused(pyjwt.InvalidTokenError):
    """A token this app refuses; the message says why (and ends up in the 401's JSON)."""


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
    # iat with millisecond precision: a token issued a moment after a password change must
    # not be mistaken for one issued a moment before it (PW-4, tokens_valid_after).
    now = round(time.time(), 3)
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
    if header:
        request.environ["HTTP_AUTHORIZATION"] = BEARER_SCHEME.sub(rf"\g<before>\g<space>{BEARER}", header)


# ### Which key may verify this token (runs before the signature is checked)
#
# The token's header is attacker-controlled, so it may only *select* among our own keys by
# `kid`, never supply one (`jwk`, `jku`, `x5u`, `x5c` are refused, never fetched). The algorithm
# comes from the key, not from the token: an `alg` that differs from the key's own (`none`, or
# HS256 with an RSA public key as the HMAC secret) is refused (JWT-1, RFC 8725 §3.1-3.2).


@jwt.decode_key_loader
def verification_key(header, unverified_claims):
    for name in KEY_NAMING_HEADERS:
        if name in header:
            raise TokenRefused(f"key named in the header ({name}): refused, never fetched")
    alg = header.get("alg")
    if alg not in keys.ALGORITHMS:
        raise TokenRefused(f"algorithm not allowed: {str(alg)[:20]}")
    key = keys.find(header.get("kid"))
    if key is None:
        raise TokenRefused("unknown key id (kid)")
    if key.retired_at is not None:
        raise TokenRefused(f"key {key.kid} has been retired")
    if alg != key.alg:
        raise TokenRefused(f"algorithm {alg} does not match key {key.kid} ({key.alg})")
    # Refusing a token for lacking a claim trusts nothing in it, so this may come first.
    missing = [name for name in REQUIRED_CLAIMS if name not in unverified_claims]
    if missing:
        raise TokenRefused(f"missing claim: {', '.join(missing)}")
    return keys.verification_material(key)


# ### After the signature: the kind of token, and whether it is still in force


@jwt.token_verification_loader
def claims_are_well_formed(_header, claims):
    """A known `type`, a numeric-string `sub` and a string `role`."""
    problems = []
    if claims.get("type") not in TOKEN_TYPES:
        problems.append("type must be access or refresh")
    sub = claims.get("sub")
    if not (isinstance(sub, str) and sub.isdigit() and len(sub) < 12):
        problems.append("sub must be a user id")
    if not isinstance(claims.get("role"), str):
        problems.append("role must be a string")
    g.jwt_refusal = "; ".join(problems)
    return not problems


def revocation_reason(claims):
    """Why a well-signed token is no longer in force, or None when it is.

    Three ways: its `jti` or its whole family is on the blocklist (logout, reuse of a refresh
    token: JWT-5, JWT-6), or it was issued before the user's `tokens_valid_after` (a password
    change or "sign out everywhere": PW-4). All three survive a restart: they live in the store.
    """
    reason = blocklist.revoked_reason(claims.get("jti"), "family:" + str(claims.get("fam")))
    if reason:
        return reason
    sub = claims.get("sub")
    user = db.session.get(User, int(sub)) if isinstance(sub, str) and sub.isdigit() and len(sub) < 12 else None
    if user is None:
        return "the user no longer exists"
    if claims["iat"] < user.tokens_valid_after.replace(tzinfo=UTC).timestamp():
        return "issued before the password was changed (all tokens revoked)"
    return None


@jwt.token_in_blocklist_loader
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


@jwt.unauthorized_loader
def missing_token(reason):
    # No credentials at all: RFC 6750 §3.1 says the challenge carries no error code.
    if reason.startswith("Missing Authorization"):
        return refuse("missing bearer token: send Authorization: Bearer <token>", error=None)
    return refuse(reason)  # cookie mode: missing cookie or CSRF double-submit value


@jwt.invalid_token_loader
def invalid_token(reason):
    if reason == "Only non-refresh tokens are allowed":
        reason = "a refresh token cannot be used as an access token"
    elif reason == "Only refresh tokens are allowed":
        reason = "an access token cannot be used to refresh"
    return refuse(reason)


@jwt.expired_token_loader
def expired_token(_header, claims):
    return refuse(f"token expired {int(time.time() - claims['exp'])} s ago")


@jwt.revoked_token_loader
def revoked_token(_header, _claims):
    return refuse(f"token revoked: {g.get('jwt_refusal') or 'revoked'}")


@jwt.token_verification_failed_loader
def malformed_claims(_header, _claims):
    return refuse(f"claims refused: {g.get('jwt_refusal') or 'malformed'}")


@jwt.user_lookup_error_loader
def unknown_user(_header, _claims):
    return refuse("the user no longer exists")


# ### A login's pair of tokens


# Rotation hands out a new refresh token at every refresh, but never one that outlives the
# sign-in: a family ends JWT_REFRESH_TOKEN_EXPIRES after the password was typed (`auth_time`),
# however often it is refreshed. Then the user signs in again (RFC 9700 §4.14.2).
def issue_pair(user, family, access_seconds=None, auth_time=None):
    """An access token and a refresh token of one family, in the OAuth-style JSON answer."""
    from . import families

    auth_time = int(auth_time or time.time())
    refresh_seconds = auth_time + lifetime("refresh") - time.time()
    access, access_claims = issue(user, "access", family, access_seconds, auth_time=auth_time)
    refresh, refresh_claims = issue(user, "refresh", family, refresh_seconds, auth_time=auth_time)
    families.record(refresh_claims)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": BEARER,
        "expires_in": access_claims["exp"] - int(access_claims["iat"]),
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
