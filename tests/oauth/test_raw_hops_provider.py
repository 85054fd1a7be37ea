"""The provider's wire log (provider/wire_log.py, wire_store.py): a flow's browser hops, kept
for the client that redeemed its code and nobody else, bounded, expired, never a secret in full."""

import json

import pytest
from sqlalchemy import func, select

from provider import create_app, wire_log, wire_store
from provider.models import db
from tests.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORDS, provider_config
from tests.oauth_flow import ProviderFlow, csrf_token, query, register_client


def read(client, state, code, auth=(CLIENT_ID, CLIENT_SECRET), **environ):
    return client.post("/wire/flow", data={"state": state, "code": code}, auth=auth, environ_overrides=environ)


def nothing_handed_over(answer):
    """The one answer for every flow that cannot be handed over: it confirms nothing."""
    return answer.status_code == 200 and answer.get_json() == {"hops": []}


def signed_in_flow(provider_client):
    """A flow through sign-in and consent: (flow helper, its parameters, the code it issued)."""
    flow = ProviderFlow(provider_client)
    params = flow.params()
    first = provider_client.get("/authorize", query_string=params)
    if first.status_code == 302:  # not signed in here yet
        login = first.headers["Location"]
        token = csrf_token(provider_client.get(login).get_data(as_text=True))
        provider_client.post(login, data={"csrf_token": token, "username": "alice", "password": PASSWORDS["alice"]})
    code = query(flow.consent(params).headers["Location"])["code"]
    return flow, params, code


def redeemed_flow(provider_client):
    flow, params, code = signed_in_flow(provider_client)
    assert flow.token(code).status_code == 200
    return params, code


def stored(provider_app):
    with provider_app.app_context():
        return db.session.execute(select(wire_store.WireHop)).scalars().all()


def test_the_client_that_redeemed_the_code_gets_the_flows_hops_in_order(provider_client):
    params, code = redeemed_flow(provider_client)
    answer = read(provider_client, params["state"], code)
    assert answer.status_code == 200
    hops = answer.get_json()["hops"]
    assert [(hop["request"]["method"], hop["request"]["url"].split("?")[0]) for hop in hops] == [
        ("GET", "http://localhost/authorize"),
        ("GET", "http://localhost/login"),
        ("POST", "http://localhost/login"),
        ("GET", "http://localhost/authorize"),
        ("POST", "http://localhost/authorize"),
    ]


def test_the_last_hop_is_the_redirect_back_with_code_state_and_iss(provider_client):
    params, code = redeemed_flow(provider_client)
    last = read(provider_client, params["state"], code).get_json()["hops"][-1]
    location = dict(last["response"]["headers"])["Location"]
    assert last["response"]["status"] == "302 FOUND"
    assert location.startswith(f"{params['redirect_uri']}?code={code[:6]}…")
    assert f"state={params['state']}" in location and "iss=" in location


def test_a_flow_is_not_handed_over_before_its_code_is_redeemed(provider_client):
    _, params, code = signed_in_flow(provider_client)
    assert nothing_handed_over(read(provider_client, params["state"], code))


def test_the_state_with_another_flows_code_opens_nothing(provider_client):
    params, _ = redeemed_flow(provider_client)
    _, other_code = redeemed_flow(provider_client)
    assert nothing_handed_over(read(provider_client, params["state"], other_code))


def test_a_flow_is_handed_over_once(provider_client):
    params, code = redeemed_flow(provider_client)
    assert read(provider_client, params["state"], code).status_code == 200
    assert nothing_handed_over(read(provider_client, params["state"], code))


def test_a_wrong_client_secret_is_401(provider_client):
    params, code = redeemed_flow(provider_client)
    assert read(provider_client, params["state"], code, auth=(CLIENT_ID, "not-the-secret")).status_code == 401


def test_no_client_authentication_is_401(provider_client):
    params, code = redeemed_flow(provider_client)
    assert read(provider_client, params["state"], code, auth=None).status_code == 401


def test_another_client_with_its_own_secret_cannot_read_the_apps_flows(provider_client):
    params, code = redeemed_flow(provider_client)
    other = register_client(provider_client)
    answer = read(provider_client, params["state"], code, auth=(other["client_id"], other["secret"]))
    assert nothing_handed_over(answer)
    assert read(provider_client, params["state"], code).get_json()["hops"]  # still there for its own client


@pytest.mark.parametrize("data", [{}, {"state": "s"}, {"code": "c"}, {"state": "s" * 300, "code": "c"}])
def test_a_read_without_a_usable_state_and_code_is_400(provider_client, data):
    answer = provider_client.post("/wire/flow", data=data, auth=(CLIENT_ID, CLIENT_SECRET))
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_request"


def test_wrong_secrets_are_throttled_like_token_requests(tmp_path):
    provider = create_app(
        provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, TOKEN_FAILURES_PER_ADDRESS="3 per minute")
    )
    client = provider.test_client()
    answers = [read(client, "state", "code", auth=(CLIENT_ID, f"guess-{n}")).status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]


