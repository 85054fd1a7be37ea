"""The rules a token must meet at this API, one small function each, with its control id.

The verifier (the flask-jwt-extended loaders in tokens.py, which bearer.bearer_claims also
runs) refuses a token at the first rule it breaks; the inspector (inspector.py) runs the same
functions and shows each outcome, so a student meets every rule once, and the two can never
disagree. The provider's JWT access tokens (RFC 9068), which this API accepts too, have rules
of their own in provider_checks.py; the last section here says which set a token meets.
"""

import hashlib
import time

import jwt as pyjwt
from flask import current_app

import b64url

from . import blocklist, keys, revocation

# Claims every token of this app carries, checked on every token it is shown (JWT-3, JWT-4).
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "jti", "type")
TOKEN_TYPES = ("access", "refresh")
MAX_TOKEN = 8192  # characters; no token of ours comes near

# Header parameters that name a key. A verifier that follows them lets the token choose the
# key that verifies it, i.e. lets the attacker sign with their own key (RFC 8725 §3.10).
KEY_NAMING_HEADERS = ("jwk", "jku", "x5u", "x5c")


class TokenRefused(pyjwt.InvalidTokenError):
    """A token this app refuses; the message says why (and ends up in the 401's JSON)."""


class ProviderAccessToken(TokenRefused):
    """Refused as a token of this app because it is the provider's at+jwt (own_token_type).

    Where the provider's access tokens are welcome (guards.access_token_required), the guard
    catches it and hands the token to their verifier, with no second look at its header."""


# ### The rules, one function each
#
# Each rule states one thing a token must be. It raises TokenRefused, with the reason the 401
# will give, when the token is not, and returns a short sentence saying what held when it is.
# The verifier (the flask-jwt-extended loaders of tokens.py) runs them and stops at the first
# failure; the inspector (inspector.py) runs the very same functions and shows every outcome.
#
# The token's header is attacker-controlled, so it may only *select* among our own keys by
# `kid`, never supply one, and the algorithm comes from the key, not from the token (JWT-1).


def no_key_offered(header):
    """JWT-1: `jwk`, `jku`, `x5u`, `x5c` are refused, never fetched (RFC 8725 §3.10)."""
    for name in KEY_NAMING_HEADERS:
        if name in header:
            raise TokenRefused(f"key named in the header ({name}): refused, never fetched")
    return "the header offers no key of its own"


def own_token_type(header):
    """JWT-4: not typed as the provider's access token (`at+jwt`), whose rules are others (RFC 8725 §3.12)."""
    if is_provider_access_token(header):
        raise ProviderAccessToken("typ at+jwt: an access token of the provider, not a token of this app")
    typ = f"typ {str(header['typ'])[:20]!r}" if header.get("typ") is not None else "no typ"
    return f"{typ}, not at+jwt: checked as a token of this app, with this app's keys only"


def allowed_algorithm(header):
    """JWT-1: one of our algorithms; never `none` (RFC 8725 §3.1)."""
    alg = header.get("alg")
    if alg not in keys.ALGORITHMS:
        raise TokenRefused(f"algorithm not allowed: {str(alg)[:20]}")
    return f"alg {alg!r} is allowed"


def known_key(header):
    """JWT-1: the `kid` names a live key of our keyring, made for the token's very algorithm.

    A key is pinned to one algorithm: HS256 with an RSA public key as the HMAC secret (algorithm
    confusion) names an RS256 key and is refused here. A retired key verifies nothing (JWT-2).
    """
    alg, key = header.get("alg"), keys.held(header.get("kid"))
    if key is None:
        raise TokenRefused("unknown key id (kid)")
    if key.retired_at is not None:
        raise TokenRefused(f"key {key.kid} has been retired")
    if alg != key.alg:
        raise TokenRefused(f"algorithm {alg} does not match key {key.kid} ({key.alg})")
    return f"key {key.kid} ({key.alg})"


def claims_present(claims, names):
    """Every claim of `names` is there (refusing an absent claim trusts nothing in it)."""
    missing = [name for name in names if name not in claims]
    if missing:
        raise TokenRefused(f"missing claim: {', '.join(missing)}")
    return f"{', '.join(names)} present"


def required_claims(claims):
    """JWT-3, JWT-4: every claim of ours is there."""
    return claims_present(claims, REQUIRED_CLAIMS)


# flask-jwt-extended (PyJWT) checks the signature, the times, `iss` and `aud` itself, with the
# key chosen by verification_key and the settings of config.py. These four rules say the same
# for the inspector, in the same order and with the same words.


def valid_signature(token, header):
    """JWT-1: signed by the key the header names, before any claim is believed."""
    key = keys.held(header.get("kid"))
    try:
        pyjwt.api_jws.decode_complete(token, keys.verification_material(key), algorithms=[key.alg])
    except pyjwt.PyJWTError as exc:
        raise TokenRefused(str(exc)) from exc
    return f"valid {key.alg} signature by key {key.kid}"


# The largest NumericDate taken for a time: the last second of year 9999. A larger number (JSON
# allows 4,300 digits) is no date, and no float could even hold it.
LAST_NUMERIC_DATE = 253402300799


