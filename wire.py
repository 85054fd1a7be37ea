"""The wire panel's server half: record HTTP exchanges as they crossed the wire, minus secrets.

A browser cannot show a page its own `Cookie` header or a response's `Set-Cookie` (fetch hides
both), so a page that wants its exchange shown adds `X-Wire: capture`. A WSGI middleware then
records the request as it arrived and the response as it left (after Flask has saved the session
and set its cookie), stores the record under a random id and answers with `X-Wire-Id`. The id
is a 256-bit capability: only the browser that made the request learns it; records expire.
Server-to-server hops (the OAuth back channel, the scale-out relay) are recorded with
`exchange_from_requests`, through the same redaction and the same bounds.

Anyone can ask for a capture, signed in or not, so the panel is attack surface twice over:
LAB-2 (a record never holds a secret in full: `redacted`) and LAB-1 (records are bounded and
capture is throttled, nobody fills the disk: `bounded` and `save`).
"""

import base64
import io
import ipaddress
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote_plus

from flask import Blueprint, abort, current_app, jsonify
from sqlalchemy import Index, String, and_, case, func
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import parse_form_data
from werkzeug.http import parse_options_header

import bodies
from extensions import db
from models import utcnow

bp = Blueprint("wire", __name__, url_prefix="/wire")


def init_app(app):
    app.register_blueprint(bp)
    app.wsgi_app = WireCapture(app, app.wsgi_app)


# -- LAB-1: the bounds ------------------------------------------------------------------------
#
# A capture costs its sender one header and costs the server a row for a quarter of an hour.
# Without bounds, one unauthenticated request with twenty 60 KB headers stored 1.2 MB, and a
# loop of them fills the disk the sessions and the JWT blocklist live on. So every piece of a
# record has a size (measured as stored, in bytes of JSON), a record has a total, each client
# address has a rate and a number of live records, and the store has a total in rows and bytes.
# The sum of the pieces below stays under MAX_RECORD_BYTES; `save` checks the total anyway.
# Over a bound the request is still served normally; it is just not recorded, and the answer
# says why in `X-Wire-Skipped` (static/js/wire.js tells the student).

KEEP_FOR = timedelta(minutes=15)  # a record's lifetime; the page fetches it at once
MAX_RECORD_BYTES = 32 * 1024  # one stored record, as JSON
MAX_URL_BYTES = 1024
MAX_NAME_BYTES = 128  # one header name
MAX_VALUE_BYTES = 1024  # one header value (a shortened cookie or token is far less)
MAX_HEADERS = 40  # header lines kept per message
MAX_HEADER_BYTES = 6 * 1024  # all header lines of one message together
MAX_BODY_BYTES = 8 * 1024  # one body; the rest is marked as cut

# A lab page makes a capture per button press; a scripted browser run of every lab (the tests,
# an instructor's rehearsal) makes about a hundred in a minute from one address.
CAPTURES_PER_MINUTE = 120  # per client address
RECORDS_PER_CLIENT = 500  # live records per client address...
CLIENT_BYTES = 4 * 1024 * 1024  # ...and their bytes: 128 records at the largest, ~1000 usual ones
MAX_RECORDS = 5000  # live records, all clients together
MAX_STORE_BYTES = 32 * 1024 * 1024  # live records' bytes, all clients together


