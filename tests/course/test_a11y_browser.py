"""Accessible pages: axe-core finds nothing on any page a student reaches (WCAG 2.1 A/AA, best practice).

Every page of the app, the provider, the attacker's site and the naive twins is opened in
Chromium, in the state a student sees it, and Deque's axe-core (pinned in
tests/interop/package-lock.json) checks it. One test per page, so a failure names the page and
lists each rule broken: its id, impact, the elements (CSS selectors) and the rule's help.
Each is checked at a desktop's size and a phone's. A few pages are checked again after the
clicks that change them most (the JWT lab signed in, the dance paused and completed, the
device flow started and approved).

The list of pages is checked against the three url_maps: a GET route that is neither visited
here nor named in NOT_PAGES with the reason fails test_every_get_page_is_checked, and so does
a link of the header or the home page that no visit covers.
"""

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException

from attacker import available_attacks
from blueprints.challenges import all_challenges
from blueprints.course.article import BY_SLUG
from exercises import CATALOG
from tests.conftest import PASSWORDS
from tests.course.contrast import low_contrast_text
from tests.course.network_quiet import NetworkQuiet

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "interop" / "node_modules" / "axe-core" / "axe.min.js"
# The project's standard: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Each page is checked as a projector shows it and again as a phone does (app.css's two
# audiences): a table or a code box that fits the one may scroll on the other.
VIEWPORTS = {"desktop": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}


def require_axe():
    """Skip without the pinned axe-core, but never in CI: there these tests must run."""
    if AXE.is_file():
        return
    reason = "tests/interop/node_modules/axe-core is missing (make test runs `npm ci` there)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: the accessibility tests must run, but {reason}")
    pytest.skip(reason)


# At the phone's width only the rules whose answer depends on how the page is laid out are run
# again: the DOM is the same at both widths (the stylesheet alone changes), so labels, names,
# ARIA, ids and headings answer the same; contrast and what scrolls may not. (Half the time of
# running every rule twice.)
LAYOUT_RULES = ["color-contrast", "scrollable-region-focusable", "meta-viewport", "region"]


@cache
def axe_source():
    """axe-core's script, read once per process (half a megabyte)."""
    return AXE.read_text()


def axe_violations(page, rules=None):
    """axe-core's violations on the page as it is now, one readable line per element; only
    `rules` (rule ids) when given, else every rule of TAGS."""
    # The pages' CSP (script-src 'self') refuses the inline <script> that add_script_tag writes,
    # and its refusal is logged as a console error. page.evaluate runs the same source through
    # the DevTools protocol, which the CSP does not govern: the page keeps its real policy, and
    # the `page` fixture still fails the test on any CSP violation of the page's own scripts.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": TAGS}
    results = page.evaluate("only => axe.run(document, {runOnly: only, resultTypes: ['violations']})", only)
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(node['target'])}: {violation['help']}"
        f"\n    {node.get('failureSummary', '').replace(chr(10), ' ')}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


def assert_accessible(page, name):
    """No violation at either viewport; the message lists every one, per viewport.

    Besides axe-core, every text's contrast is computed (contrast.py): axe skips the text it
    cannot see, as in a closed <details> or a scroll box, and the walk found 1:1 text there.
    """
    found = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        rules = None if viewport == "desktop" else LAYOUT_RULES
        found += [f"[{viewport}] {line}" for line in axe_violations(page, rules) + low_contrast_text(page)]
    assert not found, f"axe-core on {name} ({page.url}):\n" + "\n".join(found)


# --- How a student gets to a page ---------------------------------------------------------


def sign_in_at_provider(page, live, username="alice"):
    page.goto(live.provider_url + "/login")
    fill_provider_login(page, username)
    expect(page.locator("main")).to_contain_text("Signed in here as")


def fill_provider_login(page, username="alice"):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()


def to_consent(page, live):
    """The app's one-click sign-in, up to the provider's consent page for the app's client."""
    page.goto(live.app_url + "/oauth/")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    fill_provider_login(page)
    expect(page).to_have_url(re.compile(re.escape(f"{live.provider_url}/authorize")))


def to_dance_done(page, live):
    """The dance after a completed flow: every hop drawn, the tokens and id_token shown."""
    to_consent(page, live)
    page.get_by_role("button", name="Allow").click()
    expect(page.locator('[data-whoami="oauth"]')).to_have_text("alice")
    expect(page.locator(".hop.waiting")).to_have_count(0)


