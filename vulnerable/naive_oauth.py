"""DELIBERATELY VULNERABLE: the naive twin of the oauth demo's defences. Development only."""

from flask import Blueprint

bp = Blueprint("naive_oauth", __name__, url_prefix="/vulnerable/oauth")
