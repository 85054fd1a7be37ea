"""OpenID Connect at the provider: who it is, the id_token it signs, the claims it releases.

OAuth 2.0 alone says what a client may do; OpenID Connect adds who signed in. This module holds
that half: the issuer and the signing key, the public keys (JWKS), the id_token on the
authorization code grant, the `iss` on authorization responses and the userinfo endpoint.
oauth2.config_oauth(app) registers each part. RP-Initiated Logout 1.0 (end_session, and the
`sid` each id_token carries) is logout.py's, its route in flow_views.py.
"""

import time

from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from flask import current_app
from joserfc.jwk import RSAKey

from .issued import AuthorizationCode
from .models import db

# The one signing algorithm: asymmetric, so clients verify with the public key and none can
# forge an id_token (AS-8).
SIGNING_ALG = "RS256"
ID_TOKEN_LIFETIME = 600


def load_signing_key(app):
    """Read the provider's RSA private key once, and name it by its RFC 7638 thumbprint (`kid`)."""
    key = RSAKey.import_key(app.config["SIGNING_KEY_PEM"])
    key.ensure_kid()
    app.extensions["provider_signing_key"] = key


def issuer():
    """This provider's identifier: its own origin, exactly (RFC 8414 §2)."""
    return current_app.config["PROVIDER_URL"]


def signing_key():
    """The RSA private key that signs id_tokens, with its RFC 7638 thumbprint as `kid`."""
    return current_app.extensions["provider_signing_key"]


def public_jwks():
    """The JWKS: the public half of each signing key, never `d` or the primes (AS-8)."""
    key = signing_key()
    public = key.as_dict(private=False)
    public.update(kid=key.kid, use="sig", alg=SIGNING_ALG)
    return {"keys": [public]}


# OIDC Discovery §3: every claim this provider can put in an id_token or a userinfo answer.
# The id_token: iss, aud, exp, iat (get_client_claims, authlib), auth_time (the sign-in's own
# time, grants.save_authorization_code), nonce, at_hash (authlib, for the access token issued
# beside it), then the user's claims below for the scopes granted.
CLAIMS_SUPPORTED = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "name",
    "preferred_username",
    "email",
    "email_verified",
    "sid",
]


def user_info(user, scope):
    """The claims a scope releases (OpenID Connect Core §5.4), nothing more."""
    claims = UserInfo(
        sub=str(user.id), name=user.name, preferred_username=user.username, email=user.email, email_verified=True
    )
    return claims.filter(scope)


# AS-8: the id_token is signed with RS256 under a `kid`, names this issuer and the client as
# audience, and carries the nonce the client sent; a nonce seen before is refused (replay).
class LabOpenIDCode(OpenIDCode):
    def exists_nonce(self, nonce, request):
        found = db.session.execute(
            db.select(AuthorizationCode.id).filter_by(client_id=request.payload.client_id, nonce=nonce)
        ).first()
        return found is not None

    def resolve_client_private_key(self, client):
        return signing_key()

    def get_client_algorithm(self, client):
        return SIGNING_ALG

    def get_encode_header(self, client):
        return {"alg": SIGNING_ALG, "kid": signing_key().kid, "typ": "JWT"}

    def get_client_claims(self, client):
        return {"iss": issuer(), "aud": [client.get_client_id()], "exp": int(time.time()) + ID_TOKEN_LIFETIME}

    def generate_user_info(self, user, scope):
        return user_info(user, scope)

    # `sid`: which sign-in at this provider the code was issued under (logout.py), so an
    # RP-Initiated Logout with this id_token as its hint can end exactly that sign-in.
    def get_authorization_code_claims(self, authorization_code):
        claims = super().get_authorization_code_claims(authorization_code)
        if getattr(authorization_code, "sid", None):
            claims["sid"] = authorization_code.sid
        return claims


# RFC 9207: the authorization response names its issuer, so a client talking to several
# providers can tell which one answered (the mix-up attack).
class LabIssuerParameter(IssuerParameter):
    def get_issuer(self):
        return issuer()


class LabUserInfoEndpoint(UserInfoEndpoint):
    def get_issuer(self):
        return issuer()

    def generate_user_info(self, user, scope):
        return user_info(user, scope)
