"""Pages that belong to no single demo: home, sign-up, and the header's sign-in state."""

from flask import Blueprint

bp = Blueprint("pages", __name__)


def init_app(app):
    from . import views  # noqa: F401  (registers the routes on bp)

    app.register_blueprint(bp)
    app.context_processor(signed_in_context)


def signed_in_context():
    """The header shows who is signed in under each mechanism; they are independent."""
    from blueprints import jwt, oauth, session

    return {
        "signed_in": {
            "jwt": jwt.signed_in_user(),
            "session": session.signed_in_user(),
            "oauth": oauth.signed_in_user(),
        }
    }
