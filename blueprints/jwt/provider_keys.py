"""The provider's public keys, as this API needs them to verify its JWT access tokens (RFC 9068).

Where the keys come from is pinned, never read from a token: the provider is the issuer this
app is configured with (PROVIDER_URL), its discovery document (RFC 8414) names its `jwks_uri`,
and that URI must be the provider's own. A token may only *select* one of those keys by `kid`;
a key or a URL it offers (`jwk`, `jku`, `x5u`) is refused before anything is fetched
(checks.no_key_offered, JWT-1).

The key set is cached. A `kid` it does not hold means the provider may have rotated its key, so
the set is fetched again, but at most once every REFETCH_AFTER seconds: a flood of tokens with
made-up `kid`s cannot turn this app into a flood of requests at the provider.
"""

import threading
import time

import jwt as pyjwt
import requests
from flask import current_app, g

import wire
from blueprints.oauth.lab_clients import lab_setting

ALGORITHM = "RS256"  # the provider's one signing algorithm (AS-8); a token's `alg` must be it
CACHE_SECONDS = 600  # how long a fetched key set is used without asking again
REFETCH_AFTER = 30  # seconds between two fetches for an unknown kid, at the most
FETCH_TIMEOUT = 5
MAX_KEYS = 20
MAX_DOCUMENT_BYTES = 64 * 1024

_lock = threading.Lock()


class KeysUnavailable(Exception):
    """The provider's keys could not be had; every token that needs them is refused."""


def issuer():
    """The one issuer whose access tokens this API accepts: the built-in provider, exactly."""
    return current_app.config["PROVIDER_URL"]


# The provider's tokens for this app name one audience, this app as a resource server: its
# API_AUDIENCE setting, which the provider hands over in development like the lab clients'
# ids (blueprints/oauth/lab_clients.py), and `<APP_URL>/api` when nobody set it, as at the
# provider (provider/access_tokens.api_audience). Not this app's own JWT audience: a token
# of this app and one of the provider are never for the same `aud`.
def api_audience():
    """The `aud` the provider writes into access tokens meant for this API (RFC 9068 §3)."""
    return lab_setting(current_app, "API_AUDIENCE") or f"{current_app.config['APP_URL']}/api"


def cache():
    """This app's cached key set: keys by kid, when it was last fetched, why that failed if it did."""
    return current_app.extensions.setdefault("provider_jwks", {"keys": {}, "fetched": None, "error": None})


def find(kid):
    """The provider's public key named `kid` (fetching the set when needed), or None.

    Raises KeysUnavailable when the set could not be fetched and holds no such key.
    """
    if not isinstance(kid, str) or not 0 < len(kid) <= 128:
        return None
    with _lock:
        held, now = cache(), time.monotonic()
        age = None if held["fetched"] is None else now - held["fetched"]
        if age is None or age > CACHE_SECONDS or (kid not in held["keys"] and age > REFETCH_AFTER):
            # Counted as a fetch even when it fails: one attempt per REFETCH_AFTER, not one per token.
            held["fetched"] = now
            try:
                held["keys"], held["error"] = fetch(), None
            except KeysUnavailable as exc:
                held["error"] = str(exc)
        key = held["keys"].get(kid)
    if key is None and held["error"]:
        raise KeysUnavailable(held["error"])
    return key


def fetch():
    """The provider's signing keys by kid: discovery first, then the jwks_uri it names."""
    base = issuer()
    metadata = get_json(f"{base}/.well-known/openid-configuration")
    # RFC 8414 §3.3: the document must name the issuer it was fetched from, exactly.
    if metadata.get("issuer") != base:
        raise KeysUnavailable(f"the discovery document names {str(metadata.get('issuer'))[:80]!r}, not {base!r}")
    jwks_uri = metadata.get("jwks_uri")
    # Only the provider's own address: a document naming keys somewhere else is not followed.
    if not isinstance(jwks_uri, str) or not jwks_uri.startswith(f"{base}/"):
        raise KeysUnavailable("the provider's jwks_uri is not on the provider's own address")
    keys = {}
    for jwk in (get_json(jwks_uri).get("keys") or [])[:MAX_KEYS]:
        # Public RSA signing keys only; a JWKS entry with a private part is a mistake, not a key.
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or "d" in jwk or jwk.get("use", "sig") != "sig":
            continue
        if jwk.get("alg", ALGORITHM) != ALGORITHM or not isinstance(jwk.get("kid"), str):
            continue
        try:
            keys[jwk["kid"]] = pyjwt.PyJWK(jwk, algorithm=ALGORITHM)
        except pyjwt.PyJWTError:
            continue
    return keys


def get_json(url):
    """One GET at the provider, recorded for the wire panel; a JSON object or KeysUnavailable."""
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        why = type(exc).__name__
        raise KeysUnavailable(f"the provider's keys could not be fetched from {issuer()} ({why})") from exc
    g.setdefault("jwks_wire", []).append(wire.exchange_from_requests(response, hop="API → provider (its keys)"))
    if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
        raise KeysUnavailable(f"the provider answered {response.status_code} for {url.split('?')[0][:120]}")
    try:
        document = response.json()
    except ValueError as exc:
        raise KeysUnavailable("the provider's answer is not JSON") from exc
    if not isinstance(document, dict):
        raise KeysUnavailable("the provider's answer is not a JSON object")
    return document


def take_recorded():
    """The key fetches made during this request (none when the cache answered), oldest first."""
    return g.pop("jwks_wire", [])
