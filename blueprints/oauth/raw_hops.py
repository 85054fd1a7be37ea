"""Every hop of the dance as raw HTTP, in order: what the app saw and what the provider saw.

The dance page's steps say what each hop meant; this module keeps the hops themselves, for
the wire panel under the sequence diagram (dance.py), in the order they crossed the wire:

    GET /oauth/login → 302, Location: the provider's /authorize     seen by the app
    GET /authorize, sign-in and consent → 302 back with the code    seen by the provider
    GET /oauth/callback, with its Cookie → 302                      seen by the app
    POST /token, GET jwks.json, GET /userinfo (the back channel)    seen by the app

The app's two browser hops are top-level navigations, which cannot ask for a capture with a
header, so the view asks for its own record (wire.ask_to_record) and keeps the record's id
in this browser's server-side session: the id never reaches the browser. The provider's hops
never pass through the app at all. The built-in provider logs them (provider/wire_log.py)
and hands them to this app once, after the app has redeemed the flow's code, on proof of the
client's secret, the flow's state and that code: holding a state seen in a URL is not enough
to read anyone's sign-in. They then go through this app's own redaction and bounds
(wire.exchange_from_party) and are kept with the dance, like the back channel's records.

The order is the protocol's, not the clocks': two parties' clocks need not agree, but the
browser cannot reach the provider before the app's 302, nor the callback before the
provider's 302 back.
"""

import json
import re

from flask import current_app, request
from requests import RequestException

import wire

from . import providers
from .attempt import current, save
from .client import back_channel_session, remote, take_recorded

APP, PROVIDER = "seen by the app", "seen by the provider"
WIRE_LOG = "/wire/flow"  # provider/wire_log.py: the built-in provider's log, for its clients
MAX_PROVIDER_HOPS = 16  # as many as the provider keeps of one flow
MAX_PROVIDER_BYTES = 96 * 1024  # what the provider's side may add to this browser's session

WAITING = (
    "The provider's side of this flow comes once the app has redeemed the code (step 4): the "
    "provider hands its record only to the client that redeemed the flow's code, so that a state "
    "seen in a URL is not enough to read somebody's sign-in."
)
STOPPED = (
    "This flow stopped before the app redeemed a code, so the provider hands over nothing of its "
    "side: without a redeemed code, nothing proves that this browser is the one that signed in there."
)
NOT_LOGGED = "Only the built-in provider logs its side of a flow for the app: {label}'s hops at {label} are not shown."
GONE = (
    "The provider had no record of this flow to hand over: it keeps one for 15 minutes, within its "
    "bounds, and hands it over once."
)


def record(kind):
    """Ask for this browser hop ("login", "callback") to be recorded, and keep its record's id.

    A login is the first hop of the attempt it began (flow.begin starts each attempt afresh):
    a refused /oauth/login (an unknown provider) began none, and leaves the last one alone.
    The latest callback is the one the steps show, so it replaces an earlier one.
    """
    dance = current()
    if not dance or (kind == "login" and "login" in dance.get("raw", {})):
        return
    record_id = wire.ask_to_record()
    if record_id:
        dance.setdefault("raw", {})[kind] = record_id
        save(dance)


# -- The provider's side ----------------------------------------------------------------------


def provider_side(dance):
    """Fetch the provider's hops once they can be had; None, or why they are not shown."""
    raw = dance.setdefault("raw", {})
    if "provider" in raw:
        return raw["provider"]["note"]
    if dance["provider"] != "builtin":
        provider = providers.all_providers(current_app).get(dance["provider"])
        return NOT_LOGGED.format(label=provider.label if provider else dance["provider"])
    steps = dance["steps"]
    if "token" not in steps or not (steps.get("callback") or {}).get("code"):
        if "authorize" not in steps:
            return None
        return STOPPED if dance.get("failed") else WAITING
    try:
        answer = ask_provider(dict(steps["authorize"]["params"]).get("state", ""), steps["callback"]["code"])
    except (RequestException, ValueError) as exc:
        return f"The provider's side could not be fetched ({type(exc).__name__}); reload this page to try again."
    raw["provider"] = answer
    save(dance)
    return answer["note"]


