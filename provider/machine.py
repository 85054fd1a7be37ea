"""The client credentials grant (RFC 6749 §4.4): a machine asks for a token in its own name.

No person, no browser, no consent page: a backend service (a cron job, another API) proves who
it is with its own secret and gets an access token for the scopes it was registered with. So
the client's secret is the whole of its security: it must never be in a browser or a
repository, and only a confidential client may use this grant (§4.4: "MUST only be used by
confidential clients"; models.Client.check_grant_type refuses a public one).

oauth2.config_oauth registers it; a curl walkthrough is in provider/README.md.
"""

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidScopeError

from .models import SCOPES, SECRET_AUTH_METHODS


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    # A secret, in the one way the client registered it (client_auth.py, AS-13); never "none".
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_AUTH_METHODS

    # Scopes are the only limit on what a machine token may do, so they are checked exactly:
    # every scope asked for must be one this client was registered with (authlib would drop
    # the others silently and issue the rest), and none of the scopes that describe a person
    # (openid, profile, email): with no user, there is nobody to sign in or describe, and a
    # userinfo call with such a token would have no one to answer about. No scope at all
    # means all of the client's registered scopes (RFC 6749 §3.3: a pre-defined default).
    def validate_requested_scope(self):
        registered = self.request.client.scope.split()
        requested = (self.request.payload.scope or "").split() or registered
        personal = sorted(set(requested) & set(SCOPES))
        if personal:
            raise InvalidScopeError(f"{' '.join(personal)}: no user takes part in client credentials.")
        unregistered = sorted(set(requested) - set(registered))
        if unregistered:
            raise InvalidScopeError(f"This client is not registered for: {' '.join(unregistered)}.")
        if not requested:
            raise InvalidScopeError("This client is registered for no scope.")
        super().validate_requested_scope()
        self.request.scope = " ".join(requested)

    # §4.4.3: "A refresh token SHOULD NOT be included": the client can always ask again with
    # its secret, so a long-lived second credential would only be one more thing to steal.
    # authlib's grant already issues none; no id_token either (no user, and no openid scope).
    def create_token_response(self):
        token = self.generate_token(scope=self.request.scope, include_refresh_token=False)
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER
