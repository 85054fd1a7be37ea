"""The challenges' pages: the list with this browser's progress, one challenge, and its steps.

Everything a student asks for here (a hint, the solution, a visit of the victim, the real
attempt) is a POST with a CSRF token that changes this player's own rows only, and answers
with a redirect back to the challenge's page (post/redirect/get: reloading asks nothing twice).
"""

import re

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from . import addresses, detect, players, progress, victim
from .catalog import CHALLENGES, LABS, by_lab

bp = Blueprint("challenges", __name__)


def init_app(app):
    app.register_blueprint(bp)
    app.after_request(players.set_cookie)
    app.after_request(detect.add_header)
    app.add_template_filter(code_spans)


def code_spans(text):
    """The catalog's plain text as this lab's page shows it: its addresses this lab's own
    (addresses.py), `backticks` become <code>, everything else is escaped."""
    # Escaped first, so the only markup in the result is the <code> added here.
    escaped = str(escape(addresses.in_this_lab(text)))
    return Markup(re.sub(r"`([^`]+)`", lambda m: f"<code>{m.group(1)}</code>", escaped))  # noqa: S704  # nosec B704


def find(challenge_id):
    challenge = CHALLENGES.get(challenge_id)
    if challenge is None:
        abort(404)
    return challenge


@bp.get("/challenges")
def index():
    """Every challenge, by lab, with what this browser solved."""
    player = players.current_or_new()
    return render_template(
        "challenges/index.html", groups=by_lab(), solves=progress.solves(player), hints=progress.ladders(player)
    )


@bp.get("/progress")
def progress_page():
    """This browser's progress: the challenges solved, and the exercises checked on this machine."""
    from exercises import CATALOG
    from exercises.progress import read as exercise_results

    player = players.current_or_new()
    results = exercise_results(current_app.instance_path)
    return render_template(
        "challenges/progress.html",
        groups=by_lab(),
        solves=progress.solves(player),
        exercises=[(exercise, results.get(exercise.number)) for exercise in CATALOG],
    )


@bp.get("/challenges/<challenge_id>")
def show(challenge_id):
    challenge = find(challenge_id)
    player = players.current_or_new()
    hints_shown, solution_asks = progress.ladder(player, challenge.id)
    visit = victim.last_visit(player, challenge.id) if challenge.victim else None
    return render_template(
        "challenges/challenge.html",
        challenge=challenge,
        lab_name=LABS[challenge.lab],
        solve=progress.solves(player).get(challenge.id),
        hints_shown=hints_shown,
        solution_asks=solution_asks,
        player_cookie=f"{players.COOKIE}={players.cookie_value()}",
        visit=visit,
        hops=victim.hops_of(visit),
        attempt=g.pop("real_attempt", None),
    )


@bp.post("/challenges/<challenge_id>/hint")
def hint(challenge_id):
    """Reveal the next hint of the ladder (only the next one)."""
    challenge = find(challenge_id)
    progress.climb(players.current_or_new(), challenge.id, len(challenge.hints))
    return redirect(url_for(".show", challenge_id=challenge.id, _anchor="hints"), 303)


@bp.post("/challenges/<challenge_id>/solution")
def solution(challenge_id):
    """The first request asks "are you sure?"; the second shows the solution."""
    challenge = find(challenge_id)
    progress.climb(players.current_or_new(), challenge.id, len(challenge.hints), solution=True)
    return redirect(url_for(".show", challenge_id=challenge.id, _anchor="solution"), 303)


@bp.post("/challenges/<challenge_id>/victim")
def deliver(challenge_id):
    """Have the victim open the student's link (or just sign in, where the story needs no link)."""
    challenge = find(challenge_id)
    if challenge.victim is None:
        abort(404)
    try:
        _, evidence = victim.visit(players.current_or_new(), challenge, request.form.get("link", ""))
    except victim.VisitRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for(".show", challenge_id=challenge.id, _anchor="victim"), 303)
    flash("Solved: " + challenge.title if evidence else "The victim's visit is over: what their browser did is below.")
    return redirect(url_for(".show", challenge_id=challenge.id, _anchor="victim"), 303)


@bp.post("/challenges/<challenge_id>/real")
def real_attempt(challenge_id):
    """The final step, once solved: the same attack against the real code, shown on the page."""
    challenge = find(challenge_id)
    solve = progress.solves(players.current_or_new()).get(challenge.id)
    if solve is None:
        flash("Solve it against the naive twin first: the real attempt replays what solved it.", "error")
        return redirect(url_for(".show", challenge_id=challenge.id), 303)
    g.real_attempt = challenge.real(solve.evidence)
    return show(challenge_id)
