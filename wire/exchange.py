"""One exchange in the shape the wire panel renders: redacted first (LAB-2), then bounded (LAB-1).

Both the browser's capture (wire/capture.py) and the server-to-server hops (wire/relay.py)
make their records here, so there is one redaction path and one set of bounds.
"""

from dataclasses import dataclass

from flask import current_app

from .body import redacted_body
from .headers import readable_cookies, redacted_header
from .redact import redacted_url
from .store import (
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_HEADERS,
    MAX_NAME_BYTES,
    MAX_URL_BYTES,
    MAX_VALUE_BYTES,
    clip,
    stored_size,
)


@dataclass
class Message:
    """One side of an exchange as it crossed the wire: (name, value) headers, the body's bytes."""

    headers: list
    body: bytes | None  # None: not read (no Content-Length, or streamed)

    @property
    def content_type(self):
        return next((str(v) for k, v in self.headers if str(k).lower() == "content-type"), "")


def redacted(message, readable):
    """One message's headers and body, as recorded: the single redaction path (LAB-2)."""
    headers = [(str(name), redacted_header(str(name), str(value), readable)) for name, value in message.headers]
    return headers, redacted_body(message.body, message.content_type)


def bounded_headers(headers):
    """At most MAX_HEADERS lines and MAX_HEADER_BYTES, each name and value clipped (LAB-1)."""
    kept, used = [], 0
    for index, (name, value) in enumerate(headers):
        pair = [clip(name, MAX_NAME_BYTES), clip(value, MAX_VALUE_BYTES)]
        cost = stored_size(pair[0]) + stored_size(pair[1])
        if len(kept) == MAX_HEADERS or used + cost > MAX_HEADER_BYTES:
            bound = f"a record keeps {MAX_HEADERS} lines, {MAX_HEADER_BYTES} bytes"
            kept.append(["…", f"{len(headers) - index} more header lines not recorded ({bound}: LAB-1)"])
            break
        kept.append(pair)
        used += cost
    return kept


def bounded(hop, method, url, status, request, response):
    """One exchange in the shape the wire panel renders, redacted (LAB-2), then bounded (LAB-1).

    Redaction comes first and sees everything: a body cut before its secret field is masked
    would leave the secret's first characters in the record.
    """
    readable = readable_cookies(current_app.config)
    sides = {}
    for side, message in (("request", request), ("response", response)):
        headers, body = redacted(message, readable)
        sides[side] = {"headers": bounded_headers(headers), "body": clip(body, MAX_BODY_BYTES)}
    return {
        "hop": hop,
        "request": {"method": clip(method, 32), "url": clip(redacted_url(url), MAX_URL_BYTES), **sides["request"]},
        "response": {"status": clip(status, 64), **sides["response"]},
    }
