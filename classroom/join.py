"""Joining the class: a display name in, a sandbox of one's own out (its URL is its key)."""

from flask import Blueprint, current_app, make_response, redirect, render_template, request

from . import forms, sweep
from .registry import display_name
from .registry import of_this_class as registry

bp = Blueprint("join", __name__)

# The way back to one's sandbox, for this browser. It holds the sandbox's key, so it is sent to
# /me alone: with Path=/ every sandbox this browser opened, another student's too (a link in a
# challenge), would receive it and could take this student's sandbox over.
COOKIE = "classroom_sandbox"
COOKIE_PATH = "/me"


@bp.get("/")
def home():
    """The join form, and the way back to a sandbox this browser already has (/me)."""
    return render_template("classroom/join.html", errors={}, name="")


@bp.get("/me")
def mine():
    """Back to this browser's sandbox, or the join form when it has none (any more)."""
    key = request.cookies.get(COOKIE, "")
    if registry().find(key) is not None:
        return redirect(f"/s/{key}/", code=303)
    page = render_template("classroom/join.html", errors={}, name="", none_here=True)
    return page, 404


@bp.post("/join")
def join():
    forms.require_token()
    raw = request.form.get("name", "")
    name = display_name(raw)
    errors = {}
    settings = current_app.config["CLASSROOM_SETTINGS"]
    if name is None:
        errors["name"] = "Use 1 to 40 letters, digits, spaces or punctuation (no control characters)."
    else:
        sweep.expired(settings, registry())
        if registry().count() >= settings.most_sandboxes:
            errors["name"] = f"The class is full ({settings.most_sandboxes} sandboxes): ask the instructor."
        elif registry().count(request.remote_addr or "") >= settings.most_per_address:
            errors["name"] = f"This machine already has {settings.most_per_address} sandboxes: continue in one of them."
    if errors:
        status = 400 if name is None else 429
        page = render_template("classroom/join.html", errors=errors, name=raw[:80])
        return page, status
    key = registry().create(name, request.remote_addr or "")
    response = make_response(redirect(f"/s/{key}/", code=303))
    # The key is the sandbox; this cookie only brings the student back to it from the class's
    # front page. HttpOnly (no script reads it), Lax, and only as old as a sandbox may get idle.
    hours = settings.sandbox_hours
    response.set_cookie(COOKIE, key, max_age=int(hours * 3600), httponly=True, samesite="Lax", path=COOKIE_PATH)
    return response


@bp.get("/sandbox-gone")
def gone():
    settings = current_app.config["CLASSROOM_SETTINGS"]
    return render_template("classroom/gone.html", settings=settings), 404