def ask_provider(state, code):
    """POST /wire/flow, authenticated as at the token endpoint; {"hops": [...], "note": ...}."""
    client = remote("builtin")
    if client is None:
        raise ValueError("the built-in provider is not configured")
    url = current_app.config["PROVIDER_URL"].rstrip("/") + WIRE_LOG
    with back_channel_session(client) as http:
        auth = http.client_auth(http.token_endpoint_auth_method)
        response = http.post(url, data={"state": state, "code": code}, auth=auth, withhold_token=True)
    take_recorded()  # this call is about the hops, not one of them
    response.raise_for_status()
    sent = response.json()
    if not isinstance(sent, dict) or not isinstance(sent.get("hops"), list):
        raise ValueError("the provider's answer is not a list of hops")
    if not sent["hops"]:
        return {"hops": [], "note": GONE}
    hops, used = [], 0
    for item in sent["hops"][:MAX_PROVIDER_HOPS]:
        shown = wire.exchange_from_party(item, "browser → provider")
        used += len(json.dumps(shown))
        if used > MAX_PROVIDER_BYTES:
            return {"hops": hops, "note": "The provider's later hops are not kept here (over this page's bound)."}
        hops.append(shown)
    return {"hops": hops, "note": None}


# -- The sequence -----------------------------------------------------------------------------


def sequence(dance):
    """Every hop of this dance that was recorded, in the order it crossed the wire, each marked
    with who saw it and, for the diagram's links, the anchor of the hop it shows."""
    raw, steps = dance.get("raw") or {}, dance["steps"]
    hops = []
    add(hops, stored(raw.get("login"), request.script_root + "/oauth/login"), APP, "raw-login")
    for item in (steps.get("authorize") or {}).get("wire") or []:
        add(hops, item, APP)
    theirs = (raw.get("provider") or {}).get("hops") or []
    back = next((i for i, item in reversed(list(enumerate(theirs))) if redirects_back(item)), None)
    for index, item in enumerate(theirs):
        add(hops, item, PROVIDER, "raw-provider-redirect" if index == back else "raw-provider" if index == 0 else None)
    callback = stored(raw.get("callback"), request.script_root + "/oauth/callback")
    if callback and "token" not in steps:
        callback = code_hidden(callback)  # not spent yet: a code is shown whole only after its use
    add(hops, callback, APP, "raw-callback")
    for index, item in enumerate((steps.get("token") or {}).get("wire") or []):
        add(hops, item, APP, "raw-token" if index == 0 else None)
    jwks_uri = (steps.get("id_token") or {}).get("jwks_uri")
    userinfo = (steps.get("userinfo") or {}).get("wire") or []
    for index, item in enumerate(userinfo):
        is_jwks = jwks_uri and item["request"]["url"] == jwks_uri
        add(hops, item, APP, "raw-jwks" if is_jwks else "raw-userinfo" if index == len(userinfo) - 1 else None)
    return hops


def add(hops, item, seen_by, anchor=None):
    if not item:
        return
    taken = {hop.get("anchor") for hop in hops}
    hops.append({**item, "seen_by": seen_by, **({"anchor": anchor} if anchor and anchor not in taken else {})})


def stored(record_id, path):
    """A browser hop's record by its id; a note when it was not kept; None if never asked for."""
    if not isinstance(record_id, str):
        return None
    found = wire.load(record_id)
    if found is not None:
        return {**found, "hop": "browser → app"}
    empty = {"headers": [], "body": ""}
    return {
        "hop": "browser → app",
        "note": "Not shown: this record has expired (records last 15 minutes) or was over the wire store's bounds.",
        "request": {"method": "GET", "url": path, **empty},
        "response": {"status": "not recorded", **empty},
    }


def redirects_back(item):
    """True for the provider's hop that sends the browser back to this app's callback."""
    callback = providers.redirect_uri(current_app)
    return any(
        str(name).lower() == "location" and str(value).startswith(callback)
        for name, value in item["response"]["headers"]
    )


def code_hidden(item):
    """The record with the code in its URL shortened (wire/redact.py: a credential until used)."""
    url = re.sub(r"(?<=[?&]code=)[^&]+", lambda found: wire.shortened(found.group(0)), item["request"]["url"])
    return {**item, "request": {**item["request"], "url": url}}
