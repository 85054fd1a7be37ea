"""The teaching layer: the article side by side, the comparison, exercises, notebooks."""

from flask import Blueprint

bp = Blueprint("course", __name__)


def init_app(app):
    from . import views  # noqa: F401  (registers the routes on bp)

    app.register_blueprint(bp)
