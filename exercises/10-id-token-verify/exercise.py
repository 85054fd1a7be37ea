"""Exercise 10: verify an OpenID Connect id_token (PyJWT, RS256, a JWKS by kid). Fill in the TODO."""

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
    # TODO(student): this reads the claims WITHOUT checking anything. Verify the id_token:
    #   1. pick the key named by the header's kid: public_key_for(jwks, kid) (none: refuse);
    #   2. jwt.decode with that key, algorithms pinned to [ALGORITHM], audience=client_id,
    #      issuer=issuer, and options={"require": [...]} for iss, sub, aud, exp, iat, nonce;
    #   3. the nonce claim must equal `nonce` (and `nonce` must not be empty).
    # Every refusal raises InvalidIdToken (wrap PyJWT's jwt.InvalidTokenError).
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return claims
