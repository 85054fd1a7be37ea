"""The provider's OAuth 2.0 / OpenID Connect wiring, in the shape of authlib's example server.

Each grant class is subclassed here, with the security rule it adds written above it, and
config_oauth(app) registers them one step at a time. The views (views.py) only call into it.
"""

import time

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.sqla_oauth2 import (
    create_bearer_token_validator,
    create_query_client_func,
    create_revocation_endpoint,
)
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from flask import current_app
from joserfc.jwk import RSAKey
from werkzeug.local import LocalProxy

from .models import SCOPES, AuthorizationCode, Client, Grant, Token, User, db, new_token, secret_digest

# Both client authentication methods of RFC 6749 §2.3.1, and no "none": every client here is
# confidential and proves who it is at the token and revocation endpoints (AS-6).
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

# The one signing algorithm: asymmetric, so clients verify with the public key and none can
# forge an id_token (AS-8).
SIGNING_ALG = "RS256"
ID_TOKEN_LIFETIME = 600

# The resource server half: checks bearer tokens for the userinfo endpoint.
require_oauth = ResourceProtector()

# One authorization server per provider app (the tests run several in one process).
authorization = LocalProxy(lambda: current_app.extensions["authorization_server"])


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


def user_info(user, scope):
    """The claims a scope releases (OpenID Connect Core §5.4), nothing more."""
    claims = UserInfo(
        sub=str(user.id), name=user.name, preferred_username=user.username, email=user.email, email_verified=True
    )
    return claims.filter(scope)


def save_token(token, request):
    """Store a token with the grant it descends from, so its whole family can be revoked."""
    parent = getattr(request, "authorization_code", None) or getattr(request, "refresh_token", None)
    stored = dict(token)  # the client gets the values; this database keeps their digests
    for name in ("access_token", "refresh_token"):
        if stored.get(name):
            stored[name] = secret_digest(stored[name])
    item = Token(client_id=request.client.client_id, user_id=request.user.id, grant_id=parent.grant_id, **stored)
    db.session.add(item)
    db.session.flush()
    # A concurrent request may have revoked the family (a code or refresh token used twice at
    # once) after this one passed its checks. Read the grant again inside this write, which
    # SQLite serialises with that revocation: a token is never issued under a revoked grant.
    if db.session.execute(db.select(Grant.revoked_at).where(Grant.id == parent.grant_id)).scalar():
        db.session.rollback()
        raise InvalidGrantError("This grant was revoked while the request was processed.")
    db.session.commit()


# AS-2: PKCE for every client, S256 only. authlib's CodeChallenge accepts "plain" (and
# defaults to it when the method is omitted), and lets a confidential client skip PKCE
# entirely; either would let an intercepted code be redeemed. Both are closed here.
class S256CodeChallenge(CodeChallenge):
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge and code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted (plain is a downgrade).")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        code = grant.request.authorization_code
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier': this provider requires PKCE.")
        if not code.code_challenge or code.code_challenge_method != "S256":
            raise InvalidGrantError("This code was not issued with an S256 code challenge.")
        super().validate_code_verifier(grant, result)


# AS-3: codes are random (256 bits), single-use, live five minutes and are bound to the
# client and redirect URI they were issued for. A second use is an attack (or a leak): it
# fails and revokes every token the first use issued (RFC 6749 §4.1.2).
class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def generate_authorization_code(self):
        return new_token()

    def save_authorization_code(self, code, request):
        consent = Grant(user_id=request.user.id, client_id=request.client.client_id, scope=request.scope)
        db.session.add(consent)
        db.session.flush()
        data = request.payload.data
        db.session.add(
            AuthorizationCode(
                code=secret_digest(code),
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                user_id=request.user.id,
                grant_id=consent.id,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )
        )
        db.session.commit()

    def query_authorization_code(self, code, client):
        item = db.session.execute(
            db.select(AuthorizationCode).filter_by(code=secret_digest(code), client_id=client.client_id)
        ).scalar_one_or_none()
        if item is None or item.is_expired():
            return None
        # Mark it used in the same statement that checks it was unused, so two concurrent
        # redemptions cannot both win.
        claimed = db.session.execute(
            db.update(AuthorizationCode)
            .where(AuthorizationCode.id == item.id, AuthorizationCode.used_at.is_(None))
            .values(used_at=time.time())
        ).rowcount
        grant = db.session.get(Grant, item.grant_id)
        if not claimed:
            grant.revoke("its authorization code was used twice")
            db.session.commit()
            return None
        db.session.commit()
        return None if grant.revoked_at else item

    def delete_authorization_code(self, authorization_code):
        """Kept, marked used (above), so a replay is recognised."""

    def authenticate_user(self, authorization_code):
        return db.session.get(User, authorization_code.user_id)


