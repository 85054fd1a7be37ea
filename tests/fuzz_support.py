"""Shared pieces of the bad-input tests: every endpoint of an app, and garbage of every shape."""

import hashlib
import sqlite3
from contextlib import closing

from hypothesis import strategies as st
from werkzeug.routing import BuildError

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

# Text that breaks naive code: control characters, surrogate-free unicode, huge, empty.
nasty_text = st.one_of(
    st.text(max_size=64),
    st.text(alphabet=st.characters(codec="latin-1"), max_size=64),  # non-UTF-8 once on the wire
    st.sampled_from(["", " ", "null", "undefined", "[]", "{}", "%00", "../../etc/passwd", "<script>", "'\"--"]),
    st.builds(lambda n: "A" * n, st.integers(min_value=1000, max_value=20000)),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)

# Tokens: three base64url-ish parts, random bytes, or plain junk.
b64ish = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.", max_size=120)
tokens = st.one_of(
    nasty_text,
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", b64ish, b64ish, b64ish),
    st.builds(lambda a, b: f"eyJhbGciOiJub25lIn0.{a}.{b}", b64ish, b64ish),
)


# --- The shapes of HDR-7 -----------------------------------------------------------------


def nested(depth, shape):
    """JSON (or what starts like it) nested `depth` deep: what a recursive parser chokes on."""
    if shape == "arrays":
        return "[" * depth + "]" * depth
    if shape == "objects":
        return '{"a":' * depth + "1" + "}" * depth
    if shape == "mixed":
        return '[{"a":' * (depth // 2) + "null" + "}]" * (depth // 2)
    if shape == "in a field":
        return '{"username": ' + "[" * depth + "]" * depth + ', "password": "x", "token": "x", "cookie": "x"}'
    return "[" * depth  # never closed


deep_json = st.builds(
    nested,
    st.integers(min_value=33, max_value=5000),
    st.sampled_from(["arrays", "objects", "mixed", "in a field", "unclosed"]),
)

# Valid JSON syntax, yet not text: an escaped surrogate with no partner (RFC 8259 §8.2).
lone_surrogates = st.builds(
    lambda field, code: '{"%s": "\\u%04x", "password": "x"}' % (field, code),  # noqa: UP031 (JSON braces)
    st.sampled_from(["username", "password", "token", "cookie", "refresh_token", "kid", "alg", "note"]),
    st.integers(min_value=0xD800, max_value=0xDFFF),
)

# NUL and the other C0 controls, DEL, and the C1 controls, amid ordinary text.
control_chars = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from(["\x7f", "\x85", "\u2028"])
with_controls = st.builds(
    lambda before, controls, after: before + controls + after,
    st.text(max_size=20),
    st.text(alphabet=control_chars, min_size=1, max_size=8),
    st.text(max_size=20),
)

# A 300-character file name is too long for the OS; a path thousands of folders deep too.
long_segment = st.builds(
    lambda char, n: char * n, st.sampled_from(["a", "Z", "9", "-", ".", "%", "é", "_"]), st.integers(300, 5000)
)
deep_path = st.builds(
    lambda segment, n: "/".join([segment] * n),
    st.sampled_from(["a", "..", ".", "x.py", "", "a b"]),
    st.integers(50, 3000),
)

# Header floods: many headers, or one huge value where the app looks (cookies, tokens, Accept).
flood_names = st.sampled_from(
    ["HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_ACCEPT", "HTTP_USER_AGENT", "HTTP_ORIGIN", "HTTP_X_CSRF_TOKEN"]
)
flood_values = st.builds(
    lambda prefix, char, n: prefix + char * n,
    st.sampled_from(["", "Bearer ", "session=", "Basic ", "text/html,", "capture"]),
    st.sampled_from(["a", "=", ";", ",", " ", "\t", "é"]),
    st.integers(min_value=8 * 1024, max_value=64 * 1024),
)


def endpoints(app):
    """(rule, methods) for every route but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        methods = sorted(m for m in rule.methods if m not in {"HEAD", "OPTIONS"})
        found.append((rule, methods))
    return sorted(found, key=lambda item: item[0].rule)


def path_for(app, rule, value):
    """A concrete path for a rule, its arguments filled with `value` (or a number)."""
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        args[name] = 7 if type(converter).__name__ in {"IntegerConverter", "NumberConverter"} else (value or "x")
    try:
        with app.test_request_context():
            return app.url_map.bind("localhost").build(rule.endpoint, args, method=None)
    except (BuildError, ValueError):
        return rule.rule.split("<", 1)[0] or "/"


def assert_handled(response):
    """Bad input gets an answer below 500, never a traceback, and an error keeps the security headers."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code}: {body[:300]}"
    assert "Traceback (most recent call last)" not in body
    if response.status_code >= 400:
        for name in ("Content-Security-Policy", "X-Content-Type-Options"):
            assert name in response.headers, f"a {response.status_code} without {name}: {body[:200]}"
        assert "no-store" in response.headers.get("Cache-Control", ""), f"a {response.status_code} without no-store"


def fingerprint(database_path, tables):
    """A digest of the rows of some tables: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for table, rows in stored_rows(database_path, tables).items():
        digest.update(repr((table, rows)).encode())
    return digest.hexdigest()


def stored_rows(database_path, tables):
    """{table: its rows, sorted}, read from the file as another process would see it."""
    with closing(sqlite3.connect(f"file:{database_path}?mode=ro", uri=True, timeout=15)) as connection:
        return {
            table: sorted(map(repr, connection.execute(f"SELECT * FROM {table}")))  # noqa: S608 (our table names)
            for table in tables
        }


def assert_nothing_lost(before, after, may_grow=()):
    """Every row stored before is still there, unchanged; only tables in `may_grow` gained rows.

    (Anonymous visitors get a session record when a page gives them a CSRF token: new rows, but
    none of the existing ones may change or go.)
    """
    for table, rows in before.items():
        missing = sorted(set(rows) - set(after[table]))
        assert not missing, f"{table}: {len(missing)} row(s) changed or lost, e.g. {missing[0][:200]}"
        if table not in may_grow:
            assert after[table] == rows, f"{table} gained {len(after[table]) - len(rows)} row(s)"