class WireRecord(db.Model):
    """One HTTP exchange captured for the wire panel, readable by whoever holds its id."""

    # Not "wire_records": that older table had no client or size to count by (LAB-1).
    __tablename__ = "wire_exchanges"
    __table_args__ = (Index("ix_wire_exchanges_client_created_at", "client", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(64))  # the address (an IPv6 /64) that asked
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    size: Mapped[int]  # len(data): what the per-store byte bound adds up
    data: Mapped[str] = mapped_column(db.Text)


# -- LAB-2: what a record may show ------------------------------------------------------------
#
# The panel is read by page script and the record sits in the database for a quarter of an
# hour, so a record must neither undo HttpOnly nor keep anything that signs somebody in. Every
# record, from a browser or from a server-to-server hop, goes through `redacted` (one path).
# What the lesson needs to see is kept; what would let a reader act as somebody is not:
#
# - Masked whole: passwords and other secrets by field name (password, passwd, passphrase,
#   anything with "secret" such as client_secret, confirm, pin, otp, api and private keys), in
#   form bodies, JSON at any depth, multipart fields, the query string, and headers so named.
#   No lesson needs a password's value; its presence is the lesson.
# - Authorization: Basic keeps its scheme and the user name, the credentials are masked:
#   base64 is an encoding, not encryption, so the header IS the password (or client secret).
# - Shortened (enough to recognise, never enough to use): Bearer tokens, and the fields
#   access_token, refresh_token, token, assertion and client_assertion. A JWT keeps its header
#   and payload, which anyone holding it can read and which are the lesson, and loses its
#   signature, without which nobody can use it; any other value keeps 6 characters.
# - Cookies: in a Cookie header every value is shortened except the CSRF double-submit halves,
#   which page script reads by design (a request does not say which cookies are HttpOnly, so
#   each is assumed to be). In Set-Cookie an HttpOnly value is shortened and its flags are kept
#   whole (they are the lesson); a cookie without HttpOnly is shown, as script can read it.
# - Shown whole in the OAuth back channel: code, state, nonce, client_id, redirect_uri,
#   code_verifier and id_token. Each is public or spent by the time any page can show it: the
#   code is single-use and already redeemed, the verifier unlocks only that code and only
#   with the client secret, which is masked (step 4 shows it beside the challenge of step 1),
#   and the id_token is shown verified in step 5 while no API accepts it (JWT-4).
# - Default deny: a body this module cannot read safely (JSON the app's own parser refuses,
#   plain text, multipart that does not parse) is kept only if it names no secret field, and
#   the contents of uploaded files are never kept.
#
# Field names are compared as the app would read them and then some: percent-decoded (more than
# once), Unicode-normalised, case-folded, punctuation dropped (`pass%77ord`, `PassWord`,
# `user[password]`, `new-password`). Masking a harmless field costs nothing; missing one leaks.

MASKED = "*** (masked), not recorded"

SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "apikey", "privatekey")
SECRET_NAMES = {"confirm", "pin", "otp"}
TOKEN_NAMES = {"accesstoken", "refreshtoken", "token", "assertion", "clientassertion"}
SHORT_ENOUGH = 8  # a value this short is no credential of this app (its ids are 32+ characters)
MASK, SHORTEN = "mask", "shorten"


def normalised(name):
    """A field name as any parser might read it: decoded, folded, letters and digits only."""
    name = str(name)
    for _ in range(3):
        decoded = unquote_plus(name)
        if decoded == name:
            break
        name = decoded
    name = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in name if ch.isalnum())


def field_kind(name):
    """MASK for a secret's name, SHORTEN for a token's, None for a field shown whole."""
    key = normalised(name)
    if key in SECRET_NAMES or any(word in key for word in SECRET_WORDS):
        return MASK
    if key in TOKEN_NAMES:
        return SHORTEN
    return None


def mentions_secret(text):
    """True when free text names a secret or token field (with JSON escapes decoded)."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    key = normalised(text)
    return any(word in key for word in (*SECRET_WORDS, "accesstoken", "refreshtoken"))


def jwt_parts(value):
    """(header, payload, signature) when `value` is a compact JWS, else None."""
    parts = value.split(".")
    if len(parts) != 3 or len(parts[0]) > 1024:
        return None
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, RecursionError):
        return None
    return parts if isinstance(header, dict) and "alg" in header else None


def shortened(value):
    """Enough of a credential to recognise it, never enough to use it."""
    value = str(value)
    if len(value) <= SHORT_ENOUGH or value.endswith(("shortened on this page)", "not recorded)")):
        return value  # short, or shortened already (a record nested in another)
    jwt = jwt_parts(value)
    if jwt:
        return f"{jwt[0]}.{jwt[1]}.… (signature, {len(jwt[2])} characters, not recorded)"
    return f"{value[:6]}… ({len(value)} characters, shortened on this page)"


def hidden_value(name, value):
    """A field's value as recorded: masked or shortened by its name, else redacted_text."""
    kind = field_kind(name)
    if kind is MASK:
        return MASKED
    if isinstance(value, str):
        return shortened(value) if kind is SHORTEN else redacted_text(value)
    return value


