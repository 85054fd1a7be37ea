"""The Session lab's challenges, against the naive session twin (vulnerable/naive_session.py).

The victim is alice, an admin, in a browser of her own (victim.py). The goal of each is a
moment in her session as the twin sees it: read by someone else, adopted from an attacker,
changed by another site, or swapped for the attacker's own.

No challenge here steals the twin's readable `naive_sid` cookie with a script: that script
would have to run on the app's own origin (the cookie belongs to `localhost`, and cookies
ignore ports), where it could also read the real pages and their CSRF tokens and act on the
real session. LAB-3 forbids that, so the readable cookie is shown, not stolen.
"""

from urllib.parse import parse_qs, quote, urlsplit

from flask import current_app

from vulnerable.accounts import NAIVE_ACCOUNTS
from vulnerable.naive_session import find

from . import real
from .catalog import register
from .detect import judge, victim_of
from .victim import Scenario, origin_of

NAIVE_PAGE = "/vulnerable/session/"
EXPLOIT_PAGE = (
    "A page of yours on the attacker's exploit server (`/exploit` on the attacker's site): its address is the "
    "link the victim opens."
)


def alice_signs_in(victim):
    """The victim's step in every session story: alice signs in on the naive twin's page, keeping her cookies."""
    victim.goto(victim.url("APP_URL", NAIVE_PAGE))
    victim.page.fill("#naive-username", "alice")
    victim.page.fill("#naive-password", NAIVE_ACCOUNTS["alice"][0])
    victim.page.click("text=Sign in to the naive twin")
    victim.page.wait_for_load_state("load")
    victim.hold("naive_sid", victim.cookie("naive_sid"))


def her_record(victim):
    """alice's naive session: the record of the id her browser held when she signed in."""
    held = victim.artifacts.get("naive_sid") or [None]
    return find(held[0])


def cross_site_posts(victim, path):
    """The POSTs to the naive twin's `path` that the attacker's site made her browser send, answered below 400."""
    target = victim.config["APP_URL"] + path
    attacker = origin_of(victim.config["ATTACKER_URL"])
    return [
        hop
        for hop in victim.hops
        if hop["method"] == "POST" and hop["url"].split("?")[0] == target and hop.get("origin") == attacker
        if 0 < hop["status"] < 400
    ]


def real_session_with(sid):
    """The same id, presented as the real session cookie: the real store never issued it, so nobody is signed in."""
    # Quoted: a planted id may hold anything a URL can (a space, a `;`), never a header's line break.
    cookie = f"session={quote(sid, safe='')}"
    return real.send("GET", "/session/protected", {"Cookie": cookie, "Accept": "application/json"})


def real_cross_site_post(path, form):
    """The same form, posted to the real app from the attacker's site (its `Origin`), as her browser would."""
    origin = origin_of(current_app.config["ATTACKER_URL"])
    return real.send("POST", path, {"Origin": origin, "Accept": "application/json"}, data=form)


# --- Guess a neighbour's id ---------------------------------------------------------------

register(
    id="session-guess-id",
    lab="session",
    title="Guess your neighbour's session id",
    level="apprentice",
    goal=(
        "alice has just signed in to the naive session twin in her own browser. Read her session: make "
        '`GET /vulnerable/session/whoami` answer `"user": "alice"` with alice\'s session id, which nobody '
        "gave you."
    ),
    send=(
        "`GET /vulnerable/session/` and `POST /vulnerable/session/login` (bob / thebuilder): your own naive session.",
        "`GET /vulnerable/session/whoami`, with the session id in the `naive_sid` cookie or in `?sid=`.",
    ),
    hints=(
        "Sign in to the naive twin yourself, twice, and compare the two session ids you get.",
        "The ids are not random: each is the previous one plus one. alice signed in just before or after you.",
        "Try `GET /vulnerable/session/whoami?sid=N` for the numbers next to your own.",
    ),
    solution=(
        'Press "Let the victim sign in", then sign in to the naive twin as bob: note your `naive_sid`, say 42.',
        "alice signed in just before you: `GET /vulnerable/session/whoami?sid=41` (with your lab_player cookie).",
        'It answers `{"sid": "41", "user": "alice"}`: her session is yours to use.',
    ),
    lesson=(
        "The real store's ids are 256 random bits (SES-1): there is no neighbour to guess, and an id it never "
        "issued is refused, not adopted: presented to the real app, it signs nobody in (401)."
    ),
    refused_by=("session_store.py", "Hardened"),
    real=real_session_with,
    victim=Scenario(
        story=(
            "alice, the admin, signs in to the naive twin (`/vulnerable/session/`) in her own browser when you ask. "
            "She opens no link of yours."
        ),
        prepare=alice_signs_in,
        needs_link=False,
    ),
)