# AS-5: every refresh returns a new refresh token and retires the old one. A retired token
# presented again means two parties hold it: the whole family (the grant) is revoked.
#
# AS-12: a refused request changes nothing. authlib checks, in this order, the client's
# credentials, the refresh token (authenticate_refresh_token), that the token was issued to
# this client, then the scope; only then does it issue (create_token_response). So the
# lookup below only reads, and the token is retired in create_token_response, once every
# check has passed: a wider scope, another client's credentials or a bad secret get their
# error and leave the grant and its tokens exactly as they were.
class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        item = Token.find(refresh_token, "refresh_token")
        if item is None:
            return None
        if item.refresh_token_revoked_at:
            # Reuse, seen by the client it was issued to (the client authenticated before
            # this runs): a thief and the client both hold the family. Another client
            # presenting it proves nothing about this grant and changes nothing.
            if item.client_id == self.request.client.client_id:
                self.revoke_family(item, "a rotated refresh token was used again")
            return None
        grant = db.session.get(Grant, item.grant_id)
        lifetime = current_app.config["OAUTH2_REFRESH_TOKEN_LIFETIME"]
        if grant.revoked_at or item.issued_at + lifetime < time.time():
            return None
        return item

    def create_token_response(self):
        """Every check passed: retire the presented token, then issue its successor."""
        item = self.request.refresh_token
        # Compare-and-set: the token is retired in the same statement that checks it is still
        # live, so of two concurrent refreshes with one token exactly one wins; the other is
        # a reuse (both parties hold the token) and revokes the family.
        retired = db.session.execute(
            db.update(Token)
            .where(Token.id == item.id, Token.refresh_token_revoked_at == 0)
            .values(refresh_token_revoked_at=int(time.time()))
        ).rowcount
        if not retired:
            self.revoke_family(item, "a rotated refresh token was used again")
            raise InvalidGrantError()
        db.session.commit()
        return super().create_token_response()

    def revoke_family(self, item, because):
        db.session.get(Grant, item.grant_id).revoke(because)
        db.session.commit()

    def authenticate_user(self, refresh_token):
        return db.session.get(User, refresh_token.user_id)

    def revoke_old_credential(self, refresh_token):
        refresh_token.access_token_revoked_at = int(time.time())
        db.session.commit()


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


# RFC 7009 §2.1: revoking a refresh token revokes the grant behind it, access tokens included;
# revoking an access token revokes that token only.
class RevocationEndpoint(create_revocation_endpoint(db.session, Token)):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        kinds = ["access_token", "refresh_token"]
        if token_type_hint in kinds:  # the hint says where to look first (RFC 7009 §2.1)
            kinds.sort(key=lambda kind: kind != token_type_hint)
        return Token.find(token_string, kinds[0]) or Token.find(token_string, kinds[1])

    def revoke_token(self, token, request):
        if token.refresh_token and secret_digest(request.form.get("token", "")) == token.refresh_token:
            db.session.get(Grant, token.grant_id).revoke("the client revoked its refresh token")
        else:
            token.access_token_revoked_at = int(time.time())
        db.session.commit()


class BearerTokenValidator(create_bearer_token_validator(db.session, Token)):
    """Bearer tokens are looked up by digest (RFC 6750; the database holds no usable token)."""

    def authenticate_token(self, token_string):
        return Token.find(token_string)


def config_oauth(app):
    """Build this provider's authorization server and register what it allows, step by step."""
    key = RSAKey.import_key(app.config["SIGNING_KEY_PEM"])
    key.ensure_kid()
    app.extensions["provider_signing_key"] = key

    # Token values: 256 random bits each (AS-6 asks for at least 128).
    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = lambda **_: new_token()
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = lambda **_: new_token()
    # Scopes this provider knows; a request naming any other is refused (invalid_scope).
    app.config["OAUTH2_SCOPES_SUPPORTED"] = list(SCOPES)
    server = AuthorizationServer(app, query_client=create_query_client_func(db.session, Client), save_token=save_token)
    app.extensions["authorization_server"] = server

    # 1. The authorization code grant, with PKCE (S256 only) and OpenID Connect (nonce
    #    required). No implicit grant and no password grant are registered (AS-4), so
    #    response_type=token and grant_type=password are refused as unsupported.
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True), LabOpenIDCode(require_nonce=True)])

    # 2. Refresh tokens, rotated at every use, with reuse detection.
    server.register_grant(RefreshTokenGrant)

    # 3. `iss` on every authorization response, success or error (RFC 9207).
    server.register_extension(LabIssuerParameter())

    # 4. Revocation (RFC 7009) and the userinfo endpoint behind bearer-token checks.
    server.register_endpoint(RevocationEndpoint)
    require_oauth.register_token_validator(BearerTokenValidator())
    server.register_endpoint(LabUserInfoEndpoint(resource_protector=require_oauth))
    return server


def metadata():
    """OpenID Connect discovery / RFC 8414 metadata: only what this provider allows (AS-9)."""
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "revocation_endpoint": f"{base}/revoke",
        "scopes_supported": ["openid", "profile", "email"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "id_token_signing_alg_values_supported": [SIGNING_ALG],
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "email"],
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }
