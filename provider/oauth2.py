"""The provider's OAuth 2.0 / OpenID Connect wiring, in the shape of authlib's example server.

config_oauth(app) is the table of contents: which grants this provider allows and which
endpoints it serves, registered one step at a time. The parts live beside it, one job each:

- grants.py: the code flow's grants (the authorization code grant with PKCE, refresh tokens);
  machine.py the client credentials grant; device.py the device authorization grant.
- identity.py: OpenID Connect: the issuer, the signing key, the id_token, userinfo; logout.py
  its RP-Initiated Logout endpoint (end_session).
- access_tokens.py: what an access token is (random, or a JWT for a client that asked);
  introspection.py: what an API may learn about one (RFC 7662).
- this module: how every grant stores the tokens it issues (save_token), revocation, and the
  discovery document, which names only what config_oauth registered.

Each new grant or endpoint is registered below, step by step, and named in metadata(). The
views (views.py) only call into the server built here.
"""

import time

from authlib.integrations.sqla_oauth2 import (
    create_bearer_token_validator,
    create_query_client_func,
    create_revocation_endpoint,
)
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE
from flask import current_app
from werkzeug.local import LocalProxy

from .access_tokens import LabTokenGenerator
from .bearer import BearerTokenProtector
from .client_auth import authenticate_client
from .device import DeviceCodeGrant, DeviceOpenIDToken, LabDeviceAuthorizationEndpoint
from .grants import AuthorizationCodeGrant, RefreshTokenGrant, S256CodeChallenge
from .identity import (
    CLAIMS_SUPPORTED,
    SIGNING_ALG,
    LabIssuerParameter,
    LabOpenIDCode,
    LabUserInfoEndpoint,
    issuer,
    load_signing_key,
)
from .introspection import LabIntrospectionEndpoint
from .issued import Grant, Token
from .logout import LabEndSessionEndpoint
from .machine import ClientCredentialsGrant
from .models import CLIENT_AUTH_METHODS, MACHINE_SCOPES, SCOPES, SECRET_AUTH_METHODS, Client, db, secret_digest
from .prompt import PROMPT_VALUES
from .server import LabAuthorizationServer

# The resource server half: checks bearer tokens for the userinfo endpoint (bearer.py: where a
# token may be sent and how a refusal is worded, RFC 6750).
require_oauth = BearerTokenProtector()

# One authorization server per provider app (the tests run several in one process).
authorization = LocalProxy(lambda: current_app.extensions["authorization_server"])


class AuthorizationServer(LabAuthorizationServer):
    """authlib's server, with the parameter checks of server.py (RFC 6749 §3.2, §4.1.2.1) and
    every client authentication judged by client_auth.py (AS-13): the one method the client
    registered, at every endpoint that authenticates clients."""

    def authenticate_client(self, request, methods, endpoint="token"):
        return authenticate_client(self.query_client, request, methods, endpoint)


def save_token(token, request):
    """Store a token with the grant it descends from, so its whole family can be revoked."""
    # The code, the refresh token or the device code it was issued for (device.py sets
    # request.credential); none for a client credentials token, which has no user and no grant.
    parent = (
        getattr(request, "authorization_code", None)
        or getattr(request, "refresh_token", None)
        or getattr(request, "credential", None)
    )
    grant_id = parent.grant_id if parent is not None else None
    stored = dict(token)  # the client gets the values; this database keeps their digests
    for name in ("access_token", "refresh_token"):
        if stored.get(name):
            stored[name] = secret_digest(stored[name])
    user_id = request.user.id if request.user is not None else None
    item = Token(client_id=request.client.client_id, user_id=user_id, grant_id=grant_id, **stored)
    db.session.add(item)
    db.session.flush()
    # A concurrent request may have revoked the family (a code or refresh token used twice at
    # once) after this one passed its checks. Read the grant again inside this write, which
    # SQLite serialises with that revocation: a token is never issued under a revoked grant.
    # PostgreSQL runs writers side by side, so the read locks the grant's row (FOR UPDATE; SQLite
    # ignores it): it waits for a revocation in progress and sees it, or makes a revocation that
    # starts now wait until this token is committed, where the revocation then finds it.
    revoked = db.select(Grant.revoked_at).where(Grant.id == grant_id).with_for_update()
    if grant_id and db.session.execute(revoked).scalar():
        db.session.rollback()
        raise InvalidGrantError("This grant was revoked while the request was processed.")
    db.session.commit()


# RFC 7009 §2.1: revoking a refresh token revokes the grant behind it, access tokens included;
# revoking an access token revokes that token only.
class RevocationEndpoint(create_revocation_endpoint(db.session, Token)):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    # RFC 7009 §2.1: token_type_hint is a hint. "An authorization server MAY ignore this
    # parameter", and if the token is not where the hint says it "MUST extend its search
    # across all of its supported token types". So a hint this provider does not know is
    # ignored, not refused: unsupported_token_type (§2.2.1) is for a token type the server
    # cannot revoke at all, and a 401 is for a client that failed to authenticate. The one
    # hard rule of RFC 6749 §3.2 still holds: each parameter once.
    def check_params(self, request, client):
        if any(len(request.form.getlist(name)) > 1 for name in ("token", "token_type_hint")):
            raise InvalidRequestError("A parameter appears more than once (RFC 6749 section 3.2).")
        if not request.form.get("token"):
            raise InvalidRequestError("Missing 'token' in request.")

    # RFC 7009 §2.1: the server "verifies whether the token was issued to the client making
    # the revocation request"; another client's token is not revoked. It is answered as an
    # unknown token is (§2.2: 200), so a client cannot learn whether another client's token
    # exists by trying to revoke it. oidc-provider answers it the same way.
    def authenticate_token(self, request, client):
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        return token if token is not None and token.check_client(client) else None

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
    # The provider's table of contents (every grant and endpoint, in order): kept whole on purpose.
    # The key that signs id_tokens, read once (identity.py).
    load_signing_key(app)

    # Scopes this provider knows; a request naming any other is refused (invalid_scope).
    app.config["OAUTH2_SCOPES_SUPPORTED"] = [*SCOPES, *MACHINE_SCOPES]
    server = AuthorizationServer(app, query_client=create_query_client_func(db.session, Client), save_token=save_token)
    app.extensions["authorization_server"] = server

    # 0. Token values (access_tokens.py): 256 random bits each (AS-6 asks for at least 128),
    #    or a signed JWT access token (RFC 9068) for a client registered with
    #    access_token_format "jwt"; refresh tokens are always random.
    server.register_token_generator("default", LabTokenGenerator())

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

    # 5. The client credentials grant (machine.py, RFC 6749 §4.4): confidential clients only,
    #    their registered scopes only, no user, no refresh token, no id_token.
    server.register_grant(ClientCredentialsGrant)

    # 6. The device authorization grant (device.py, RFC 8628): the codes at
    #    /device_authorization, the person's approval at /device, the device's polling at
    #    /token (an id_token beside the tokens when openid was granted).
    server.register_endpoint(LabDeviceAuthorizationEndpoint)
    server.register_grant(DeviceCodeGrant, [DeviceOpenIDToken()])

    # 7. Token introspection (introspection.py, RFC 7662), for the resource server registered
    #    for the tokens' audience; and RP-Initiated Logout (logout.py) at /end_session.
    server.register_endpoint(LabIntrospectionEndpoint)
    server.register_endpoint(LabEndSessionEndpoint)
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
        "introspection_endpoint": f"{base}/introspect",
        "introspection_endpoint_auth_methods_supported": SECRET_AUTH_METHODS,
        "device_authorization_endpoint": f"{base}/device_authorization",
        "end_session_endpoint": f"{base}/end_session",
        "scopes_supported": [*SCOPES, *MACHINE_SCOPES],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            DEVICE_CODE_GRANT_TYPE,
        ],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "id_token_signing_alg_values_supported": [SIGNING_ALG],
        "subject_types_supported": ["public"],
        "claims_supported": CLAIMS_SUPPORTED,
        "prompt_values_supported": PROMPT_VALUES,
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }
