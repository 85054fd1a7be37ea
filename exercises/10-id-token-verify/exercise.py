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
    # TODO(student): this reads the claims WITHOUT checking anything. Return them only for a
    # token that passes every rule of the README's table (signature by the key its kid names,
    # with the algorithm pinned; iss; aud; exp; nonce), and raise InvalidIdToken for any other.
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return claims
