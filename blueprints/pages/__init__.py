"""Pages that belong to no single demo: home, sign-up, the account, and the header's sign-in state."""

from flask import Blueprint, g

import came_from

bp = Blueprint("pages", __name__)


def init_app(app):
    from . import account, views  # noqa: F401  (register the routes on bp; account: PW-4, session lab)

    app.register_blueprint(bp)
    app.context_processor(signed_in_context)


def signed_in_context():
    """The header shows who is signed in under each mechanism; they are independent."""
    if g.get("store_unavailable"):
        # The error page for a dead store must not ask that store who is signed in.
        return {"signed_in": {"jwt": None, "session": None, "oauth": None}, "cookies_withheld": False}
    return {
        "signed_in": signed_in(),
        # Another site's form post brings none of this app's cookies: "signed out" would be a lie.
        "cookies_withheld": came_from.cookies_withheld(),
    }


def signed_in():
    """Who each mechanism names in this request (None where nobody is signed in)."""
    from blueprints import jwt, oauth, session

    return {"jwt": jwt.signed_in_user(), "session": session.signed_in_user(), "oauth": oauth.signed_in_user()}