@judge("naive_session.whoami", "session-guess-id")
def read_alices_session(player, record, own_sid):
    """Solved when the id is one the counter issued to alice's browser, and not the one the student signed in to."""
    # A planted id is the fixation challenge's, not a guess.
    if record is None or record.username != "alice" or record.planted or record.sid == own_sid:
        return None
    return record.sid if player is not None and victim_of("naive_sid", record.sid) == player else None


# --- Session fixation ----------------------------------------------------------------------

register(
    id="session-fixation",
    lab="session",
    title="Fix alice's session id before she signs in",
    level="practitioner",
    goal=(
        "Choose a session id, make alice's browser adopt it before she signs in to the naive session twin, "
        'and use it afterwards: `GET /vulnerable/session/whoami` with the id you chose answers `"user": "alice"`. '
        "You never learn an id the twin issued: you knew hers before she had it."
    ),
    send=(
        "A link for the victim: to the naive twin (`/vulnerable/session/...` on the app) or to a page of yours "
        "on the attacker's exploit server.",
        "`GET /vulnerable/session/whoami`, with the session id in the `naive_sid` cookie or in `?sid=`.",
    ),
    hints=(
        "Open the naive twin's page with a made-up `?sid=` in its address and read what it says about the id, "
        "and the cookie it sets.",
        "The naive login keeps whatever id the browser arrived with. If alice's browser arrives with an id you "
        "know, what does that id name once she has signed in?",
        "Send the victim the naive page's address with `?sid=` and an id of your own; once her visit is over, ask "
        "`whoami` about that id.",
    ),
    solution=(
        "Pick an id nobody uses, say `mallory-7f3a`.",
        "Send the victim the link `http://localhost:8000/vulnerable/session/?sid=mallory-7f3a` (the app's own "
        "address). Her browser adopts the id in its `naive_sid` cookie, then she signs in: the login keeps it.",
        "`GET /vulnerable/session/whoami?sid=mallory-7f3a` (with your lab_player cookie) answers "
        '`{"sid": "mallory-7f3a", "user": "alice"}`.',
    ),
    lesson=(
        "The real app takes no id from a URL and never adopts one it did not issue (SES-1): your id, presented "
        "to it, signs nobody in (401). Even an id it did issue is thrown away at sign-in: `sign_in` gives the "
        "signed-in session a new id nobody saw before (SES-2)."
    ),
    refused_by=("blueprints/session/signin.py", "sign_in"),
    real=real_session_with,
    victim=Scenario(
        story=(
            "alice opens your link in a fresh browser. Then she goes to the naive twin's page "
            "(`/vulnerable/session/`) and signs in there, as she does every morning, without clearing her cookies. "
            "Her visit reaches no goal by itself: the lab notices when you use her session afterwards."
        ),
        after=alice_signs_in,
        link_origins=("APP_URL", "ATTACKER_URL"),
    ),
)


@judge("naive_session.whoami", "session-fixation")
def used_the_fixed_id(player, record, own_sid):
    """Solved when the id was planted (never issued), alice signed in under it in this player's victim's browser."""
    # The student's own browser, planted and signed in as alice by the student, is not a victim.
    if record is None or record.username != "alice" or not record.planted or player is None:
        return None
    return record.sid if victim_of("naive_sid", record.sid) == player else None


# --- CSRF: a state change from another site ------------------------------------------------


def her_note_changed_cross_site(victim):
    """Her record's note was written from the attacker's site, by her browser's own request."""
    record = her_record(victim)
    attacker = origin_of(victim.config["ATTACKER_URL"])
    if record is None or record.username != "alice" or not record.note or record.note_origin != attacker:
        return None
    # Her browser's request, on her own session: not a `?sid=` naming someone else's. (A curl
    # may forge an Origin header; it cannot appear among her browser's hops.)
    for hop in cross_site_posts(victim, "/vulnerable/session/note"):
        if parse_qs(urlsplit(hop["url"]).query).get("sid", [record.sid]) == [record.sid]:
            return record.note
    return None


