"""Every hop of the dance, raw, on the dance page's wire panel (blueprints/oauth/raw_hops.py):
what the app saw and what the provider saw (provider/wire_log.py), in order, nothing secret."""

import html
import json
import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import CLIENT_SECRET, PASSWORDS
from tests.oauth_flow import LiveDance, query

RAW_PANEL = re.compile(r'id="wire-raw".*?<script type="application/json" data-wire-records>(.*?)</script>', re.S)


def raw_hops(dance):
    """The records the dance page embeds in its raw-hops panel, in order."""
    found = RAW_PANEL.search(dance.page("/oauth/dance").text)
    return json.loads(html.unescape(found.group(1))) if found else []


def header(message, name):
    return next((value for key, value in message["headers"] if key.lower() == name.lower()), None)


def line(record):
    """(who saw it, method, path, status code) of one record."""
    return (
        record["seen_by"],
        record["request"]["method"],
        urlsplit(record["request"]["url"]).path,
        record["response"]["status"].split()[0],
    )


@pytest.fixture
def signed_in(live):
    dance = LiveDance(live)
    dance.sign_in()
    return dance


def test_every_hop_is_shown_in_the_order_it_crossed_the_wire(signed_in):
    app, provider = "seen by the app", "seen by the provider"
    assert [line(record) for record in raw_hops(signed_in) if "jwks" not in record["request"]["url"]] == [
        (app, "GET", "/oauth/login", "302"),
        (provider, "GET", "/authorize", "302"),
        (provider, "GET", "/login", "200"),
        (provider, "POST", "/login", "302"),
        (provider, "GET", "/authorize", "200"),
        (provider, "POST", "/authorize", "302"),
        (app, "GET", "/oauth/callback", "302"),
        (app, "POST", "/token", "200"),
        (app, "GET", "/userinfo", "200"),
    ]


def test_the_login_hop_is_the_302_with_the_authorization_request_in_its_location(signed_in, live):
    login = raw_hops(signed_in)[0]
    location = header(login["response"], "Location")
    assert location.startswith(f"{live.provider_url}/authorize?")
    assert {"state", "code_challenge", "nonce"} <= set(query(location))


def test_the_providers_redirect_back_carries_code_state_and_iss(signed_in, live):
    hops = raw_hops(signed_in)
    back = next(record for record in hops if record.get("anchor") == "raw-provider-redirect")
    location = header(back["response"], "Location")
    assert location.startswith(f"{live.app_url}/oauth/callback?code=")
    state = query(header(hops[0]["response"], "Location"))["state"]
    assert f"state={state}" in location
    assert "iss=http" in location


def test_the_provider_keeps_the_code_to_its_first_characters(signed_in):
    hops = raw_hops(signed_in)
    back = next(record for record in hops if record.get("anchor") == "raw-provider-redirect")
    code = query(next(record for record in hops if record.get("anchor") == "raw-callback")["request"]["url"])["code"]
    location = header(back["response"], "Location")
    assert code not in location
    assert f"code={code[:6]}… (43 characters shortened by the provider" in location


def test_the_callback_hop_shows_its_cookie_header_with_the_session_id_shortened(signed_in, live):
    callback = next(record for record in raw_hops(signed_in) if record.get("anchor") == "raw-callback")
    cookie = header(callback["request"], "Cookie")
    assert cookie.startswith("session=") and "characters, shortened on this page" in cookie
    assert all(value not in cookie for value in signed_in.http.cookies.values())


def test_the_callback_answer_shows_the_new_session_cookie_of_the_sign_in(signed_in):
    callback = next(record for record in raw_hops(signed_in) if record.get("anchor") == "raw-callback")
    sent, set_cookie = header(callback["request"], "Cookie"), header(callback["response"], "Set-Cookie")
    assert set_cookie.startswith("session=") and "HttpOnly" in set_cookie
    assert sent.split("…")[0] != set_cookie.split("…")[0]  # a fresh id at sign-in (fixation defence)


def test_the_password_typed_at_the_provider_is_masked(signed_in):
    login_post = next(record for record in raw_hops(signed_in) if line(record)[1:3] == ("POST", "/login"))
    assert "username=alice" in login_post["request"]["body"]
    assert "password=*** (masked), not recorded" in login_post["request"]["body"]
    assert PASSWORDS["alice"] not in json.dumps(raw_hops(signed_in))


