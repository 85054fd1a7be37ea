"""The instructor's dashboard: every sandbox, live, with what its student solved; resets.

Signing in takes the password `make classroom` printed (site.own_secrets). The session cookie is
SameSite=Strict and every change is a POST with the form's token, so a student's page on the
attacker site cannot reset anyone's sandbox through the instructor's browser.
"""

import hmac
import threading
import time
from collections import defaultdict, deque

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for

from . import forms, sweep
from .progress import Reader
from .registry import of_this_class as registry

bp = Blueprint("instructor", __name__, url_prefix="/instructor")

# PW-3 in small: a wrong password costs the address one of five tries a minute.
TRIES, WINDOW = 5, 60
failures = defaultdict(deque)
failures_lock = threading.Lock()


def reader():
    if "classroom_reader" not in current_app.extensions:
        current_app.extensions["classroom_reader"] = Reader(current_app.config["CLASSROOM_SETTINGS"])
    return current_app.extensions["classroom_reader"]


def signed_in():
    return session.get("instructor") is True


def wait_for(address):
    """Seconds this address must wait before another try (0: it may try now)."""
    moment = time.monotonic()
    with failures_lock:
        recent = failures[address]
        while recent and moment - recent[0] > WINDOW:
            recent.popleft()
        return int(WINDOW - (moment - recent[0])) + 1 if len(recent) >= TRIES else 0


@bp.get("/")
def dashboard():
    if not signed_in():
        return render_template("classroom/instructor_signin.html", error=None, wait=0)
    return render_template("classroom/dashboard.html", state=state())


@bp.post("/signin")
def signin():
    forms.require_token()
    address = request.remote_addr or ""
    wait = wait_for(address)
    if wait:
        page = render_template("classroom/instructor_signin.html", error=None, wait=wait)
        return page, 429, {"Retry-After": str(wait)}
    sent = request.form.get("password", "").strip().encode()
    if not hmac.compare_digest(sent, current_app.config["INSTRUCTOR_PASSWORD"].encode()):
        with failures_lock:
            failures[address].append(time.monotonic())
        return render_template("classroom/instructor_signin.html", error="That is not the password.", wait=0), 401
    session.clear()  # a new session for the instructor: no id chosen before sign-in survives
    session["instructor"] = True
    return redirect(url_for("instructor.dashboard"), code=303)


@bp.post("/signout")
def signout():
    forms.require_token()
    session.clear()
    return redirect(url_for("instructor.dashboard"), code=303)


@bp.get("/state.json")
def state_json():
    if not signed_in():
        abort(401)
    return jsonify(state())


@bp.post("/reset")
def reset():
    """Reset one sandbox (`sandbox`: the row number on the dashboard's list) or all of them."""
    if not signed_in():
        abort(401)
    forms.require_token()
    settings = current_app.config["CLASSROOM_SETTINGS"]
    rows = registry().everyone()
    chosen = request.form.get("sandbox", "")
    if chosen == "all":
        targets = rows
    else:
        targets = [row for row in rows if row.digest[:16] == chosen]
        if not targets:
            abort(404, "No such sandbox: it may have expired. Reload the dashboard.")
    for row in targets:
        reader().forget(row.digest)
        sweep.reset(settings, registry(), row)
    return redirect(url_for("instructor.dashboard", reset=len(targets)), code=303)


def state():
    """Everything the dashboard shows, as JSON-ready values. Sandboxes by a short public handle."""
    from blueprints.challenges import all_challenges

    settings = current_app.config["CLASSROOM_SETTINGS"]
    sweep.expired(settings, registry())
    catalog = all_challenges()
    students = []
    for row in registry().everyone():
        done = reader().of(row)
        students.append(
            {
                "handle": row.digest[:16],
                "name": row.name,
                "joined": row.created_at.isoformat(timespec="seconds") + "Z",
                "last_seen": row.last_seen.isoformat(timespec="seconds") + "Z",
                "solved": [
                    {"id": cid, "title": catalog[cid].title if cid in catalog else cid} for cid, _ in done["solved"]
                ],
                "hints": done["hints"],
                "exercises": [
                    {"exercise": r.exercise, "passed": r.passed, "checks": r.checks}
                    for r in registry().results_of(row.digest)
                ],
            }
        )
    return {
        "challenges": len(catalog),
        "accept_results": settings.accept_results,
        "sandbox_hours": settings.sandbox_hours,
        "students": students,
    }