def to_dance_paused(page, live):
    """The dance in pause mode, at its first step: the authorization URL explained."""
    page.goto(live.app_url + "/oauth/")
    page.get_by_label("Pause before each hop").first.check()
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    expect(page.locator("[data-pkce-output]")).to_contain_text("the same as the code_challenge sent")


def to_naive_consent(page, live):
    """The naive twin's sign-in, up to the naive authorization endpoint's consent page."""
    sign_in_at_provider(page, live)
    page.goto(live.app_url + "/vulnerable/oauth/login")
    expect(page).to_have_url(re.compile(re.escape(f"{live.provider_url}/naive/authorize")))


def to_jwt_signed_in(page, live):
    """The JWT lab signed in as alice, one call made and the access token inspected."""
    page.goto(live.app_url + "/jwt/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("[data-jwt-status]")).to_contain_text("Signed in as alice")
    page.get_by_role("button", name="GET /jwt/protected", exact=True).click()
    expect(page.locator("[data-call-result]")).to_contain_text("200 OK")
    page.get_by_role("button", name="Inspect my access token").click()
    expect(page.locator("[data-inspect-result] [data-final]")).to_contain_text("Accepted")


def to_workbench_verified(page, live):
    """The token workbench after a generated ES256 key signed the example token and verified it."""
    page.goto(live.app_url + "/jwt/workbench")
    page.get_by_label("Algorithm (writes the header's alg)").select_option("ES256")
    page.get_by_role("button", name="Generate a key for this algorithm").click()
    expect(page.locator("[data-wb-sign-status]")).to_contain_text("A new ES256 key")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("[data-wb-sign-status]")).to_contain_text("Signed with ES256")
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator("[data-wb-app-final]")).to_be_visible()


def to_jwt_bench_run(page, live):
    """The JWT lab's attack bench after one attack: both verdicts, the forged tokens decoded."""
    page.goto(live.app_url + "/jwt/")
    page.locator('[data-attack-run="alg-none"]').click()
    expect(page.locator('[data-forged="alg-none"] .forged-token').first).to_be_visible()


def to_jwt_id_token_inspected(page, live):
    """The provider's id_token opened in the JWT lab's inspector: refused, and why that is right."""
    to_dance_done(page, live)
    page.get_by_role("button", name="Open this id_token in the JWT lab's inspector").click()
    expect(page.locator("[data-inspect-result] [data-lesson]")).to_be_visible()


def to_oauth_bench_run(page, live):
    """The OAuth attack bench after one run, its exchanges open on the run's wire panel."""
    page.goto(live.app_url + "/vulnerable/oauth/")
    page.locator("#code-replay").get_by_role("button", name="Run it against both").click()
    page.locator("#code-replay details.bench-wire summary").click()
    expect(page.locator("#code-replay .wire-item").first).to_be_visible()


def to_session_signed_in(page, live):
    page.goto(live.app_url + "/session/")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in (form post)").click()
    expect(page.locator(".flash", has_text="Signed in as alice")).to_be_visible()
    page.locator("[data-record-data]", has_text="_user_id").wait_for()


def to_account(page, live):
    to_session_signed_in(page, live)
    page.goto(live.app_url + "/account/password")


def to_account_overview(page, live):
    to_session_signed_in(page, live)
    page.goto(live.app_url + "/account")


def to_cross_site_refusal(page, live):
    """The app's 400 page for a logout the attacker's site posted, the badges asked again."""
    to_session_signed_in(page, live)
    page.goto(live.attacker_url + "/attack/session-csrf")
    page.locator('[data-attack="real-logout"]').click()
    expect(page.locator('[data-whoami="session"]')).to_have_text("alice")


def to_oauth_lab_revoked(page, live):
    """The OAuth lab after "Revoke the grant": still signed in here, and why."""
    to_dance_done(page, live)
    page.get_by_role("button", name="Revoke the grant").click()
    page.goto(live.app_url + "/oauth/")
    expect(page.locator("[data-revoked-note]")).to_be_visible()


