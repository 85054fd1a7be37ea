"""The teaching layer: the article side by side, compare, exercises, the checklist, the benchmark.

article.py    the article's three examples: as given, corrected Express, this app's Flask
compare.py    the trade-off table in measured numbers, and a decision guide
exercises.py  the classroom exercises, their instructions and starters
controls.py   the security checklist: every control, its code, its tests
bench.py      the report of `make bench`
"""

from flask import Blueprint

bp = Blueprint("course", __name__)


def init_app(app):
    from . import article, bench, compare, controls, exercises  # noqa: F401  (each registers its pages on bp)

    app.register_blueprint(bp)
