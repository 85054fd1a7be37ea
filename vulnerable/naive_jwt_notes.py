"""DELIBERATELY VULNERABLE: the naive notes app, a JWT single-page app done wrong. Development only.

A small app on the naive JWT server (vulnerable/naive_jwt.py): sign in, and the page keeps the
access token in localStorage (any script of the page can read it), then shows a board of notes
rendered unescaped (stored XSS: a note can be a script). Together, the classic token theft: a
note's script sends the reader's token to the attacker. Real: the JWT lab keeps a token in page
memory or in an HttpOnly cookie (blueprints/jwt/cookies.py), Jinja escapes what it renders, and
every real page's CSP allows no inline script (security.content_security_policy).

Containment (LAB-3). A note's script runs on the app's own origin, so this page is fenced in:
- A board belongs to one player (the `lab_player` cookie): a student's notes are shown to that
  student, and to their victim bot during its visit (a pass the bot carries in an HttpOnly
  cookie, admit()). Nobody else's browser ever runs them: a link to the page shows the
  visitor's own board, not the author's.
- Its CSP (notes_csp) lets the page run inline script, and fetch, load images or post forms
  only to the naive JWT server's paths and the attacker's collector: never a real page
  of the app. Its COOP differs from the real pages', so a window it opens on one of them is
  out of its reach, and the real pages refuse to be framed (frame-ancestors 'none').
Bounded (LAB-1): a note is at most NOTE_LIMIT characters, a board keeps its newest
KEEP_PER_BOARD notes, the table its newest KEEP_NOTES, and passes expire within minutes.
"""

import secrets
import threading
import time
from datetime import datetime

from flask import Blueprint, current_app, jsonify, make_response, render_template, request
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.challenges import players
from bodies import json_object
from extensions import db
from models import utcnow

from .naive_jwt import naive_claims

bp = Blueprint("naive_jwt_notes", __name__, url_prefix="/vulnerable/jwt", template_folder="templates")

NOTE_LIMIT = 4000
KEEP_PER_BOARD = 10
KEEP_NOTES = 5000
VISIT_COOKIE = "naive_notes_visit"
PASS_SECONDS = 120
KEEP_PASSES = 100
PASSES = {}  # pass -> (board, expires at on the monotonic clock): the victim bot's way to its board
PASSES_LOCK = threading.Lock()


class Note(db.Model):
    """One note on one player's board, as its author typed it (rendered unescaped: the flaw)."""

    __tablename__ = "naive_jwt_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    board: Mapped[str] = mapped_column(String(64), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


def admit(board):
    """A pass to `board` for one victim-bot visit: set it as VISIT_COOKIE in the bot's browser only."""
    now = time.monotonic()
    with PASSES_LOCK:
        for value in [value for value, (_, expires) in PASSES.items() if expires < now]:
            del PASSES[value]
        while len(PASSES) >= KEEP_PASSES:
            del PASSES[next(iter(PASSES))]
        value = secrets.token_urlsafe(32)
        PASSES[value] = (board, now + PASS_SECONDS)
    return value


def visited_board():
    """The board a victim-bot pass names, while it lasts; None for every other browser."""
    with PASSES_LOCK:
        board, expires = PASSES.get(request.cookies.get(VISIT_COOKIE, ""), (None, 0))
    return board if expires >= time.monotonic() else None


def notes_csp():
    """The page may run inline script (the flaw on show), and reach only the naive JWT server and the collector."""
    # The URL settings, not their origins: each ends in the mount point the lab is served under,
    # if any (a classroom sandbox's /s/<key>), and the paths below must stay below it.
    app, attacker = current_app.config["APP_URL"], current_app.config["ATTACKER_URL"]
    # A source with a path allows that path and below only: /jwt/, /session/ and every other
    # real page of the same origin stay out of reach of a note's fetch, image or form.
    twin, collector, static = f"{app}/vulnerable/jwt/", f"{attacker}/collect/", f"{app}/static/"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'unsafe-inline' {static}js/naive-jwt-notes.js {static}js/dom.js",
            f"style-src {static}css/",
            f"img-src {twin} {collector} {static}favicon.svg",
            f"connect-src {twin} {collector}",
            f"form-action {twin}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def board_notes(board):
    return db.session.scalars(db.select(Note).filter_by(board=board).order_by(Note.id)).all()


@bp.get("/notes")
def page():
    """The notes app: sign in, and the board of this browser's player (?view=escaped shows it escaped)."""
    # The victim bot reads the board its pass names; anyone else reads their own (a first
    # visit makes this browser a player, with a board of its own).
    board = visited_board() or players.current_or_new()
    escaped = request.args.get("view") == "escaped"
    response = make_response(
        render_template("vulnerable/naive_jwt_notes.html", notes=board_notes(board), escaped=escaped)
    )
    response.headers["Content-Security-Policy"] = notes_csp()
    # Not the real pages' same-origin: a window this page opens on a real page lands in another
    # browsing context group, so a note's script cannot read that page through the handle.
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin-allow-popups"
    return response


@bp.post("/notes")
def write():
    """Post a note to your own board, as whoever the naive verifier believes your token names."""
    board = players.current()
    if board is None:
        return jsonify(error="no board: send this browser's lab_player cookie (open the notes page once)"), 400
    (_, claims, _), refused = naive_claims()
    if refused:
        return refused
    text = json_object().get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > NOTE_LIMIT:
        return jsonify(error=f"a note is 1 to {NOTE_LIMIT} characters of text"), 400
    author = claims.get("sub") if isinstance(claims, dict) else None
    note = Note(board=board, author=str(author)[:64], text=text)
    db.session.add(note)
    db.session.flush()
    forget_the_oldest(board)
    db.session.commit()
    return jsonify(note=note.id, board_notes=len(board_notes(board))), 201


@bp.post("/notes/clear")
def clear():
    """Delete every note on your own board (when a note of yours has taken the page over)."""
    board = players.current()
    if board is None:
        return jsonify(error="no board: send this browser's lab_player cookie"), 400
    deleted = db.session.execute(db.delete(Note).where(Note.board == board)).rowcount
    db.session.commit()
    return jsonify(deleted=deleted)


def forget_the_oldest(board):
    """Keep a board's newest KEEP_PER_BOARD notes, and the table's newest KEEP_NOTES."""
    kept = db.select(Note.id).filter_by(board=board).order_by(Note.id.desc()).limit(KEEP_PER_BOARD)
    db.session.execute(db.delete(Note).where(Note.board == board, Note.id.not_in(kept)))
    newest = db.session.scalar(db.select(db.func.max(Note.id))) or 0
    db.session.execute(db.delete(Note).where(Note.id <= newest - KEEP_NOTES))
