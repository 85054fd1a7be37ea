"""The device authorization grant (RFC 8628): the codes a TV gets, the person's /device page,
and the answers to the TV's polling, each named by its clause."""

import re
import time

import pytest

from provider import create_app
from provider.device_codes import USER_CODE_ALPHABET
from provider.issued import DeviceCode, Grant, Token
from provider.models import db, secret_digest
from tests.conftest import provider_config
from tests.oauth_flow import CLIENT_ID, CLIENT_SECRET, ProviderFlow, csrf_token
from tests.provider.lab_flows import DEVICE_GRANT, Device, lab_settings, part

SHOWN_CODE = re.compile(f"[{USER_CODE_ALPHABET}]{{4}}-[{USER_CODE_ALPHABET}]{{4}}")


@pytest.fixture(scope="module")
def settings(provider_app):
    return lab_settings(provider_app)


@pytest.fixture
def tv(provider_client, settings):
    device = Device(provider_client, settings)
    assert device.start(scope="openid profile").status_code == 200
    return device


@pytest.fixture
def browser(provider_app):
    """The person's phone: another browser, signed in at the provider as alice."""
    client = provider_app.test_client()
    ProviderFlow(client).login()
    return client


def stored(provider_app, tv):
    with provider_app.app_context():
        return db.session.execute(
            db.select(DeviceCode).filter_by(device_code=secret_digest(tv.codes["device_code"]))
        ).scalar_one()


def change(provider_app, tv, **values):
    with provider_app.app_context():
        item = db.session.execute(
            db.select(DeviceCode).filter_by(device_code=secret_digest(tv.codes["device_code"]))
        ).scalar_one()
        for name, value in values.items():
            setattr(item, name, value)
        db.session.commit()


# --- §3.1, §3.2: the device authorization request and response ----------------------------------


def test_rfc8628_3_2_the_response_has_every_field(tv):
    codes = tv.codes
    assert set(codes) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    assert codes["verification_uri"] == "http://127.0.0.1:8001/device"
    assert codes["verification_uri_complete"] == f"http://127.0.0.1:8001/device?user_code={codes['user_code']}"
    assert codes["expires_in"] == 600 and codes["interval"] == 5


def test_rfc8628_3_5_a_shorter_first_interval_still_grows_by_five_seconds_on_slow_down(tmp_path, signing_key_pem):
    # DEVICE_POLLING_INTERVAL: the first interval (the live servers of the browser tests use 2).
    settings_2s = provider_config(tmp_path, DEVICE_POLLING_INTERVAL=2, SIGNING_KEY_PEM=signing_key_pem)
    app = create_app(settings_2s)
    device = Device(app.test_client(), lab_settings(app))
    assert device.start().get_json()["interval"] == 2
    assert device.poll().get_json()["error"] == "authorization_pending"
    slowed = device.poll().get_json()
    assert slowed["error"] == "slow_down"
    assert "wait at least 7 seconds" in slowed["error_description"]


def test_rfc8628_6_1_the_user_code_is_eight_consonants_shown_as_two_groups(provider_client, settings):
    codes = [Device(provider_client, settings).start().get_json()["user_code"] for _ in range(20)]
    assert all(SHOWN_CODE.fullmatch(code) for code in codes)
    assert len(set(codes)) == 20


def test_rfc8628_5_2_the_device_code_is_256_bits_stored_as_a_digest(provider_app, tv):
    assert len(tv.codes["device_code"]) == 43
    with provider_app.app_context():
        columns = db.session.execute(db.select(DeviceCode.device_code)).scalars().all()
    assert tv.codes["device_code"] not in columns
    assert secret_digest(tv.codes["device_code"]) in columns


def test_rfc8628_3_1_a_client_not_registered_for_the_grant_is_unauthorized_client(provider_client, settings):
    response = Device(provider_client, settings, client_id=settings["SPA_CLIENT_ID"]).start()
    assert response.status_code == 400
    assert response.get_json()["error"] == "unauthorized_client"