def test_flows_with_nothing_to_hand_over_never_count_against_the_apps_client(tmp_path):
    """The app asks for every browser it serves: expired records must not throttle its /token."""
    provider = create_app(
        provider_config(tmp_path / "p", RATELIMIT_ENABLED=True, TOKEN_FAILURES_PER_CLIENT="3 per minute")
    )
    client = provider.test_client()
    assert all(nothing_handed_over(read(client, "expired-state", f"code-{n}")) for n in range(5))
    flow, _, code = signed_in_flow(client)
    assert flow.token(code).status_code == 200


def test_the_log_keeps_no_password_no_whole_cookie_and_no_whole_code(provider_app, provider_client):
    _, _, code = signed_in_flow(provider_client)
    text = "\n".join(hop.data for hop in stored(provider_app))
    cookie = provider_client.get_cookie("provider_session").value
    assert PASSWORDS["alice"] not in text and "password=*** (masked)" in text
    assert cookie not in text and code not in text
    assert "csrf_token=" in text and csrf_token(provider_client.get("/login").get_data(as_text=True)) not in text


def test_pages_are_kept_by_their_size_only(provider_app, provider_client):
    signed_in_flow(provider_client)
    bodies = [json.loads(hop.data)["response"]["body"] for hop in stored(provider_app)]
    assert len([body for body in bodies if body]) >= 4
    assert all(body.startswith("(") and body.endswith("not recorded)") for body in bodies if body)


def test_a_public_clients_flows_are_not_kept(provider_app, provider_client):
    flow = ProviderFlow(
        provider_client, client_id="authlab-spa", redirect_uri="http://localhost:8000/oauth/spa/callback"
    )
    assert provider_client.get("/authorize", query_string=flow.params()).status_code == 302
    assert stored(provider_app) == []


def test_a_visit_that_belongs_to_no_flow_is_not_kept(provider_app, provider_client):
    ProviderFlow(provider_client).login()
    provider_client.get("/authorize?client_id=authlab-app")
    assert stored(provider_app) == []


def test_a_flow_keeps_at_most_its_bound_of_hops(provider_app, provider_client):
    params = ProviderFlow(provider_client).params()
    for _ in range(wire_store.HOPS_PER_FLOW + 5):
        provider_client.get("/authorize", query_string=params)
    assert len(stored(provider_app)) == wire_store.HOPS_PER_FLOW


def test_an_address_over_its_rate_is_served_but_not_recorded(provider_app, provider_client, monkeypatch):
    monkeypatch.setattr(wire_store, "PER_ADDRESS_PER_MINUTE", 2)
    flow = ProviderFlow(provider_client)
    answers = [provider_client.get("/authorize", query_string=flow.params()).status_code for _ in range(4)]
    assert answers == [302] * 4
    assert len(stored(provider_app)) == 2


def test_hops_expire(provider_app, provider_client, monkeypatch):
    params, code = redeemed_flow(provider_client)
    later = wire_store.time.time() + wire_store.KEEP_FOR + 1
    monkeypatch.setattr(wire_store.time, "time", lambda: later)
    assert nothing_handed_over(read(provider_client, params["state"], code))
    signed_in_flow(provider_client)  # the next hop recorded purges the expired ones
    with provider_app.app_context():
        old = db.session.execute(select(func.count()).where(wire_store.WireHop.created_at < later - 60)).scalar()
    assert old == 0


def test_recording_never_breaks_the_providers_answer(provider_app, provider_client, monkeypatch):
    def broken(*args):
        raise RuntimeError("the store is gone")

    monkeypatch.setattr(wire_log, "save", broken)
    _, _, code = signed_in_flow(provider_client)
    assert len(code) == 43
    assert stored(provider_app) == []


def test_hdr_7_a_flood_of_headers_is_answered_as_usual_and_recorded_within_bounds(provider_app, provider_client):
    params = ProviderFlow(provider_client).params()
    flood = {f"X-Pad-{n}": "p" * 8000 for n in range(60)}
    assert provider_client.get("/authorize", query_string=params, headers=flood).status_code == 302
    [hop] = stored(provider_app)
    assert hop.size <= wire_store.MAX_RECORD_BYTES
    headers = json.loads(hop.data)["request"]["headers"]
    assert headers[-1][0] == "…" and all(len(value) < 1100 for _, value in headers)


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe" * 500, b"client_id=%ff&state=%00" + b"&x" * 5000, b"username=" + b"a" * 200_000],
    ids=["not-utf8", "odd-encoding", "long"],
)
def test_hdr_7_an_odd_sign_in_body_is_answered_and_never_kept_in_full(provider_app, provider_client, body):
    params = ProviderFlow(provider_client).params()
    login = provider_client.get("/authorize", query_string=params).headers["Location"]
    answer = provider_client.post(login, data=body, content_type="application/x-www-form-urlencoded")
    assert 200 <= answer.status_code < 500
    assert all(hop.size <= wire_store.MAX_RECORD_BYTES for hop in stored(provider_app))