def redacted_text(text):
    """A string value that holds fields of its own, redacted as those; other text as it is.

    JSON inside a JSON string is how the wire panel nests its own records (the scale-out
    answer carries each hop's record), and how a client may wrap a body; `a=b` pairs inside a
    value are read by name only. Free text ("wrong username or password") stays readable.
    """
    if text.lstrip()[:1] in ("{", "["):
        inner = redacted_json(text.encode())
        if inner is not None:
            return inner
    return redacted_pairs(text) if "=" in text else text


def readable_cookies(config):
    """The cookies this app leaves readable by page script on purpose (JWT-8's double submit)."""
    return {
        config.get("JWT_ACCESS_CSRF_COOKIE_NAME", "csrf_access_token"),
        config.get("JWT_REFRESH_CSRF_COOKIE_NAME", "csrf_refresh_token"),
    }


def redacted_cookie(pair, readable):
    name, sep, value = pair.partition("=")
    if not sep:
        return shortened(pair)
    return pair if name.strip() in readable else f"{name}={shortened(value)}"


def redacted_header(name, value, readable):
    """One header's value as recorded (LAB-2)."""
    lower = name.lower()
    if lower == "cookie":
        # Split on "," too: a server joining two Cookie lines must not hide one behind the other.
        return "; ".join(redacted_cookie(pair, readable) for pair in re.split(r"\s*[;,]\s*", value) if pair)
    if lower == "set-cookie":
        pair, sep, attributes = value.partition(";")
        if any(flag.strip().lower() == "httponly" for flag in attributes.split(";")):
            return redacted_cookie(pair, set()) + sep + attributes
        return value  # no HttpOnly: script reads it anyway, and the panel says so
    if lower in ("authorization", "proxy-authorization"):
        return redacted_authorization(value)
    return hidden_value(name, value) if field_kind(name) else value


def redacted_authorization(value):
    """The scheme whole; Basic credentials masked, a Bearer token shortened, others masked."""
    scheme, space, credentials = value.strip().partition(" ")
    if not space:
        return shortened(value)
    if scheme.lower() == "bearer":
        return f"{scheme} {shortened(credentials.strip())}"
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[0]
        except ValueError:
            user = ""
        named = f' (base64 of "{user}:…")' if user.isprintable() and 0 < len(user) <= 64 else ""
        return f"{scheme} {MASKED}{named}"
    return f"{scheme} {MASKED}"


def redacted_pairs(text):
    """`a=1&b=2` (a form body or a query) with secret values masked and tokens shortened."""
    pieces = re.split(r"([&;])", text)  # ";" too: masking more than a parser reads costs nothing
    for index in range(0, len(pieces), 2):
        name, sep, value = pieces[index].partition("=")
        kind = field_kind(name)
        if sep and kind:
            pieces[index] = f"{name}={MASKED if kind is MASK else shortened(unquote_plus(value))}"
    return "".join(pieces)


