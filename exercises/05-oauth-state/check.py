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
    client = app.test_client()
    state = start(client)
    assert state, (
        f"/login redirected to {client.get('/login').headers['Location']} with no state: nothing ties the "
        "provider's callback to the browser that started the sign-in."
    )


def test_each_attempt_gets_a_fresh_unguessable_state(app):
    client = app.test_client()
    states = {start(client) for _ in range(5)}
    assert None not in states and len(states) == 5, (
        f"Five sign-in attempts in one browser got these states: {sorted(states, key=str)}. A state seen "
        "once (in a log, over a shoulder) must not work for the next attempt."
    )
    shortest = min(states, key=len)
    assert len(shortest) >= 22, (
        f"A state of {len(shortest)} characters ({shortest!r}) can be guessed: 128 random bits take at least "
        "22 characters of base64url."
    )


def test_the_round_trip_signs_the_user_in(app, provider):
    client = app.test_client()
    state = start(client)
    response = callback(client, code="c1", state=state or "")
    assert response.status_code == 200 and client.get("/me").get_json() == {"user": "alice"}, (
        f"A genuine round trip (the state /login sent comes back, once) answered {response.status_code}: it "
        "must still sign the user in."
    )
    assert provider == ["c1"], f"A genuine callback with code c1 exchanged {provider}: it must exchange c1, once."


def test_a_callback_without_state_is_refused_before_the_exchange(app, provider):
    client = app.test_client()
    start(client)
    response = callback(client, code="c1")
    assert response.status_code == 400, (
        f"A callback with a code and no state answered {response.status_code}: it must be refused with 400."
    )
    assert provider == [], (
        f"A callback without state sent its code to the provider's token endpoint ({provider}): a forged "
        "callback must be refused before it spends anything."
    )
    assert client.get("/me").status_code == 401, "A callback without state signed somebody in."


def test_a_wrong_state_is_refused(app, provider):
    client = app.test_client()
    state = start(client) or "x" * 43
    response = callback(client, code="c1", state=state[::-1])
    assert response.status_code == 400 and provider == [], (
        f"A callback with a wrong state (the right one, reversed) answered {response.status_code} and exchanged "
        f"{provider}: it must be 400, with nothing exchanged."
    )


def test_an_attackers_callback_link_does_not_log_the_victim_in(app, provider):
    # Login CSRF: the attacker starts a sign-in in their own browser, stops at the callback, and
    # sends the victim the link. The victim would be signed in to the ATTACKER's account.
    attacker, victim = app.test_client(), app.test_client()
    attacker_state = start(attacker) or ""
    start(victim)  # the victim may even have a sign-in of their own in progress
    response = callback(victim, code="attackers-code", state=attacker_state)
    assert response.status_code == 400 and provider == [], (
        f"The attacker's callback link (their code, their own valid state) answered {response.status_code} in the "
        f"victim's browser and exchanged {provider}: the victim would now be signed in to the attacker's account."
    )


def test_a_state_works_only_once(app, provider):
    client = app.test_client()
    state = start(client) or ""
    callback(client, code="c1", state=state)
    replay = callback(client, code="c2", state=state)
    assert replay.status_code == 400 and provider == ["c1"], (
        f"The same state, brought back a second time in the same browser, answered {replay.status_code} and the "
        f"codes exchanged are {provider}: a callback URL found in a log or the history can be replayed."
    )