def is_numeric_date(value):
    """A number of seconds since 1970 (RFC 7519 §2), finite and within the calendar."""
    return isinstance(value, int | float) and abs(value) <= LAST_NUMERIC_DATE


def in_force(claims):
    """JWT-3: issued and valid already (`iat`, `nbf`), not expired (`exp`), with no leeway."""
    now, leeway = time.time(), current_app.config["JWT_DECODE_LEEWAY"]
    times = {name: claims.get(name, 0) for name in ("iat", "nbf", "exp")}
    if not all(is_numeric_date(value) for value in times.values()):
        raise TokenRefused("iat, nbf and exp must be numbers")
    # Whole seconds, as PyJWT compares them.
    for name in ("iat", "nbf"):
        if int(times[name]) > now + leeway:
            raise TokenRefused(f"The token is not yet valid ({name})")
    if int(times["exp"]) <= now - leeway:
        raise TokenRefused(f"token expired {int(now - times['exp'])} s ago")
    return f"expires in {int(times['exp'] - now)} s"


def issuer(claims):
    """JWT-4: issued by this app (its URL), not by another party that signs tokens too."""
    expected = current_app.config["JWT_DECODE_ISSUER"]
    if claims.get("iss") != expected:
        raise TokenRefused(f"Invalid issuer: {str(claims.get('iss'))[:60]!r} is not {expected!r}")
    return f"iss {expected!r}"


def audience(claims):
    """JWT-4: meant for this API, not for another (an id_token's `aud` is a client id)."""
    expected, aud = current_app.config["JWT_DECODE_AUDIENCE"], claims.get("aud")
    if not (aud == expected or (isinstance(aud, list) and expected in aud)):
        raise TokenRefused(f"Audience doesn't match: {str(aud)[:60]!r} is not {expected!r}")
    return f"aud {expected!r}"


# After the signature: what kind of token this is, and whose.


def token_type(claims):
    """JWT-4: an access or a refresh token, each accepted only where that kind is expected."""
    kind = claims.get("type")
    if kind not in TOKEN_TYPES:
        raise TokenRefused("type must be access or refresh")
    return f"{kind} token: accepted only where {'an' if kind == 'access' else 'a'} {kind} token is expected"


def is_user_id(sub):
    return isinstance(sub, str) and sub.isdigit() and len(sub) < 12


def subject(claims):
    """The `sub` is a user id, as a string (RFC 7519 §4.1.2)."""
    if not is_user_id(claims.get("sub")):
        raise TokenRefused("sub must be a user id")
    return f"user {claims['sub']}"


def role(claims):
    """The `role` is a string (what /jwt/admin compares)."""
    if not isinstance(claims.get("role"), str):
        raise TokenRefused("role must be a string")
    return f"role {claims['role'][:20]!r}"


# Still in force: a well-signed token ends early three ways, and all three survive a restart
# (they live in the store): its `jti` or its whole family is on the blocklist (logout, reuse of
# a refresh token), or it was issued before the user's `tokens_valid_after`. The store's answers
# come from the worker's memory while the revocation epoch stands still (revocation.py), and
# the epoch moves with every revocation: a revoked token is refused from the next request on.


def not_on_blocklist(claims):
    """JWT-5, JWT-6: neither the token (`jti`) nor its refresh family (`fam`) was revoked."""
    reason = blocklist.revoked_reason(claims.get("jti"), "family:" + str(claims.get("fam")))
    if reason:
        raise TokenRefused(reason)
    return "not on the blocklist"


def credentials_generation(valid_after):
    """A short name for one of a user's password changes: the moment it set tokens_valid_after.

    tokens.issue writes it into every token as `gen`; user_still_valid compares. Equality, not
    time: `iat` counts whole seconds, and a token issued in the second of a password change,
    before it, must still be refused, and one issued in that second after it accepted.
    """
    return b64url.encode(hashlib.sha256(f"{valid_after:.6f}".encode()).digest()[:9])


def user_still_valid(claims):
    """PW-4: the user exists, and the token was issued after their last password change."""
    sub = claims.get("sub")
    valid_after = revocation.tokens_valid_after(int(sub)) if is_user_id(sub) else None
    if valid_after is None:
        raise TokenRefused("the user no longer exists")
    if claims.get("gen") != credentials_generation(valid_after):
        raise TokenRefused("issued before the password was changed (all tokens revoked)")
    return "issued after the last password change"


def failure(rule, *args):
    """The reason `rule` refuses, or None when it holds."""
    try:
        rule(*args)
    except TokenRefused as exc:
        return str(exc)
    return None


# ### Which rule set a token meets
#
# The provider's JWT access tokens (RFC 9068) have rules of their own, in provider_checks.py;
# their header says what they are, and the two sets exclude each other (RFC 8725 §3.12).

ACCESS_TOKEN_TYPES = ("at+jwt", "application/at+jwt")  # media types: compared case-insensitively


def is_provider_access_token(header):
    """Whether the (unverified) header types the token as a JWT access token (RFC 9068 §2.1)."""
    typ = header.get("typ") if isinstance(header, dict) else None
    return isinstance(typ, str) and typ.lower() in ACCESS_TOKEN_TYPES
