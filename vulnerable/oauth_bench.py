"""DELIBERATELY VULNERABLE demos: the OAuth attack bench page. Development only.

The page lists the attacks (vulnerable/oauth_attacks.py runs them), runs one at a press of a
button, and shows what the naive twins and the real client and provider each did. Its own
blueprint beside the naive client's: the twin (vulnerable/naive_oauth.py) knows nothing of it.

LAB-3: the bench's results live under its own session key (BENCH_RESULTS), never beside the
real client's state, and whom the naive client believes is read from the twin's own key.
"""

from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, session, url_for

from blueprints.oauth.client import remote
from errors import error_response

from . import oauth_wire
from .naive_oauth import naive_identity
from .oauth_attacks import RUNNERS, attacker_redirect
from .oauth_browser import stolen_naive_callback, stolen_real_callback

bp = Blueprint("oauth_bench", __name__, url_prefix="/vulnerable/oauth", template_folder="templates")

BENCH_RESULTS = "naive_oauth_bench"


# The attacks, in the order of the page: (id, title, what the attacker does).
ATTACKS = (
    (
        "login-csrf",
        "Login CSRF: no state",
        "The attacker gets a code for their own account and makes your browser deliver it.",
    ),
    (
        "code-injection",
        "Code interception: no PKCE",
        "The attacker intercepted your code (a leaked redirect, a log, a malicious app on the device) "
        "and injects it into their own session.",
    ),
    (
        "redirect-uri",
        "redirect_uri manipulation",
        "A redirect URI that starts with the app's address but leads elsewhere.",
    ),
    ("code-replay", "Code replay", "The same authorization code sent to the token endpoint twice."),
    (
        "plain-pkce",
        "Downgrade to plain PKCE",
        "With plain, the challenge in the URL is the verifier: whoever saw it can redeem.",
    ),
    (
        "id-token",
        "A forged or foreign id_token",
        "An id_token for another app, an unsigned one, a genuine one from another sign-in, an edited one.",
    ),
    (
        "open-redirect",
        "Open redirect through next",
        "After sign-in, `next` sends you to the attacker's look-alike page.",
    ),
)


@bp.get("/")
def bench():
    """The OAuth attack bench: each attack, against the naive twin and the real thing."""
    return render_template(
        "vulnerable/oauth_bench.html",
        attacks=ATTACKS,
        results=session.get(BENCH_RESULTS, {}),
        attacker_redirect=attacker_redirect(),
        naive_identity=naive_identity(),
    )


@bp.post("/run/<attack>")
def run(attack):
    """Run one attack against both, and show the outcome."""
    if attack not in RUNNERS or remote("builtin") is None:
        return redirect(url_for("oauth_bench.bench"))
    results = session.get(BENCH_RESULTS, {})
    # Every exchange of the run is recorded for the result's wire panel (oauth_wire.py).
    oauth_wire.start()
    try:
        result = RUNNERS[attack]()
    except (KeyError, ValueError) as exc:
        # The scripted browser did not get what a working provider answers (a provider reset
        # mid-run, a demo password changed): a 502 that says so, not a crash.
        return error_response(502, "The bench could not run", f"The provider's answer was not usable ({exc!r}).")
    finally:
        exchanges = oauth_wire.take()
    # Only the last run keeps its exchanges: each run's are tens of kilobytes, and the session
    # that holds them is read on every request this browser makes.
    for earlier in results.values():
        earlier.pop("wire", None)
    results[attack] = {**result, "wire": exchanges}
    session[BENCH_RESULTS] = results
    return redirect(url_for("oauth_bench.bench", _anchor=attack))


@bp.post("/attacker-links")
def attacker_links():
    """Login CSRF, step 1: the attacker (bob) gets a code for their own account, from each
    client's flow, without using it; then sends the victim to a page that delivers it."""
    params = {"naive": stolen_naive_callback("bob"), "real": stolen_real_callback("bob")}
    return redirect(current_app.config["ATTACKER_URL"] + "/attack/oauth-login-csrf?" + urlencode(params))
