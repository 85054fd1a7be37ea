"""Capturing a browser's exchange: a WSGI middleware that records what asked to be recorded.

A page that wants its exchange shown sends `X-Wire: capture`; the request is recorded as it
arrived and the response as it left (after Flask has saved the session and set its cookie),
and the answer says where the record is (`X-Wire-Id`) or why there is none (`X-Wire-Skipped`).

A top-level navigation cannot add a header (the OAuth dance's GET /oauth/login and its
callback), so a view may ask instead: `ask_to_record()` reserves the record's id, which the
view keeps on the server (in the session), and the exchange is recorded under it as it
leaves. The id never goes to the browser: only the page the view renders shows the record.
"""

import io

from flask import request

from .exchange import Message, bounded
from .store import client_of, new_id, save

ASKED = "authlab.wire.record_as"  # the environ key a view sets (ask_to_record)


def ask_to_record():
    """Record this GET exchange as it leaves the app; the id it will be kept under, or None.

    GETs only: their body is empty, so nothing is lost by not reading it before the view did.
    """
    if request.method != "GET":
        return None
    record_id = request.environ[ASKED] = new_id()
    return record_id


class WireCapture:
    """WSGI middleware: records an exchange that asked for it, as it leaves the app."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(("/wire/", "/static/")):
            return self.wsgi_app(environ, start_response)
        if environ.get("HTTP_X_WIRE") != "capture":
            return self.if_asked(environ, start_response)
        request_body = self.read_body(environ)
        sent, chunks = {}, []

        # The app's answer is held back until the record is made, so that its headers can say
        # whether it was (X-Wire-Id) or why not (X-Wire-Skipped).
        def capture_start(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, list(headers)
            return chunks.append

        result = self.wsgi_app(environ, capture_start)
        response_body = drained(result, chunks)
        outcome = self.keep(environ, request_body, sent, response_body)
        start_response(sent["status"], [*sent["headers"], outcome])
        return [response_body]

    def if_asked(self, environ, start_response):
        """Pass the exchange through, unless the view asked for a record (ask_to_record)."""
        sent, chunks = {}, []
        answering = [True]

        def asked_start(status, headers, exc_info=None):
            if ASKED not in environ or not answering[0]:
                return start_response(status, headers, exc_info)
            sent["status"], sent["headers"] = status, list(headers)
            return chunks.append

        result = self.wsgi_app(environ, asked_start)
        answering[0] = False  # an iterable that starts its answer later is passed through
        if not sent:
            return result
        response_body = drained(result, chunks)
        # A view asks for GETs only: no body was sent, and none was read here.
        self.keep(environ, b"", sent, response_body, environ[ASKED])
        start_response(sent["status"], sent["headers"])
        return [response_body]

    # HDR-7: recording must never break the response. Whatever goes wrong while a record is
    # made or stored (input of a shape nobody foresaw, a locked database), the app's own answer,
    # with its security headers, goes out unrecorded and says so.
    def keep(self, environ, request_body, sent, response_body, record_id=None):
        try:
            with self.app.app_context():
                record = bounded(
                    "browser",
                    environ.get("REQUEST_METHOD", ""),
                    self.url(environ),
                    sent["status"],
                    Message(self.request_headers(environ), request_body),
                    Message(sent["headers"], response_body),
                )
                return save(record, client_of(environ), record_id)
        except Exception:
            self.app.logger.exception("wire: could not record %s", environ.get("PATH_INFO", ""))
            return ("X-Wire-Skipped", "unrecordable")

    def read_body(self, environ):
        """Read the request body (within the app's size limit) and hand the app a fresh copy."""
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return None  # the app reads the stream itself; this never buffers an unbounded body
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return b""
        if not 0 < length <= self.app.config["MAX_CONTENT_LENGTH"]:
            return b""
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    @staticmethod
    def request_headers(environ):
        headers = [
            (key[5:].replace("_", "-").title(), value)
            for key, value in environ.items()
            if key.startswith("HTTP_") and key != "HTTP_X_WIRE"
        ]
        for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
            if environ.get(key):
                headers.append((name, environ[key]))
        return headers

    @staticmethod
    def url(environ):
        query = environ.get("QUERY_STRING")
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")  # with the mount point, if any
        url = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}{path}"
        return url + (f"?{query}" if query else "")


def drained(result, chunks):
    """The whole body of a WSGI answer (what start_response's write got, then the iterable), closed after."""
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return b"".join(chunks)
