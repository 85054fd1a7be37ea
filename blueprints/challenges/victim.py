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
import queue
import secrets
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from flask import current_app

from came_from import below
from extensions import db

from . import progress
from .models import VictimVisit

ORIGIN_SETTINGS = ("APP_URL", "PROVIDER_URL", "REPLICA_URL", "ATTACKER_URL")
LINK_LIMIT = 2000
VISIT_SECONDS = 15  # each step of a visit gets this long (a class machine under load is slow)
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
    """The lab's origins, scheme://host:port: its URL settings may end in a mount point (/s/<key>)."""
    return {origin_of(config[name]) for name in ORIGIN_SETTINGS if config.get(name)}


# LAB-1, for redirects: Playwright's route sees only the first request of a redirect chain, so a
# naive `next` or a lax redirect_uri (a 302 to anywhere) would take the victim's browser past
# lab_only to the LAN. Every request, redirected or not, goes to a proxy that does not exist,
# except those to the lab's own host:port pairs (`<-loopback>`: loopback is not exempt by itself).
DEAD_PROXY = "http://127.0.0.1:9"


def fence(allowed):
    return {"server": DEAD_PROXY, "bypass": ",".join(["<-loopback>"] + sorted(urlsplit(o).netloc for o in allowed))}


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
    if not any(opens(link, base) for base in allowed) or urlsplit(link).username is not None:
        raise VisitRefused("The victim only opens links to " + " or ".join(sorted(allowed)) + ".")
    return link


def opens(link, base):
    """True when `link` is on the origin of the lab's URL `base`, below its mount point if it has one
    (a classroom sandbox's /s/<key>): a student's victim opens their own sandbox, not a neighbour's."""
    return origin_of(link) == origin_of(base) and below(urlsplit(link).path, urlsplit(base).path)


def find_browser(config):
    """The Chromium to drive: VICTIM_BROWSER as set, else one on the PATH, else Playwright's own (None)."""
    if config.get("VICTIM_BROWSER"):
        return config["VICTIM_BROWSER"]
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


class BrowserThread:
    """One thread that owns Playwright and a Chromium, kept between visits (launching is the slow part).

    Playwright's sync API belongs to the thread that started it, and each request runs in a
    thread of its own, so the visits are handed to this one. Each visit still gets a fresh
    browser profile (a new context): no cookie of one visit reaches the next. After IDLE
    seconds without a visit the browser is closed, and started again by the next one.
    """

    IDLE = 300

    def __init__(self):
        self.jobs = queue.Queue()
        self.lock = threading.Lock()
        self.thread = None

    def run(self, executable, job, timeout):
        """Run job(browser) in the browser thread; its result, or its exception, here."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.loop, name="victim-browser", daemon=True)
                self.thread.start()
        done = Future()
        self.jobs.put((executable, job, done))
        return done.result(timeout=timeout)

    def loop(self):
        from playwright.sync_api import sync_playwright

        playwright, browsers = None, {}
        try:
            while True:
                try:
                    executable, job, done = self.jobs.get(timeout=self.IDLE)
                except queue.Empty:
                    return
                try:
                    if playwright is None:
                        playwright = sync_playwright().start()
                    browser = browsers.get(executable)
                    if browser is None or not browser.is_connected():
                        browser = browsers[executable] = playwright.chromium.launch(
                            executable_path=executable, args=CHROMIUM_ARGS
                        )
                except BaseException as exc:  # noqa: BLE001  (handed to the request that asked)
                    done.set_exception(BrowserMissing(str(exc)))
                    continue
                try:
                    done.set_result(job(browser))
                except BaseException as exc:  # noqa: BLE001  (handed to the request that asked)
                    done.set_exception(exc)
        finally:
            for browser in browsers.values():
                with contextlib.suppress(Exception):
                    browser.close()
            if playwright is not None:
                with contextlib.suppress(Exception):
                    playwright.stop()


class BrowserMissing(Exception):
    """No Chromium could be started for the victim."""


BROWSER = BrowserThread()


def visit(player, challenge, link):
    """Run one visit of the victim for `challenge`; the VictimVisit row, hops and outcome recorded."""
    from playwright.sync_api import Error

    scenario = challenge.victim
    app = current_app._get_current_object()
    link = check_link(scenario, link, app.config)
    if not BUSY.acquire(blocking=False):
        raise VisitRefused("The victim is reading another link: try again in a few seconds.", status=429)
    try:
        row = VictimVisit(id=secrets.token_hex(16), player=player, challenge=challenge.id, url=link)
        db.session.add(row)
        db.session.commit()
        row_id = row.id  # read here: the browser thread has no business with this thread's objects
        try:
            evidence = BROWSER.run(
                find_browser(app.config), lambda browser: drive(app, browser, scenario, link, row_id), VISIT_SECONDS * 6
            )
        except BrowserMissing as exc:
            row.outcome = f"The victim's browser could not start: {str(exc).splitlines()[0][:200]}"
            db.session.commit()
            raise VisitRefused(row.outcome + BROWSER_HELP, status=503) from exc
        except (Error, TimeoutError) as exc:
            db.session.refresh(row)
            row.outcome = f"The victim's visit did not finish: {str(exc).splitlines()[0][:200]}. Try again."
            db.session.commit()
            raise VisitRefused(row.outcome, status=503) from exc
        db.session.refresh(row)
        if evidence is not None:
            progress.mark_solved(player, challenge.id, evidence)
        forget_the_oldest()
        return row, evidence
    finally:
        BUSY.release()


def drive(app, browser, scenario, link, row_id):
    """The visit itself, in the browser thread, in a fresh profile; returns the check's evidence or None."""
    from playwright.sync_api import Error

    allowed = origins(app.config)
    with app.app_context():
        row = db.session.get(VictimVisit, row_id)
        context = browser.new_context(proxy=fence(allowed))
        try:
            context.set_default_timeout(VISIT_SECONDS * 1000)
            # LAB-1: the victim's browser reaches the lab's own origins and nothing else.
            context.route("**/*", lambda route: lab_only(route, allowed))
            victim = Victim(context.new_page(), app.config)
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
            remember(row, victim, f"Solved: {evidence}" if evidence else ended(scenario))
            return evidence
        finally:
            context.close()


def ended(scenario):
    """The outcome of a visit that solved nothing yet: for some stories, the student's move comes after."""
    if scenario.check is nothing:
        return "The visit is over: the victim left something behind for your next move."
    return "The visit is over, and the goal was not reached in the victim's browser."


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
