"""Checks for exercise 5: `state` made per attempt, bound to the browser, checked first, used once."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest


@pytest.fixture
def provider(ex, monkeypatch):
    """Stands in for the provider's token endpoint: records each code the client tries to exchange."""
    exchanged = []

    def exchange_code(code):
        exchanged.append(code)
        return {"access_token": "at-" + code, "user": "alice"}

    monkeypatch.setattr(ex, "exchange_code", exchange_code)
    return exchanged


@pytest.fixture
def app(ex, provider):
    return ex.create_app()


def start(client):
    """GET /login; the state in the redirect to the provider (None if there is none)."""
    response = client.get("/login")
    assert response.status_code == 302, "/login should still redirect (302) to the provider."
    return parse_qs(urlsplit(response.headers["Location"]).query).get("state", [None])[0]


def callback(client, **params):
    return client.get("/callback?" + urlencode(params))


def test_login_sends_a_state(app):
    state = start(app.test_client())
    assert state, "The redirect to the provider carries no `state` parameter: generate one at /login and send it."


def test_each_attempt_gets_a_fresh_unguessable_state(app):
    client = app.test_client()
    states = {start(client) for _ in range(5)}
    assert None not in states and len(states) == 5, (
        "Five sign-in attempts did not get five different states: make a new one per attempt."
    )
    assert all(len(state) >= 22 for state in states), (
        "The state is too short to be unguessable: use at least 128 random bits (secrets.token_urlsafe(32))."
    )


def test_the_round_trip_signs_the_user_in(app, provider):
    client = app.test_client()
    state = start(client)
    response = callback(client, code="c1", state=state or "")
    assert response.status_code == 200 and client.get("/me").get_json() == {"user": "alice"}, (
        f"A genuine round trip (the state we sent comes back) answered {response.status_code}: it must sign "
        "the user in."
    )
    assert provider == ["c1"], "The genuine code should be exchanged exactly once."


def test_a_callback_without_state_is_refused_before_the_exchange(app, provider):
    client = app.test_client()
    start(client)
    response = callback(client, code="c1")
    assert response.status_code == 400, f"A callback with no state answered {response.status_code}: refuse it with 400."
    assert provider == [], "A callback without state still exchanged its code: check the state BEFORE the exchange."
    assert client.get("/me").status_code == 401, "A callback without state signed somebody in."


def test_a_wrong_state_is_refused(app, provider):
    client = app.test_client()
    state = start(client) or "x" * 43
    response = callback(client, code="c1", state=state[::-1])
    assert response.status_code == 400 and provider == [], (
        f"A callback with the wrong state answered {response.status_code} (and exchanged {provider}): "
        "it must be 400, with no exchange."
    )


def test_an_attackers_callback_link_does_not_log_the_victim_in(app, provider):
    # Login CSRF: the attacker starts a sign-in in their own browser, stops at the callback, and
    # sends the victim the link. The victim would be signed in to the ATTACKER's account.
    attacker, victim = app.test_client(), app.test_client()
    attacker_state = start(attacker) or ""
    start(victim)  # the victim may even have a sign-in of their own in progress
    response = callback(victim, code="attackers-code", state=attacker_state)
    assert response.status_code == 400 and provider == [], (
        f"The attacker's callback link (their code, their state) answered {response.status_code} in the victim's "
        "browser. The state must be bound to the browser's own session, not merely be 'some valid state'."
    )


def test_a_state_works_only_once(app, provider):
    client = app.test_client()
    state = start(client) or ""
    callback(client, code="c1", state=state)
    replay = callback(client, code="c2", state=state)
    assert replay.status_code == 400 and provider == ["c1"], (
        f"Replaying a callback with a used state answered {replay.status_code}: take the state out of the "
        "session when you check it (session.pop), so each one works once."
    )
