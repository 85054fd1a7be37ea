"""The wire panel's server half: record HTTP exchanges exactly as the server saw them.

A browser cannot show a page its own `Cookie` header or a response's `Set-Cookie` (fetch hides
both), so a page that wants its exchange shown adds `X-Wire: capture`; the server stores what it
received and sent under a random id and answers with `X-Wire-Id`. The id is a 256-bit
capability: only the browser that made the request learns it, and records expire quickly.
Server-to-server hops (the OAuth back channel) are recorded with `exchange_from_requests`.
"""

import json
import secrets
from datetime import timedelta

from flask import Blueprint, abort, jsonify, request

from extensions import db
from models import WireRecord, utcnow

bp = Blueprint("wire", __name__, url_prefix="/wire")

KEEP_FOR = timedelta(minutes=15)
MAX_BODY = 16 * 1024  # characters of a body shown; the rest is marked as cut


def init_app(app):
    app.register_blueprint(bp)
    app.after_request(capture_if_asked)


def clip(text):
    if text is None:
        return ""
    if len(text) > MAX_BODY:
        return text[:MAX_BODY] + f"\n... ({len(text) - MAX_BODY} more characters not shown)"
    return text


def body_text(data, mimetype):
    if not data:
        return ""
    if not (mimetype.startswith("text/") or mimetype.endswith("json") or "form" in mimetype):
        return f"({len(data)} bytes of {mimetype or 'binary data'})"
    return clip(data.decode("utf-8", "replace") if isinstance(data, bytes) else data)


def exchange(method, url, request_headers, request_body, status, response_headers, response_body, hop="browser"):
    """One exchange in the shape the wire panel renders (static/js/wire.js)."""
    return {
        "hop": hop,
        "request": {"method": method, "url": url, "headers": request_headers, "body": request_body},
        "response": {"status": status, "headers": response_headers, "body": response_body},
    }


def capture_if_asked(response):
    if request.headers.get("X-Wire") != "capture" or request.blueprint == "wire":
        return response
    response_body = "" if response.direct_passthrough else body_text(response.get_data(), response.mimetype or "")
    record = exchange(
        request.method,
        request.url,
        [[k, v] for k, v in request.headers.items() if k != "X-Wire"],
        body_text(request.get_data(cache=True), request.mimetype or ""),
        f"{response.status_code} {response.status.split(' ', 1)[-1]}",
        [[k, v] for k, v in response.headers.items()],
        response_body,
    )
    response.headers["X-Wire-Id"] = save(record)
    return response


def save(record):
    """Store a record and return its id; records older than KEEP_FOR are dropped."""
    record_id = secrets.token_urlsafe(32)
    db.session.execute(db.delete(WireRecord).where(WireRecord.created_at < utcnow() - KEEP_FOR))
    db.session.add(WireRecord(id=record_id, data=json.dumps(record)))
    db.session.commit()
    return record_id


def exchange_from_requests(response, hop="server to server", mask=()):
    """Record a `requests` exchange (app -> provider) the way the wire panel shows it.

    Values of the named form fields or headers (client secrets) are masked.
    """
    sent = response.request
    body = sent.body.decode("utf-8", "replace") if isinstance(sent.body, bytes) else (sent.body or "")
    for name in mask:
        body = mask_form_field(body, name)
    headers = [[k, "*** (masked)" if k in mask else v] for k, v in sent.headers.items()]
    return exchange(
        sent.method,
        sent.url,
        headers,
        clip(body),
        f"{response.status_code} {response.reason}",
        [[k, v] for k, v in response.headers.items()],
        body_text(response.content, response.headers.get("Content-Type", "")),
        hop=hop,
    )


def mask_form_field(body, name):
    parts = []
    for pair in body.split("&"):
        key, sep, value = pair.partition("=")
        parts.append(f"{key}=***masked***" if key == name and sep else pair)
    return "&".join(parts)


@bp.get("/<record_id>")
def show(record_id):
    """Hand a captured exchange to the page that caused it."""
    if len(record_id) > 64:
        abort(404)
    record = db.session.get(WireRecord, record_id)
    if record is None or record.created_at < utcnow() - KEEP_FOR:
        abort(404, "This exchange is unknown or has expired.")
    return jsonify(json.loads(record.data))
