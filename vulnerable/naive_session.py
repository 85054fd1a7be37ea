"""DELIBERATELY VULNERABLE: the naive twin of the session demo's defences. Development only.

Sessions the way tutorials (and the article's express-session example) too often do them.
Each flaw sits beside the line of the real code that avoids it:

- Ids count up (1, 2, 3...): guess your neighbour's.       Real: 256 random bits (SES-1).
- An id from the URL or a cookie is adopted, never issued:  Real: unknown ids are refused (SES-1).
- Login keeps the id the visitor arrived with (fixation).   Real: a new id at login (SES-2).
- The cookie is SameSite=None and has no HttpOnly.          Real: HttpOnly, SameSite=Lax (SES-3).
- State changes need no CSRF token and no Origin check.     Real: security.check_cross_site_request.

What it never does (LAB-3): touch the real app's state. Its accounts are its own
(vulnerable/accounts.py), its sessions live in its own table under its own cookies, and the
real session, its identity keys and the real `users` table are never read or written here.
"""

from flask import Blueprint, jsonify, make_response, redirect, render_template, request, url_for
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.challenges.detect import reached
from extensions import db
from security import cross_site_allowed

from .accounts import authenticate

bp = Blueprint("naive_session", __name__, url_prefix="/vulnerable/session", template_folder="templates")

# Two cookies with the same id, so the CSRF demo can compare SameSite=None with Lax.
COOKIE_NONE = "naive_sid"
COOKIE_LAX = "naive_sid_lax"

# LAB-1, LAB-3: any visitor can plant a session here with one GET (that is the fixation demo),
# and the twin's table lives in the app's database, so it keeps only the newest few: a loop
# of planted ids cannot fill the real app's disk.
KEEP_SESSIONS = 1000


class NaiveSession(db.Model):
    """A session record whose id is a counter, or whatever the visitor brought."""

    # A table of its own name since the challenges (issue 14): `naive_sessions`, the earlier
    # table without the two columns below, is dropped at start (models.RETIRED_TABLES).
    __tablename__ = "naive_session_records"

    seq: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str | None] = mapped_column(String(100), unique=True)
    username: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))
    # True when the id came in a link (`?sid=`) and was adopted, never issued: the mark of a
    # fixation, which the session-fixation challenge looks for.
    planted: Mapped[bool] = mapped_column(default=False)
    # The `Origin` of the request that last wrote the note: the twin records it and never
    # looks at it, where the real app refuses another site's (security.check_cross_site_request).
    note_origin: Mapped[str | None] = mapped_column(String(200))


def find(sid):
    return db.session.execute(db.select(NaiveSession).filter_by(sid=sid)).scalar_one_or_none() if sid else None


def adopt(sid):
    """FLAW: an id the server never issued becomes a session (SES-1 done wrong)."""
    record = find(sid)
    if record is None:
        record = NaiveSession(sid=sid, planted=True)
        db.session.add(record)
        forget_the_oldest()
        db.session.commit()
    return record


def new_session():
    """FLAW: the next id is the last one plus one."""
    while True:
        record = NaiveSession()
        db.session.add(record)
        db.session.flush()
        # A visitor may have planted this very number (?sid=7): that id is theirs, so this
        # row keeps no id and the count goes on (two sessions under one id would be a 500).
        if find(str(record.seq)) is None:
            break
    record.sid = str(record.seq)
    forget_the_oldest()
    db.session.commit()
    return record


def forget_the_oldest():
    """Keep the newest KEEP_SESSIONS records (the counter still counts up: the flaw stays)."""
    db.session.flush()
    newest = db.session.scalar(db.select(db.func.max(NaiveSession.seq))) or 0
    db.session.execute(db.delete(NaiveSession).where(NaiveSession.seq <= newest - KEEP_SESSIONS))


def current(cookie=COOKIE_NONE):
    """FLAW: an id in the URL wins over the cookie, as PHP's session.use_trans_sid once did."""
    return find(request.args.get("sid") or request.cookies.get(cookie))


def with_cookies(response, sid):
    """FLAW: no HttpOnly (script can read it), and SameSite=None (sent from any site)."""
    # Not a flaw: the path is the app's mount point ("/", or a classroom sandbox's /s/<key>).
    path = request.script_root or "/"
    response.set_cookie(COOKIE_NONE, sid, path=path, samesite="None", secure=True, httponly=False)
    response.set_cookie(COOKIE_LAX, sid, path=path, samesite="Lax", httponly=False)
    return response


@bp.get("/")
def page():
    """The naive twin's page; `?sid=` plants an id, as a link from an attacker would."""
    planted = request.args.get("sid", "")[:100]
    record = adopt(planted) if planted else current()
    response = make_response(render_template("vulnerable/naive_session.html", record=record))
    return with_cookies(response, record.sid) if planted else response


# LAB-3: the twin checks passwords against its own two demo accounts, never the real table:
# this login is unthrottled on purpose (so is everything here), and an unthrottled sign-in
# that asked models.authenticate() would let anyone guess real users' passwords at full speed.
@bp.post("/login")
@cross_site_allowed
def login():
    """FLAW: signs the user in under the id the browser arrived with (session fixation)."""
    user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        return render_template(
            "vulnerable/naive_session.html", record=current(), error="Invalid username or password."
        ), 401
    record = current() or new_session()
    record.username = user.username
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return with_cookies(jsonify(sid=record.sid, user=record.username), record.sid)
    return with_cookies(redirect(url_for("naive_session.page"), 303), record.sid)


@bp.get("/whoami")
def whoami():
    """Whom an id belongs to. `?sid=` accepts any id at all: guess one."""
    record = current()
    reached("naive_session.whoami", record=record, own_sid=request.cookies.get(COOKIE_NONE))  # the challenges watch
    return jsonify(sid=record.sid if record else None, user=record.username if record else None)


@bp.post("/note")
@cross_site_allowed
def note():
    """FLAW: a state change that trusts the cookie alone (no CSRF token, no Origin check)."""
    cookie = COOKIE_LAX if request.args.get("cookie") == "lax" else COOKIE_NONE
    record = current(cookie)
    if record is None or record.username is None:
        result = f"Refused: no signed-in {cookie} cookie arrived with this request (a Lax cookie stays home)."
        return render_template("vulnerable/naive_session.html", record=record, result=result, refused=True), 401
    record.note = request.form.get("note", "")[:200]
    record.note_origin = request.headers.get("Origin", "")[:200] or None
    db.session.commit()
    result = f"The forged request worked. Note saved for {record.username}, trusting the {cookie} cookie alone"
    result += f": {record.note}"
    return render_template("vulnerable/naive_session.html", record=record, result=result)


@bp.post("/logout")
@cross_site_allowed
def logout():
    """Forgets the user but keeps the id (and the record) alive."""
    record = current()
    if record is not None:
        record.username = None
        db.session.commit()
    return redirect(url_for("naive_session.page"), 303)
