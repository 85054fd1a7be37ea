"""What an access token looks like: 256 random bits (the default), or a signed JWT (RFC 9068)
for a client registered with `access_token_format: "jwt"`.

An opaque token means nothing to the API that receives it: the API asks this provider about it
(introspection.py, RFC 7662), one network hop per call, and learns at once when it is revoked.
A JWT access token carries its own claims, signed with this provider's key, so an API verifies
it with the public key from the JWKS and no hop: fast, but a revocation reaches that API only
when the token expires (ten minutes) or when the API introspects it after all. Both kinds are
stored the same way, by digest (oauth2.save_token), so introspection, revocation and userinfo
treat them alike.

Every access token of this provider is for one audience: the Auth Lab app as a resource server
(its JWT lab API, the inventory API), `<APP_URL>/api` unless API_AUDIENCE says otherwise. The
app's side reads the same value from instance/provider/lab-clients.json (lab_clients.py).
"""

import time

from authlib.oauth2.rfc6750 import BearerTokenGenerator
from flask import current_app
from joserfc import jwt

from .identity import SIGNING_ALG, issuer, signing_key
from .models import new_token

# Access tokens live ten minutes, whatever the grant (settings.OAUTH2_TOKEN_EXPIRES_IN may say
# otherwise per grant); authlib's defaults are ten days for client credentials.
ACCESS_TOKEN_LIFETIME = 600

# RFC 9068 §2.1: the `typ` header that tells an access token from an id_token (typ JWT). An
# API that checks it cannot be handed the id_token instead (JWT-4, RFC 8725 §3.11).
AT_JWT_TYPE = "at+jwt"


def api_audience():
    """The resource server every access token here is for (RFC 9068 §3: `aud`)."""
    return current_app.config.get("API_AUDIENCE") or f"{current_app.config['APP_URL']}/api"


def access_token_format(client):
    """The format the client registered: "jwt", or "opaque" (the default)."""
    return "jwt" if client.client_metadata.get("access_token_format") == "jwt" else "opaque"


def lifetime(client, grant_type):
    return current_app.config.get("OAUTH2_TOKEN_EXPIRES_IN", {}).get(grant_type, ACCESS_TOKEN_LIFETIME)


class LabTokenGenerator(BearerTokenGenerator):
    """Bearer tokens (RFC 6750) in the format each client registered; refresh tokens always opaque."""

    def __init__(self):
        super().__init__(self.access_token, lambda **_: new_token(), lifetime)

    def access_token(self, client, grant_type, user, scope):
        if access_token_format(client) == "opaque":
            return new_token()
        return at_jwt(client, user, scope, lifetime(client, grant_type))


# RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are required, scope is named
# there too (§2.2.3). `sub` is the user's (the same as in the id_token and userinfo); with no
# user (the client credentials grant) it is the client's own id (§2.2). jti is 128 random
# bits, so two tokens never share a digest. Signed RS256 with the provider's key under its
# `kid`, the same key as id_tokens: `typ` is what keeps the two apart.
def at_jwt(client, user, scope, expires_in):
    now = int(time.time())
    claims = {
        "iss": issuer(),
        "exp": now + expires_in,
        "aud": api_audience(),
        "sub": str(user.get_user_id()) if user else client.get_client_id(),
        "client_id": client.get_client_id(),
        "iat": now,
        "jti": new_token(16),
        "scope": scope or "",
    }
    key = signing_key()
    header = {"alg": SIGNING_ALG, "typ": AT_JWT_TYPE, "kid": key.kid}
    return jwt.encode(header, claims, key)
