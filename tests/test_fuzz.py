"""Bad input of every shape, on every endpoint of the app and of the provider: never a 5xx.

`make test` runs a small sample per family; `make fuzz` runs 10,000 inputs per family
(HYPOTHESIS_PROFILE=fuzz). Stored users are fingerprinted before and after: nothing changes.
"""

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import start_live_servers
from tests.fuzz_support import (
    UNSAFE,
    assert_handled,
    endpoints,
    fingerprint,
    json_values,
    nasty_text,
    path_for,
    tokens,
)


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """The app and the provider, in-process for speed, with the provider also served over
    loopback so the app's back channel (discovery, token exchange) reaches a real server."""
    base = tmp_path_factory.mktemp("fuzz")
    servers, threads = start_live_servers(base)
    database = base / "instance" / "app.sqlite"
    yield {
        "app": (servers.app, database),
        "provider": (servers.provider, None),
        "users_before": fingerprint(database, ["users"]),
    }
    for thread in threads:
        thread.stop()


PARTIES = ["app", "provider"]


def routes(apps, party):
    app, _ = apps[party]
    return app, endpoints(app)


route_index = st.integers(min_value=0, max_value=10_000)


def pick(apps, party, index, method_index=0):
    app, found = routes(apps, party)
    rule, methods = found[index % len(found)]
    return app, rule, methods[method_index % len(methods)]


@pytest.mark.parametrize("party", PARTIES)
@given(
    index=route_index, method=route_index, token=tokens, scheme=st.sampled_from(["Bearer ", "bearer ", "", "Basic "])
)
def test_garbage_tokens_are_answered_below_500(apps, party, index, method, token, scheme):
    app, rule, verb = pick(apps, party, index, method)
    response = app.test_client().open(
        path_for(app, rule, "x"), method=verb, environ_overrides={"HTTP_AUTHORIZATION": scheme + token}
    )
    assert_handled(response)


@pytest.mark.parametrize("party", PARTIES)
@given(
    index=route_index,
    method=route_index,
    name=st.sampled_from(
        ["session", "provider_session", "remember_token", "access_token_cookie", "csrf_access_token", "x"]
    ),
    value=nasty_text,
    extra=nasty_text,
)
def test_garbage_cookies_are_answered_below_500(apps, party, index, method, name, value, extra):
    app, rule, verb = pick(apps, party, index, method)
    cookie = f"{name}={value}; {extra}"
    response = app.test_client().open(path_for(app, rule, "x"), method=verb, environ_overrides={"HTTP_COOKIE": cookie})
    assert_handled(response)


@pytest.mark.parametrize("party", PARTIES)
@given(index=route_index, method=route_index, body=json_values, raw=st.binary(max_size=200), broken=st.booleans())
def test_garbage_json_bodies_are_answered_below_500(apps, party, index, method, body, raw, broken):
    app, rule, verb = pick(apps, party, index, method)
    data = raw if broken else json.dumps(body)
    response = app.test_client().open(path_for(app, rule, "x"), method=verb, data=data, content_type="application/json")
    assert_handled(response)


@pytest.mark.parametrize("party", PARTIES)
@given(
    index=route_index,
    method=route_index,
    pairs=st.lists(
        st.tuples(
            st.sampled_from(
                [
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
                    "x",
                ]
            ),
            nasty_text,
        ),
        max_size=8,
    ),
)
def test_garbage_forms_are_answered_below_500(apps, party, index, method, pairs):
    app, rule, verb = pick(apps, party, index, method)
    verb = verb if verb in UNSAFE else "POST"
    response = app.test_client().open(
        path_for(app, rule, "x"), method=verb, data=urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert_handled(response)


@pytest.mark.parametrize("party", PARTIES)
@given(
    index=route_index,
    method=route_index,
    pairs=st.lists(
        st.tuples(
            st.sampled_from(
                [
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
                    "x",
                ]
            ),
            nasty_text,
        ),
        max_size=8,
    ),
    segment=nasty_text,
)
def test_garbage_query_strings_are_answered_below_500(apps, party, index, method, pairs, segment):
    app, rule, verb = pick(apps, party, index, method)
    response = app.test_client().open(path_for(app, rule, segment), method=verb, query_string=urlencode(pairs))
    assert_handled(response)


@pytest.mark.parametrize("party", PARTIES)
@given(
    index=route_index,
    method=route_index,
    header=st.sampled_from(
        [
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
    ),
    value=nasty_text,
)
def test_garbage_headers_are_answered_below_500(apps, party, index, method, header, value):
    app, rule, verb = pick(apps, party, index, method)
    response = app.test_client().open(path_for(app, rule, "x"), method=verb, environ_overrides={header: value})
    assert_handled(response)


def test_fuzzing_changed_no_stored_user(apps):
    """Runs last in this module: the users table is exactly as seeded, row for row."""
    _, database = apps["app"]
    assert fingerprint(database, ["users"]) == apps["users_before"]
