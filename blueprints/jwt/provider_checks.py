"""The rules of the provider's JWT access tokens at this API (RFC 9068), one function each.

Apart from this app's own rules (checks.py), which they share the shape of: each raises
TokenRefused with the reason, or says what held. provider_tokens.py runs them in order, for the
verifier and the inspector.
"""

import time

import jwt as pyjwt

from . import provider_keys
from .checks import TokenRefused, claims_present, is_provider_access_token

# ### The provider's JWT access tokens (RFC 9068)
#
# The provider signs access tokens too, for the clients registered with
# `access_token_format: "jwt"`, and this API accepts them. They say what they are in their
# header, `typ: at+jwt` (RFC 9068 §2.1), which no id_token (`typ: JWT`) and no token of this app
# carries: explicit typing (RFC 8725 §3.11). Each kind has its own rules and the two sets exclude
# each other (RFC 8725 §3.12): an at+jwt is checked only against the provider's keys, the
# provider as issuer and this API as audience; anything else only against this app's own keys.
# So the provider's id_token fails both ways (JWT-4): this app's keyring does not hold its
# `kid`, and were it re-typed at+jwt (it cannot be: the header is signed), its `aud` would name
# the client it was issued to, not this API.

# RFC 9068 §2.2: every JWT access token carries these.
PROVIDER_CLAIMS = ("iss", "exp", "aud", "sub", "client_id", "iat", "jti")


def access_token_type(header):
    """JWT-4: `typ` is at+jwt: an access token, not an id_token or any other JWT (RFC 9068 §4)."""
    if not is_provider_access_token(header):
        raise TokenRefused(f"typ {str(header.get('typ'))[:20]!r} is not at+jwt: not an access token of the provider")
    return "typ at+jwt: the provider's access token, checked against its keys, its issuer and this API as audience"


def provider_algorithm(header):
    """JWT-1: the provider's one algorithm (RS256), whatever else the header says."""
    if header.get("alg") != provider_keys.ALGORITHM:
        alg = str(header.get("alg"))[:20]
        raise TokenRefused(f"algorithm not allowed: {alg} (the provider signs {provider_keys.ALGORITHM})")
    return f"alg {provider_keys.ALGORITHM!r}, the provider's"


def provider_key(header):
    """JWT-1: the `kid` names a key in the provider's JWKS, fetched from the pinned issuer only."""
    try:
        key = provider_keys.find(header.get("kid"))
    except provider_keys.KeysUnavailable as exc:
        raise TokenRefused(str(exc)) from exc
    if key is None:
        raise TokenRefused(f"unknown key id (kid) at the provider {provider_keys.issuer()}")
    return f"key {header['kid'][:16]}… of the provider's JWKS"


def provider_claims(claims):
    """RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are all there."""
    return claims_present(claims, PROVIDER_CLAIMS)


def provider_signature(token, header):
    """JWT-1: signed by that key of the provider, before any claim is believed."""
    key = provider_keys.find(header.get("kid"))
    try:
        pyjwt.api_jws.decode_complete(token, key, algorithms=[provider_keys.ALGORITHM])
    except pyjwt.PyJWTError as exc:
        raise TokenRefused(str(exc)) from exc
    return f"valid {provider_keys.ALGORITHM} signature by the provider"


def provider_issuer(claims):
    """RFC 9068 §4: `iss` is the provider this app trusts, exactly as its discovery names it."""
    expected = provider_keys.issuer()
    if claims.get("iss") != expected:
        raise TokenRefused(f"Invalid issuer: {str(claims.get('iss'))[:60]!r} is not {expected!r}")
    return f"iss {expected!r}"


def api_audience(claims):
    """JWT-4, RFC 9068 §4: `aud` names this API; a token for another API (or a client) is not ours."""
    expected, aud = provider_keys.api_audience(), claims.get("aud")
    if not (aud == expected or (isinstance(aud, list) and expected in aud)):
        raise TokenRefused(f"Audience doesn't match: {str(aud)[:60]!r} is not {expected!r}")
    return f"aud {expected!r}"


def provider_subject(claims):
    """The `sub` is a user at the provider, or, with no user at all, the client itself (RFC 9068 §2.2)."""
    sub, client_id = claims.get("sub"), claims.get("client_id")
    if not (isinstance(sub, str) and 0 < len(sub) <= 255 and isinstance(client_id, str)):
        raise TokenRefused("sub and client_id must be strings")
    if sub == client_id:
        return f"no user: the client {client_id[:40]!r} itself (client credentials)"
    return f"user {sub[:40]!r} at the provider, through the client {client_id[:40]!r}"


def granted_scope(claims):
    """RFC 9068 §2.2.3: `scope`, when there, is one string of space-separated scopes."""
    scope = claims.get("scope", "")
    if not isinstance(scope, str) or len(scope) > 1024:
        raise TokenRefused("scope must be a string")
    return f"scope {scope[:80]!r}" if scope else "no scope"


def not_revocable_here(claims):
    """What local verification cannot know: a revoked JWT access token still verifies until `exp`."""
    return (
        "not asked: nothing here calls the provider, so a token it revoked passes until exp "
        f"({int(claims['exp'] - time.time())} s more); only introspection (RFC 7662) would know"
    )
