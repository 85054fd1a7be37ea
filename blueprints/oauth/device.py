"""The "TV" page: the device authorization grant (RFC 8628), each hop done for real and shown.

device_grant.py does the hops; this module is the page and its two buttons' endpoints. The
attempt lives in this browser's server-side session (`oauth_device`): the device_code, the
TV's secret, never reaches the browser, which sees the user code, where to type it, and each
poll's answer. The page's script (static/js/oauth-device.js) polls through /oauth/device/poll
at the interval the provider asked for; "Poll too fast" polls at once, to see slow_down. A
browser without script polls with the same button, as a form.
"""

import time

from flask import current_app, redirect, render_template, session, url_for

from answers import wants_page
from errors import error_response
from extensions import limiter
from wire import shortened

from . import bp, device_grant
from .client import take_recorded
from .device_grant import FINAL_ERRORS, DeviceError
from .lab_clients import lab_setting
from .spa import script_url

# The app's own floor between two polls of one attempt, whatever the page asks: a page (or a
# script posting in a loop) cannot use this server to flood the provider. One a second still
# lets "Poll too fast" come in well under the provider's interval.
POLL_FLOOR = 1.0
KEPT_POLLS = 12  # the polls whose wire records the page keeps (each one is counted)

# What a field of the device authorization request and answer is for (RFC 8628 §3.1, §3.2).
PARAMETER_NOTES = {
    "client_id": "The provider's public TV client: no secret (a TV cannot keep one); the id names it, proves nothing.",
    "scope": "What the TV asks for; the approval page at the provider lists it.",
    "device_code": "The TV's own secret: it polls with it. It never leaves this server (shortened on the wire panel).",
    "user_code": "Short, in letters that cannot be misread, for a person to type on another device (§6.1).",
    "verification_uri": "Where the person goes, on a phone or laptop that has a real browser.",
    "verification_uri_complete": "The same with the code filled in (a QR code's usual contents).",
    "expires_in": "How long the codes live: after that the TV must start again.",
    "interval": "The seconds the TV must wait between polls; slow_down adds 5 for good (§3.5).",
}

# The sequence diagram: the TV (this app's server), the provider, and the person's phone.
LANES = (("t", "TV", "this app's server"), ("p", "Provider", ""), ("h", "Phone", "your browser, another tab"))
HOPS = (
    ("start", "t", "p", "back", "POST /device_authorization: client_id, scope"),
    ("codes", "p", "t", "back", "device_code, user_code, verification_uri, interval"),
    ("show", "t", "h", "front", "the TV shows the user code and the address"),
    ("visit", "h", "p", "front", "GET /device · sign in · type the code"),
    ("pending", "t", "p", "back", "POST /token (device_code): authorization_pending"),
    ("slow_down", "t", "p", "back", "POST /token too soon: slow_down, +5 s"),
    ("approve", "h", "p", "front", "Approve (the client and scopes named)"),
    ("tokens", "p", "t", "back", "POST /token: access_token, id_token"),
    ("userinfo", "t", "p", "back", "GET /userinfo, Authorization: Bearer"),
)

# What each poll answer means, in the words the page shows.
OUTCOMES = {
    "authorization_pending": "authorization_pending: the person has not decided yet. Poll again after the interval.",
    "slow_down": "slow_down: that poll came too soon. The interval is 5 seconds longer from now on (RFC 8628 §3.5).",
    "approved": "Approved: the token endpoint answered with the tokens.",
    "access_denied": "access_denied: the person pressed Deny. The attempt is over.",
    "expired_token": "expired_token: the codes expired before anyone approved. Start again.",  # nosec B105
    "refused": "The provider refused the poll with another error.",
}


def current():
    return session.get("oauth_device")


def save(attempt):
    session["oauth_device"] = attempt  # reassigned, so the session store sees the change


def hops_done(attempt):
    """The diagram's hops that this attempt has been through."""
    if not attempt:
        return []
    seen = {poll["status"] for poll in attempt["polls"]}
    done = ["start", "codes", "show"]
    done += [
        hop for hop, status in (("pending", "authorization_pending"), ("slow_down", "slow_down")) if status in seen
    ]
    if seen & {"approved", "access_denied"}:
        done += ["visit", "approve"]
    if "approved" in seen:
        done.append("tokens")
    if attempt.get("claims"):
        done.append("userinfo")
    return done


