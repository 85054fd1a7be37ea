"""The device authorization grant (RFC 8628), the TV's side: the protocol only, no page.

start → (the user approves at the provider, on another device) → poll, poll, … → tokens →
userinfo. This app's server plays the TV: a device with a screen and no browser worth the
name, registered at the provider as a public client (a TV cannot keep a secret either: anyone
can take it apart). device.py is the page that shows each hop; every hop here goes through
the wire panel's recording (client.record_back_channel), redacted on one path (LAB-2), and
the device_code, the TV's own secret while the user decides, is shortened in the records too.
"""

import time
from urllib.parse import quote_plus, urlsplit

import requests
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from wire import shortened

from .client import record_back_channel, take_recorded
from .id_token import ID_TOKEN_LEEWAY, check_at_hash, peek
from .lab_clients import lab_setting

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEVICE_SCOPE = "openid profile"
TIMEOUT = 5  # seconds: a provider that does not answer is reported, not waited for

# RFC 8628 §3.5: the answers a polling device gets while the user has not finished.
# authorization_pending: keep polling at the interval; slow_down: the same, 5 s slower from
# now on; access_denied and expired_token end the attempt.
PENDING, SLOW_DOWN = "authorization_pending", "slow_down"
FINAL_ERRORS = {"access_denied", "expired_token"}


