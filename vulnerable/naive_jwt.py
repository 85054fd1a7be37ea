"""DELIBERATELY VULNERABLE: the naive twin of the jwt demo's defences. Development only."""

from flask import Blueprint

bp = Blueprint("naive_jwt", __name__, url_prefix="/vulnerable/jwt")
