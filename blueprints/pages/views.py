"""Home and sign-up."""

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from extensions import db, limiter
from models import DEMO_ACCOUNTS, User, find_user
from passwords import MAX_LENGTH, MIN_LENGTH, hash_password, password_problems

from . import bp

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-.")


@bp.get("/")
def home():
    """The three approaches side by side, and the way into each demo."""
    return render_template("pages/home.html", demo_accounts=DEMO_ACCOUNTS)


@bp.get("/healthz")
def healthz():
    """Liveness for scripts and the benchmark's no-auth baseline: a tiny JSON answer."""
    return {"status": "ok", "instance": current_app.config["INSTANCE_NAME"]}


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
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
        errors["username"] = ["That username is taken."]
    problems = password_problems(password, username)
    if problems:
        errors["password"] = problems
    elif password != confirm:
        errors["confirm"] = ["The two passwords differ."]
    return errors
