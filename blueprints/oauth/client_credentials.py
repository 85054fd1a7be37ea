"""The app as a machine client: the client credentials grant (RFC 6749 §4.4), protocol only.

No person and no browser take part. A job of this app's server (a nightly stock report, say)
proves who it is with its own client id and secret and receives an access token in its own
name, for the scopes it was registered with; then it calls an API with that token. machine.py
is the page that runs these hops and shows them; resource.py compares two ways an API checks
the token. Every hop is recorded for the wire panel through its one redaction path (LAB-2:
the secret masked, the tokens shortened).

The provider registers two such clients for the lab pages (provider/lab_clients.py): the
"Inventory job", whose tokens are opaque, and the same job with JWT access tokens (RFC 9068).
This app learns their ids and secrets as it learns the built-in client's (lab_clients.py):
from its configuration, or in development from the provider's hand-over file. Never from the
browser: a page can keep no secret, so a machine's secret in page script (or in a repository)
is anyone's, and with it anyone gets the same tokens the job gets.
"""

import time

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app, g
from requests import RequestException

import wire
from wire.store import load

from .client import remote
from .lab_clients import lab_setting

# What the job needs, and no more: read the stock. Scopes are the only limit on a machine's
# token (no user's consent narrows it), so the job is registered for this one.
SCOPE = "inventory:read"
HOP_TIMEOUT = 10  # seconds; a provider or API that does not answer is reported, not waited for
# How the machine authenticates (RFC 6749 §2.3.1, HTTP Basic), and the hint naming what a token
# is (RFC 7009 §2.1, RFC 7662 §2.1): names, not secrets.
BASIC_AUTH = "client_secret_basic"  # noqa: S105
ACCESS_HINT = "access_token"  # noqa: S105

# The two registrations, by the format of the access tokens they receive.
MACHINES = {
    "opaque": ("MACHINE_CLIENT_ID", "MACHINE_CLIENT_SECRET"),
    "jwt": ("MACHINE_JWT_CLIENT_ID", "MACHINE_JWT_CLIENT_SECRET"),
}

# The app's own API paths the job may call (resource.py adds the JWT lab's).
INVENTORY_API = "/oauth/api/inventory"
JWT_API = "/jwt/protected"


class HopFailed(Exception):
    """A hop got no usable answer (unreachable, not JSON): the page says so, with what was sent."""


def credentials(kind="opaque"):
    """(client_id, client_secret) of one machine registration, or (None, None)."""
    id_name, secret_name = MACHINES[kind]
    client_id, secret = lab_setting(current_app, id_name), lab_setting(current_app, secret_name)
    return (client_id, secret) if client_id and secret else (None, None)


def provider_endpoint(name):
    """One endpoint of the built-in provider, from its discovery document (RFC 8414)."""
    client = remote("builtin")
    if client is None:
        raise HopFailed("The built-in provider is not configured: start it with `make run`.")
    try:
        endpoint = client.load_server_metadata().get(name)
    except (RequestException, ValueError) as exc:
        raise HopFailed(f"The provider's discovery document could not be read ({type(exc).__name__}).") from exc
    if not endpoint:
        raise HopFailed(f"The provider advertises no {name}.")
    return endpoint


def recorder(hop):
    """A requests hook that records each exchange under `hop` for this request's page."""

    def record(response, *args, **kwargs):
        g.setdefault("machine_wire", []).append(wire.exchange_from_requests(response, hop=hop))

    return record


def take_recorded():
    """The exchanges recorded during this request, oldest first."""
    return g.pop("machine_wire", [])


def session_for(kind):
    """authlib's requests session for a machine client, authenticating with client_secret_basic."""
    client_id, secret = credentials(kind)
    if client_id is None:
        raise HopFailed("The provider has not handed this app the machine client's id and secret (make run).")
    http = OAuth2Session(client_id, secret, token_endpoint_auth_method=BASIC_AUTH)
    http.hooks["response"].append(recorder("machine → provider"))
    return http


# Hop 1. POST /token with grant_type=client_credentials and the scope, the client's id and
# secret in the Authorization header (HTTP Basic, RFC 6749 §2.3.1). §4.4.3: the answer is an
# access token and no refresh token (the job can always ask again with its secret); there is
# no id_token, since nobody signed in.
def request_token(kind="opaque", scope=SCOPE):
    """Ask for a token; (token, None) or (None, {"error", "error_description"}) as the provider said."""
    with session_for(kind) as http:
        try:
            return dict(
                http.fetch_token(
                    provider_endpoint("token_endpoint"),
                    grant_type="client_credentials",
                    scope=scope,
                    timeout=HOP_TIMEOUT,
                )
            ), None
        except OAuthError as exc:
            return None, {"error": exc.error, "error_description": exc.description or ""}
        except (RequestException, ValueError) as exc:
            raise HopFailed(f"The provider could not be reached or sent no JSON ({type(exc).__name__}).") from exc


# RFC 7009: the job gives its token back. For the resource page: revoked at the provider, an
# opaque token dies at once for an API that introspects; a JWT lives on where it is checked
# locally, until its `exp`.
def revoke(kind, access_token):
    """Revoke one access token at the provider; the HTTP status it answered."""
    with session_for(kind) as http:
        try:
            response = http.revoke_token(
                provider_endpoint("revocation_endpoint"),
                token=access_token,
                token_type_hint=ACCESS_HINT,
                timeout=HOP_TIMEOUT,
            )
        except RequestException as exc:
            raise HopFailed(f"The provider could not be reached ({type(exc).__name__}).") from exc
    return response.status_code


def own_url():
    """This instance's own address (the replica has its own): from the configuration, never the request."""
    config = current_app.config
    return config["REPLICA_URL"] if config["INSTANCE_NAME"] == "replica" else config["APP_URL"]


# Hop 2. The job calls an API with the token as a bearer credential (RFC 6750 §2.1). The API is
# this app's own, reached over HTTP like any other server's: whatever it does to check the
# token (introspection.py asks the provider) happens in its own request. `X-Wire: hops` asks
# it to hand back the records of those hops, named in X-Wire-Hops, for the page to show.
def call_api(access_token, path=INVENTORY_API, method="GET"):
    """Call one of this app's APIs with the token; (status, JSON body, [records], milliseconds)."""
    url = f"{own_url()}{path}"
    started = time.perf_counter()
    try:
        response = requests.request(
            method,
            url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json", "X-Wire": "hops"},
            timeout=HOP_TIMEOUT,
            hooks={"response": recorder("machine → API")},
        )
    except RequestException as exc:
        raise HopFailed(f"This app's API at {url} did not answer ({type(exc).__name__}).") from exc
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    try:
        body = response.json()
    except ValueError:
        body = {"error": response.text[:200]}
    # In the order they ended (the panel shows the newest on top): the API's own hops first.
    return response.status_code, body, wire_hops(response) + take_recorded(), elapsed


def wire_hops(response):
    """The records the API made of its own hops, by the ids it named (at most a few)."""
    ids = [part.strip() for part in response.headers.get("X-Wire-Hops", "").split(",") if part.strip()]
    return [record for record in (load(record_id) for record_id in ids[:4] if len(record_id) <= 64) if record]


def call_userinfo(access_token):
    """The provider's user API with the machine's token: there is nobody to describe."""
    try:
        response = requests.get(
            provider_endpoint("userinfo_endpoint"),
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=HOP_TIMEOUT,
            hooks={"response": recorder("machine → provider")},
        )
    except RequestException as exc:
        raise HopFailed(f"The provider could not be reached ({type(exc).__name__}).") from exc
    return response.status_code, response.headers.get("WWW-Authenticate", "")
