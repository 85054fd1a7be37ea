"""The OAuth demo: the article's OAuth example, corrected, as an authlib client."""

from flask import Blueprint, render_template, session

bp = Blueprint("oauth", __name__, url_prefix="/oauth")


def init_app(app):
    app.register_blueprint(bp)


def signed_in_user():
    """Who the OAuth sign-in names (kept in the app's session), for the header."""
    identity = session.get("oauth_identity")
    return identity.get("name") if identity else None


@bp.get("/")
def lab():
    """The OAuth lab page."""
    return render_template("oauth/lab.html")
