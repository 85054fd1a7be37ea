"""The OAuth demo: the article's OAuth example, corrected, as an authlib client.

client.py registers authlib's Flask client per provider, providers.py says which providers
exist and how to configure them, routes.py has login, callback and logout, dance.py runs and
records each hop of the flow for the step-by-step page.
"""

from flask import Blueprint, current_app, render_template, session

from . import providers

bp = Blueprint("oauth", __name__, url_prefix="/oauth")


def init_app(app):
    from . import client, dance, routes  # noqa: F401  (registers the routes on bp)

    client.init_app(app)
    app.register_blueprint(bp)


def signed_in_user():
    """Who the OAuth sign-in names (kept in the app's session), for the header."""
    identity = session.get("oauth_identity")
    return identity.get("name") if identity else None


@bp.get("/")
def lab():
    """The OAuth lab page: sign in with a provider, or learn how to configure one."""
    configured = providers.configured(current_app)
    names = {provider.name for provider in configured}
    missing = [p for p in providers.all_providers(current_app).values() if p.name not in names]
    return render_template(
        "oauth/lab.html",
        configured=configured,
        missing=missing,
        redirect_uri=providers.redirect_uri(current_app),
        identity=session.get("oauth_identity"),
        dance=session.get("oauth_dance"),
    )