def test_rfc8628_3_1_a_confidential_client_authenticates_as_it_registered(provider_client):
    response = provider_client.post("/device_authorization", data={"client_id": CLIENT_ID})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    authenticated = provider_client.post("/device_authorization", auth=(CLIENT_ID, CLIENT_SECRET))
    assert authenticated.get_json()["error"] == "unauthorized_client"  # known now, but not a TV


def test_rfc8628_3_1_an_unknown_client_is_invalid_client(provider_client, settings):
    response = Device(provider_client, settings, client_id="no-such-tv").start()
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("scope", ["inventory:read", "openid admin", "offline"])
def test_rfc6749_3_3_a_scope_the_tv_was_not_registered_for_is_invalid_scope(provider_client, settings, scope):
    response = Device(provider_client, settings).start(scope=scope)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


def test_as_9_discovery_names_the_device_endpoint_and_grant(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta["device_authorization_endpoint"] == "http://127.0.0.1:8001/device_authorization"
    assert "urn:ietf:params:oauth:grant-type:device_code" in meta["grant_types_supported"]


# --- §3.4, §3.5: the device polls --------------------------------------------------------------


def test_rfc8628_3_5_authorization_pending_while_nobody_decided(tv):
    response = tv.poll()
    assert response.status_code == 400
    assert response.get_json()["error"] == "authorization_pending"


def test_rfc8628_3_5_polling_faster_than_the_interval_is_slow_down_and_adds_five_seconds(provider_app, tv):
    assert tv.poll().get_json()["error"] == "authorization_pending"
    assert tv.poll().get_json()["error"] == "slow_down"
    assert stored(provider_app, tv).interval == 10
    # Six seconds later is fine for the old interval, too soon for the new one (§3.5: "for this
    # and all subsequent requests").
    change(provider_app, tv, last_polled_at=time.time() - 6)
    assert tv.poll().get_json()["error"] == "slow_down"
    assert stored(provider_app, tv).interval == 15
    change(provider_app, tv, last_polled_at=time.time() - 16)
    assert tv.poll().get_json()["error"] == "authorization_pending"


def test_rfc8628_3_5_after_approval_the_device_gets_tokens_with_an_id_token(tv, browser):
    page = tv.decide(browser)
    assert page.status_code == 200 and "Device connected" in page.get_data(as_text=True)
    response = tv.poll()
    assert response.status_code == 200
    tokens = response.get_json()
    assert {"access_token", "refresh_token", "id_token"} <= tokens.keys()
    assert tokens["scope"] == "openid profile" and tokens["expires_in"] == 600
    claims = part(tokens["id_token"], 1)
    assert claims["aud"] == [tv.client_id] and claims["preferred_username"] == "alice"
    assert claims["iss"] == "http://127.0.0.1:8001" and claims["auth_time"] <= time.time()


def test_rfc8628_3_5_the_device_code_is_single_use(tv, browser):
    tv.decide(browser)
    assert tv.poll().status_code == 200
    again = tv.poll()
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"


def test_rfc8628_3_5_denied_is_access_denied(tv, browser):
    page = tv.decide(browser, "deny")
    assert "Device refused" in page.get_data(as_text=True)
    response = tv.poll()
    assert response.status_code == 400
    assert response.get_json()["error"] == "access_denied"


def test_rfc8628_3_5_an_expired_code_is_expired_token(provider_app, tv):
    change(provider_app, tv, expires_at=time.time() - 1)
    response = tv.poll()
    assert response.status_code == 400
    assert response.get_json()["error"] == "expired_token"


def test_rfc6749_5_2_an_unknown_device_code_is_invalid_grant(tv):
    response = tv.poll(device_code="not-a-device-code")
    assert response.get_json()["error"] == "invalid_grant"


def test_rfc6749_5_2_another_clients_device_code_is_unknown_to_it(provider_app, tv, browser):
    """A second public TV client cannot redeem the first one's device code, even once approved."""
    from provider.models import Client

    with provider_app.app_context():
        other = Client(client_id="another-tv", client_id_issued_at=int(time.time()))
        other.set_client_metadata(
            {
                "client_name": "Another TV",
                "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"],
                "scope": "openid profile",
                "token_endpoint_auth_method": "none",
            }
        )
        db.session.add(other)
        db.session.commit()
    tv.decide(browser)
    assert tv.poll(client_id="another-tv").get_json()["error"] == "invalid_grant"
    assert tv.poll().status_code == 200  # the rightful TV still can


