"""The JWT lab's guards, read above the views they protect: `@access_token_required` (this app's
access token, or the provider's JWT access token for this API) and `@role_required("admin")`
(exercise 1).

The token says who you are; the app decides what you may do. Authentication first: a missing,
forged, expired or revoked access token is a 401 (tokens.py's loaders answer it). Authorization
second: a valid token with another role is a 403 whose challenge says `insufficient_scope`
(RFC 6750 §3.1), in the same shape as every other refusal (tokens.refuse).
"""

from functools import wraps

from flask import g

from . import provider_tokens
from .bearer import bearer_claims, bearer_token
from .checks import ProviderAccessToken
from .tokens import refuse


# Two issuers' access tokens are accepted here: this app's own (the loaders flask-jwt-extended
# runs, with one decode: bearer.bearer_claims), and the provider's JWT access tokens for this
# API (typ at+jwt, RFC 9068), verified locally with the provider's published keys
# (provider_tokens.py). The header's `typ` says which verifier applies; each has its own rules,
# so neither kind passes for the other (JWT-4). This app's rules refuse an at+jwt before any
# key is chosen (checks.own_token_type): that refusal is where the provider's verifier takes
# over, so the header of this app's own tokens is read once, not once more to pick a verifier.
def verified_access_token():
    """The claims of the request's access token (Authorization: Bearer); refused tokens raise."""
    try:
        g.access_claims, g.verified_by = bearer_claims(), "app"  # one decode (bearer.py)
    except ProviderAccessToken:
        g.access_claims, g.verified_by = provider_tokens.verify(bearer_token()), "provider"  # RFC 9068
    return g.access_claims


def access_token_required(view):
    """Admit a request only with a valid access token: this app's, or the provider's at+jwt."""

    @wraps(view)
    def guarded(*args, **kwargs):
        verified_access_token()
        return view(*args, **kwargs)

    return guarded


# The role comes from the token's `role` claim, which only a holder of the signing key can write.
# It is the role at the moment of issue: a demotion takes effect when the token expires, or at
# once if the user's tokens are revoked (that is the price of not asking the database). Only
# an access token in the Authorization header is admitted: a JSON API that another site cannot
# call from a victim's browser, since no browser attaches a bearer token on its own.
def role_required(role):
    """Admit a request only if its access token (Authorization: Bearer) carries `role`."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            claims = verified_access_token()
            # The provider knows nothing of this app's roles: a `role` in its token counts for
            # nothing here. Compare for equality (never `in`: "admin" in "not-admin"); a token
            # without the claim is a clean 403, never a KeyError.
            if g.verified_by != "app" or claims.get("role") != role:
                return refuse(f"{role} role required", error="insufficient_scope", status=403)
            return view(*args, **kwargs)

        return guarded

    return decorator