def to_device_started(page, live):
    """The app's device lab after "Start, as the TV": the user code shown, polling."""
    page.goto(live.app_url + "/oauth/device")
    page.get_by_role("button", name="Start, as the TV").click()
    expect(page.locator("[data-device-polls]")).to_contain_text("authorization_pending", timeout=15_000)


def to_device_confirm(page, live):
    """The provider's device page with a TV's code: which device, which scopes, Allow or Deny."""
    page.goto(live.app_url + "/oauth/device")
    page.get_by_role("button", name="Start, as the TV").click()
    link = page.locator("[data-verification-complete]").get_attribute("href")
    page.goto(link)
    fill_provider_login(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()


def to_device_done(page, live):
    to_device_confirm(page, live)
    page.get_by_role("button", name="Allow").click()
    expect(page.locator("h1")).to_have_text("Device connected")


def signed_in_at_provider(path):
    def visit(page, live):
        sign_in_at_provider(page, live)
        page.goto(live.provider_url + path)

    return visit


def to_registered(page, live):
    """The console's answer to a registration: the new client's id and its secret, shown once."""
    signed_in_at_provider("/console/clients/new")(page, live)
    page.get_by_label("Application name").fill("Accessible app")
    page.get_by_role("textbox", name=re.compile("^Redirect URIs")).fill("https://app.example.org/callback")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_contain_text("registered")


def to_logged_out(page, live):
    """The provider's page after "Sign out" on its logout confirmation."""
    signed_in_at_provider("/end_session")(page, live)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("main")).to_contain_text("signed out")


def climb_every_hint(page):
    """Press "Show hint n of N" until none is left. Each press is a form post and a new page: wait
    for the pressed button to be gone and the new page loaded before looking again (counting
    buttons mid-navigation sees none and stops the climb early)."""
    button = page.get_by_role("button", name=re.compile(r"^Show hint \d+ of \d+$"))
    while button.count():
        pressed = button.inner_text()
        button.click()
        expect(page.get_by_role("button", name=pressed, exact=True)).to_have_count(0)
        page.wait_for_load_state()


def to_every_hint_shown(page, live):
    """Exercise 1's page after climbing its whole hint ladder, one button press a hint."""
    page.goto(live.app_url + f"/exercises/{CATALOG[0].slug}")
    climb_every_hint(page)
    expect(page.locator("[data-hints-all-shown]")).to_be_visible()


def to_naive_session_planted_and_noted(page, live):
    """The naive session twin's page after a planted id, alice's sign-in and a note from another site."""
    page.goto(live.app_url + "/vulnerable/session/?sid=a11y-planted")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in to the naive twin").click()
    note = live.app_url + "/vulnerable/session/note"
    page.request.post(note, form={"note": "forged"}, headers={"Origin": live.attacker_url})
    page.goto(live.app_url + "/vulnerable/session/")
    expect(page.locator("[data-naive-note-origin]")).to_contain_text(live.attacker_url)


def to_challenge_solved_with_every_step(page, live):
    """A challenge solved from DevTools-style requests, every hint and the solution shown, the real attempt sent."""
    import base64

    def b64(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    page.goto(live.app_url + "/challenges/jwt-alg-none")
    pair = page.request.post(
        live.app_url + "/vulnerable/jwt/login", data={"username": "bob", "password": PASSWORDS["bob"]}
    ).json()
    payload = json.loads(base64.urlsafe_b64decode(pair["access_token"].split(".")[1] + "=="))
    forged = f"{b64({'alg': 'none'})}.{b64({**payload, 'role': 'admin'})}."
    page.request.get(live.app_url + "/vulnerable/jwt/admin", headers={"Authorization": f"Bearer {forged}"})
    page.reload()
    climb_every_hint(page)
    page.get_by_role("button", name="Show the solution").click()
    page.get_by_role("button", name="Yes, show the solution").click()
    page.get_by_role("button", name="Send the same attack to the real code").click()
    expect(page.locator("#real")).to_contain_text("refused")


def to_victim_visited(page, live):
    """A challenge's page after the victim bot's visit: the table of what her browser did."""
    page.goto(live.app_url + "/challenges/session-guess-id")
    page.get_by_role("button", name="Let the victim sign in").click(timeout=60_000)
    expect(page.locator(".victim-hops")).to_be_visible(timeout=60_000)


def to_exploit_stored_and_collected(page, live):
    """The exploit server's editor after storing a page and one request to its collector."""
    page.goto(live.attacker_url + "/exploit")
    page.get_by_role("button", name="Store the page").click()
    collector = page.locator("#collector-address").inner_text().removesuffix("?…")
    requests.get(collector + "?stolen=a11y", timeout=10)  # Python resolves attacker.localhost here (conftest)
    page.reload()
    expect(page.locator(".collector-log")).to_contain_text("stolen=a11y")


@dataclass(frozen=True)
class Visit:
    """A page as a student reaches it: at `path` of `party`, after `steps` when given."""

    name: str
    party: str
    path: str
    steps: Callable | None = None
    status: int = 200

    def url(self, live):
        return getattr(live, f"{self.party}_url") + self.path


def to_naive_notes_with_a_note(page, live):
    """The naive notes app signed in as bob, a note of his on the board."""
    page.goto(live.app_url + "/vulnerable/jwt/notes")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORDS["bob"])
    page.get_by_role("button", name="Sign in to the naive notes").click()
    expect(page.locator("[data-notes-signed-in]")).to_be_visible()
    page.get_by_label("Your note (sent with your token)").fill("<b>Hello</b> from bob")
    page.get_by_role("button", name="Post the note").click()
    expect(page.locator(".note-text")).to_contain_text("Hello from bob")


