"""The wire panel's server half: record HTTP exchanges as they crossed the wire, minus secrets.

A browser cannot show a page its own `Cookie` header or a response's `Set-Cookie` (fetch hides
both), so a page that wants its exchange shown adds `X-Wire: capture`. A WSGI middleware then
records the request as it arrived and the response as it left (after Flask has saved the session
and set its cookie), stores the record under a random id and answers with `X-Wire-Id`. The id
is a 256-bit capability: only the browser that made the request learns it; records expire.
Server-to-server hops (the OAuth back channel, the scale-out relay) are recorded with
`exchange_from_requests`, through the same redaction and the same bounds. A top-level
navigation cannot send that header, so a view may ask for its own exchange to be recorded
(`ask_to_record`: the OAuth dance's login and callback); and a record another party made of
its side (the provider's wire log) is shown through the same path (`exchange_from_party`).

Anyone can ask for a capture, signed in or not, so the panel is attack surface twice over:
LAB-2 (a record never holds a secret in full: `redacted`) and LAB-1 (records are bounded and
capture is throttled, nobody fills the disk: `bounded` and `save`).

    redact.py    the one home of display and redaction: shortening, masking (LAB-2)
    headers.py   Cookie, Set-Cookie and Authorization, redacted by their own rules
    body.py      a message body, read by what it is and redacted
    exchange.py  one exchange as recorded: redacted, then bounded
    store.py     WireRecord, the bounds, and saving a record within them (LAB-1)
    capture.py   the middleware that records a browser's exchange (HDR-7: never breaks it)
    relay.py     server-to-server hops: the OAuth back channel, the scale-out relay; and
                 another party's record of its own side
"""

from flask import Blueprint, abort, jsonify

from .capture import WireCapture, ask_to_record
from .redact import MASKED, first_characters, shortened
from .relay import exchange_from_party, exchange_from_requests, forward
from .store import WireRecord, load

__all__ = [
    "MASKED",
    "WireCapture",
    "WireRecord",
    "ask_to_record",
    "exchange_from_party",
    "exchange_from_requests",
    "first_characters",
    "forward",
    "load",
    "shortened",
]

bp = Blueprint("wire", __name__, url_prefix="/wire")


def init_app(app):
    app.register_blueprint(bp)
    app.wsgi_app = WireCapture(app, app.wsgi_app)


@bp.get("/<record_id>")
def show(record_id):
    """Hand a captured exchange to the page that caused it."""
    if len(record_id) > 64:
        abort(404)
    exchange = load(record_id)
    if exchange is None:
        abort(404, "This exchange is unknown or has expired.")
    return jsonify(exchange)
