"""What the provider's wire log may keep of a hop: never a secret in full (its LAB-2).

The provider is another party and imports nothing from the app, so this is its own small copy
of the app's rules (wire/redact.py), applied before anything is stored here; the app applies
its own once more to whatever it is handed, trusting this module for nothing.

- Masked whole: every field and header named as a secret (password, anything with "secret",
  API and private keys), and Authorization, in URLs, form bodies and headers. No lesson
  needs a password's value; that it was sent, and where, is the lesson.
- Shortened to their first characters: cookie values (the provider's session id signs you in
  here), CSRF tokens, codes and tokens. The code is the one a lesson wants to see arrive, so
  its start and length stay; its digest is kept apart (wire_log.py), as provider_codes keeps
  it, so that a copy of this database still opens nothing.
- Page bodies: their size and type only. The browser showed the page; its HTML holds the
  form's CSRF token and the name of whoever is signed in, and a log gains nothing from them.
"""

import re
from urllib.parse import parse_qsl, unquote_plus

MASKED = "*** (masked), not recorded"
KEPT = 6  # characters of a credential the log keeps: enough to see it change, too few to use
SHORT_ENOUGH = 8  # a value this short is no credential of this provider (its are 32+ characters)
SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "apikey", "privatekey", "authorization")
SHORTENED = {"code", "csrftoken", "token", "accesstoken", "refreshtoken", "idtoken", "idtokenhint", "devicecode"}

# Every piece of a record has a size, so a record has one (wire_log.MAX_RECORD_BYTES).
MAX_VALUE = 1024  # one header value, one URL
MAX_HEADERS = 40
MAX_BODY = 2048


def normalised(name):
    """A field name as any parser might read it: decoded, folded, letters and digits only."""
    name = unquote_plus(unquote_plus(str(name))).casefold()
    return "".join(ch for ch in name if ch.isalnum())


def shortened(value):
    """The first characters and the length. No comma or semicolon: the app splits Cookie on both."""
    value = str(value)
    if len(value) <= SHORT_ENOUGH:
        return value
    return f"{value[:KEPT]}… ({len(value)} characters shortened by the provider: not recorded)"


def clip(text, limit=MAX_VALUE):
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters: the rest is not recorded)"


def hidden(name, value):
    key = normalised(name)
    if any(word in key for word in SECRET_WORDS):
        return MASKED
    return shortened(value) if key in SHORTENED else value


def redacted_pairs(text):
    """`a=1&b=2` (a query or a form body) with secrets masked and credentials shortened."""
    pieces = re.split(r"([&;])", text)
    for index in range(0, len(pieces), 2):
        name, sep, value = pieces[index].partition("=")
        if sep:
            shown = hidden(name, unquote_plus(value))
            if shown != unquote_plus(value):
                pieces[index] = f"{name}={shown}"
    return "".join(pieces)


def redacted_url(url):
    base, sep, query = str(url).partition("?")
    return clip(base + sep + redacted_pairs(query))


def redacted_header(name, value):
    lower = name.lower()
    if lower == "cookie":
        pairs = (pair.partition("=") for pair in re.split(r"\s*[;,]\s*", value) if pair)
        return "; ".join(f"{key}={shortened(val)}" if sep else shortened(key) for key, sep, val in pairs)
    if lower == "set-cookie":
        pair, sep, attributes = value.partition(";")
        key, eq, val = pair.partition("=")
        return f"{key}={shortened(val)}{sep}{attributes}" if eq else shortened(pair) + sep + attributes
    if lower == "location":
        return redacted_url(value)
    return hidden(name, value)


def redacted_headers(headers):
    kept = [[clip(name, 128), clip(redacted_header(name, value))] for name, value in headers[:MAX_HEADERS]]
    if len(headers) > MAX_HEADERS:
        kept.append(["…", f"{len(headers) - MAX_HEADERS} more header lines not recorded"])
    return kept


def redacted_body(data, content_type, kind="request"):
    """A request's form fields (redacted); any other body, and every page, by its size alone.

    kind: "request", "page" (a response the browser shows) or "redirect" (it shows none).
    """
    if not data:
        return ""
    mimetype = content_type.partition(";")[0].strip().lower()
    if kind == "request" and mimetype == "application/x-www-form-urlencoded":
        text = data[: MAX_BODY * 2].decode("utf-8", "replace")
        # Cut at a pair boundary before redaction: a name cut short could hide a secret.
        if len(data) > MAX_BODY * 2:
            text = text.rpartition("&")[0] + "&…"
        return clip(redacted_pairs(text), MAX_BODY)
    what = {"page": "the page your browser showed", "redirect": "a redirect's fallback text"}.get(kind, "not a form")
    return f"({len(data)} bytes of {mimetype or 'data'}: {what}; not recorded)"


def query_params(query):
    """The parameters of a query string, the first of each name."""
    params = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(name, value)
    return params