register(
    id="session-csrf",
    lab="session",
    title="Change alice's note from another site",
    level="apprentice",
    goal=(
        "alice is signed in to the naive session twin. Make her own browser change her session's note with "
        "`POST /vulnerable/session/note`, sent by a page on the attacker's site: her note changes, and the "
        "request that changed it names the attacker's site in its `Origin`."
    ),
    send=(EXPLOIT_PAGE, "`POST /vulnerable/session/note`, a form with one field, `note`: the naive state change."),
    hints=(
        "Which of the naive twin's two cookies would a browser send with a request another site starts? Read "
        "their `SameSite` attributes (DevTools, Application, Cookies).",
        "A form on any site may post to any address, and the browser adds the cookies it is allowed to. The "
        "naive note checks no CSRF token and no `Origin`.",
        "Store a page on the exploit server with a form whose `action` is the naive note's full address (the "
        "app's origin), a field `note`, and a script that submits it on load; send the victim its address.",
    ),
    solution=(
        'On the attacker\'s site, open `/exploit` and store: `<form method="post" '
        'action="http://localhost:8000/vulnerable/session/note"><input name="note" value="pwned by mallory">'
        "</form><script>document.forms[0].submit()</script>`.",
        "Paste the stored page's address (`/exploit/<id>` on the attacker's site) as the victim's link and send it.",
        "Her browser posts the form with her `naive_sid` cookie (`SameSite=None`): the visit's hops show the "
        "`POST` with the attacker's `Origin`, answered 200, and her note is yours.",
    ),
    lesson=(
        "The real session cookie is `SameSite=Lax`, so another site's POST does not carry it; and the real app "
        "refuses any state-changing request whose `Origin` is another site, and any form without the "
        "synchronizer token only its own pages embed (OWASP's two checks): 400."
    ),
    refused_by=("security.py", "check_cross_site_request"),
    real=lambda note: real_cross_site_post("/session/note", {"note": note}),
    victim=Scenario(
        story=(
            "alice signs in to the naive twin (`/vulnerable/session/`) in her own browser, then opens your link "
            "and stays on its page a few seconds."
        ),
        prepare=alice_signs_in,
        check=her_note_changed_cross_site,
    ),
)


# --- Login CSRF: the victim signed in as the attacker ---------------------------------------


def she_is_bob_now(victim):
    """Her browser's naive session names bob, signed in by a POST the attacker's site sent."""
    record = find(victim.cookie("naive_sid"))
    if record is None or record.username != "bob" or not cross_site_posts(victim, "/vulnerable/session/login"):
        return None
    return f"alice's browser holds naive_sid {record.sid}, signed in as bob by a form from the attacker's site"


register(
    id="session-login-csrf",
    lab="session",
    title="Sign alice in as bob (login CSRF)",
    level="practitioner",
    goal=(
        "Make alice's browser, on a page of the attacker's site, sign in to the naive session twin as bob, your "
        "own account, with a cross-site `POST /vulnerable/session/login`: afterwards the naive twin, in her "
        "browser, says bob. Whatever she types next lands in an account you can read."
    ),
    send=(EXPLOIT_PAGE, "`POST /vulnerable/session/login`, a form with `username` and `password`: the naive sign-in."),
    hints=(
        "Signing in changes state too: afterwards, the browser's cookie names someone. Who decides whom?",
        "You know bob's password and alice does not need to. The naive login takes a plain form from any site, "
        "without a CSRF token or an `Origin` check.",
        "Store a page on the exploit server with a form that posts `username=bob` and `password=thebuilder` to "
        "the naive login's full address (the app's origin), submitted by script on load.",
    ),
    solution=(
        'On the attacker\'s site, open `/exploit` and store: `<form method="post" '
        'action="http://localhost:8000/vulnerable/session/login"><input name="username" value="bob">'
        '<input name="password" value="thebuilder"></form><script>document.forms[0].submit()</script>`.',
        "Send the victim the stored page's address (`/exploit/<id>` on the attacker's site).",
        "Her browser posts bob's credentials and keeps the cookie the answer sets: the naive page, in her "
        "browser, now says bob. Signing in as bob yourself solves nothing: it has to be her browser.",
    ),
    lesson=(
        "The real sign-in is a state change like any other: a form from another site is refused by its `Origin`, "
        "and a form without the synchronizer token only the real login page embeds is refused too (PW-5): 400, "
        "and her browser stays as it was."
    ),
    refused_by=("security.py", "check_cross_site_request"),
    real=lambda evidence: real_cross_site_post(
        "/session/login", {"username": "bob", "password": NAIVE_ACCOUNTS["bob"][0]}
    ),
    victim=Scenario(
        story=(
            "alice opens your link in a fresh browser, not signed in to anything, and stays on its page a few "
            "seconds. Then the lab looks at the naive twin's session in her browser."
        ),
        check=she_is_bob_now,
    ),
)
