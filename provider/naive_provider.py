"""DELIBERATELY VULNERABLE: a naive twin of this provider, for the attack bench. Development only.

Registered only when ENABLE_ATTACK_DEMOS is on (never in production). Filled in below.
"""

from flask import Blueprint

bp = Blueprint("naive_provider", __name__, url_prefix="/naive")
