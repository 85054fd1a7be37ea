"""The OAuth demo: the article's OAuth example, corrected, as an authlib client.

providers.py  which providers exist, their settings, and this app's built-in client
client.py     authlib's Flask client per provider, its back channel recorded
attempt.py    one sign-in attempt, as the server-side session remembers it
flow.py       the protocol, hop by hop: begin, check the callback, exchange, verify, sign in
id_token.py   what makes an id_token count (OC-3), shared by flow.py and the attack bench
routes.py     the lab page and the article's routes: login, callback, protected, admin, logout
dance.py      the step-by-step page, its pause mode, and refresh/revoke after the dance
"""

from flask import Blueprint, session

bp = Blueprint("oauth", __name__, url_prefix="/oauth")


def init_app(app):
    from . import client, dance, routes  # noqa: F401  (registers the routes on bp)

    client.init_app(app)
    app.register_blueprint(bp)


def signed_in_user():
    """Who the OAuth sign-in names (kept in the app's session), for the header."""
    identity = session.get("oauth_identity")
    return identity.get("name") if identity else None
