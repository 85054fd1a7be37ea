"""The victim bot: a headless Chromium the app drives, as the victim, to the link a student sends.

PortSwigger's labs have a victim who clicks; so does this one. For a CSRF, a session fixation or
a stolen code, the attack has to run in someone else's browser, with that person's cookies, and
only a real browser applies SameSite, follows redirects and runs the attacker's page the way the
victim's would. Each visit is a fresh browser profile: the victim signs in where the challenge's
story says (prepare), opens the student's link, does what the story says next (after), and the
challenge checks the victim's browser (check). What that browser held (its session id, its
token, the codes it was given) is recorded, so detect.victim_of() can tell a stolen artifact
from the student's own.

What the bot never is (LAB-1): a way to reach anything else. The link must point at one of the
lab's own origins the challenge allows, and every request the victim's browser makes, whatever
the student's page does, is aborted unless it goes to one of the four lab origins: no fetch of
the LAN or the internet through the victim. One visit at a time, each bounded in time.
"""

import contextlib
import json
import secrets
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from flask import current_app

from extensions import db

from . import progress
from .models import VictimVisit

ORIGIN_SETTINGS = ("APP_URL", "PROVIDER_URL", "REPLICA_URL", "ATTACKER_URL")
LINK_LIMIT = 2000
VISIT_SECONDS = 8  # the link's page gets this long to do its work
KEEP_VISITS = 200
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync"]
BUSY = threading.Lock()


class VisitRefused(ValueError):
    """The link cannot be visited (its origin, its shape), or no victim is free; the reason is the message."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def nothing(victim):
    return None


@dataclass(frozen=True)
class Scenario:
    """What the victim does in one challenge, told on its page as `story`."""

    story: str
    prepare: Callable = nothing  # before the link: usually, sign in somewhere
    after: Callable = nothing  # after the link: for example, sign in (session fixation)
    check: Callable = nothing  # evidence when the goal shows in the victim's own browser, else None
    link_origins: tuple = ("ATTACKER_URL",)  # the settings of the origins a link may point at
    needs_link: bool = True


@dataclass
class Victim:
    """The victim's browser during one visit, with the log of what it did and what it held."""

    page: object
    config: dict
    hops: list = field(default_factory=list)
    artifacts: dict = field(default_factory=lambda: defaultdict(list))

    def url(self, setting, path=""):
        return self.config[setting] + path

    def goto(self, url):
        return self.page.goto(url, wait_until="load", timeout=VISIT_SECONDS * 1000)

    def hold(self, kind, value):
        if isinstance(value, str) and value and value not in self.artifacts[kind]:
            self.artifacts[kind].append(value[:4000])

    def cookie(self, name, setting="APP_URL"):
        cookies = self.page.context.cookies(self.config[setting])
        return next((c["value"] for c in cookies if c["name"] == name), None)

    def settle(self):
        """Let the page's scripts and the requests they start finish (within the visit's time)."""
        from playwright.sync_api import Error

        # A page that never settles (a script polling forever) is the student's business: the visit goes on.
        with contextlib.suppress(Error):
            self.page.wait_for_load_state("networkidle", timeout=VISIT_SECONDS * 1000)

    def saw(self, response):
        request = response.request
        location = response.headers.get("location")
        self.hops.append(
            {
                "method": request.method,
                "url": request.url[:300],
                "status": response.status,
                "location": (location or "")[:300],
                "origin": request.headers.get("origin", ""),
            }
        )
        for url in (request.url, location or ""):
            for code in parse_qs(urlsplit(url).query).get("code", []):
                self.hold("code", code)


def origins(config):
    return {config[name].rstrip("/") for name in ORIGIN_SETTINGS if config.get(name)}


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def lab_only(route, allowed):
    """Let a request of the victim's browser through only to one of the lab's origins."""
    if origin_of(route.request.url) in allowed:
        route.continue_()
    else:
        route.abort("blockedbyclient")


