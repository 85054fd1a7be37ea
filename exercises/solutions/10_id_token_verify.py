"""Exercise 10, reference solution: verify an OpenID Connect id_token (PyJWT, RS256, a JWKS by kid)."""

import json

import jwt

ALGORITHM = "RS256"  # pinned: the provider's metadata says RS256, so the header may not say otherwise


class InvalidIdToken(Exception):
    """The id_token is refused; the message says why."""


def public_key_for(jwks, kid):
    """The public key with this kid from a JWKS document (a dict), or None."""
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == kid and jwk.get("kty") == "RSA":
            return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    return None


def verify_id_token(id_token, *, jwks, issuer, client_id, nonce):
    """The claims of a valid id_token for this client and this sign-in; InvalidIdToken otherwise."""
    # OpenID Connect Core §3.1.3.7, in order. First the signature, with the key the header's kid
    # selects from the provider's JWKS and the algorithm WE pin (RFC 8725 §3.1): nothing in the
    # token may be trusted before this. Then the claims:
    #   iss must be exactly the provider we pinned (not "any issuer with a valid key"),
    #   aud must contain our client_id (a token minted for another app is not for us),
    #   exp must be in the future (no leeway here; the app allows none either),
    #   nonce must equal the one this sign-in sent (an old or stolen id_token cannot be replayed).
    # INSTRUCTOR: common mistakes: options={"verify_signature": False} "to read the claims first";
    # algorithms=[header["alg"]]; checking nonce with `in`; forgetting that PyJWT skips aud and
    # iss unless they are passed; comparing nonce when both are None.
    try:
        kid = jwt.get_unverified_header(id_token).get("kid")
    except jwt.InvalidTokenError as error:
        raise InvalidIdToken(f"malformed id_token: {error}") from error
    key = public_key_for(jwks, kid) if isinstance(kid, str) else None
    if key is None:
        raise InvalidIdToken(f"no key with kid {kid!r} in the provider's JWKS")
    try:
        claims = jwt.decode(
            id_token,
            key,
            algorithms=[ALGORITHM],
            audience=client_id,
            issuer=issuer,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.InvalidTokenError as error:
        raise InvalidIdToken(str(error)) from error
    if not nonce or not isinstance(claims["nonce"], str) or claims["nonce"] != nonce:
        raise InvalidIdToken("nonce does not match this sign-in")
    return claims
