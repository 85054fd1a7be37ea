"""Request bodies: the one JSON parser of the app. Every view reads its JSON through here.

HDR-7: bad input of any shape gets a 4xx, never a 5xx. Python's json module parses nested
arrays and objects by recursion, so a 2 KB body of `[[[[…` a thousand deep raises
RecursionError (not the ValueError that `request.get_json(silent=True)` catches), and the
request ends as a 500. The bounds are checked here, before the parser runs, once for the
whole app: a body too large is a 413, one that is not UTF-8 JSON or is nested deeper than any
endpoint needs is a 400 that says so, in the app's one error shape (answers.py).
"""

import json
import re

from flask import request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

# No endpoint of the app takes more: a token is at most 8 KB, a cookie 4 KB, a sign-in 200 bytes.
MAX_BYTES = 64 * 1024
# An object inside an array inside an object is depth 3; nothing here needs more than a few.
MAX_DEPTH = 32

# A JSON string, skipped whole when counting brackets: a "[" inside a string is text.
STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
BRACKET = re.compile(r"[\[\]{}]")


class MalformedJSON(BadRequest):
    """A JSON body the app will not parse: a 400 with the reason (errors.handle_http_error)."""

    description = "the JSON body is malformed or nested too deep"


def too_deep(text, limit=MAX_DEPTH):
    """True when arrays and objects in `text` nest deeper than `limit` (a scan, no recursion)."""
    depth = 0
    for bracket in BRACKET.findall(STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def parse(data):
    """Parse JSON bytes within the bounds above; raises MalformedJSON (or a 413) when it will not.

    RFC 8259 §8.1: JSON exchanged between systems is UTF-8, so anything else (an overlong
    encoding, an encoded surrogate, UTF-16) is refused rather than guessed at. The same goes
    for an escaped lone surrogate ("\\ud800", §8.2): it parses to a string that is not text,
    which no database query, comparison or log line could encode.
    """
    if len(data) > MAX_BYTES:
        raise RequestEntityTooLarge(f"A JSON body is at most {MAX_BYTES // 1024} KiB here.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedJSON() from exc
    if too_deep(text):
        raise MalformedJSON()
    try:
        value = json.loads(text)
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    except ValueError as exc:  # a syntax error, an integer of over 4300 digits, a lone surrogate
        raise MalformedJSON() from exc
    return value


def json_body():
    """The request's parsed JSON body, or None when it has none (not JSON, or empty)."""
    data = request.get_data(cache=True) if request.is_json else b""
    return parse(data) if data else None


def json_object():
    """The request's JSON object, or {} (a list, a string or no JSON at all counts as empty)."""
    data = json_body()
    return data if isinstance(data, dict) else {}
