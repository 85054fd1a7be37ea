"""The one home of display and redaction: what a page may show of a secret (LAB-2).

Every value the app shows but must not hand over whole comes through here: a session id on
the session lab, a token on the OAuth dance page, a header or a field in a wire record.
`first_characters` writes "first 6 characters… (N characters)" once; `shortened` is what a
credential becomes (a JWT keeps its readable parts); `MASKED` is what a secret becomes.
Message bodies are read in wire/body.py, and headers in wire/headers.py, by the same rules.
"""

import json
import re
import unicodedata
from urllib.parse import unquote_plus

from werkzeug.exceptions import HTTPException

import b64url
import bodies

# -- LAB-2: what a record may show ------------------------------------------------------------
#
# The panel is read by page script and the record sits in the database for a quarter of an
# hour, so a record must neither undo HttpOnly nor keep anything that signs somebody in. Every
# record, from a browser or from a server-to-server hop, goes through `redacted` (one path,
# wire/exchange.py). What the lesson needs to see is kept; what would let a reader act as
# somebody is not:
#
# - Masked whole: passwords and other secrets by field name (password, passwd, passphrase,
#   anything with "secret" such as client_secret, confirm, pin, otp, api and private keys), in
#   form bodies, JSON at any depth, multipart fields, the query string, and headers so named.
#   No lesson needs a password's value; its presence is the lesson.
# - Shortened (enough to recognise, never enough to use): Bearer tokens, and the fields
#   access_token, refresh_token, token, assertion and client_assertion. A JWT keeps its header
#   and payload, which anyone holding it can read and which are the lesson, and loses its
#   signature, without which nobody can use it; any other value keeps 6 characters.
# - Headers: Authorization (Basic masked, Bearer shortened), Cookie and Set-Cookie have rules of
#   their own, in wire/headers.py; any other header goes by its name, as a field does.
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

MASKED = "*** (masked), not recorded"  # a secret's value, wherever it is shown

SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "apikey", "privatekey")
SECRET_NAMES = {"confirm", "pin", "otp"}
TOKEN_NAMES = {"accesstoken", "refreshtoken", "token", "assertion", "clientassertion"}
SHORT_ENOUGH = 8  # a value this short is no credential of this app (its ids are 32+ characters)
KEPT = 6  # characters of a credential a page may show: enough to see it change, too few to use
MASK, SHORTEN = "mask", "shorten"


def first_characters(value, note=None):
    """The start of a value and its length ("abcdef… (43 characters)"), never the value itself.

    `note` says where the rest went ("shortened on this page", "kept on the server").
    """
    value = str(value)
    return f"{value[:KEPT]}… ({len(value)} characters{f', {note}' if note else ''})"


def shortened(value):
    """Enough of a credential to recognise it, never enough to use it."""
    value = str(value)
    if len(value) <= SHORT_ENOUGH or value.endswith(("shortened on this page)", "not recorded)")):
        return value  # short, or shortened already (a record nested in another)
    jwt = jwt_parts(value)
    if jwt:
        return f"{jwt[0]}.{jwt[1]}.… (signature, {len(jwt[2])} characters, not recorded)"
    return first_characters(value, "shortened on this page")


def jwt_parts(value):
    """(header, payload, signature) when `value` is a compact JWS, else None."""
    parts = value.split(".")
    if len(parts) != 3 or len(parts[0]) > 1024:
        return None
    try:
        header = json.loads(b64url.decode(parts[0]))
    except (ValueError, RecursionError):
        return None
    return parts if isinstance(header, dict) and "alg" in header else None


# -- Field names ------------------------------------------------------------------------------


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


# -- Values -----------------------------------------------------------------------------------


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


def redacted_pairs(text):
    """`a=1&b=2` (a form body or a query) with secret values masked and tokens shortened."""
    pieces = re.split(r"([&;])", text)  # ";" too: masking more than a parser reads costs nothing
    for index in range(0, len(pieces), 2):
        name, sep, value = pieces[index].partition("=")
        kind = field_kind(name)
        if sep and kind:
            pieces[index] = f"{name}={MASKED if kind is MASK else shortened(unquote_plus(value))}"
    return "".join(pieces)


def redacted_url(url):
    base, sep, query = url.partition("?")
    return base + sep + redacted_pairs(query)


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
