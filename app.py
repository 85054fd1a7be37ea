"""The teaching app's factory: read it as the table of contents of the app."""

from flask import Flask

import config_loader
import errors
import security
import session_store
import storage
import wire
from extensions import csrf, db, jwt_manager, limiter, login_manager


# Long on purpose: one commented step per layer, so the factory reads as the app's table of contents.
def create_app(test_config=None):
    """Create the teaching app (the instance at :8000, and its replica at :8002)."""
    app = Flask(__name__, instance_path=config_loader.instance_path(test_config), instance_relative_config=True)

    # Settings: the defaults of config.py, then the environment and instance folder, then test
    # values; production refuses to start with unsafe ones (config_loader.py).
    config_loader.load(app, test_config)

    # Shared plumbing: the stores, CSRF tokens, throttling; flask-login and flask-jwt-extended,
    # which the session and JWT demos configure.
    storage.init_app(app)
    db.init_app(app)
    session_store.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    jwt_manager.init_app(app)

    # Every response: security headers, CSRF origin checks, error pages without tracebacks.
    security.init_app(app)
    errors.init_app(app)
    wire.init_app(app)

    # The three demos, side by side, then the pages that belong to none of them
    # (home and sign-up, the course pages, the annotated source viewer).
    from blueprints import course, jwt, oauth, pages, session, source

    for blueprint in (jwt, session, oauth, pages, course, source):
        blueprint.init_app(app)

    # Deliberately naive twins for the attack benches, and the challenges a student solves
    # against them by hand: development only, never production.
    if app.config["ENABLE_ATTACK_DEMOS"]:
        import vulnerable
        from blueprints import challenges

        vulnerable.init_app(app)
        challenges.init_app(app)

    # First start: create the tables, and the demo accounts outside production (HDR-6).
    with app.app_context():
        import models

        models.first_start()

    # The operator's command for the first admin of a production instance, which starts with no
    # accounts: `flask --app wsgi create-admin USERNAME` (README, "Serving in production").
    app.cli.add_command(models.create_admin_command)

    # Last, so that it wraps every other layer: whatever fails below, a 500 still carries the
    # security headers (errors.py).
    app.wsgi_app = errors.LastResort(app)
    return app
