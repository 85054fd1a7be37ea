"""The wire panel's server half: record HTTP exchanges exactly as they crossed the wire.

A browser cannot show a page its own `Cookie` header or a response's `Set-Cookie` (fetch hides
both), so a page that wants its exchange shown adds `X-Wire: capture`. A WSGI middleware then
records the request as it arrived and the response as it left (after Flask has saved the session
and set its cookie), stores the record under a random id and answers with `X-Wire-Id`. The id
is a 256-bit capability: only the browser that made the request learns it; records expire.
Server-to-server hops (the OAuth back channel) are recorded with `exchange_from_requests`.
"""

import io
import json
import secrets
from datetime import timedelta

from flask import Blueprint, abort, jsonify

from extensions import db
from models import WireRecord, utcnow

bp = Blueprint("wire", __name__, url_prefix="/wire")

KEEP_FOR = timedelta(minutes=15)
MAX_BODY = 16 * 1024  # characters of a body shown; the rest is marked as cut


def init_app(app):
    app.register_blueprint(bp)
    app.wsgi_app = WireCapture(app, app.wsgi_app)


# -- What a record may show -------------------------------------------------------------------
#
# HttpOnly exists so that page scripts cannot read a cookie. The wire panel is read by page
# script, so a record must not undo that: the values of HttpOnly cookies are cut to their first
# characters, in Set-Cookie and in the request's Cookie header alike. Otherwise one injected
# script could ask for a capture and read the session id that HttpOnly hides from it.


def hidden_cookie_names(config):
    """The cookies this app sets HttpOnly (their values never appear whole in a record)."""
    return {
        config["SESSION_COOKIE_NAME"],
        config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        config.get("JWT_ACCESS_COOKIE_NAME", "access_token_cookie"),
        config.get("JWT_REFRESH_COOKIE_NAME", "refresh_token_cookie"),
    }


def shorten(pair, hidden):
    """`name=value`, the value cut to its first characters when the cookie is HttpOnly."""
    name, sep, value = pair.partition("=")
    if name.strip() not in hidden or len(value) <= 8:
        return pair
    return f"{name}={value[:6]}… ({len(value)} characters, shortened on this page)"


def shown_headers(headers, hidden):
    """Headers as [name, value] pairs, HttpOnly cookie values shortened."""
    shown = []
    for name, value in headers:
        lower = name.lower()
        if lower == "cookie":
            value = "; ".join(shorten(pair.strip(), hidden) for pair in value.split(";"))
        elif lower == "set-cookie":
            pair, sep, attributes = value.partition(";")
            if "httponly" in attributes.lower():
                value = shorten(pair, hidden | {pair.partition("=")[0]}) + sep + attributes
        shown.append([name, value])
    return shown


# Fields whose values are never stored in a record, even though the browser sent them: a
# record sits in the database for a quarter of an hour, and a password must never sit anywhere.
SECRET_FIELDS = {"password", "current_password", "new_password", "confirm", "client_secret"}


def without_secrets(body, mimetype):
    """The body with the values of SECRET_FIELDS replaced (JSON objects and form bodies)."""
    if mimetype.endswith("json"):
        try:
            data = json.loads(body)
        except ValueError:
            return body
        if isinstance(data, dict) and SECRET_FIELDS & data.keys():
            return json.dumps({k: "•••• (not recorded)" if k in SECRET_FIELDS else v for k, v in data.items()})
        return body
    if mimetype == "application/x-www-form-urlencoded":
        for name in SECRET_FIELDS:
            body = mask_form_field(body, name)
    return body


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


# -- Capturing a browser's exchange ------------------------------------------------------------


class WireCapture:
    """WSGI middleware: records an exchange that asked for it, as it leaves the app."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("HTTP_X_WIRE") != "capture" or path.startswith(("/wire/", "/static/")):
            return self.wsgi_app(environ, start_response)
        request_body = self.read_body(environ)
        record_id = secrets.token_urlsafe(32)
        sent = {}

        def capture_start(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, list(headers)
            return start_response(status, [*headers, ("X-Wire-Id", record_id)], exc_info)

        result = self.wsgi_app(environ, capture_start)
        try:
            response_body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        with self.app.app_context():
            save(record_id, self.record(environ, request_body, sent, response_body))
        return [response_body]

    def read_body(self, environ):
        """Read the request body (within the app's size limit) and hand the app a fresh copy."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return b""
        if not 0 < length <= self.app.config["MAX_CONTENT_LENGTH"]:
            return b""
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def record(self, environ, request_body, sent, response_body):
        hidden = hidden_cookie_names(self.app.config)
        request_headers = [
            [key[5:].replace("_", "-").title(), value]
            for key, value in environ.items()
            if key.startswith("HTTP_") and key != "HTTP_X_WIRE"
        ]
        if environ.get("CONTENT_TYPE"):
            request_headers.append(["Content-Type", environ["CONTENT_TYPE"]])
        query = environ.get("QUERY_STRING")
        url = f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}"
        response_type = next((v for k, v in sent["headers"] if k.lower() == "content-type"), "")
        request_type = (environ.get("CONTENT_TYPE") or "").split(";")[0]
        return exchange(
            environ["REQUEST_METHOD"],
            url + (f"?{query}" if query else ""),
            shown_headers(request_headers, hidden),
            without_secrets(body_text(request_body, request_type), request_type),
            sent["status"],
            shown_headers(sent["headers"], hidden),
            body_text(response_body, response_type.split(";")[0]),
        )


def save(record_id, record):
    """Store a record under its id; records older than KEEP_FOR are dropped."""
    db.session.execute(db.delete(WireRecord).where(WireRecord.created_at < utcnow() - KEEP_FOR))
    db.session.add(WireRecord(id=record_id, data=json.dumps(record)))
    db.session.commit()
    return record_id


# -- Server-to-server hops ---------------------------------------------------------------------


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
