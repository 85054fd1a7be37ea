"""The built-in OAuth 2.0 / OpenID Connect provider: another party, its own small Flask app.

It runs on another host name (127.0.0.1:8001, the app is on localhost:8000), keeps its own
users, clients, codes and tokens in its own SQLite database, and never imports the app's code.
"""

import sqlite3

from flask import Flask
from sqlalchemy import event

from . import schema, settings, web
from .models import db, one_start_at_a_time
from .seed import create_user_command, seed


def create_app(test_config=None):
    """Create the provider (the authorization server and its developer console)."""
    # The provider's factory, read as its table of contents: kept whole on purpose.
    app = Flask(__name__, instance_path=settings.instance_path(test_config), instance_relative_config=True)

    # Settings: defaults, the environment, the provider's own secrets and signing key.
    settings.load(app, test_config)

    # Its own store: users, clients, grants, authorization codes, tokens.
    db.init_app(app)
    with app.app_context():
        event.listen(db.engine, "connect", tune_sqlite)

    # Sessions kept on the server, security headers, CSRF tokens on forms, error pages.
    web.init_app(app)

    # The OAuth 2.0 / OpenID Connect wiring (oauth2.py: the grants of grants.py, the OpenID
    # Connect parts of identity.py), then its pages and endpoints.
    from . import console, cors, flow_views, oauth2, views, wire_log

    oauth2.config_oauth(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(console.bp)
    # The device grant's endpoint and /device page, introspection, RP-Initiated Logout.
    flow_views.init_app(app)

    # The browser's hops of a sign-in as seen here, redacted and bounded, handed to the client
    # that redeemed the flow's code (wire_log.py): the app's wire panel shows both sides.
    wire_log.init_app(app)

    # CORS only on what a browser-based public client calls, for the origins it registered (HDR-4).
    cors.init_app(app)

    # A deliberately naive twin of this provider for the attack bench: never in production.
    if app.config["ENABLE_ATTACK_DEMOS"]:
        from . import naive_provider

        app.register_blueprint(naive_provider.bp)

    # First start: tables (a database from an earlier version upgraded first, schema.py), the
    # two demo users and the lab pages' clients (not in production), the app's client
    # registration. An operator adds users with `flask --app provider create-user NAME`.
    with app.app_context(), one_start_at_a_time(db.engine):
        schema.upgrade()
        db.create_all()
        seed(app)
    app.cli.add_command(create_user_command)

    return app


def tune_sqlite(dbapi_connection, _record):
    """WAL: readers do not wait for the writer; a busy database makes callers wait, not fail."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
