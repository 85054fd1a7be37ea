"""Home, sign-up, and who is signed in (for the header's script)."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from errors import handle_http_error
from extensions import db, limiter
from models import DEMO_ACCOUNTS, User, find_user
from passwords import MAX_LENGTH, MIN_LENGTH, hash_password, password_problems
from throttle import Locked

from . import bp, signed_in

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-.")


@bp.get("/")
def home():
    """The three approaches side by side, and the way into each demo."""
    return render_template("pages/home.html", demo_accounts=DEMO_ACCOUNTS)


@bp.get("/healthz")
def healthz():
    """Liveness for scripts and the benchmark's no-auth baseline: a tiny JSON answer."""
    return {"status": "ok", "instance": current_app.config["INSTANCE_NAME"]}


@bp.get("/whoami")
def whoami():
    """Who each mechanism names, as the header shows it: JSON for header.js's second look."""
    return signed_in()


def created_or_taken(response):
    """The sign-ups the throttle counts: an account created, or a name found taken."""
    return response.status_code == 302 or g.get("username_taken", False)


# PW-6: sign-ups are counted per address, but only those that create an account or find a name
# taken (which tells that the account exists): a refused password costs nothing to try again.
@bp.route("/signup", methods=["GET", "POST"])
@limiter.counts_sign_ups(counted=created_or_taken)
def signup():
    """Create an account so a class can use its own (PW-2 password rules)."""
    errors = {}
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip().lower()
        password = request.form.get("password", "")
        confirm = request.form.get("confirm", "")
        errors = signup_problems(username, password, confirm)
        if not errors:
            db.session.add(User(username=username, password_hash=hash_password(password), role="user"))
            try:
                db.session.commit()
            except IntegrityError:
                # Two sign-ups raced for the same name; the unique index kept one.
                db.session.rollback()
                g.username_taken = True
                errors["username"] = ["That username is taken."]
            else:
                current_app.logger.info("new account %s", username)
                flash(f"Account {username!r} created. Sign in with it in any of the three labs.")
                return redirect(url_for("pages.home"))
    status = 400 if errors else 200
    return render_template(
        "pages/signup.html", errors=errors, username=username, min_length=MIN_LENGTH, max_length=MAX_LENGTH
    ), status


def signup_problems(username, password, confirm):
    errors = {}
    if not 3 <= len(username) <= 32 or not set(username) <= USERNAME_CHARS:
        errors["username"] = ["3 to 32 characters: letters, digits, '.', '-' or '_'."]
    elif find_user(username) is not None:
        g.username_taken = True
        errors["username"] = ["That username is taken."]
    problems = password_problems(password, username)
    if problems:
        errors["password"] = problems
    elif password != confirm:
        errors["confirm"] = ["The two passwords differ."]
    return errors


@bp.errorhandler(Locked)
def locked(exc):
    """A throttled form post (sign-up, password change): the form again, the wait in words above it."""
    if request.endpoint == "pages.signup":
        template = "pages/signup.html"
    elif request.endpoint == "pages.change_password" and current_user.is_authenticated:
        template = "pages/password.html"
    else:
        return handle_http_error(exc)
    page = render_template(
        template, errors={}, locked=exc.description, username="", min_length=MIN_LENGTH, max_length=MAX_LENGTH
    )
    return page, 429, {"Retry-After": str(exc.wait)}
