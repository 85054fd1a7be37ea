"""The JWT demo: the article's express-jwt example, in Flask with flask-jwt-extended."""

from flask import Blueprint, render_template

bp = Blueprint("jwt", __name__, url_prefix="/jwt")


def init_app(app):
    app.register_blueprint(bp)


def signed_in_user():
    """Who the JWT cookie (cookie mode) names, for the header; None without one."""
    return None


@bp.get("/")
def lab():
    """The JWT lab page."""
    return render_template("jwt/lab.html")
