"""The whole lab mounted under a path prefix, as the classroom serves a sandbox: over real HTTP.

Each party is the normal factory's app with the sandbox's settings (APPLICATION_ROOT, URLs ending
in the prefix) behind werkzeug's DispatcherMiddleware (tests/mounted.py). What a user would notice
is asserted: where links, redirects and cookies lead, what the pages say, what is refused.
"""

import re
import socket
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.conftest import PASSWORDS, resolve_localhost_names
from tests.mounted import start_mounted_servers
from tests.oauth_flow import LiveDance, csrf_token

ADDRESS = re.compile(r'(?:href|src|action)="([^"]+)"')


@pytest.fixture(scope="module")
def mounted(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_localhost_names(socket.getaddrinfo))
        servers = start_mounted_servers(tmp_path_factory.mktemp("mounted"))
        yield servers
        servers.stop()


@pytest.fixture(autouse=True)
def nothing_left_the_prefix(mounted):
    """After each test: no request it made, nor any a party made on the back channel (token,
    userinfo, JWKS, the provider's wire log), reached an origin outside the sandbox's prefix."""
    yield
    strays = mounted.take_strays()
    assert strays == [], f"requests outside {mounted.prefix}: {strays}"


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


def own_origins(mounted):
    return {urlsplit(url).netloc for url in mounted.urls.values()}


def addresses_outside(mounted, page_url, html):
    """Every link, script, stylesheet and form of a page that points at a lab origin outside the prefix."""
    outside = []
    for found in ADDRESS.findall(html):
        target = urlsplit(urljoin(page_url, found.replace("&amp;", "&")))
        if target.netloc in own_origins(mounted) and not target.path.startswith(mounted.prefix + "/"):
            outside.append(found)
    return outside


def set_cookie_paths(response):
    """{cookie name: its Path attribute} for every Set-Cookie of a response."""
    paths = {}
    for header in response.raw.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        path = re.search(r"Path=([^;]*)", header, re.I)
        paths[name] = path.group(1) if path else None
    return paths


PAGES = [
    ("app", "/"),
    ("app", "/jwt/"),
    ("app", "/session/"),
    ("app", "/oauth/"),
    ("app", "/challenges"),
    ("app", "/challenges/jwt-alg-none"),
    ("app", "/article/jwt"),
    ("app", "/exercises/01-jwt-role-required"),
    ("app", "/vulnerable/jwt/notes"),
    ("replica", "/session/"),
    ("provider", "/"),
    ("provider", "/login"),
    ("attacker", "/"),
    ("attacker", "/attack/session-csrf"),
    ("attacker", "/exploit"),
]


@pytest.mark.parametrize(("party", "path"), PAGES)
def test_every_address_on_a_page_stays_below_the_prefix(mounted, http, party, path):
    url = mounted.url(party, path)
    response = http.get(url, timeout=10)
    assert response.status_code == 200
    assert addresses_outside(mounted, url, response.text) == []


def test_the_app_marks_its_pages_with_the_prefix_for_its_scripts(mounted, http):
    page = http.get(mounted.url("app", "/jwt/"), timeout=10).text
    assert f'<html lang="en" data-root="{mounted.prefix}">' in page


def test_the_providers_issuer_is_its_url_with_the_prefix(mounted, http):
    discovery = http.get(mounted.url("provider", "/.well-known/openid-configuration"), timeout=10).json()
    assert discovery["issuer"] == mounted.provider_url
    assert discovery["jwks_uri"] == mounted.provider_url + "/.well-known/jwks.json"


def test_every_endpoint_the_provider_publishes_answers_below_the_prefix(mounted, http):
    discovery = http.get(mounted.url("provider", "/.well-known/openid-configuration"), timeout=10).json()
    endpoints = [value for name, value in discovery.items() if name.endswith(("_endpoint", "_uri"))]
    assert all(endpoint.startswith(mounted.provider_url + "/") for endpoint in endpoints)
    assert http.get(discovery["jwks_uri"], timeout=10).json()["keys"]


def test_the_oauth_sign_in_through_the_provider_completes_under_the_prefix(mounted):
    dance = LiveDance(mounted)
    response = dance.sign_in()
    assert response.status_code == 302
    assert response.headers["Location"].startswith(mounted.prefix + "/oauth/dance")
    assert "data-oauth-identity>alice<" in dance.page("/oauth/dance").text


