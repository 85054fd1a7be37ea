"""Bad input of every shape, on every endpoint of the app and of the provider: never a 5xx (HDR-7).

`make test` runs a small sample per family; `make fuzz` runs 10,000 inputs per family and party
(HYPOTHESIS_PROFILE=fuzz). Each family asserts, for every input, an answer below 500 and, for
every error answer, the security headers; and after the family, that nothing stored was lost:
the users, the sessions and the provider's grants and tokens are still there row for row.
"""

import json
import time
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORDS, start_live_servers
from tests.fuzz_support import (
    UNSAFE,
    assert_handled,
    assert_nothing_lost,
    deep_json,
    deep_path,
    endpoints,
    flood_names,
    flood_values,
    json_values,
    lone_surrogates,
    long_segment,
    nasty_text,
    path_for,
    stored_rows,
    tokens,
    with_controls,
)
from tests.oauth_flow import ProviderFlow

# What must survive every family, row for row. Some tables may gain rows, never lose or change
# one: a page that hands out a CSRF token starts a session record, and the OAuth attack bench
# (development only) runs real dances at the provider, each leaving a grant, a code and tokens.
APP_TABLES = ("users", "server_sessions", "jwt_keys", "jwt_refresh_tokens", "remember_tokens")
PROVIDER_TABLES = ("provider_users", "provider_clients", "provider_grants", "provider_codes", "provider_tokens")
MAY_GROW = ("server_sessions", "provider_grants", "provider_codes", "provider_tokens")

# Inputs sent and seconds spent per (family, party) that passed, shown at the end of `make fuzz`.
RUNS = {}


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """The app and the provider, in-process for speed, with the provider also served over
    loopback so the app's back channel (discovery, token exchange) reaches a real server.

    Before any input: alice is signed in at the app (a session record, a JWT family) and has
    granted the app access at the provider (a grant, a used code, tokens), so that the families
    have something to lose.
    """
    base = tmp_path_factory.mktemp("fuzz")
    servers, threads = start_live_servers(base)
    alice = {"username": "alice", "password": PASSWORDS["alice"]}
    browser = servers.app.test_client()
    assert browser.post("/session/login", json={**alice, "remember": True}).status_code == 200
    assert browser.post("/jwt/login", json=alice).status_code == 200
    flow = ProviderFlow(servers.provider.test_client(), redirect_uri=f"{servers.app_url}/oauth/callback")
    flow.login()
    flow.tokens()
    yield {
        "app": servers.app,
        "provider": servers.provider,
        "stores": {
            base / "instance" / "app.sqlite": APP_TABLES,
            base / "provider-instance" / "provider.sqlite": PROVIDER_TABLES,
        },
    }
    for thread in threads:
        thread.stop()


def stored(apps):
    return {path: stored_rows(path, tables) for path, tables in apps["stores"].items()}


def fuzz(apps, party, family, send, **strategies):
    """Send generated inputs to every endpoint of `party`: each answered, nothing stored lost.

    `send(app, rule, method, **example)` makes one request from one generated example.
    """
    app = apps[party]
    found = endpoints(app)
    before, started, sent = stored(apps), time.monotonic(), 0

    @given(index=st.integers(0, 10_000), verb=st.integers(0, 10), example=st.fixed_dictionaries(strategies))
    def one_input(index, verb, example):
        nonlocal sent
        sent += 1
        rule, methods = found[index % len(found)]
        assert_handled(send(app, rule, methods[verb % len(methods)], **example))

    one_input()
    after = stored(apps)
    for path in before:
        assert_nothing_lost(before[path], after[path], MAY_GROW)
    RUNS[family, party] = (sent, time.monotonic() - started)


PARTIES = ["app", "provider"]
FORM_FIELDS = [
    "username",
    "password",
    "token",
    "csrf_token",
    "next",
    "redirect_uri",
    "client_id",
    "code",
    "state",
    "scope",
    "confirm",
    "cookie",
    "x",
]
QUERY_FIELDS = [
    "next",
    "token",
    "code",
    "state",
    "error",
    "redirect_uri",
    "client_id",
    "response_type",
    "scope",
    "n",
    "iss",
    "sid",
    "x",
]
HEADERS = [
    "HTTP_ORIGIN",
    "HTTP_ACCEPT",
    "CONTENT_TYPE",
    "HTTP_X_WIRE",
    "HTTP_X_CSRFTOKEN",
    "HTTP_X_CSRF_TOKEN",
    "HTTP_REFERER",
    "HTTP_USER_AGENT",
    "HTTP_HOST",
    "CONTENT_LENGTH",
]


# --- The families that were here first: garbage where each kind of input goes -------------


@pytest.mark.parametrize("party", PARTIES)
def test_garbage_tokens_are_answered_below_500(apps, party):
    def send(app, rule, verb, token, scheme):
        auth = {"HTTP_AUTHORIZATION": scheme + token}
        return app.test_client().open(path_for(app, rule, "x"), method=verb, environ_overrides=auth)

    fuzz(apps, party, "tokens", send, token=tokens, scheme=st.sampled_from(["Bearer ", "bearer ", "", "Basic "]))


@pytest.mark.parametrize("party", PARTIES)
def test_garbage_cookies_are_answered_below_500(apps, party):
    names = ["session", "provider_session", "remember_token", "access_token_cookie", "csrf_access_token", "x"]

    def send(app, rule, verb, name, value, extra):
        cookie = {"HTTP_COOKIE": f"{name}={value}; {extra}"}
        return app.test_client().open(path_for(app, rule, "x"), method=verb, environ_overrides=cookie)

    fuzz(apps, party, "cookies", send, name=st.sampled_from(names), value=nasty_text, extra=nasty_text)