APP = [
    Visit("home", "app", "/"),
    Visit("signup", "app", "/signup"),
    Visit("account (signed out)", "app", "/account"),
    Visit("account (signed in)", "app", "/account", to_account_overview),
    Visit("password change (signed in)", "app", "/account/password", to_account),
    # The three labs, and the OAuth lab's other pages.
    Visit("jwt lab", "app", "/jwt/"),
    Visit("jwt workbench", "app", "/jwt/workbench"),
    Visit("session lab", "app", "/session/"),
    Visit("oauth lab", "app", "/oauth/"),
    Visit("oauth dance (nothing yet)", "app", "/oauth/dance"),
    Visit("oauth spa", "app", "/oauth/spa"),
    Visit("oauth spa callback (no code)", "app", "/oauth/spa/callback"),
    Visit("oauth device", "app", "/oauth/device"),
    Visit("oauth machine", "app", "/oauth/machine"),
    Visit("oauth resource", "app", "/oauth/resource"),
    # The course.
    Visit("article index", "app", "/article/"),
    *[Visit(f"article {slug}", "app", f"/article/{slug}") for slug in BY_SLUG],
    Visit("compare", "app", "/compare"),
    Visit("exercises", "app", "/exercises"),
    *[Visit(f"exercise {exercise.slug}", "app", f"/exercises/{exercise.slug}") for exercise in CATALOG],
    Visit("exercise 1, every hint shown", "app", f"/exercises/{CATALOG[0].slug}", to_every_hint_shown),
    Visit("checklist", "app", "/checklist"),
    Visit("bench", "app", "/bench"),
    Visit("source index", "app", "/source/"),
    Visit("source file", "app", "/source/blueprints/jwt/routes.py"),
    # The labs' links highlight a range of lines, and a line number links to its line.
    Visit("source file, lines highlighted", "app", "/source/blueprints/jwt/routes.py#L1-L400"),
    Visit("source file, one line targeted", "app", "/source/blueprints/jwt/routes.py#L30"),
    # Error pages a student meets: a guard's 401, a missing page, a failed OAuth callback.
    Visit("error 401 (jwt admin, signed out)", "app", "/jwt/admin", status=401),
    Visit("error 404", "app", "/no-such-page", status=404),
    Visit("oauth callback refused", "app", "/oauth/callback?state=forged&code=x", status=400),
    Visit("cross-site logout refused", "app", "/session/logout", to_cross_site_refusal),
    # The naive twins' pages.
    Visit("naive oauth bench", "app", "/vulnerable/oauth/"),
    Visit("naive session", "app", "/vulnerable/session/"),
    Visit("naive jwt notes", "app", "/vulnerable/jwt/notes"),
    # The challenges: the list, the progress page, each challenge as a student first meets it.
    Visit("challenges", "app", "/challenges"),
    Visit("progress", "app", "/progress"),
    *[Visit(f"challenge {cid}", "app", f"/challenges/{cid}") for cid in all_challenges()],
]

