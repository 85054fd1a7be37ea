"""The resource server's side of token introspection (RFC 7662): what a bearer token means.

An opaque access token is random bits: the API that receives it cannot read anything in it.
So it asks the provider, at POST /introspect, authenticating as itself (the "Inventory API"
client, RESOURCE_SERVER_CLIENT_ID: a resource server is a client of the provider too), and the
provider answers now: `active` true with the scope, client and subject, or just
`{"active": false}`, for a token that is unknown, expired, revoked or none of this API's
business. The price is one network hop per call; the gain is that a revoked token stops
working at once. (An API may cache answers for a few seconds, RFC 7662 §4; this one does not,
so the resource page can show a revocation land.)

`@introspected_token_required(scope)` is the guard the inventory API (api.py) wears.
"""

import re
from functools import wraps

from authlib.integrations.requests_client import OAuth2Session
from flask import after_this_request, current_app, g, request
from requests import RequestException

from answers import api_error
from blueprints.jwt.provider_keys import api_audience
from wire.store import client_of, save

from .client_credentials import ACCESS_HINT, BASIC_AUTH, HOP_TIMEOUT, provider_endpoint, recorder
from .lab_clients import lab_setting

REALM = "authlab-inventory"
# RFC 6750 §2.1: b64token syntax; bounded, so nothing else is sent on to the provider.
BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
MAX_TOKEN = 4096
# RFC 6750 §3: the characters an error_description may hold (no quote, no backslash, ASCII).
UNSAFE_DESCRIPTION = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


class IntrospectionFailed(Exception):
    """The provider could not be asked, or gave no answer this API can read: nothing is let in."""


def resource_server_credentials():
    client_id = lab_setting(current_app, "RESOURCE_SERVER_CLIENT_ID")
    secret = lab_setting(current_app, "RESOURCE_SERVER_CLIENT_SECRET")
    if not (client_id and secret):
        raise IntrospectionFailed("This API has no credentials at the provider (RESOURCE_SERVER_CLIENT_ID).")
    return client_id, secret


# RFC 7662 §2.1: a form POST of `token` (and a hint), the caller authenticated as a client.
# §2.2: the answer is a JSON object whose `active` is a boolean; anything else is no answer.
def introspect(token):
    """The provider's answer about `token` (a JSON object with a boolean `active`)."""
    client_id, secret = resource_server_credentials()
    with OAuth2Session(client_id, secret, token_endpoint_auth_method=BASIC_AUTH) as http:
        http.hooks["response"].append(recorder("API → provider"))
        try:
            response = http.introspect_token(
                provider_endpoint("introspection_endpoint"),
                token=token,
                token_type_hint=ACCESS_HINT,
                timeout=HOP_TIMEOUT,
            )
        except RequestException as exc:
            raise IntrospectionFailed(f"The provider could not be reached ({type(exc).__name__}).") from exc
    try:
        answer = response.json()
    except ValueError as exc:
        raise IntrospectionFailed(f"The provider answered {response.status_code} without JSON.") from exc
    if response.status_code != 200 or not isinstance(answer, dict) or not isinstance(answer.get("active"), bool):
        raise IntrospectionFailed(f"The provider answered {response.status_code}: {str(answer)[:120]}")
    return answer


def challenge(error=None, description="", scope=None):
    """RFC 6750 §3: the WWW-Authenticate header of a refusal (no error code without a token)."""
    value = f'Bearer realm="{REALM}"'
    if error:
        value += f', error="{error}", error_description="{UNSAFE_DESCRIPTION.sub("?", description)[:200]}"'
    if scope:
        value += f', scope="{scope}"'
    return {"WWW-Authenticate": value}


def refusal(status, error, description, scope=None):
    return api_error(status, error, description, challenge(error, description, scope))


def presented_token():
    """The bearer token of the Authorization header (RFC 6750 §2.1), or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


# The guard. Every refusal says why in RFC 6750's words: no token is a bare challenge (§3.1),
# a token the provider calls inactive is invalid_token (401), a token for another API is
# invalid_token too (RFC 7662 §4: the resource server checks the audience), and an active
# token without the scope is insufficient_scope (403), naming the scope it needs.
def introspected_token_required(scope):
    """Admit a request whose bearer token the provider calls active, for this API, with `scope`."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            after_this_request(name_recorded_hops)
            token = presented_token()
            if token is None:
                return api_error(401, "Unauthorized", "Send Authorization: Bearer <access token>.", challenge())
            if len(token) > MAX_TOKEN or not BEARER_TOKEN.fullmatch(token):
                return refusal(401, "invalid_token", "That is not an access token (RFC 6750 section 2.1).")
            # Fail closed: a token nobody could vouch for is refused, with the reason, as the
            # JWT lab's API refuses one whose keys it could not fetch (a 401 either way, HDR-7).
            try:
                answer = introspect(token)
            except IntrospectionFailed as exc:
                return refusal(401, "invalid_token", f"The token could not be checked: {exc}")
            if not answer["active"]:
                return refusal(401, "invalid_token", "The provider says this token is not active.")
            audience = answer.get("aud")
            if not (audience == api_audience() or (isinstance(audience, list) and api_audience() in audience)):
                return refusal(401, "invalid_token", "This token is for another API (its aud).")
            if scope not in str(answer.get("scope", "")).split():
                return refusal(403, "insufficient_scope", f"This needs the {scope} scope.", scope)
            g.introspection = answer
            return view(*args, **kwargs)

        return guarded

    return decorator


# The wire panel's convention, extended to this API's own hops: a caller that sends
# `X-Wire: hops` (the machine page does) gets the records of the hops this request made, stored
# with the same redaction and bounds as every record (LAB-1, LAB-2), named in X-Wire-Hops.
def name_recorded_hops(response):
    recorded = g.pop("machine_wire", [])
    if request.headers.get("X-Wire") == "hops" and recorded:
        saved = [save(record, client_of(request.environ)) for record in recorded]
        response.headers["X-Wire-Hops"] = ",".join(value for name, value in saved if name == "X-Wire-Id")
    return response