def page_view(attempt):
    """What the page and its script may see of the attempt: everything but the device_code."""
    if not attempt:
        return None
    return {key: value for key, value in attempt.items() if key != "device_code"}


def render(error=None):
    attempt = current()
    return render_template(
        "oauth/device.html",
        attempt=page_view(attempt),
        client_id=lab_setting(current_app, "DEVICE_CLIENT_ID"),
        error=error,
        notes=PARAMETER_NOTES,
        outcomes=OUTCOMES,
        lanes=LANES,
        hops=HOPS,
        done=hops_done(attempt),
        now=time.time(),
        script_url=script_url,
    )


@bp.get("/device")
def device_page():
    """The TV: start, then the user code, the polls, and the tokens once approved."""
    return render()


def refused(error):
    """A hop that failed: the page says why (a form post), or the app's one JSON error shape."""
    if wants_page():
        return render(error.reason), error.status
    return error_response(error.status, "Device flow", error.reason)


@bp.post("/device/start")
@limiter.counts_device_starts()
def device_start():
    """Hop 1: ask the provider for a device code and a user code."""
    try:
        attempt = device_grant.start()
    except DeviceError as error:
        take_recorded()
        return refused(error)
    attempt.update(polls=[], poll_count=0, finished=None, tokens=None, id_token=None, claims=None)
    save(attempt)
    return redirect(url_for("oauth.device_page", _anchor="step-code"))


def summary(tokens):
    """The tokens as the page shows them: shortened (LAB-2), with what came and for how long."""
    shown = {name: shortened(tokens[name]) for name in ("access_token", "refresh_token") if tokens.get(name)}
    return {
        **shown,
        "token_type": tokens.get("token_type"),
        "expires_in": tokens.get("expires_in"),
        "scope": tokens.get("scope"),
    }


def finish(attempt, tokens):
    """Approved: verify the id_token, call the user API, keep what the page shows."""
    attempt["finished"] = "approved"  # the device_code is spent, whatever comes next
    attempt["tokens"] = summary(tokens)
    attempt["id_token"] = device_grant.verify_id_token(attempt, tokens)
    attempt["claims"] = device_grant.userinfo(attempt, tokens)


def record_poll(attempt, status, detail):
    """Keep this poll in the attempt (the last few, each with its hops, device_code scrubbed)."""
    wire = device_grant.scrubbed(take_recorded(), attempt["device_code"])
    attempt["poll_count"] += 1
    poll = {
        "n": attempt["poll_count"],
        "at": attempt["last_poll"],
        "status": status,
        "interval": attempt["interval"],
        "detail": detail,
    }
    attempt["polls"] = [*attempt["polls"], {**poll, "wire": wire}][-KEPT_POLLS:]
    save(attempt)
    return poll, wire


@bp.post("/device/poll")
def device_poll():
    """Hop 2: poll the token endpoint once (the page calls this at the interval)."""
    attempt = current()
    if not attempt:
        return refused(DeviceError("No device sign-in was started in this browser: press Start first.", 404))
    if attempt["finished"]:
        return refused(DeviceError(f"This attempt is over ({attempt['finished']}): start another.", 409))
    if attempt["last_poll"] and time.time() - attempt["last_poll"] < POLL_FLOOR:
        error = "At most one poll a second from this page (the app's own floor): wait a moment."
        return error_response(429, "Too many polls", error, headers={"Retry-After": "1"})
    interval_before = attempt["interval"]
    try:
        status, tokens = device_grant.poll(attempt)
    except DeviceError as error:
        save(attempt)
        take_recorded()
        return refused(error)
    detail = tokens.get("error_description") if status == "refused" else None
    if status == "approved":
        try:
            finish(attempt, tokens)
        except DeviceError as error:
            detail = error.reason
    elif status in FINAL_ERRORS:
        attempt["finished"] = status
    poll, wire = record_poll(attempt, status, detail)
    if wants_page():
        return redirect(url_for("oauth.device_page", _anchor="step-poll"))
    return {
        **poll,
        "explanation": OUTCOMES[status],
        "interval_before": interval_before,
        "finished": attempt["finished"],
        "wire": wire,
    }


@bp.post("/device/reset")
def device_reset():
    """Forget this attempt (the provider lets its codes expire)."""
    session.pop("oauth_device", None)
    return redirect(url_for("oauth.device_page"))