def redacted_json(data):
    """A JSON body with secrets masked at any depth, or None when it cannot be walked safely.

    It is parsed by the app's own parser (bodies.py), which refuses what the app refuses: a
    body nested a thousand deep once crashed every endpoint here in the recursive json module
    (HDR-7). The walk is a loop with its own stack. Duplicate keys are read as the app reads
    them (the last one wins), so the value masked is the one the app would have used.
    """
    try:
        document = bodies.parse(data)
    except HTTPException:  # too large, not UTF-8, too deep, not JSON: the app refuses it too
        return None
    changed = False
    todo = [(document, 1)] if isinstance(document, dict | list) else []
    while todo:
        node, depth = todo.pop()
        for key, value in list(node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(value, str) or (isinstance(node, dict) and field_kind(key)):
                node[key] = hidden_value(key, value) if isinstance(node, dict) else redacted_text(value)
                changed = changed or node[key] != value
                value = node[key]
            if isinstance(value, dict | list):
                if depth >= bodies.MAX_DEPTH:
                    return None
                todo.append((value, depth + 1))
    if not changed:
        return data.decode()  # as sent: spacing, duplicate keys and all (bodies.parse: UTF-8)
    return json.dumps(document, ensure_ascii=False)


def redacted_multipart(data, content_type):
    """A multipart body as the app's own parser reads it: fields redacted, files never kept."""
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
    }
    limit = current_app.config["MAX_FORM_MEMORY_SIZE"]
    try:
        _, form, files = parse_form_data(environ, silent=False, max_form_memory_size=limit, max_form_parts=1000)
    except Exception:  # a bad boundary, a truncated part, a part over the limit: werkzeug's reasons
        return f"({len(data)} bytes of multipart data that does not parse: not recorded)"
    boundary = parse_options_header(content_type)[1].get("boundary", "")
    lines = []
    for name, value in form.items(multi=True):
        lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", hidden_value(name, value)]
    for name, upload in files.items(multi=True):
        size = len(upload.read())
        upload.close()
        lines += [
            f"--{boundary}",
            f'Content-Disposition: form-data; name="{name}"; filename="{upload.filename}"',
            "",
            f"({size} bytes of {upload.content_type or 'file'}: file contents are never recorded)",
        ]
    return "\n".join([*lines, f"--{boundary}--"])


def is_text(mimetype):
    return mimetype.startswith("text/") or mimetype.endswith(("json", "xml", "javascript", "urlencoded"))


def redacted_body(data, content_type):
    """A body as recorded: redacted by what it is, whatever it claims to be; None: not read."""
    if data is None:
        return "(sent without a length, chunked or streamed: not recorded)"
    if not data:
        return ""
    mimetype = parse_options_header(content_type)[0].lower()
    if mimetype == "multipart/form-data":
        return redacted_multipart(data, content_type)
    if not is_text(mimetype) and data.lstrip()[:1] not in (b"{", b"["):
        return f"({len(data)} bytes of {mimetype or 'binary data'})"
    if mimetype.endswith("json") or data.lstrip()[:1] in (b"{", b"["):
        body = redacted_json(data)
        if body is not None:
            return body
    text = data.decode("utf-8", "replace")
    if mimetype == "application/x-www-form-urlencoded":
        return redacted_pairs(cut_at_pair(text))
    # Default deny: text nothing above could read stays out when it names a secret.
    text = clip(text, MAX_BODY_BYTES)
    if mentions_secret(text):
        return f"({len(data)} bytes of {mimetype or 'text'} naming a secret field, unreadable here: not recorded)"
    return text


def cut_at_pair(text):
    """A long form body cut at a pair boundary before redaction (a cut name could hide a secret)."""
    if len(text) <= 2 * MAX_BODY_BYTES:
        return text
    return text[: 2 * MAX_BODY_BYTES].rpartition("&")[0] + "&…"


def redacted_url(url):
    base, sep, query = url.partition("?")
    return base + sep + redacted_pairs(query)


def redacted(message, readable):
    """One message's headers and body, as recorded: the single redaction path (LAB-2)."""
    headers = [(str(name), redacted_header(str(name), str(value), readable)) for name, value in message.headers]
    return headers, redacted_body(message.body, message.content_type)


# -- LAB-1: making a record fit its bounds ----------------------------------------------------


def stored_size(text):
    """Bytes `text` takes in the stored record (JSON-escaped: a NUL costs six)."""
    return len(json.dumps(text))


