"""Token introspection (RFC 7662): an API asks this provider what a token it received means.

An opaque access token is 256 random bits: the API that receives it cannot read anything in it.
It sends it to POST /introspect, authenticating as itself, and learns whether the token is
active and for whom and what (scope, client_id, username, sub, aud, iss, exp, iat). Because
the answer is given now, a token revoked a second ago is already `"active": false`: the price
is one network hop per check (an API usually caches the answer for a few seconds).

Who may ask (RFC 7662 §2.1: "the endpoint MUST also require some form of authorization", and
§4: the server "MUST determine whether or not the token can be used at the protected resource
making the request"). This provider's answer: only a confidential client registered as the
resource server for the token's audience (client metadata `resource_server_for`, a list of
audiences; the seeded one is for access_tokens.api_audience()). Not any confidential client:
then every client could take a token it was shown (one leaked from another app) and learn who
it belongs to and what it may do (token scanning, §4). Not the client the token was issued to
either: a client never needs to read its access token (RFC 6749 §1.4: opaque to the client).

Everything else gets the same answer, `{"active": false}` and nothing more (§2.2): an unknown
token, an expired or revoked one, a refresh token (a resource server is never shown one), and
a token the caller may not introspect. So the endpoint confirms nothing to a caller that has
no business knowing, not even that the token exists.
"""

from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from .access_tokens import api_audience
from .identity import issuer
from .issued import Token
from .models import SECRET_AUTH_METHODS


class LabIntrospectionEndpoint(IntrospectionEndpoint):
    # A resource server proves who it is with its secret, the way it registered (client_auth.py,
    # AS-13): a public client cannot authenticate, so it cannot introspect.
    CLIENT_AUTH_METHODS = SECRET_AUTH_METHODS

    # §2.1: token_type_hint is a hint; an unknown value is ignored (as at /revoke, RFC 7009
    # §2.1), never a refusal. Each parameter once (RFC 6749 §3.2).
    def check_params(self, request, client):
        if any(len(request.form.getlist(name)) > 1 for name in ("token", "token_type_hint")):
            raise InvalidRequestError("A parameter appears more than once (RFC 6749 section 3.2).")
        if not request.form.get("token"):
            raise InvalidRequestError("Missing 'token' in request.")

    def query_token(self, token_string, token_type_hint):
        """Access tokens only: a refresh token is the client's, never a resource server's business."""
        return Token.find(token_string, "access_token")

    def check_permission(self, token, client, request):
        audiences = client.client_metadata.get("resource_server_for") or []
        return isinstance(audiences, list) and api_audience() in audiences

    def introspect_token(self, token):
        user = token.get_user()
        answer = {
            "active": True,
            "scope": token.get_scope(),
            "client_id": token.client_id,
            "token_type": "Bearer",  # nosec B105
            # The same `sub` as the id_token's and userinfo's; with no user (client
            # credentials), the client's own id, as in a JWT access token (RFC 9068 §2.2).
            "sub": str(user.id) if user else token.client_id,
            "aud": api_audience(),
            "iss": issuer(),
            "exp": token.issued_at + token.expires_in,
            "iat": token.issued_at,
        }
        if user:
            answer["username"] = user.username
        return answer
