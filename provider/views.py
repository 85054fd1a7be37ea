"""The provider's own pages."""

from flask import Blueprint, render_template

bp = Blueprint("provider", __name__)


@bp.get("/")
def home():
    """What this party is, and its endpoints."""
    return render_template("provider/home.html")
