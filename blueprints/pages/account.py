"""The account page: who you are here, and the password change that ends every other session (PW-4)."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from blueprints.session import remember
from blueprints.session.signin import sign_in
from blueprints.session.users import editable
from extensions import db, limiter
from passwords import MAX_LENGTH, MIN_LENGTH, password_problems

from . import bp


# The account is the app's own row in `users`; the session lab's sign-in is the one that
# opens it (flask-login's current_user). A JWT or an OAuth sign-in names someone too, and the
# page says so, but changing the password asks for the session sign-in.
@bp.get("/account")
def account():
    """Your account: its name and role, how this browser is signed in, what you can do."""
    user = current_user if current_user.is_authenticated else None
    return render_template("pages/account.html", user=user, oauth_identity=session.get("oauth_identity"))


def signed_in_username():
    """The account whose current password the form checks (None when nobody is signed in)."""
    return current_user.username if current_user.is_authenticated else None


def wrong_current_password(_response):
    """A wrong current password is a failed sign-in of this account (change_problems says so)."""
    return g.get("wrong_current_password", False)


# PW-6: the current password is a password check like a sign-in, so a wrong one counts on the
# same counters (per account and per address, throttle.py): whoever holds a stolen session
# cannot use this form to guess the password behind it. While either is locked, it is not checked.
@bp.route("/account/password", methods=["GET", "POST"])
@limiter.counts_failures(account=signed_in_username, failed=wrong_current_password)
def change_password():
    """Change the password (PW-4): every other session, remember-me cookie and token ends."""
    if not current_user.is_authenticated:
        flash("Sign in (in the session lab) to change your password.")
        return redirect(url_for("session.lab"), 303)
    errors = {}
    if request.method == "POST":
        user = editable(current_user)
        errors = change_problems(user, request.form)
        if not errors:
            # User.set_password() rotates login_id (every session and remember-me cookie
            # names the old one, so each is dead on its next request) and moves
            # tokens_valid_after (every JWT issued before now is refused). The remember-me
            # rows go too. This browser is then signed in again, under a new session id.
            user.set_password(request.form["new_password"])
            remember.revoke_all(user)
            db.session.commit()
            current_app.logger.info("password changed for %s", user.username)
            sign_in(user)
            flash("Password changed. Every other session, remember-me cookie and token of yours has ended.")
            return redirect(url_for("pages.change_password"), 303)
    status = 400 if errors else 200
    return render_template("pages/password.html", errors=errors, min_length=MIN_LENGTH, max_length=MAX_LENGTH), status


def change_problems(user, form):
    """Why a password change is refused (empty when it may go ahead)."""
    errors = {}
    current, new, confirm = (form.get(k, "") for k in ("current_password", "new_password", "confirm"))
    # The current password is asked for even in a fresh session: whoever finds the laptop
    # unlocked must not be able to lock its owner out.
    if not user.check_password(current):
        g.wrong_current_password = True
        errors["current_password"] = ["That is not your current password."]
    problems = password_problems(new, user.username)
    if problems:
        errors["new_password"] = problems
    elif new != confirm:
        errors["confirm"] = ["The two passwords differ."]
    return errors