@pytest.mark.parametrize("party", PARTIES)
def test_garbage_json_bodies_are_answered_below_500(apps, party):
    def send(app, rule, verb, body, raw, escaped, kind):
        data = {"valid": json.dumps(body), "bytes": raw, "lone surrogate": escaped}[kind]
        return app.test_client().open(path_for(app, rule, "x"), method=verb, data=data, content_type="application/json")

    kind = st.sampled_from(["valid", "bytes", "lone surrogate"])
    fuzz(
        apps,
        party,
        "JSON bodies",
        send,
        body=json_values,
        raw=st.binary(max_size=200),
        escaped=lone_surrogates,
        kind=kind,
    )


@pytest.mark.parametrize("party", PARTIES)
def test_garbage_forms_are_answered_below_500(apps, party):
    def send(app, rule, verb, pairs):
        verb = verb if verb in UNSAFE else "POST"
        form = urlencode(pairs)
        return app.test_client().open(
            path_for(app, rule, "x"), method=verb, data=form, content_type="application/x-www-form-urlencoded"
        )

    pairs = st.lists(st.tuples(st.sampled_from(FORM_FIELDS), nasty_text), max_size=8)
    fuzz(apps, party, "forms", send, pairs=pairs)


@pytest.mark.parametrize("party", PARTIES)
def test_garbage_query_strings_are_answered_below_500(apps, party):
    def send(app, rule, verb, pairs, segment):
        return app.test_client().open(path_for(app, rule, segment), method=verb, query_string=urlencode(pairs))

    pairs = st.lists(st.tuples(st.sampled_from(QUERY_FIELDS), nasty_text), max_size=8)
    fuzz(apps, party, "query strings", send, pairs=pairs, segment=nasty_text)


@pytest.mark.parametrize("party", PARTIES)
def test_garbage_headers_are_answered_below_500(apps, party):
    def send(app, rule, verb, header, value):
        return app.test_client().open(path_for(app, rule, "x"), method=verb, environ_overrides={header: value})

    fuzz(apps, party, "headers", send, header=st.sampled_from(HEADERS), value=nasty_text)


# --- HDR-7's shapes: nesting, control bytes, long and deep paths, header floods -----------


def under(path, tail):
    """`tail` as one more part of `path`, percent-encoded (the server decodes %2F back to /)."""
    return path.rstrip("/") + "/" + quote(tail, safe="")


@pytest.mark.parametrize("party", PARTIES)
def test_hdr_7_nesting_thousands_deep_is_answered_below_500(apps, party):
    """JSON arrays and objects thousands deep, in a body or in a query parameter."""

    def send(app, rule, verb, deep, where, field):
        client, path = app.test_client(), path_for(app, rule, "x")
        if where == "body":
            return client.open(path, method=verb, data=deep, content_type="application/json")
        return client.open(path, method=verb, query_string=urlencode({field: deep}))

    where = st.sampled_from(["body", "query"])
    fuzz(apps, party, "nesting", send, deep=deep_json, where=where, field=st.sampled_from(QUERY_FIELDS))


@pytest.mark.parametrize("party", PARTIES)
def test_hdr_7_control_bytes_are_answered_below_500(apps, party):
    """NUL and other control bytes in a path segment, a query parameter or a form field."""

    def send(app, rule, verb, text, where, field):
        client = app.test_client()
        if where == "path":
            return client.open(under(path_for(app, rule, text), text), method=verb)
        if where == "query":
            return client.open(path_for(app, rule, "x"), method=verb, query_string=urlencode({field: text}))
        verb = verb if verb in UNSAFE else "POST"
        form = urlencode({field: text, "csrf_token": text})
        return client.open(
            path_for(app, rule, "x"), method=verb, data=form, content_type="application/x-www-form-urlencoded"
        )

    where = st.sampled_from(["path", "query", "form"])
    fields = st.sampled_from(sorted(set(FORM_FIELDS) | set(QUERY_FIELDS)))
    fuzz(apps, party, "control bytes", send, text=with_controls, where=where, field=fields)


@pytest.mark.parametrize("party", PARTIES)
def test_hdr_7_long_segments_and_deep_paths_are_answered_below_500(apps, party):
    """A path segment of 300 characters or more, or a path thousands of folders deep."""

    def send(app, rule, verb, segment, deep, which):
        tail = segment if which == "long" else deep
        return app.test_client().open(under(path_for(app, rule, tail), tail), method=verb)

    which = st.sampled_from(["long", "deep"])
    fuzz(apps, party, "long and deep paths", send, segment=long_segment, deep=deep_path, which=which)


@pytest.mark.parametrize("party", PARTIES)
def test_hdr_7_header_floods_are_answered_below_500(apps, party):
    """Hundreds of headers, or one header of tens of kilobytes where the app reads it."""

    def send(app, rule, verb, count, name, value):
        flood = {f"HTTP_X_FLOOD_{i}": f"value {i}" for i in range(count)}
        flood[name] = value
        return app.test_client().open(path_for(app, rule, "x"), method=verb, environ_overrides=flood)

    count = st.integers(min_value=0, max_value=500)
    fuzz(apps, party, "header floods", send, count=count, name=flood_names, value=flood_values)


def test_fuzz_summary(capsys):
    """Runs last: under `make fuzz`, how many inputs each family sent and how long it took."""
    if settings().max_examples < 1000 or not RUNS:
        return
    with capsys.disabled():
        print("\n\nmake fuzz, the families that passed (every answer below 500, nothing stored lost):")
        for (family, party), (count, seconds) in RUNS.items():
            print(f"  {family:22} {party:9} {count:7,} inputs  {seconds:7.1f} s")
