"""How the userinfo endpoint, a protected resource, finds the bearer token in a request and
says why it refused one (RFC 6750, Bearer Token Usage).

The token may come in the Authorization header (§2.1) or in a form-encoded POST body
(§2.2), and in one of them only (§2). A refusal carries the challenge §3 describes:
`WWW-Authenticate: Bearer realm="..."`, with an error code only when a token was presented.
oauth2.config_oauth registers the token validator (the database lookup) on the protector here.
"""

import re

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError, InvalidTokenError
from flask import request

from .identity import issuer

# RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class BearerChallenge(OAuth2Error):
    """A refusal with the WWW-Authenticate challenge of RFC 6750 §3."""

    scope = None

    def get_headers(self):
        challenge = [f'realm="{issuer()}"']
        if self.error:
            challenge += [f'error="{self.error}"', f'error_description="{self.description}"']
        if self.scope:
            challenge.append(f'scope="{self.scope}"')
        return [*super().get_headers(), ("WWW-Authenticate", "Bearer " + ", ".join(challenge))]


class NoToken(BearerChallenge):
    """RFC 6750 §3.1: a request with no token (or one sent with another scheme, such as Basic)
    "SHOULD NOT include an error code or other error information": the client may not know
    authentication is needed, and the challenge tells it how."""

    status_code = 401
    error = None

    def get_body(self):
        return []


class MalformedRequest(BearerChallenge):
    """RFC 6750 §3.1 invalid_request: the token sent two ways, twice, in the URL, or unreadable."""

    status_code = 400
    error = "invalid_request"


class BadToken(BearerChallenge):
    """RFC 6750 §3.1 invalid_token: expired, revoked, unknown or not an access token."""

    status_code = 401
    error = "invalid_token"
    description = "The access token is expired, revoked or unknown."


class ScopeTooNarrow(BearerChallenge):
    """RFC 6750 §3.1 insufficient_scope, 403, naming the scope that would do (§3)."""

    status_code = 403
    error = "insufficient_scope"
    description = "The access token was not issued with the scope this resource needs."


def presented_token():
    """The one bearer token of this request, or a refusal saying why there is none."""
    # RFC 6750 §2.3 (and RFC 9700 §4.3.2): a token in the URL ends up in logs, histories and
    # Referer headers. This provider does not accept it there, and says so.
    if "access_token" in request.args:
        raise MalformedRequest("Send the access token in the Authorization header, not in the URL.")

    found = []
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        found.append(credentials.strip())
    # RFC 6750 §2.2: the form-encoded body of a POST (not a GET, not JSON) may carry it instead.
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        found += request.form.getlist("access_token")

    if not found:
        raise NoToken()
    # RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each
    # request." Two tokens leave the server to guess which one the client meant.
    if len(found) > 1:
        raise MalformedRequest("Send the access token once, in one place (header or form body).")
    if not B64TOKEN.fullmatch(found[0]):
        raise MalformedRequest("The bearer token is empty or not token characters.")
    return found[0]


class BearerTokenProtector(ResourceProtector):
    """authlib's protector, reading the token where RFC 6750 allows and refusing as it says."""

    def parse_request_authorization(self, request):
        return self.get_token_validator("bearer"), presented_token()

    def validate_request(self, scopes, request, **kwargs):
        try:
            return super().validate_request(scopes, request, **kwargs)
        except InvalidTokenError as error:
            raise BadToken() from error
        except InsufficientScopeError as error:
            refused = ScopeTooNarrow()
            refused.scope = " ".join(scopes or [])
            raise refused from error
