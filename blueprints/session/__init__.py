"""The session demo: the article's express-session example, with flask-login and Flask-Session."""

from flask import Blueprint, render_template
from flask_login import current_user

from extensions import login_manager
from models import load_user

bp = Blueprint("session", __name__, url_prefix="/session")


def init_app(app):
    login_manager.user_loader(load_user)
    app.register_blueprint(bp)


def signed_in_user():
    """Who the server-side session names, for the header; None when signed out."""
    return current_user.username if current_user.is_authenticated else None


@bp.get("/")
def lab():
    """The session lab page."""
    return render_template("session/lab.html")