def test_the_providers_sign_in_page_sends_the_browser_on_below_the_prefix(mounted):
    start = LiveDance(mounted).start()
    authorize = start.headers["Location"]
    assert authorize.startswith(mounted.provider_url + "/authorize?")
    to_login = urlsplit(requests.get(authorize, allow_redirects=False, timeout=10).headers["Location"])
    assert to_login.path == mounted.prefix + "/login"
    assert parse_qs(to_login.query)["next"][0].startswith(mounted.prefix + "/authorize?")


@pytest.mark.parametrize(
    "target",
    [
        "/session/",  # the root's page: outside this sandbox
        "/s/Another_sandbox_key-00/session/",
        "{prefix}/../Another_sandbox_key-00/session/",
        "{prefix}/%2e%2e/Another_sandbox_key-00/session/",
        "{prefix}-longer/session/",
        "https://evil.test/",
    ],
)
def test_oc_5_a_next_outside_the_prefix_is_refused(mounted, target):
    response = LiveDance(mounted).sign_in(next=target.format(prefix=mounted.prefix))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(mounted.prefix + "/oauth/dance")


def test_oc_5_a_next_below_the_prefix_is_honoured(mounted):
    response = LiveDance(mounted).sign_in(next=mounted.prefix + "/session/")
    assert response.headers["Location"] == mounted.prefix + "/session/"


def test_the_naive_twins_redirect_uri_is_below_the_prefix(mounted, http):
    response = http.get(mounted.url("app", "/vulnerable/oauth/login"), allow_redirects=False, timeout=10)
    to_provider = urlsplit(response.headers["Location"])
    assert to_provider.path == mounted.prefix + "/naive/authorize"
    assert parse_qs(to_provider.query)["redirect_uri"] == [mounted.app_url + "/vulnerable/oauth/callback"]


def refused_form_post(mounted, http, referer):
    """A form post without its CSRF token, from a page of this origin: the refusal page's links."""
    response = http.post(
        mounted.url("app", "/session/note"),
        data={"note": "x"},
        headers={"Origin": origin(mounted.app_url), "Referer": referer},
        timeout=10,
    )
    assert response.status_code == 400
    return re.findall(r'class="button[^"]*" href="([^"]+)">([^<]+)<', response.text)


def test_a_refusal_page_leads_back_to_the_page_below_the_prefix(mounted, http):
    links = refused_form_post(mounted, http, mounted.url("app", "/session/?from=here"))
    assert (f"{mounted.prefix}/session/?from=here", "Back to the page you came from") in links


def test_a_refusal_page_offers_no_way_back_into_another_sandbox(mounted, http):
    links = refused_form_post(mounted, http, origin(mounted.app_url) + "/s/Another_sandbox_key-00/session/")
    assert [href for href, _label in links if not href.startswith(mounted.prefix + "/")] == []


def provider_sign_in(mounted, http, next_url):
    login = mounted.url("provider", "/login")
    token = csrf_token(http.get(login, timeout=10).text)
    data = {"csrf_token": token, "username": "alice", "password": PASSWORDS["alice"]}
    return http.post(login, params={"next": next_url}, data=data, allow_redirects=False, timeout=10)


@pytest.mark.parametrize("target", ["/console/", "/s/Another_sandbox_key-00/console/"])
def test_as_11_the_providers_next_outside_its_prefix_goes_home(mounted, http, target):
    response = provider_sign_in(mounted, http, target)
    assert response.headers["Location"] == mounted.prefix + "/"


def test_as_11_the_providers_next_below_its_prefix_is_followed(mounted, http):
    response = provider_sign_in(mounted, http, mounted.prefix + "/console/")
    assert response.headers["Location"] == mounted.prefix + "/console/"


def test_the_provider_asks_for_a_sign_in_and_returns_to_its_console_below_the_prefix(mounted, http):
    response = http.get(mounted.url("provider", "/console/"), allow_redirects=False, timeout=10)
    to_login = urlsplit(response.headers["Location"])
    assert to_login.path == mounted.prefix + "/login"
    assert parse_qs(to_login.query)["next"][0].startswith(mounted.prefix + "/console/")


def test_the_session_cookie_belongs_to_the_prefix(mounted, http):
    response = http.post(
        mounted.url("app", "/session/login"), json={"username": "bob", "password": PASSWORDS["bob"]}, timeout=10
    )
    assert response.status_code == 200
    assert set_cookie_paths(response)["session"] == mounted.prefix