def test_rfc8628_3_5_a_refresh_token_from_the_device_rotates(tv, browser, provider_client):
    tv.decide(browser)
    refresh = tv.poll().get_json()["refresh_token"]
    data = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": tv.client_id}
    response = provider_client.post("/token", data=data)
    assert response.status_code == 200
    assert response.get_json()["refresh_token"] != refresh


def test_rfc7009_withdrawing_the_grant_in_the_console_ends_the_devices_tokens(provider_app, tv, browser):
    tv.decide(browser)
    token = tv.poll().get_json()["access_token"]
    with provider_app.app_context():
        grant = db.session.get(Grant, Token.find(token).grant_id)
        grant.revoke("you revoked it in the console")
        db.session.commit()
        assert Token.find(token).is_revoked()


# --- §3.3: the person at /device ---------------------------------------------------------------


def test_rfc8628_3_3_the_device_page_asks_a_signed_out_person_to_sign_in(provider_client, tv):
    response = provider_client.get(f"/device?user_code={tv.codes['user_code']}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/device")


def test_rfc8628_3_3_1_verification_uri_complete_fills_the_code_in_and_shows_nothing_yet(browser, tv):
    page = browser.get(tv.codes["verification_uri_complete"].removeprefix("http://127.0.0.1:8001"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'value="{tv.codes["user_code"]}"' in html
    assert "TV (the device lab)" not in html  # looked up only on Continue, a counted POST (§5.1)
    assert "someone sent you" in html  # §5.4: the remote phishing warning


def test_rfc8628_3_3_continue_shows_the_client_the_code_and_the_scopes(browser, tv):
    token = csrf_token(browser.get("/device").get_data(as_text=True))
    page = browser.post("/device", data={"csrf_token": token, "user_code": tv.codes["user_code"], "confirm_code": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "TV (the device lab)" in html and tv.codes["user_code"] in html
    assert "<code>openid</code>" in html and "<code>profile</code>" in html
    assert "Registered by this provider's operator" in html


@pytest.mark.parametrize(
    "typed", [str.lower, lambda code: code.replace("-", ""), lambda code: f"  {code[:4]} {code[5:]} "]
)
def test_rfc8628_6_1_case_dashes_and_spaces_in_the_typed_code_do_not_matter(browser, tv, typed):
    token = csrf_token(browser.get("/device").get_data(as_text=True))
    data = {"csrf_token": token, "user_code": typed(tv.codes["user_code"]), "confirm_code": "1"}
    assert "TV (the device lab)" in browser.post("/device", data=data).get_data(as_text=True)


@pytest.mark.parametrize("typed", ["BCDF-GHJK", "AAAA-AAAA", "x" * 64, "<script>", "BCDF-GHJ"])
def test_rfc8628_3_3_a_wrong_code_gets_a_clear_400(browser, typed):
    token = csrf_token(browser.get("/device").get_data(as_text=True))
    page = browser.post("/device", data={"csrf_token": token, "user_code": typed, "confirm_code": "1"})
    assert page.status_code == 400
    assert "No device is waiting for that code" in page.get_data(as_text=True)


def test_as_7_the_device_page_refuses_a_post_without_its_csrf_token(browser, tv):
    response = browser.post("/device", data={"user_code": tv.codes["user_code"], "approve": "Allow"})
    assert response.status_code == 400
    assert tv.poll().get_json()["error"] == "authorization_pending"


def test_rfc8628_3_3_a_code_is_decided_once(tv, browser):
    tv.decide(browser)
    token = csrf_token(browser.get("/device").get_data(as_text=True))
    again = browser.post("/device", data={"csrf_token": token, "user_code": tv.codes["user_code"], "deny": "Deny"})
    assert again.status_code == 400
    assert tv.poll().status_code == 200  # the first decision stands


def test_rfc8628_3_3_an_expired_code_cannot_be_approved(provider_app, tv, browser):
    change(provider_app, tv, expires_at=time.time() - 1)
    token = csrf_token(browser.get("/device").get_data(as_text=True))
    page = browser.post("/device", data={"csrf_token": token, "user_code": tv.codes["user_code"], "approve": "1"})
    assert page.status_code == 400


# --- §5.1: guesses are throttled -----------------------------------------------------------------


@pytest.fixture
def throttled_provider(tmp_path, signing_key_pem):
    return create_app(provider_config(tmp_path / "p", SIGNING_KEY_PEM=signing_key_pem, RATELIMIT_ENABLED=True))


def test_rfc8628_5_1_wrong_codes_are_throttled_per_account(throttled_provider):
    browser = throttled_provider.test_client()
    ProviderFlow(browser).login()
    token = csrf_token(browser.get("/device").get_data(as_text=True))
    answers = [
        browser.post("/device", data={"csrf_token": token, "user_code": "BCDF-GHJK", "confirm_code": "1"})
        for _ in range(6)
    ]
    assert [answer.status_code for answer in answers] == [400] * 5 + [429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "Too many wrong codes" in answers[-1].get_data(as_text=True)


def test_rfc8628_5_1_the_right_code_is_never_counted(throttled_provider):
    settings = lab_settings(throttled_provider)
    http = throttled_provider.test_client()
    ProviderFlow(http).login()
    for _ in range(8):
        tv = Device(http, settings)
        tv.start()
        token = csrf_token(http.get("/device").get_data(as_text=True))
        page = http.post("/device", data={"csrf_token": token, "user_code": tv.codes["user_code"], "confirm_code": "1"})
        assert page.status_code == 200


def test_pw_6_a_class_of_tvs_polling_while_pending_is_never_throttled(throttled_provider):
    """RFC 8628 §3.5: authorization_pending is the normal answer while the person decides, not a
    failed guess. Thirty TVs of one class share the lab's TV client and the app's address, and
    poll 360 times a minute between them: more than any failure limit (120 per address)."""
    settings = lab_settings(throttled_provider)
    http = throttled_provider.test_client()
    tvs = [Device(http, settings) for _ in range(121)]
    for tv in tvs:
        tv.start()
    answers = [tv.poll() for tv in tvs]
    assert {answer.get_json()["error"] for answer in answers} == {"authorization_pending"}


# --- Attacks on the device endpoints -------------------------------------------------------------


def test_rfc6749_3_2_a_repeated_parameter_at_device_authorization_is_invalid_request(provider_client, settings):
    data = {"client_id": settings["DEVICE_CLIENT_ID"], "scope": ["openid", "openid profile email"]}
    response = provider_client.post("/device_authorization", data=data)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_rfc8628_5_2_a_flood_of_device_authorizations_is_capped_per_client(provider_client, settings, monkeypatch):
    """Anyone may start an authorization as a public TV: how many may wait at once is bounded."""
    monkeypatch.setattr("provider.device_codes.MAX_PENDING_PER_CLIENT", 3)
    with provider_client.application.app_context():
        db.session.execute(db.delete(DeviceCode))
        db.session.commit()
    answers = [Device(provider_client, settings).start() for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[-1].get_json()["error"] == "too_many_requests"


def test_as_3_two_concurrent_polls_after_approval_cannot_both_get_tokens(provider_app, tv, browser):
    import threading

    tv.decide(browser)
    start, answers = threading.Barrier(2), []

    def poll():
        device = Device(provider_app.test_client(), lab_settings(provider_app))
        device.codes = tv.codes
        start.wait()
        answers.append(device.poll())

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200, 400]


@pytest.mark.parametrize(
    "data",
    [
        {"device_code": "x" * 5000},
        {"device_code": "\x00\x01"},
        {"device_code": ""},
        {"device_code": "a", "client_id": "x" * 5000},
        {"device_code": "a", "client_id": "\u202e"},
    ],
)
def test_bad_input_at_the_token_endpoint_with_the_device_grant_is_a_clear_4xx(provider_client, settings, data):
    response = provider_client.post(
        "/token", data={"grant_type": DEVICE_GRANT, "client_id": settings["DEVICE_CLIENT_ID"], **data}
    )
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]
