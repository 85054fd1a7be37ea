"""AS-13: how a client proves who it is (RFC 6749 §2.3), one way per client, at every endpoint.

Each client registers one `token_endpoint_auth_method` (RFC 7591 §2):

- `client_secret_basic`: its id and secret in an `Authorization: Basic` header (RFC 6749 §2.3.1);
- `client_secret_post`: the same two values as `client_id` and `client_secret` in the form body;
- `none`: a public client (a browser app, a native app) that holds no secret and sends only
  its `client_id`. What stands in for the secret is PKCE (AS-2): only the party that started
  the authorization request knows the code_verifier.

authlib tries every method an endpoint allows in turn and takes the first that yields a client.
This module judges the request instead: it reads which method the request actually uses, then
checks that the client registered exactly that one. So a client registered for Basic cannot
slip its secret into a form body (where it lands in logs), a confidential client cannot drop
its secret and pass as public, and a public client cannot present a secret to look
confidential. oauth2.AuthorizationServer sends every client authentication through
authenticate_client() below: the token endpoint (every grant), revocation, and any endpoint
added later (introspection: give it `CLIENT_AUTH_METHODS = SECRET_METHODS`).
"""

import base64
import binascii
from urllib.parse import unquote_plus

from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError, OAuth2Error
from flask import g

from .identity import issuer
from .models import CLIENT_AUTH_METHODS, SECRET_AUTH_METHODS

BASIC, POST, PUBLIC = CLIENT_AUTH_METHODS
# What a confidential client may use: endpoints no public client may call (introspection, the
# client credentials grant) name these.
SECRET_METHODS = SECRET_AUTH_METHODS
# Every method this provider supports, as discovery advertises it (RFC 8414 §2).
ALL_METHODS = CLIENT_AUTH_METHODS

# What each method means in words, for the error that tells a developer what to send instead.
HOW = {
    BASIC: "its client_id and client_secret in an Authorization: Basic header",
    POST: "its client_id and client_secret in the form body",
    PUBLIC: "only its client_id in the form body (a public client: no secret, PKCE instead)",
}


class ClientAuthenticationFailed(InvalidClientError):
    """401 invalid_client (RFC 6749 §5.2), with a Basic challenge only when the client tried Basic.

    §5.2: "If the client attempted to authenticate via the Authorization request header field,
    the authorization server MUST respond with 401 and include the WWW-Authenticate response
    header field matching the authentication scheme used by the client." A client that sent
    its secret in the body (or no secret) gets no Basic challenge: that would ask a browser or
    a library to retry a method this client never registered.
    """

    status_code = 401

    def __init__(self, description, challenge=False):
        super().__init__(description=description, status_code=401)
        self.challenge = challenge

    def get_headers(self):
        headers = OAuth2Error.get_headers(self)  # skip authlib's challenge on every 401
        if self.challenge:
            headers.append(("WWW-Authenticate", f'Basic realm="{issuer()}", charset="UTF-8"'))
        return headers


def presented_method(request):
    """The one method this request uses, read from what it sends; None if it sends nothing."""
    form = request.form
    # RFC 6749 §2.3.1: credentials never travel in the URL (it is logged, cached, sent on in a
    # Referer). Refused outright, rather than ignored, so the developer learns it.
    if "client_secret" in request.args:
        raise InvalidRequestError("Never send client_secret in the URL (RFC 6749 §2.3.1): use the form body or Basic.")
    # RFC 6749 §5.2: a request that repeats a parameter is invalid_request.
    if len(form.getlist("client_id")) > 1 or len(form.getlist("client_secret")) > 1:
        raise InvalidRequestError("client_id and client_secret may each appear once.")
    header = request.headers.get("Authorization")
    # RFC 6749 §2.3.1 lets a client omit an empty secret; some send `client_secret=` instead.
    # Either way it presents no secret (a public client sending that is not posing as anything).
    secret_in_body = bool(form.get("client_secret"))
    if header is not None and secret_in_body:
        # RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
        raise InvalidRequestError("Use one client authentication method: Basic or client_secret in the body, not both.")
    if header is not None:
        if header.partition(" ")[0].lower() != "basic":
            raise ClientAuthenticationFailed("Clients authenticate here with HTTP Basic (or in the form body).")
        return BASIC
    if secret_in_body:
        return POST
    if "client_id" in form:
        return PUBLIC
    return None


def basic_credentials(request):
    """The client_id and client_secret of an Authorization: Basic header (RFC 7617; each part
    form-urlencoded first, RFC 6749 §2.3.1). Anything unreadable is a failed Basic attempt."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ClientAuthenticationFailed("The Authorization header is not readable Basic credentials.", True) from None
    client_id, colon, secret = decoded.partition(":")
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if not colon or not client_id or not secret:
        raise ClientAuthenticationFailed("Basic credentials need a client_id and a client_secret.", True)
    # A client_id in the body beside Basic is allowed (some libraries add it), if it names the
    # same client: two different names in one request is a confused or crafted request.
    named = request.form.get("client_id")
    if named is not None and named != client_id:
        raise InvalidRequestError("The client_id in the body names another client than the Authorization header.")
    return client_id, secret


def authenticate_client(query_client, request, methods, endpoint):
    """The client this request proves it is, by the one method it registered; or 401 invalid_client.

    `methods` is what this endpoint (or grant) accepts; `endpoint` names it ("token",
    "revocation", "introspection"). Sets request.auth_method, which PKCE reads (rfc7636).
    """
    method = presented_method(request)
    basic = method == BASIC
    if method is None:
        raise ClientAuthenticationFailed(
            f"This endpoint needs client authentication: send {HOW[BASIC]}, or {HOW[POST]}."
        )
    if method not in methods:
        accepted = ", ".join(methods)
        raise ClientAuthenticationFailed(f"{method} is not accepted here: this endpoint takes {accepted}.", basic)
    if basic:
        client_id, secret = basic_credentials(request)
    else:
        client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    client = query_client(client_id) if client_id else None
    # One answer for an unknown client and a wrong secret: which ids exist is not secret, but
    # the message must not help anyone tell "wrong secret" from "no such client".
    if client is None or (method != PUBLIC and not client.check_client_secret(secret)):
        raise ClientAuthenticationFailed("Client authentication failed: unknown client or wrong secret.", basic)
    if not client.check_endpoint_auth_method(method, endpoint):
        registered = client.token_endpoint_auth_method
        if method == PUBLIC:
            # RFC 6749 §3.2.1: a confidential client MUST authenticate; its id alone proves nothing.
            raise ClientAuthenticationFailed("This client is confidential: it must authenticate with its secret.")
        # The secret was right, so telling its own method to the client that proved it is safe.
        raise ClientAuthenticationFailed(
            f"This client is registered with {registered}: send {HOW.get(registered, registered)}.", basic
        )
    request.auth_method = method
    # For the throttle (throttle.py): a public client's id proves nothing about who sent the
    # request, so its failures must count against the sender's address, never against the
    # client (anyone could otherwise lock every user of a browser app out of the token endpoint).
    g.client_auth_method = method
    return client