def test_signing_out_expires_the_session_cookie_on_the_prefix(mounted, http):
    http.post(mounted.url("app", "/session/login"), json={"username": "bob", "password": PASSWORDS["bob"]}, timeout=10)
    response = http.post(mounted.url("app", "/session/logout"), timeout=10)
    assert set_cookie_paths(response)["session"] == mounted.prefix
    assert "session" not in http.cookies


def test_the_remember_me_cookie_belongs_to_the_prefix(mounted, http):
    body = {"username": "bob", "password": PASSWORDS["bob"], "remember": True}
    response = http.post(mounted.url("app", "/session/login"), json=body, timeout=10)
    assert set_cookie_paths(response)["remember_token"] == mounted.prefix


def test_the_jwt_cookie_modes_cookies_belong_to_the_prefix(mounted, http):
    body = {"username": "bob", "password": PASSWORDS["bob"]}
    response = http.post(mounted.url("app", "/jwt/cookie/login"), json=body, timeout=10)
    paths = set_cookie_paths(response)
    assert paths["access_token_cookie"] == paths["csrf_access_token"] == mounted.prefix


def test_the_providers_session_cookie_belongs_to_the_prefix(mounted, http):
    response = http.get(mounted.url("provider", "/login"), timeout=10)
    assert set_cookie_paths(response)["provider_session"] == mounted.prefix


def test_the_challenge_player_cookie_belongs_to_the_prefix(mounted, http):
    response = http.get(mounted.url("app", "/challenges"), timeout=10)
    assert set_cookie_paths(response)["lab_player"] == mounted.prefix


def test_the_naive_twins_session_cookies_belong_to_the_prefix(mounted, http):
    response = http.get(mounted.url("app", "/vulnerable/session/?sid=planted-7"), timeout=10)
    paths = set_cookie_paths(response)
    assert paths["naive_sid"] == paths["naive_sid_lax"] == mounted.prefix


def solution_of(mounted, http, challenge_id):
    page_url = mounted.url("app", f"/challenges/{challenge_id}")
    for _ in range(2):  # the solution shows when asked for twice
        token = csrf_token(http.get(page_url, timeout=10).text)
        http.post(page_url + "/solution", data={"csrf_token": token}, headers={"Origin": origin(mounted.app_url)})
    return http.get(page_url, timeout=10).text


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_a_challenges_text_names_this_labs_addresses(mounted, http):
    page = solution_of(mounted, http, "jwt-alg-none")
    assert f"{mounted.app_url}/vulnerable/jwt/admin" in page
    assert f"<code>POST {mounted.prefix}/vulnerable/jwt/login</code>" in page


def test_lab_1_the_victim_refuses_a_link_outside_the_prefix(mounted, http):
    page_url = mounted.url("app", "/challenges/session-csrf")
    token = csrf_token(http.get(page_url, timeout=10).text)
    elsewhere = origin(mounted.attacker_url) + "/exploit/" + "0" * 32
    page = http.post(
        page_url + "/victim",
        data={"csrf_token": token, "link": elsewhere},
        headers={"Origin": origin(mounted.app_url)},
        timeout=10,
    )
    assert f"The victim only opens links to {mounted.attacker_url}." in page.text


def stored_exploit(mounted, http, body):
    editor = mounted.url("attacker", "/exploit")
    return http.post(editor, data={"body": body}, timeout=10)


def test_the_exploit_servers_address_for_a_page_is_below_the_prefix(mounted, http):
    editor = stored_exploit(mounted, http, "<p>prize</p>")
    address = re.search(r'id="exploit-address" href="([^"]+)"', editor.text).group(1)
    assert re.fullmatch(re.escape(mounted.attacker_url) + "/exploit/[0-9a-f]{32}", address)
    assert http.get(address, timeout=10).text == "<p>prize</p>"


def test_a_stored_exploit_page_may_post_forms_below_the_labs_prefix_only(mounted, http):
    editor = stored_exploit(mounted, http, "<p>prize</p>")
    address = re.search(r'id="exploit-address" href="([^"]+)"', editor.text).group(1)
    header = http.get(address, timeout=10).headers["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert f"{mounted.app_url}/" in policy["form-action"].split()
    assert origin(mounted.app_url) not in policy["form-action"].split()


def test_the_wire_panel_records_the_path_with_its_prefix(mounted, http):
    response = http.get(
        mounted.url("app", "/jwt/protected"), headers={"X-Wire": "capture", "Accept": "application/json"}, timeout=10
    )
    record = http.get(mounted.url("app", "/wire/" + response.headers["X-Wire-Id"]), timeout=10).json()
    assert urlsplit(record["request"]["url"]).path == mounted.prefix + "/jwt/protected"