PROVIDER = [
    Visit("provider home", "provider", "/"),
    Visit("provider login", "provider", "/login"),
    Visit("provider consent (the app's client)", "provider", "/authorize", to_consent),
    Visit("provider naive consent (the twin)", "provider", "/naive/authorize", to_naive_consent),
    Visit("provider error (bad authorization request)", "provider", "/authorize?client_id=nobody", status=400),
    Visit("provider console", "provider", "/console/", signed_in_at_provider("/console/")),
    Visit("provider new client", "provider", "/console/clients/new", signed_in_at_provider("/console/clients/new")),
    Visit("provider client registered", "provider", "/console/clients/new", to_registered),
    Visit("provider device", "provider", "/device", signed_in_at_provider("/device")),
    Visit("provider device confirm", "provider", "/device", to_device_confirm),
    Visit("provider device done", "provider", "/device", to_device_done),
    Visit("provider logout confirm", "provider", "/end_session", signed_in_at_provider("/end_session")),
    Visit("provider logged out", "provider", "/end_session", to_logged_out),
    Visit("provider logout error", "provider", "/end_session?id_token_hint=forged", status=400),
]

ATTACKER = [
    Visit("attacker index", "attacker", "/"),
    Visit("exploit server", "attacker", "/exploit"),
    *[Visit(f"attacker {name}", "attacker", f"/attack/{name}") for name in available_attacks()],
]

# The pages that change most with a student's clicks, checked again in that state.
AFTER_INTERACTION = [
    Visit("jwt lab signed in", "app", "/jwt/", to_jwt_signed_in),
    Visit("jwt lab, an attack sent from the bench", "app", "/jwt/", to_jwt_bench_run),
    Visit("jwt lab, the provider's id_token inspected", "app", "/jwt/inspect", to_jwt_id_token_inspected),
    Visit("naive oauth bench, an attack run", "app", "/vulnerable/oauth/", to_oauth_bench_run),
    Visit("jwt workbench signed and verified", "app", "/jwt/workbench", to_workbench_verified),
    Visit("session lab signed in", "app", "/session/", to_session_signed_in),
    Visit("oauth dance paused at step 1", "app", "/oauth/dance", to_dance_paused),
    Visit("oauth dance completed", "app", "/oauth/dance", to_dance_done),
    Visit("oauth lab after a revocation", "app", "/oauth/", to_oauth_lab_revoked),
    Visit("oauth device started", "app", "/oauth/device", to_device_started),
    Visit(
        "naive session, planted id and a note from another site",
        "app",
        "/vulnerable/session/",
        to_naive_session_planted_and_noted,
    ),
    Visit("naive jwt notes, signed in with a note", "app", "/vulnerable/jwt/notes", to_naive_notes_with_a_note),
    Visit(
        "challenge solved, every hint, the solution and the real attempt",
        "app",
        "/challenges/jwt-alg-none",
        to_challenge_solved_with_every_step,
    ),
    Visit("challenge after the victim's visit", "app", "/challenges/session-guess-id", to_victim_visited),
    Visit(
        "exploit server, a page stored and a request collected", "attacker", "/exploit", to_exploit_stored_and_collected
    ),
]

VISITS = APP + PROVIDER + ATTACKER + AFTER_INTERACTION

