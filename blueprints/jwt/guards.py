"""The JWT lab's guard: `@role_required("admin")`, read above the view it protects (exercise 1).

The token says who you are; the app decides what you may do. Authentication first: a missing,
forged, expired or revoked access token is a 401 (tokens.py's loaders answer it). Authorization
second: a valid token with another role is a 403 whose challenge says `insufficient_scope`
(RFC 6750 §3.1), in the same shape as every other refusal (tokens.refuse).
"""

from functools import wraps

from flask_jwt_extended import get_jwt, verify_jwt_in_request

from .tokens import refuse


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
            verify_jwt_in_request(locations=["headers"])
            # Compare for equality (never `in`: "admin" in "not-admin"); a token without the
            # claim is a clean 403, never a KeyError.
            if get_jwt().get("role") != role:
                return refuse(f"{role} role required", error="insufficient_scope", status=403)
            return view(*args, **kwargs)

        return guarded

    return decorator