def check_link(scenario, link, config):
    """The link as given, if the victim may open it; else VisitRefused with the reason."""
    if not scenario.needs_link:
        return ""
    if not isinstance(link, str) or not link.strip():
        raise VisitRefused("Send the link the victim should open.")
    link = link.strip()
    if len(link) > LINK_LIMIT or not link.isprintable():
        raise VisitRefused(f"The link must be one line of at most {LINK_LIMIT} characters.")
    allowed = {config[name].rstrip("/") for name in scenario.link_origins}
    if origin_of(link) not in allowed or urlsplit(link).username is not None:
        raise VisitRefused("The victim only opens links to " + " or ".join(sorted(allowed)) + ".")
    return link


def find_browser(config):
    """The Chromium to drive: VICTIM_BROWSER, else one on the PATH, else Playwright's own (None)."""
    for candidate in (config.get("VICTIM_BROWSER"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def visit(player, challenge, link):
    """Run one visit of the victim for `challenge`; the VictimVisit row, hops and outcome recorded."""
    scenario = challenge.victim
    config = current_app.config
    link = check_link(scenario, link, config)
    if not BUSY.acquire(blocking=False):
        raise VisitRefused("The victim is reading another link: try again in a few seconds.", status=429)
    try:
        row = VictimVisit(id=secrets.token_hex(16), player=player, challenge=challenge.id, url=link)
        db.session.add(row)
        db.session.commit()
        evidence = drive(scenario, link, config, row)
        if evidence is not None:
            progress.mark_solved(player, challenge.id, evidence)
        forget_the_oldest()
        return row, evidence
    finally:
        BUSY.release()


def drive(scenario, link, config, row):
    """The visit itself, in a browser of its own; returns the check's evidence or None."""
    from playwright.sync_api import Error, sync_playwright

    allowed = origins(config)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_browser(config), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                context.set_default_timeout(VISIT_SECONDS * 1000)
                # LAB-1: the victim's browser reaches the lab's own origins and nothing else.
                context.route("**/*", lambda route: lab_only(route, allowed))
                victim = Victim(context.new_page(), config)
                victim.page.on("response", victim.saw)
                scenario.prepare(victim)
                remember(row, victim, "The victim signed in and is opening your link.")
                if link:
                    try:
                        victim.goto(link)
                    except Error as exc:
                        victim.hops.append({"method": "GET", "url": link[:300], "status": 0, "error": str(exc)[:200]})
                    victim.settle()
                scenario.after(victim)
                evidence = scenario.check(victim)
                remember(row, victim, f"Solved: {evidence}" if evidence else "The visit ended; no goal was reached.")
                return evidence
            finally:
                browser.close()
    except Error as exc:
        row.outcome = f"The victim's browser could not run: {str(exc).splitlines()[0][:200]}"
        db.session.commit()
        raise VisitRefused(row.outcome + BROWSER_HELP, status=503) from exc


BROWSER_HELP = (
    " The victim bot needs Chromium: `sudo apt install chromium` (Debian, Ubuntu), "
    "`brew install --cask chromium` (macOS), or `.venv/bin/playwright install chromium` once with internet; "
    "or set VICTIM_BROWSER to a Chromium or Chrome executable."
)


def remember(row, victim, outcome):
    """Save what the victim did and held so far: detect.victim_of() reads it during the visit."""
    row.hops = json.dumps(victim.hops[-60:])
    row.artifacts = json.dumps(dict(victim.artifacts))
    row.outcome = outcome
    db.session.commit()


def forget_the_oldest():
    newest = db.select(VictimVisit.id).order_by(VictimVisit.started_at.desc()).limit(KEEP_VISITS)
    db.session.execute(db.delete(VictimVisit).where(VictimVisit.id.not_in(newest)))
    db.session.commit()


def last_visit(player, challenge_id):
    if player is None:
        return None
    query = db.select(VictimVisit).filter_by(player=player, challenge=challenge_id)
    return db.session.scalars(query.order_by(VictimVisit.started_at.desc()).limit(1)).first()


def hops_of(row):
    return json.loads(row.hops or "[]") if row else []