# GET routes that answer no page a student reads, and why.
NOT_PAGES = {
    "app": {
        "static": "files, not pages",
        "pages.healthz": "JSON for a load balancer",
        "pages.whoami": "JSON for the header's script",
        "jwt.jwks": "JSON (a JWKS)",
        "jwt.keyring": "JSON for the lab page's script",
        "jwt.protected": "JSON when signed in; signed out, the 401 page checked at /jwt/admin",
        "jwt.cookie_protected": "JSON when signed in; signed out, the 401 page checked at /jwt/admin",
        "oauth.admin": "JSON when signed in; signed out, the 401 page checked at /jwt/admin",
        "oauth.protected": "JSON when signed in; signed out, the 401 page checked at /jwt/admin",
        "oauth.inventory": "JSON (the resource server's API)",
        "oauth.login": "a redirect to the provider",
        "oauth.logged_out": "a redirect to the dance page; a bad return is the 401 page's template",
        "session.admin": "JSON",
        "session.protected": "JSON",
        "session.whoami": "JSON",
        "session.client_cookie": "JSON for the lab page's script",
        "session.server_state": "JSON for the lab page's script",
        "session.instance_whoami": "JSON",
        "wire.show": "JSON for the wire panel's script",
        "naive_jwt.admin": "JSON",
        "naive_jwt.protected": "JSON",
        "naive_jwt.public_pem": "a PEM file",
        "jwt_bench.wordlist": "a text file",
        "naive_jwt_refresh.debug_log": "a text file (the naive server's leaked debug log)",
        "naive_oauth.login": "a redirect to the provider's naive endpoint",
        "naive_oauth.callback": "a redirect once signed in; a bad callback is the 401 page's template",
        "naive_oauth.protected": "JSON",
        "naive_session.whoami": "JSON",
    },
    "provider": {
        "static": "files, not pages",
        "provider.jwks": "JSON (a JWKS)",
        "provider.discovery": "JSON (metadata)",
        "provider.userinfo": "JSON",
        "naive_provider.token_for_another_app": "JSON",
        "naive_provider.jwks": "JSON (the naive twin's own JWKS)",
    },
    "attacker": {
        "static": "files, not pages",
        "exploits.hosted": "the student's own attack page, whatever they wrote",
        "exploits.collect": "the collector: an empty 204",
        "exploits.log_json": "JSON",
    },
}


@pytest.fixture
def lab_clients(live, monkeypatch):
    """The app knows the provider's demo clients, so the SPA, device and machine pages are whole."""
    handed = json.loads((Path(live.provider.instance_path) / "lab-clients.json").read_text())
    for name, value in handed.items():
        monkeypatch.setitem(live.app.config, name, value)
    return live


@pytest.mark.parametrize("visit", VISITS, ids=[re.sub(r"[^a-z0-9]+", "-", visit.name).strip("-") for visit in VISITS])
def test_axe_core_finds_nothing(lab_clients, page, visit):
    require_axe()
    live = lab_clients
    page.set_viewport_size(VIEWPORTS["desktop"])
    quiet = NetworkQuiet(page)
    if visit.steps is None:
        response = page.goto(visit.url(live))
        assert response.status == visit.status, visit.url(live)
    else:
        visit.steps(page, live)
    quiet.wait()  # the page's scripts have fetched what they show
    assert_accessible(page, visit.name)


def test_a_violation_is_reported_with_its_rule_impact_element_and_help(page):
    """The harness itself: an unlabelled input on a bare page is found and described."""
    require_axe()
    page.set_content('<html lang="en"><title>t</title><main><h1>t</h1><input id="nameless"></main></html>')
    found = axe_violations(page)
    expected = "label (critical) at #nameless: Form elements must have labels"
    assert any(line.startswith(expected) for line in found), found


def endpoint_of(app, path):
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(urlsplit(path).path, method="GET")[0]
    except HTTPException:  # the 404 page's visit
        return None


def test_every_get_page_is_checked(live):
    """Each GET route is visited above or named in NOT_PAGES; no name there is stale."""
    apps = {"app": live.app, "provider": live.provider, "attacker": live.received["attacker"].app}
    for party, app in apps.items():
        visited = {endpoint_of(app, visit.path) for visit in VISITS if visit.party == party}
        routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
        missing = routes - visited - set(NOT_PAGES[party])
        assert not missing, f"{party}: GET routes neither checked by axe nor listed in NOT_PAGES: {sorted(missing)}"
        stale = set(NOT_PAGES[party]) - routes
        assert not stale, f"{party}: NOT_PAGES names routes that are gone: {sorted(stale)}"
        both = set(NOT_PAGES[party]) & visited
        assert not both, f"{party}: visited and yet listed in NOT_PAGES: {sorted(both)}"


def test_every_link_in_the_header_and_on_the_home_page_is_checked(live, client):
    """The pages a student reaches by the app's own links are all in the list above."""
    html = client.get("/").get_data(as_text=True)
    links = {urlsplit(href).path for href in re.findall(r'href="(/[^"]*)"', html)}
    links = {path for path in links if not path.startswith("/static/")}
    checked = {urlsplit(visit.path).path for visit in VISITS if visit.party == "app"}
    assert links, "no link found on the home page"
    assert not links - checked, f"linked from the home page but not checked by axe: {sorted(links - checked)}"
