"""The session demo: the article's express-session example, with flask-login and Flask-Session.

signin.py    what a sign-in submits, and the fresh session it starts (SES-2)
guards.py    @session_required(role=None): 401 without a live session, 403 without the role
routes.py    the article's endpoints (login, protected, admin, logout) done right
binding.py   a signed-in session works only in the browser that signed in
timeouts.py  idle and absolute timeouts, enforced on the server (SES-4)
remember.py  a hardened, revocable remember-me cookie (SES-6)
models.py    the lab's tables: the remember-me tokens
users.py     the signed-in user, held in memory until the revocation epoch moves
lab.py       the lab page and the JSON it reads (the server-side record, the signed-cookie contrast)
scaleout.py  the app and its replica: one store per instance, a shared store, JWTs
"""

from flask import Blueprint, request
from flask_login import current_user

from extensions import login_manager

from .users import load_user

bp = Blueprint("session", __name__, url_prefix="/session")


def init_app(app):
    from . import binding, lab, remember, routes, scaleout, timeouts  # noqa: F401  (routes register on bp)

    login_manager.user_loader(load_user)
    app.before_request(guard)
    app.after_request(remember.update_cookie)
    app.register_blueprint(bp)


def guard():
    """Before any view: end a session presented by another browser or past its timeouts,
    then let a remember-me cookie start a new one. (After every response, the remember-me
    cookie is set or cleared: remember.update_cookie.)"""
    from . import binding, remember, timeouts

    # No cookie at all (a bearer-token API call, a first visit): no session to check.
    if not request.cookies or request.endpoint == "static":
        return
    binding.enforce()
    timeouts.enforce()
    remember.restore()


def signed_in_user():
    """Who the server-side session names, for the header; None when signed out."""
    return current_user.username if current_user.is_authenticated else None
