"""The provider's JWT access tokens at this API (RFC 9068 §4): their rules in order, and the verifier.

A resource server that accepts JWT access tokens verifies them locally, with the provider's
public keys and no request per call: that is their point, and their price. The rules are in
provider_checks.py (one function each); the inspector shows them in this order, and verify() stops at
the first that fails, as the verifier of this app's own tokens does.
"""

import jwt as pyjwt

from . import checks, provider_checks
from .checks import MAX_TOKEN, TokenRefused


def rules(token, header, claims):
    """Every rule an at+jwt meets here, by name, in the order they are applied."""
    return [
        ("key offered", lambda: checks.no_key_offered(header)),
        ("kind", lambda: provider_checks.access_token_type(header)),
        ("algorithm", lambda: provider_checks.provider_algorithm(header)),
        ("key", lambda: provider_checks.provider_key(header)),
        ("required claims", lambda: provider_checks.provider_claims(claims)),
        ("signature", lambda: provider_checks.provider_signature(token, header)),
        ("expiry", lambda: checks.in_force(claims)),
        ("issuer", lambda: provider_checks.provider_issuer(claims)),
        ("audience", lambda: provider_checks.api_audience(claims)),
        ("subject", lambda: provider_checks.provider_subject(claims)),
        ("scope", lambda: provider_checks.granted_scope(claims)),
        ("revocation", lambda: provider_checks.not_revocable_here(claims)),
    ]


def presented(token):
    """Whether `token` is typed as the provider's access token (its header says at+jwt)."""
    try:
        return checks.is_provider_access_token(pyjwt.get_unverified_header(token))
    except (pyjwt.PyJWTError, TypeError, ValueError):
        return False


def verify(token):
    """The claims of a valid at+jwt for this API; TokenRefused with the first rule it breaks."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise TokenRefused("not a token")
    try:
        header = pyjwt.get_unverified_header(token)
        claims = pyjwt.decode(token, options={"verify_signature": False})
    except (pyjwt.PyJWTError, TypeError, ValueError) as exc:
        raise TokenRefused(f"not a JWT: {exc}") from exc
    for _name, rule in rules(token, header, claims):
        rule()
    # The signature covers these very bytes, so the claims read before it are the signed ones.
    return claims
