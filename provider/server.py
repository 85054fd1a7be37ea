"""The authorization server itself: authlib's, with the checks RFC 6749 asks of every request
before any grant reads it. oauth2.config_oauth builds one and registers the grants on it."""

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from flask import request as http_request


class LabAuthorizationServer(AuthorizationServer):
    # RFC 6749 §4.1.2.1: a request without response_type is an "invalid_request" (a missing
    # parameter), not an "unsupported_response_type" (a value this server does not offer).
    # Like every error at this endpoint it is redirected only to a redirect URI registered
    # for a client that exists (AS-1); otherwise the user sees an error page.
    def get_authorization_grant(self, request):
        if not request.payload.response_type:
            raise InvalidRequestError(
                "Missing 'response_type' in request.", redirect_uri=checked_redirect_uri(self, request)
            )
        return super().get_authorization_grant(request)

    # RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once",
    # and §5.2: a missing parameter is "invalid_request". authlib picks the first of two
    # grant_type values and answers a missing one with unsupported_grant_type; here both are
    # refused before any grant runs, so nothing is decided on a parameter read two ways.
    def create_token_response(self, request=None):
        try:
            refuse_repeated_parameters()
            if not http_request.form.get("grant_type"):
                raise InvalidRequestError("Missing 'grant_type' in request.")
        except OAuth2Error as error:
            return self.handle_error_response(None, error)
        return super().create_token_response(request)


def refuse_repeated_parameters():
    """invalid_request if any parameter of this request (query or body) appears twice."""
    for name in http_request.values:
        if len(http_request.values.getlist(name)) > 1:
            raise InvalidRequestError("A parameter appears more than once (RFC 6749 section 3.2).")


def checked_redirect_uri(server, request):
    """The request's redirect URI if its client exists and registered it exactly, else None."""
    client_id, redirect_uri = request.payload.client_id, request.payload.redirect_uri
    client = server.query_client(client_id) if client_id else None
    if client is not None and redirect_uri and client.check_redirect_uri(redirect_uri):
        return redirect_uri
    return None
