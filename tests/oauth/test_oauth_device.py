"""The device "TV" page (RFC 8628) over real HTTP: the app's server polls the live provider.

A `requests` session plays the browser on the TV page (the app) and another plays the phone
at the provider's /device page. Each test names the clause it checks.
"""

import re
import time
from urllib.parse import urljoin

import pytest
import requests

from blueprints.oauth import device_grant
from tests.conftest import LIVE_DEVICE_POLLING_INTERVAL, PASSWORDS
from tests.oauth_flow import csrf_token

CODE = re.compile(r"data-user-code>([^<]+)<")
COMPLETE = re.compile(r'href="([^"]+)"[^>]*data-verification-complete')


@pytest.fixture
def tv(live, monkeypatch):
    """The TV page's browser, with the provider's seeded TV client named in the app's settings."""
    monkeypatch.setitem(live.app.config, "DEVICE_CLIENT_ID", "authlab-tv")
    return TV(live)


class TV:
    def __init__(self, live):
        self.live = live
        self.http = requests.Session()

    def url(self, path):
        return f"{self.live.app_url}{path}"

    def form(self, path, **data):
        data.setdefault("csrf_token", csrf_token(self.http.get(self.url("/oauth/device")).text))
        return self.http.post(self.url(path), data=data, headers={"Origin": self.live.app_url}, allow_redirects=False)

    def start(self):
        response = self.form("/oauth/device/start")
        assert response.status_code == 302, response.text[:300]
        page = self.http.get(self.url("/oauth/device")).text
        self.user_code = CODE.search(page).group(1)
        self.complete = COMPLETE.search(page).group(1).replace("&amp;", "&")
        return page

    def poll(self, origin=None):
        headers = {"Origin": origin or self.live.app_url, "Accept": "application/json"}
        return self.http.post(self.url("/oauth/device/poll"), json={}, headers=headers)


