"""Server-to-server hops: this server calling another, recorded for the wire panel.

Two hops leave this server on a learner's behalf: the OAuth back channel (blueprints/oauth/
client.py) and the scale-out relay, which forwards the browser's own cookie to the app and
its replica as a load balancer would (blueprints/session/scaleout.py). Each hop's record goes
through the same redaction and the same bounds as a browser's capture (wire/exchange.py).
"""

import requests
from flask import current_app, request

from .exchange import Message, bounded

HOP_TIMEOUT = 5  # seconds; an instance that does not answer is reported, not waited for


def exchange_from_requests(response, hop="server to server"):
    """Record a `requests` exchange (this server -> another) as the wire panel shows it.

    The same redaction and bounds as a browser's capture: a hop carries the browser's own
    cookies (the scale-out relay) or the client's secret (the OAuth back channel), and a
    record of it reaches page script just the same. Never raises: a hop that cannot be
    recorded is shown as such.
    """
    sent = response.request
    body = sent.body.encode() if isinstance(sent.body, str) else (sent.body or b"")
    status = f"{response.status_code} {response.reason or ''}".strip()
    try:
        # urllib3 keeps each Set-Cookie line apart; requests' own dict joins them with commas.
        raw = getattr(getattr(response, "raw", None), "headers", None)
        received = list(raw.items()) if hasattr(raw, "getlist") else list(response.headers.items())
        return bounded(
            hop,
            sent.method,
            sent.url,
            status,
            Message(list(sent.headers.items()), body if isinstance(body, bytes) else None),
            Message(received, response.content),
        )
    except Exception:
        current_app.logger.exception("wire: could not record a hop to %s", sent.url.split("?")[0])
        empty = {"headers": [], "body": "(this exchange could not be recorded)"}
        return {
            "hop": hop,
            "request": {"method": sent.method, "url": "", **empty},
            "response": {"status": status, **empty},
        }


def exchange_from_party(record, hop):
    """A record another party made of its own side (the provider's wire log), as shown here.

    The other party's redaction is trusted for nothing: its record goes through this app's
    one redaction path and bounds (wire/exchange.py) as if it had been captured here. A record
    of any other shape is shown as unreadable, never passed on.
    """
    try:
        request, response = record["request"], record["response"]
        sides = [
            Message([(str(name), str(value)) for name, value in side["headers"]], str(side["body"]).encode())
            for side in (request, response)
        ]
        return bounded(hop, str(request["method"]), str(request["url"]), str(response["status"]), *sides)
    except (AttributeError, KeyError, TypeError, ValueError):
        empty = {"headers": [], "body": "(the other party sent a record this app cannot read: not shown)"}
        return {"hop": hop, "request": {"method": "?", "url": "", **empty}, "response": {"status": "?", **empty}}


def forward(method, url, cookies=None, **kwargs):
    """One hop to an instance, carrying the browser's cookies and User-Agent; (status, record).

    flask-login's strong protection binds a session to the browser's address and
    User-Agent, so a load balancer passes them on; so does this.
    """
    headers = {"User-Agent": request.headers.get("User-Agent", ""), **kwargs.pop("headers", {})}
    try:
        response = requests.request(method, url, cookies=cookies, headers=headers, timeout=HOP_TIMEOUT, **kwargs)
    except (requests.RequestException, UnicodeError) as exc:  # UnicodeError: a header HTTP cannot carry
        return None, {"error": f"{url} did not answer ({type(exc).__name__}). Is it running (make run)?"}
    # The hop carries the browser's own session cookie, and its record goes back to page
    # script: exchange_from_requests shortens it as the browser capture does (LAB-2), so the
    # relay cannot undo HttpOnly.
    return response, exchange_from_requests(response, hop="app server to instance")
