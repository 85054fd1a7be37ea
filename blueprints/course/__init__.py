"""The teaching layer: the article side by side, the comparison, exercises, notebooks."""

from flask import Blueprint

bp = Blueprint("course", __name__)


def init_app(app):
    from . import exercises, views  # noqa: F401  (register the routes on bp; exercises: /exercises)

    app.register_blueprint(bp)
