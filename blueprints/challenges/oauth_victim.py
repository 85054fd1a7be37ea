"""The victim's browser in the OAuth stories: alice's steps, and what her hops and visits say.

alice signs in at the provider's real sign-in page, and allows whatever the naive provider's
consent page asks. Her hops (victim.py records them) say where the naive client and the naive
provider sent her; what leaked to the attacker's site, or to another app on her phone, is held
as hers, so the judges in oauth_challenges.py credit only her own code.
"""

import base64
import contextlib
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from extensions import db
from models import DEMO_ACCOUNTS, utcnow

from .detect import VICTIM_MEMORY
from .models import VictimVisit

NAIVE_CALLBACK = "/vulnerable/oauth/callback"
NAIVE_PROTECTED = "/vulnerable/oauth/protected"
NAIVE_CONSENT = "/naive/authorize"
# The naive provider's phone app, as it registered there (provider/naive_provider.py).
MOBILE_CLIENT_ID = "authlab-notes-mobile"
MOBILE_REDIRECT_URI = "com.authlab.notes:/oauth2redirect"
PASSWORD = {username: password for username, password, _role in DEMO_ACCOUNTS}


def alice_signs_in_at_the_provider(victim):
    """Every story starts here: alice signs in at the provider's real sign-in page, and stays signed in."""
    victim.goto(victim.url("PROVIDER_URL", "/login"))
    victim.page.fill("#username", "alice")
    victim.page.fill("#password", PASSWORD["alice"])
    victim.page.click("button[type=submit]")
    victim.page.wait_for_load_state("load")


def she_allows(victim):
    """On the naive provider's consent page, alice presses Allow (wherever it says she will go next)."""
    from playwright.sync_api import Error

    on_consent = victim.page.url.startswith(victim.url("PROVIDER_URL", NAIVE_CONSENT))
    if not on_consent or victim.page.locator("button[name=approve]").count() == 0:
        return
    # Where Allow leads is the student's choice: a page that never loads, a scheme no browser
    # opens. Her visit goes on, and the hops say what happened.
    with contextlib.suppress(Error):
        victim.page.click("button[name=approve]")
    victim.settle()


def same_origin(url, setting_url):
    """True when `url` is on the origin of `setting_url`: scheme, host and port, as a browser reads them.

    Not victim.origin_of, which keeps a user-info part (`localhost:8000@`) in the host: the
    browser drops it and goes to the host after the `@`.
    """
    try:
        a, b = urlsplit(url), urlsplit(setting_url)
        return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port) and a.hostname is not None
    except ValueError:  # a port that is no number
        return False


def redirects_from(victim, path):
    """(hop, where it sent her) for each redirect her browser got from the app's `path`."""
    here = victim.config["APP_URL"] + path
    return [
        (hop, urljoin(hop["url"], hop["location"]))
        for hop in victim.hops
        if hop["url"].split("?")[0] == here and 300 <= hop.get("status", 0) < 400 and hop.get("location")
    ]


def codes_in(url):
    return parse_qs(urlsplit(url).query).get("code", [])


def without_response(url):
    """A redirect's address without what the provider added (code, state, iss): the redirect_uri."""
    parts = urlsplit(url)
    kept = [(k, v) for k, values in parse_qs(parts.query).items() for v in values if k not in {"code", "state", "iss"}]
    return parts._replace(query=urlencode(kept)).geturl()


def her_codes_leak(victim):
    """She allows; every code the provider then sent to the attacker's site is noted, with where it went."""
    she_allows(victim)
    for hop in victim.hops:
        location = hop.get("location", "")
        if location and same_origin(location, victim.config["ATTACKER_URL"]):
            for code in codes_in(location):
                victim.hold("leak", f"{code} {without_response(location)}")


def leaked_to(player, code, challenge):
    """The redirect_uri that carried `code` to the attacker's site in this player's victim's visit, or None."""
    for visit in db_visits(player, challenge, utcnow() - VICTIM_MEMORY):
        for leak in json.loads(visit.artifacts or "{}").get("leak", ()):
            leaked, _, redirect_uri = leak.partition(" ")
            if leaked == code:
                return redirect_uri
    return None


def db_visits(player, challenge, since):
    query = db.select(VictimVisit).filter_by(player=player, challenge=challenge).where(VictimVisit.started_at >= since)
    return db.session.scalars(query.order_by(VictimVisit.started_at.desc()).limit(20))


def code_hash(code):
    """OIDC Core §3.3.2.11, as the naive provider writes it: which code bought an id_token."""
    return base64.urlsafe_b64encode(hashlib.sha256(code.encode()).digest()[:16]).rstrip(b"=").decode()


def the_notes_app_signs_her_in(victim):
    """On her phone, the notes app signs her in at the naive provider, without PKCE; another app catches the code."""
    catch_the_notes_apps_redirect(victim)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": MOBILE_CLIENT_ID,
            "redirect_uri": MOBILE_REDIRECT_URI,
            "scope": "openid profile",
            "state": secrets.token_urlsafe(12),
        }
    )
    victim.goto(victim.url("PROVIDER_URL", f"{NAIVE_CONSENT}?{query}"))
    she_allows(victim)


def catch_the_notes_apps_redirect(victim):
    """The malicious app on her phone: it registered the notes app's scheme, so it is handed the redirect.

    A browser hands a `com.authlab.notes:` address to whichever app claims the scheme, never to
    a page, so the victim's hops would not show it: the browser's own network log (DevTools'
    protocol) does, and what it sees is recorded as a hop, the code held as the victim's.
    """
    session = victim.page.context.new_cdp_session(victim.page)
    session.send("Network.enable")

    def handed_over(event):
        url, redirect = event["request"]["url"], event.get("redirectResponse") or {}
        if not (url.startswith(MOBILE_REDIRECT_URI) and redirect):
            return
        hop = {"method": "POST", "url": redirect.get("url", "")[:300], "status": redirect.get("status", 302)}
        victim.hops.append({**hop, "location": url[:300], "origin": ""})
        for code in codes_in(url):
            victim.hold("code", code)
            victim.hold("c_hash", code_hash(code))

    session.on("Network.requestWillBeSent", handed_over)
