"""The built-in OAuth 2.0 / OpenID Connect provider: another party, its own small Flask app.

It runs on another host name (127.0.0.1:8001, the app is on localhost:8000), keeps its own
users, clients, codes and tokens in its own SQLite database, and never imports the app's code.
"""

from flask import Flask

from . import settings, web
from .models import db, seed


def create_app(test_config=None):
    """Create the provider (the authorization server and its developer console)."""
    app = Flask(__name__, instance_path=settings.instance_path(test_config), instance_relative_config=True)

    # Settings: defaults, the environment, the provider's own secrets and signing key.
    settings.load(app, test_config)

    # Its own store: users, clients, authorization codes, tokens.
    db.init_app(app)

    # Every response: security headers, error pages without tracebacks.
    web.init_app(app)

    # Pages: home and sign-in.
    from . import views

    app.register_blueprint(views.bp)

    # First start: tables, the two demo users, the app's client registration.
    with app.app_context():
        db.create_all()
        seed(app)

    return app
