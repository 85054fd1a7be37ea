"""Capturing a browser's exchange: a WSGI middleware that records what asked to be recorded.

A page that wants its exchange shown sends `X-Wire: capture`; the request is recorded as it
arrived and the response as it left (after Flask has saved the session and set its cookie),
and the answer says where the record is (`X-Wire-Id`) or why there is none (`X-Wire-Skipped`).
"""

import io

from .exchange import Message, bounded
from .store import client_of, save


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
        sent, chunks = {}, []

        # The app's answer is held back until the record is made, so that its headers can say
        # whether it was (X-Wire-Id) or why not (X-Wire-Skipped).
        def capture_start(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, list(headers)
            return chunks.append

        result = self.wsgi_app(environ, capture_start)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        response_body = b"".join(chunks)
        outcome = self.keep(environ, request_body, sent, response_body)
        start_response(sent["status"], [*sent["headers"], outcome])
        return [response_body]

    # HDR-7: recording must never break the response. Whatever goes wrong while a record is
    # made or stored (input of a shape nobody foresaw, a locked database), the app's own answer,
    # with its security headers, goes out unrecorded and says so.
    def keep(self, environ, request_body, sent, response_body):
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
                return save(record, client_of(environ))
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
        url = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}"
        return url + (f"?{query}" if query else "")
