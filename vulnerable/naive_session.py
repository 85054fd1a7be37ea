"""DELIBERATELY VULNERABLE: the naive twin of the session demo's defences. Development only."""

from flask import Blueprint

bp = Blueprint("naive_session", __name__, url_prefix="/vulnerable/session")
