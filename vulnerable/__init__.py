"""DELIBERATELY VULNERABLE code for the attack benches. Development only.

Each module here is a naive twin of a real defence elsewhere in the app, written the way
tutorials (and the article) too often do it, so that a student can send the same attack to
both and see one fall and the other hold. create_app() imports this package only when
ENABLE_ATTACK_DEMOS is on, which production forces off (config.ProductionConfig).
"""

from flask import Blueprint

bp = Blueprint("vulnerable", __name__, url_prefix="/vulnerable")


def init_app(app):
    app.register_blueprint(bp)
