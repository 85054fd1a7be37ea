"""The resource-server page: two ways an API checks the provider's access token, side by side.

The same job gets two tokens by client credentials (client_credentials.py): an opaque one, and
a JWT access token (RFC 9068) from the same job registered with `access_token_format: jwt`.
The opaque one goes to the inventory API, which asks the provider about it on every call
(introspection.py, RFC 7662); the JWT goes to the JWT lab's API, which verifies it alone with
the provider's published keys (blueprints/jwt/provider_tokens.py). Then both are revoked at the
provider (RFC 7009) and called again: the difference shows live. This module is only the page;
the hops are the same functions the machine page uses.
"""

import time

import jwt as pyjwt
from flask import abort, redirect, render_template, session, url_for

import wire
from blueprints.jwt import inspector

from . import bp
from . import client_credentials as machine

LANES = (
    ("c", "Machine client", "a job of this app"),
    ("a", "APIs", "this app: inventory · JWT lab"),
    ("p", "Provider", "authorization server"),
)
HOPS = (
    ("tokens", "c", "p", "back", "POST /token twice: the job as an opaque-token client, and as a JWT client"),
    ("tokens", "p", "c", "back", "a random access token; an at+jwt (signed, readable)"),
    ("call", "c", "a", "back", "opaque token → GET /oauth/api/inventory"),
    ("call", "a", "p", "back", "POST /introspect: one hop on every call"),
    ("call", "c", "a", "back", "at+jwt → GET /jwt/protected: checked with the cached JWKS, no hop"),
    ("revoke", "c", "p", "back", "POST /revoke, each token (RFC 7009)"),
    ("after", "c", "a", "back", "both again: the introspecting API knows; the JWT API cannot"),
)
MAX_EVENTS = 8  # the page keeps the last few calls


def state():
    return session.get("oauth_resource") or {"tokens": {}, "events": [], "revoked": False, "error": None}


def save(run):
    session["oauth_resource"] = run


def done_hops(run):
    done = {"tokens"} if run["tokens"] else set()
    for event in run["events"]:
        done.add(event["hop"])
    return tuple(done)


@bp.get("/resource")
def resource_page():
    """The resource-server lab page: introspection beside local JWT verification."""
    run = state()
    jwt_token = run["tokens"].get("jwt", {}).get("access_token")
    return render_template(
        "oauth/resource.html",
        run=run,
        configured=all(machine.credentials(kind)[0] for kind in machine.MACHINES),
        lanes=LANES,
        hops=HOPS,
        done=done_hops(run),
        # The JWT lab's inspector, run now: the same rules as /jwt/protected, in the same order.
        inspected=inspector.inspect(jwt_token) if jwt_token else None,
        now=int(time.time()),
    )


@bp.post("/resource/<action>")
def resource_action(action):
    """Run one step of the resource page: tokens, call, revoke, introspect-jwt, or reset."""
    if action not in ACTIONS:
        abort(404, "No such step on the resource page.")
    run = state()
    if action != "tokens" and action != "reset" and len(run["tokens"]) < 2:
        run["error"] = "Get the two tokens first (step 1)."
        save(run)
        return redirect(url_for("oauth.resource_page", _anchor="step-tokens"))
    run["error"] = None
    try:
        ACTIONS[action](run)
    except machine.HopFailed as exc:
        run["error"] = str(exc)
        machine.take_recorded()
    run["events"] = run["events"][-MAX_EVENTS:]
    save(run)
    return redirect(
        url_for("oauth.resource_page", _anchor="step-" + ("tokens" if action in {"tokens", "reset"} else "calls"))
    )


def get_tokens(run):
    """Step 1: one token of each kind, for the same job and the same scope."""
    tokens, wires = {}, []
    for kind in ("opaque", "jwt"):
        token, error = machine.request_token(kind)
        wires += machine.take_recorded()
        if error:
            raise machine.HopFailed(
                f"The provider refused the {kind} client: {error['error']}: {error['error_description']}"
            )
        tokens[kind] = {
            "access_token": token["access_token"],
            "shown": wire.shortened(token["access_token"]),
            "expires_at": int(time.time()) + int(token.get("expires_in") or 0),
            "length": len(token["access_token"]),
        }
    tokens["jwt"]["header"] = pyjwt.get_unverified_header(tokens["jwt"]["access_token"])
    tokens["jwt"]["payload"] = pyjwt.decode(tokens["jwt"]["access_token"], options={"verify_signature": False})
    run.update(tokens=tokens, events=[], revoked=False, wire=wires)


def call_both(run, title=None):
    """Step 2 (and 4): the opaque token to the introspecting API, the JWT to the JWT lab's API."""
    rows, wires = [], []
    calls = (
        ("opaque", machine.INVENTORY_API, "introspection: the API asks the provider"),
        ("jwt", machine.JWT_API, "local: the API checks the signature with the provider's keys"),
    )
    for kind, path, how in calls:
        status, body, records, elapsed = machine.call_api(run["tokens"][kind]["access_token"], path)
        rows.append({"kind": kind, "path": path, "how": how, "status": status, "ms": elapsed, "said": said(body)})
        wires += records
    hop = "after" if run["revoked"] else "call"
    title = title or ("Both tokens again, after the revocation" if run["revoked"] else "Each token at its API")
    run["events"].append({"hop": hop, "title": title, "rows": rows, "wire": wires})


def said(body):
    if not isinstance(body, dict):
        return str(body)[:120]
    if body.get("error"):
        return f"{body['error']}: {body.get('description') or ''}".strip(": ")
    return body.get("message") or f"{len(body.get('items', []))} stock items"


def revoke_both(run):
    """Step 3: each client revokes its own token at the provider (RFC 7009 §2.1)."""
    rows = []
    for kind in ("opaque", "jwt"):
        status = machine.revoke(kind, run["tokens"][kind]["access_token"])
        rows.append({"kind": kind, "path": "/revoke", "how": "RFC 7009", "status": status, "ms": None, "said": ""})
    run["revoked"] = True
    run["events"].append(
        {"hop": "revoke", "title": "Both tokens revoked at the provider", "rows": rows, "wire": machine.take_recorded()}
    )


def introspect_jwt(run):
    """The JWT sent to the introspecting API: JWT or not, the provider knows what it revoked."""
    status, body, records, elapsed = machine.call_api(run["tokens"]["jwt"]["access_token"], machine.INVENTORY_API)
    row = {"kind": "jwt", "path": machine.INVENTORY_API, "how": "introspection", "status": status, "ms": elapsed}
    row["said"] = said(body)
    hop = "after" if run["revoked"] else "call"
    run["events"].append({"hop": hop, "title": "The JWT, introspected after all", "rows": [row], "wire": records})


def reset(run):
    run.update(tokens={}, events=[], revoked=False, error=None, wire=[])


ACTIONS = {
    "tokens": get_tokens,
    "call": call_both,
    "revoke": revoke_both,
    "introspect-jwt": introspect_jwt,
    "reset": reset,
}
