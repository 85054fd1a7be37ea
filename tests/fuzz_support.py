"""Shared pieces of the bad-input tests: every endpoint of an app, and garbage of every shape."""

import hashlib

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
    """Bad input gets an answer below 500 and never a traceback."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code}: {body[:300]}"
    assert "Traceback (most recent call last)" not in body


def fingerprint(database_path, tables):
    """A digest of the rows of some tables: equal before and after means nothing changed."""
    import sqlite3

    digest = hashlib.sha256()
    with sqlite3.connect(database_path) as connection:
        for table in tables:
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1"):  # noqa: S608 (our table names)
                digest.update(repr(row).encode())
    return digest.hexdigest()
