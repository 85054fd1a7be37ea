"""The JWT demo: the article's express-jwt example, in Flask with flask-jwt-extended.

models.py     the keyring, the blocklist table and refresh-token families
keys.py       keys by `kid`, rotation, RS256 and its JWKS
checks.py     the rules a token must meet, one function each (verifier and inspector share them)
tokens.py     issuing tokens, the verifier that runs those rules, and its 401 answers
bearer.py     the bearer routes' verifier: the same rules with one decode per request
provider_checks.py, provider_tokens.py, provider_keys.py
              the provider's JWT access tokens (RFC 9068): their rules, their order, its keys
revocation.py the keyring, blocklist answers and users held in memory, per revocation epoch
blocklist.py  revocation by `jti`, in SQLite or Redis, each entry expiring with its token
families.py   refresh-token rotation, reuse detection
signin.py     what a sign-in submits: the username the throttle counts, the lifetime asked for
guards.py     @role_required("admin"): authorization by the token's role claim
routes.py     the article's routes: login, protected, admin, refresh, logout
cookies.py    the same API with the token in an HttpOnly cookie and a CSRF double-submit
inspector.py  a token decoded without trust, then every check with its verdict;
              foreign.py says why another issuer's token (an id_token) is refused
lab.py        the lab page and its JSON helpers
workbench.py  the token workbench: edit, sign and verify with any key, then the app's verdict;
              workbench_keys.py reads and makes its keys, workbench_keysets.py says from where
"""

from flask import Blueprint, current_app, request

from refusals import UnsafeConfiguration

bp = Blueprint("jwt", __name__, url_prefix="/jwt")


def init_app(app):
    # Importing the modules registers their tables, loaders and routes.
    from . import cookies, keys, lab, models, routes, tokens, workbench  # noqa: F401

    # A typo in JWT_ALGORITHM would otherwise surface as an error at the first sign-in.
    if app.config["JWT_ALGORITHM"] not in keys.ALGORITHMS:
        raise UnsafeConfiguration(f"JWT_ALGORITHM must be one of {', '.join(keys.ALGORITHMS)}")
    app.register_blueprint(bp)


def signed_in_user():
    """Who the JWT cookie (cookie mode) names, for the header; None without a valid one."""
    from extensions import db
    from models import User

    from . import tokens

    token = request.cookies.get(current_app.config.get("JWT_ACCESS_COOKIE_NAME", "access_token_cookie"))
    if not token:
        return None
    # The header badge must never break a page, not even the one that says the store is down.
    try:
        claims = tokens.check(token, "access")
        user = db.session.get(User, int(claims["sub"]))
    except Exception:  # a refused token, or an unreachable store: either way, nobody is shown
        return None
    return user.username if user else None
