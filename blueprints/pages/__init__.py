"""Pages that belong to no single demo: home, sign-up, and the header's sign-in state."""

from flask import Blueprint, g

bp = Blueprint("pages", __name__)


def init_app(app):
    from . import account, views  # noqa: F401  (register the routes on bp; account: PW-4, session lab)

    app.register_blueprint(bp)
    app.context_processor(signed_in_context)


def signed_in_context():
    """The header shows who is signed in under each mechanism; they are independent."""
    from blueprints import jwt, oauth, session

    if g.get("store_unavailable"):
        # The error page for a dead store must not ask that store who is signed in.
        return {"signed_in": {"jwt": None, "session": None, "oauth": None}}
    return {
        "signed_in": {
            "jwt": jwt.signed_in_user(),
            "session": session.signed_in_user(),
            "oauth": oauth.signed_in_user(),
        }
    }
