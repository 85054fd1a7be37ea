"""The machine page: the client credentials grant hop by hop, done for real and shown.

client_credentials.py does the hops (the token request, the call to the API) and api.py is the
API, which asks the provider about each token (introspection.py); this module is the page that
runs them on a button press and shows what each left behind: every exchange as it crossed the
wire (the secret masked, the tokens shortened), the sequence diagram filled in, and what a
wrong scope or the missing user means.
"""

from flask import abort, redirect, render_template, session, url_for

import wire

from . import bp
from . import client_credentials as machine

# The sequence diagram: three lanes, one row per hop, filled in as the hops happen. No
# browser: the job runs on this app's server, and every hop is a back-channel one.
LANES = (
    ("m", "Machine client", "a job of this app"),
    ("a", "API", "this app's /oauth/api"),
    ("p", "Provider", "authorization server"),
)
HOPS = (
    ("token", "m", "p", "back", "POST /token: grant_type=client_credentials, scope; Basic id:secret"),
    ("token", "p", "m", "back", "access_token, expires_in, scope; no refresh_token, no id_token"),
    ("api", "m", "a", "back", "GET /oauth/api/inventory, Authorization: Bearer"),
    ("api", "a", "p", "back", "POST /introspect: the token; Basic (the API's own client)"),
    ("api", "p", "a", "back", "active, scope, client_id, sub: no username"),
    ("api", "a", "m", "back", "200: the stock list"),
)

# What each part of the token request is for, shown beside it.
REQUEST_NOTES = (
    (
        "grant_type",
        "client_credentials",
        "The client asks in its own name (RFC 6749 §4.4.2): no user, no browser, no code.",
    ),
    (
        "scope",
        machine.SCOPE,
        "What the job needs and nothing more. With no user to consent, the scopes it was registered for are the "
        "only limit on what the token may do.",
    ),
    (
        "Authorization",
        "Basic BASE64(client_id:client_secret)",
        "client_secret_basic (RFC 6749 §2.3.1): the secret is the whole of the job's security. Whoever has it is "
        "this job, as often as they like.",
    ),
    (
        "(no redirect_uri, code, state, PKCE)",
        "",
        "Nothing passes through a browser: there is no code to intercept and no session to bind it to.",
    ),
)

# The "limits" buttons: what each one tries, and the hop that answers it.
LIMITS = {
    "scope-write": "Ask for inventory:write, a scope this client is not registered for",
    "scope-openid": "Ask for openid, a person's scope",
    "userinfo": "Call the provider's user API with the machine's token",
    "restock": "POST /oauth/api/inventory (needs inventory:write) with the inventory:read token",
}


def state():
    """This browser's run of the machine page, kept in the server-side session."""
    return session.get("oauth_machine") or {"steps": {}, "limits": [], "error": None}


def save(run):
    session["oauth_machine"] = run  # reassigned, so the session store sees the change


@bp.get("/machine")
def machine_page():
    """The client credentials lab page: each hop done so far, and what comes next."""
    run = state()
    client_id, _secret = machine.credentials("opaque")
    return render_template(
        "oauth/machine.html",
        run=run,
        client_id=client_id,
        lanes=LANES,
        hops=HOPS,
        done=tuple(run["steps"]),
        request_notes=REQUEST_NOTES,
        limits=LIMITS,
        shortened=wire.shortened,
    )


# Each button posts here (a form with the CSRF token); the hop runs on the server, its record
# goes into this browser's run, and the browser is sent back to the page (no token in a URL).
@bp.post("/machine/<action>")
def machine_action(action):
    """Run one hop of the machine page: token, call, one of the limits, or reset."""
    if action not in {"token", "call", "reset", *LIMITS}:
        abort(404, "No such step on the machine page.")
    run = state()
    token = run["steps"].get("token", {}).get("access_token")
    if action in {"call", "userinfo", "restock"} and not token:
        run["error"] = "Ask for a token first (step 1)."
        save(run)
        return redirect(url_for("oauth.machine_page", _anchor="step-token"))
    run["error"] = None
    try:
        ACTIONS[action](run, token)
    except machine.HopFailed as exc:
        run["error"] = str(exc)
        machine.take_recorded()
    run["limits"] = run["limits"][-MAX_LIMITS:]
    save(run)
    anchor = "limits" if action in LIMITS else {"call": "step-api", "reset": "top"}.get(action, "step-token")
    return redirect(url_for("oauth.machine_page", _anchor=anchor))


def ask_for_token(run, _token):
    token, error = machine.request_token("opaque")
    step = {"wire": machine.take_recorded(), "error": error}
    if token:
        step.update(
            access_token=token["access_token"],
            shown=wire.shortened(token["access_token"]),
            fields=sorted(name for name in token if name != "expires_at"),  # authlib adds expires_at itself
            expires_in=token.get("expires_in"),
            scope=token.get("scope"),
        )
    run["steps"] = {"token": step}  # a new token starts the run again
    run["limits"] = []


def call_the_api(run, token):
    status, body, records, elapsed = machine.call_api(token)
    run["steps"]["api"] = {"status": status, "body": body, "wire": records, "ms": elapsed}


MAX_LIMITS = 8  # the page keeps the last few tries


def limit(title, outcome, records):
    return {"title": title, "outcome": outcome, "wire": records}


def ask_for_write(run, _token):
    _, error = machine.request_token("opaque", "inventory:write")
    run["limits"].append(limit(LIMITS["scope-write"], said(error), machine.take_recorded()))


def ask_for_openid(run, _token):
    _, error = machine.request_token("opaque", "openid")
    run["limits"].append(limit(LIMITS["scope-openid"], said(error), machine.take_recorded()))


def said(error):
    if not error:
        return "The provider issued a token (it should not have)."
    return f"The provider refused: {error['error']}: {error['error_description']}"


def ask_userinfo(run, token):
    status, challenge = machine.call_userinfo(token)
    outcome = f"The provider answered {status}" + (f": {challenge}" if challenge else ".")
    run["limits"].append(limit(LIMITS["userinfo"], outcome, machine.take_recorded()))


def restock(run, token):
    status, body, records, _elapsed = machine.call_api(token, method="POST")
    outcome = f"The API answered {status}: {body.get('description') or body.get('message') or body}"
    run["limits"].append(limit(LIMITS["restock"], outcome, records))


def reset(run, _token):
    run.update(steps={}, limits=[], error=None)


ACTIONS = {
    "token": ask_for_token,
    "call": call_the_api,
    "scope-write": ask_for_write,
    "scope-openid": ask_for_openid,
    "userinfo": ask_userinfo,
    "restock": restock,
    "reset": reset,
}