def decide_at_provider(live, complete_url, decision="approve", username="alice"):
    """The phone: sign in at the provider, confirm the code shown, then Allow or Deny."""
    phone = requests.Session()
    response = phone.get(complete_url, allow_redirects=False)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login = urljoin(complete_url, response.headers["Location"])
    data = {"csrf_token": csrf_token(phone.get(login).text), "username": username, "password": PASSWORDS[username]}
    response = phone.post(login, data=data, allow_redirects=False)
    page = phone.get(urljoin(login, response.headers["Location"])).text
    user_code = re.search(r'name="user_code"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "user_code": user_code, "confirm_code": "Continue"}
    confirm = phone.post(f"{live.provider_url}/device", data=data)
    assert "TV" in confirm.text, confirm.text[:500]
    choice = {"approve": "Allow"} if decision == "approve" else {"deny": "Deny"}
    done = phone.post(
        f"{live.provider_url}/device", data={"csrf_token": csrf_token(confirm.text), "user_code": user_code, **choice}
    )
    assert done.status_code == 200, done.text[:500]


def test_rfc8628_3_2_start_shows_the_user_code_and_where_to_type_it(tv):
    page = tv.start()
    assert re.fullmatch(r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}", tv.user_code)
    assert f'href="{tv.live.provider_url}/device"' in page
    assert tv.complete.startswith(f"{tv.live.provider_url}/device?user_code=")
    assert 'target="_blank" rel="noopener noreferrer"' in page
    assert "POST http" in page or "device_authorization" in page  # the hop, on the wire panel


def test_lab_2_the_device_code_never_reaches_the_browser_whole(tv):
    page = tv.start()
    poll = tv.poll().text
    for text in (page, poll):
        assert not re.search(r"device_code=[A-Za-z0-9_-]{40,}", text)
        assert not re.search(r'device_code\\?"\s*:\s*\\?"[A-Za-z0-9_-]{40,}', text)
    assert "shortened on this page" in poll


def test_rfc8628_3_5_a_poll_before_approval_is_authorization_pending(tv):
    tv.start()
    answer = tv.poll()
    assert answer.status_code == 200
    assert answer.json()["status"] == "authorization_pending"
    assert answer.json()["interval"] == LIVE_DEVICE_POLLING_INTERVAL  # the live provider's first interval
    assert answer.json()["finished"] is None


def test_rfc8628_3_5_polling_too_fast_gets_slow_down_and_five_more_seconds(tv):
    tv.start()
    assert tv.poll().json()["status"] == "authorization_pending"
    time.sleep(1.1)  # past the app's floor, well inside the interval
    answer = tv.poll().json()
    assert answer["status"] == "slow_down"
    assert (answer["interval_before"], answer["interval"]) == (
        LIVE_DEVICE_POLLING_INTERVAL,
        LIVE_DEVICE_POLLING_INTERVAL + 5,
    )


def test_the_app_polls_for_a_page_at_most_once_a_second(tv):
    tv.start()
    assert tv.poll().status_code == 200
    refused = tv.poll()
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["error"] == "Too many polls"


def test_rfc8628_3_5_after_approval_the_poll_brings_tokens_and_the_user_api(tv):
    tv.start()
    decide_at_provider(tv.live, tv.complete)
    answer = tv.poll().json()
    assert answer["status"] == "approved" and answer["finished"] == "approved"
    hops = [record["request"]["url"] for record in answer["wire"]]
    assert any(url.endswith("/token") for url in hops) and any(url.endswith("/userinfo") for url in hops)
    page = tv.http.get(tv.url("/oauth/device")).text
    assert "The TV is now signed in as <strong>alice</strong>" in page
    assert "signature, iss, aud, exp" in page and "verified" in page
    assert "shortened on this page" in page  # the access token, as the page shows it


def test_rfc8628_3_5_a_denial_ends_the_attempt(tv):
    tv.start()
    decide_at_provider(tv.live, tv.complete, decision="deny")
    assert tv.poll().json()["status"] == "access_denied"
    again = tv.poll()
    assert again.status_code in (409, 429)
    time.sleep(1.1)
    over = tv.poll()
    assert over.status_code == 409
    assert "This attempt is over (access_denied)" in over.json()["description"]


def test_a_poll_with_no_attempt_is_a_clear_404(tv):
    answer = tv.poll()
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "Device flow",
        "description": "No device sign-in was started in this browser: press Start first.",
    }


def test_a_form_poll_with_no_attempt_is_a_404_page(tv):
    response = tv.form("/oauth/device/poll")
    assert response.status_code == 404
    assert "No device sign-in was started in this browser" in response.text


def test_pw_5_a_cross_site_poll_is_refused(tv):
    tv.start()
    refused = tv.poll(origin=tv.live.attacker_url)
    assert refused.status_code in (400, 403)
    assert tv.poll().json()["status"] == "authorization_pending"  # the attempt is untouched


def test_the_page_says_when_no_tv_client_is_configured(live):
    page = requests.get(f"{live.app_url}/oauth/device", timeout=10).text
    assert "client is not configured" in page and "DEVICE_CLIENT_ID" in page


def test_start_without_a_tv_client_is_a_clear_404(live):
    http = requests.Session()
    token = csrf_token(http.get(f"{live.app_url}/oauth/device").text)
    response = http.post(
        f"{live.app_url}/oauth/device/start", data={"csrf_token": token}, headers={"Origin": live.app_url}
    )
    assert response.status_code == 404
    assert "DEVICE_CLIENT_ID" in response.text


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", "data:text/html,x", "//evil.example/device", "x" * 600, None, 7]
)
def test_a_verification_uri_that_is_no_http_address_is_refused(uri):
    assert device_grant.web_url(uri) is None


def test_the_device_code_is_shortened_in_every_record_by_value():
    code = "A" * 20 + "-_" + "b" * 21
    records = [{"request": {"body": f"device_code={code}&x=1"}, "response": {"body": f'{{"device_code": "{code}"}}'}}]
    cleaned = str(device_grant.scrubbed(records, code))
    assert code not in cleaned and "shortened on this page" in cleaned