def clip(text, limit):
    """`text` cut so that it takes at most `limit` bytes in the record, the cut marked."""
    if len(text) < limit and stored_size(text) <= limit:
        return text
    note = f" … ({len(text)} characters in all; the rest is not recorded)"
    if stored_size(note) > limit // 2:
        note = "…"
    room = limit - stored_size(note)
    keep = max(0, min(len(text), room))
    while keep > 0 and stored_size(text[:keep]) > room:
        keep = keep * room // stored_size(text[:keep])
    return text[:keep] + note


def bounded_headers(headers):
    """At most MAX_HEADERS lines and MAX_HEADER_BYTES, each name and value clipped."""
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


@dataclass
class Message:
    """One side of an exchange as it crossed the wire: (name, value) headers, the body's bytes."""

    headers: list
    body: bytes | None  # None: not read (no Content-Length, or streamed)

    @property
    def content_type(self):
        return next((str(v) for k, v in self.headers if str(k).lower() == "content-type"), "")


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


# -- LAB-1: the store, counted where every process sees it -----------------------------------
#
# The app, its replica and every gunicorn worker share this database, so counting rows here
# bounds all of them together (a counter in memory would bound one process each). The check
# runs twice: once on a plain read, so a flood is turned away without taking the write lock,
# and again after the purge's DELETE has taken it (SQLite lets one writer in at a time), so two
# processes cannot both take the last place.


def client_of(environ):
    """Whom the per-client bounds count: the address, or its /64 (one IPv6 host has many)."""
    address = environ.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def refusal(client, size, now):
    """Why a record of `size` bytes from `client` may not be stored now, or None."""
    live = WireRecord.created_at >= now - KEEP_FOR
    mine = WireRecord.client == client
    recent = and_(mine, WireRecord.created_at >= now - timedelta(minutes=1))
    rows, stored, by_client, client_bytes, last_minute = db.session.execute(
        db.select(
            func.count(),
            func.coalesce(func.sum(WireRecord.size), 0),
            func.coalesce(func.sum(case((mine, 1), else_=0)), 0),
            func.coalesce(func.sum(case((mine, WireRecord.size), else_=0)), 0),
            func.coalesce(func.sum(case((recent, 1), else_=0)), 0),
        ).where(live)
    ).one()
    if last_minute >= CAPTURES_PER_MINUTE:
        return "throttled"
    if by_client >= RECORDS_PER_CLIENT or client_bytes + size > CLIENT_BYTES:
        return "client-limit"
    if rows >= MAX_RECORDS or stored + size > MAX_STORE_BYTES:
        return "store-full"
    return None


def save(record, client):
    """Store a record if the bounds allow: ("X-Wire-Id", id) or ("X-Wire-Skipped", reason)."""
    data = json.dumps(record)
    if len(data) > MAX_RECORD_BYTES:
        return ("X-Wire-Skipped", "too-large")  # the pieces' bounds should make this impossible
    now = utcnow()
    try:
        reason = refusal(client, len(data), now)
        if reason is None:
            db.session.execute(db.delete(WireRecord).where(WireRecord.created_at < now - KEEP_FOR))
            reason = refusal(client, len(data), now)
        if reason is not None:
            db.session.rollback()
            return ("X-Wire-Skipped", reason)
        record_id = secrets.token_urlsafe(32)
        db.session.add(WireRecord(id=record_id, client=client, created_at=now, size=len(data), data=data))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        return ("X-Wire-Skipped", "store-unavailable")
    return ("X-Wire-Id", record_id)


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


# -- Server-to-server hops ---------------------------------------------------------------------


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


@bp.get("/<record_id>")
def show(record_id):
    """Hand a captured exchange to the page that caused it."""
    if len(record_id) > 64:
        abort(404)
    record = db.session.get(WireRecord, record_id)
    if record is None or record.created_at < utcnow() - KEEP_FOR:
        abort(404, "This exchange is unknown or has expired.")
    return jsonify(json.loads(record.data))