def test_no_cookie_of_the_provider_and_no_client_secret_is_kept_whole(signed_in, live):
    text = json.dumps(raw_hops(signed_in))
    provider_cookies = [c.value for c in signed_in.http.cookies if c.name == "provider_session"]
    assert provider_cookies and not [value for value in provider_cookies if value in text]
    assert CLIENT_SECRET not in text


def test_the_diagram_links_each_recorded_hop_to_its_raw_record(signed_in):
    page = signed_in.page("/oauth/dance").text
    links = set(re.findall(r'href="#(raw-[a-z-]+)" data-raw-link', page))
    anchors = {record.get("anchor") for record in raw_hops(signed_in)}
    assert {"raw-login", "raw-provider", "raw-provider-redirect", "raw-callback", "raw-token", "raw-userinfo"} <= links
    assert links <= anchors


def test_in_pause_mode_the_providers_side_waits_for_the_code_to_be_redeemed(live):
    dance = LiveDance(live)
    dance.start(pause="1")
    page = dance.page("/oauth/dance").text
    authorize_url = html.unescape(page.split('class="button" href="', 1)[1].split('"', 1)[0])
    dance.http.get(dance.at_provider(authorize_url).headers["Location"], allow_redirects=False)
    assert "once the app has redeemed the code" in dance.page("/oauth/dance").text
    assert "seen by the provider" not in {record["seen_by"] for record in raw_hops(dance)}
    dance.post("/oauth/dance/next")
    assert "seen by the provider" in {record["seen_by"] for record in raw_hops(dance)}


def test_a_code_not_yet_spent_is_shortened_in_the_callback_hop(live):
    dance = LiveDance(live)
    dance.start(pause="1")
    page = dance.page("/oauth/dance").text
    authorize_url = html.unescape(page.split('class="button" href="', 1)[1].split('"', 1)[0])
    callback_url = dance.at_provider(authorize_url).headers["Location"]
    dance.http.get(callback_url, allow_redirects=False)
    code = query(callback_url)["code"]
    callback = next(record for record in raw_hops(dance) if record.get("anchor") == "raw-callback")
    assert code not in callback["request"]["url"]
    assert f"code={code[:6]}…" in callback["request"]["url"]


def test_a_flow_stopped_at_the_state_check_hands_over_nothing_of_the_provider(live):
    attacker, victim = LiveDance(live), LiveDance(live)
    callback = attacker.callback_url()  # the attacker's flow, completed at the provider
    victim.start()
    assert victim.http.get(callback, allow_redirects=False).status_code == 400
    assert "nothing proves that this browser is the one that signed in there" in victim.page("/oauth/dance").text
    assert [record["seen_by"] for record in raw_hops(victim)] == ["seen by the app", "seen by the app"]


def test_a_stranger_who_lured_a_victim_through_their_own_flow_cannot_read_the_victims_hops(live):
    """The attacker starts a flow (its state is in the attacker's session) and has the victim's
    browser complete it at the provider. The victim's callback is refused (another session's
    state), so the code is never redeemed; the attacker, holding the state but not the code,
    brings a made-up one: the provider hands the victim's hops to nobody."""
    attacker, victim = LiveDance(live), LiveDance(live)
    authorize_url = attacker.start().headers["Location"]
    victims_callback = victim.at_provider(authorize_url, "bob", PASSWORDS["bob"]).headers["Location"]
    assert victim.http.get(victims_callback, allow_redirects=False).status_code == 400
    params = query(victims_callback)
    made_up = f"/oauth/callback?code=made-up-code-{'x' * 30}&state={params['state']}&iss={params['iss']}"
    assert attacker.page(made_up).status_code == 400  # the provider refuses the code
    hops = raw_hops(attacker)
    assert "seen by the provider" not in {record["seen_by"] for record in hops}
    assert "username=bob" not in json.dumps(hops)
    assert "no record of this flow to hand over" in attacker.page("/oauth/dance").text


def test_a_dance_page_with_no_sign_in_started_shows_no_raw_hops(live):
    assert raw_hops(LiveDance(live)) == []
