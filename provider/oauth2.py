"""The provider's OAuth 2.0 / OpenID Connect wiring, in the shape of authlib's example server.

config_oauth(app) is the table of contents: which grants this provider allows and which
endpoints it serves, registered one step at a time. The parts live beside it, one job each:

- grants.py: the grants (the authorization code grant with PKCE, refresh tokens). A new grant
  (client credentials, the device authorization grant) is a class there.
- identity.py: OpenID Connect: the issuer, the signing key, the id_token, userinfo. A new
  OpenID Connect endpoint (end_session) is a class there.
- this module: how every grant stores the tokens it issues (save_token), the endpoints about
  tokens themselves (revocation here; introspection, RFC 7662, goes beside it), and the
  discovery document, which names only what config_oauth registered.

Each new grant or endpoint is registered below, step by step, and named in metadata(). The
views (views.py) only call into the server built here.
"""

import time

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.sqla_oauth2 import (
    create_bearer_token_validator,
    create_query_client_func,
    create_revocation_endpoint,
)
from authlib.oauth2.rfc6749.errors import InvalidGrantError
from flask import current_app
from werkzeug.local import LocalProxy

from .grants import AuthorizationCodeGrant, RefreshTokenGrant, S256CodeChallenge
from .identity import SIGNING_ALG, LabIssuerParameter, LabOpenIDCode, LabUserInfoEndpoint, issuer, load_signing_key
from .models import CLIENT_AUTH_METHODS, SCOPES, Client, Grant, Token, db, new_token, secret_digest

# The resource server half: checks bearer tokens for the userinfo endpoint.
require_oauth = ResourceProtector()

# One authorization server per provider app (the tests run several in one process).
authorization = LocalProxy(lambda: current_app.extensions["authorization_server"])


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
    # The key that signs id_tokens, read once (identity.py).
    load_signing_key(app)

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