class DeviceError(Exception):
    """A hop failed; the page says why (a 4xx, or 502 when the provider cannot be reached)."""

    def __init__(self, reason, status=400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def http():
    """A requests session whose every exchange lands on the wire panel."""
    session = requests.Session()
    record_back_channel(session)
    return session


def send(method, url, **kwargs):
    try:
        return http().request(method, url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise DeviceError(f"The provider did not answer at {url} ({type(exc).__name__}). Is it running?", 502) from exc


def answer_json(response):
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise DeviceError(f"The provider answered {response.status_code} without a JSON object.", 502)
    return data


def client_id():
    """The provider's seeded "TV" client (public, device_code grant): DEVICE_CLIENT_ID."""
    value = lab_setting(current_app, "DEVICE_CLIENT_ID")
    if not value:
        raise DeviceError("No TV client is configured (DEVICE_CLIENT_ID).", 404)
    return value


# The provider's metadata names the endpoints (RFC 8414; RFC 8628 §4 adds
# device_authorization_endpoint), and must name the issuer it was fetched from (§3.3).
def metadata():
    issuer = current_app.config["PROVIDER_URL"]
    data = answer_json(send("GET", f"{issuer}/.well-known/openid-configuration"))
    if data.get("issuer") != issuer:
        raise DeviceError(f"The discovery document names {data.get('issuer')!r}, not {issuer!r}.")
    if not isinstance(data.get("device_authorization_endpoint"), str):
        raise DeviceError("The provider advertises no device_authorization_endpoint (RFC 8628 §4).")
    return data


def web_url(value):
    """A URL the page may link to: http(s) only (a javascript: URI from a provider is refused)."""
    if not isinstance(value, str) or len(value) > 512 or urlsplit(value).scheme not in {"http", "https"}:
        return None
    return value


def positive(value, default, ceiling):
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ceiling else default


# Hop 1 (RFC 8628 §3.1, §3.2). The TV asks for a pair of codes: a device_code it keeps (its
# secret, used to poll) and a short user_code the person types at the provider on their
# phone. It names itself with client_id alone (a public client) and says which scope it wants.
def start():
    """A new attempt: the codes, where to send the user, how long, how often to poll."""
    found = metadata()
    response = send(
        "POST", found["device_authorization_endpoint"], data={"client_id": client_id(), "scope": DEVICE_SCOPE}
    )
    data = answer_json(response)
    if response.status_code != 200:
        raise DeviceError(f"The provider refused: {data.get('error')}: {data.get('error_description', '')}")
    codes = (data.get("device_code"), data.get("user_code"))
    if not all(isinstance(code, str) and 0 < len(code) <= 512 for code in codes) or len(codes[1]) > 32:
        raise DeviceError("The provider's answer has no usable device_code and user_code.", 502)
    if not web_url(data.get("verification_uri")):
        raise DeviceError("The provider's verification_uri is no http(s) address.", 502)
    now = time.time()
    return {
        "client_id": client_id(),
        "scope": DEVICE_SCOPE,
        "device_code": data["device_code"],
        "user_code": data["user_code"],
        "verification_uri": data["verification_uri"],
        "verification_uri_complete": web_url(data.get("verification_uri_complete")),
        # §3.2: expires_in is required; interval defaults to 5 seconds when absent.
        "expires_at": now + positive(data.get("expires_in"), 600, 3600),
        "interval": positive(data.get("interval"), 5, 60),
        "last_poll": None,
        "endpoints": {name: found.get(name) for name in ("token_endpoint", "userinfo_endpoint", "jwks_uri")},
        "issuer": found["issuer"],
        "wire": scrubbed(take_recorded(), data["device_code"]),
    }


# Hop 2, again and again (RFC 8628 §3.4, §3.5): the TV polls the token endpoint with its
# device_code until the user has decided. It must wait `interval` seconds between polls; a
# slow_down answer means it did not, and adds 5 seconds to the interval for good.
def poll(attempt):
    """One poll: (outcome, tokens or None); `attempt` learns the new interval and poll time."""
    data = {"grant_type": DEVICE_GRANT, "device_code": attempt["device_code"], "client_id": client_id()}
    response = send("POST", attempt["endpoints"]["token_endpoint"], data=data)
    attempt["last_poll"] = time.time()
    answer = answer_json(response)
    if response.status_code == 200 and isinstance(answer.get("access_token"), str):
        return "approved", answer
    error = answer.get("error")
    if error == SLOW_DOWN:
        attempt["interval"] += 5
    if error in {PENDING, SLOW_DOWN, *FINAL_ERRORS}:
        return error, None
    return "refused", {"error": str(error), "error_description": str(answer.get("error_description", ""))[:300]}


# Hop 3. The id_token (with openid): the same OC-3 checks as the code flow (signature by a
# key of the provider's JWKS, iss, aud, exp, at_hash when present: id_token.check_at_hash),
# but no nonce: there was no authorization request to carry one; the device_code binds it.
def verify_id_token(attempt, tokens):
    """(header, payload, verified, why) for the id_token the poll brought, if any."""
    raw = tokens.get("id_token")
    if not raw:
        return None
    header, payload = peek(raw)
    jwks = answer_json(send("GET", attempt["endpoints"]["jwks_uri"]))
    registry = jwt.JWTClaimsRegistry(
        leeway=ID_TOKEN_LEEWAY,
        iss={"essential": True, "value": attempt["issuer"]},
        aud={"essential": True, "value": client_id()},
        exp={"essential": True},
    )
    try:
        token = jwt.decode(raw, KeySet.import_key_set(jwks), algorithms=["RS256"])
        registry.validate(token.claims)
        check_at_hash(token.claims.get("at_hash"), tokens.get("access_token"), token.header.get("alg"))
    except (JoseError, ValueError, TypeError) as exc:
        return {"header": header, "payload": payload, "verified": False, "why": str(exc)}
    why = "signature, iss, aud, exp" + (" and at_hash" if "at_hash" in token.claims else "") + " hold"
    return {"header": header, "payload": payload, "verified": True, "why": why}


# Hop 4. The user API with the new access token (RFC 6750 §2.1).
def userinfo(attempt, tokens):
    response = send(
        "GET", attempt["endpoints"]["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    data = answer_json(response)
    if response.status_code != 200:
        raise DeviceError(f"The user API answered {response.status_code}: {data.get('error', '')}")
    return data


# LAB-2: the device_code is the TV's secret until the user has decided (with it, anyone who
# knows the public client id could poll and collect the tokens), so a record never shows it
# whole: wire/redact.py shortens tokens by field name, and this one by value.
def scrubbed(records, device_code):
    short = shortened(device_code)
    spellings = {device_code, quote_plus(device_code)}  # as sent in a form body, and as answered

    def clean(value):
        if isinstance(value, str):
            for spelling in spellings:
                value = value.replace(spelling, short)
            return value
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    return [clean(record) for record in records]
