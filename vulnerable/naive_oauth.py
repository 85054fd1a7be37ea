"""DELIBERATELY VULNERABLE: the naive twin of the oauth demo's defences. Development only."""

from flask import Blueprint, render_template

bp = Blueprint("naive_oauth", __name__, url_prefix="/vulnerable/oauth")


@bp.get("/")
def bench():
    """The OAuth attack bench."""
    return render_template("oauth/bench.html")
