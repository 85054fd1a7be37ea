"""Cookie mode: the same tokens in an HttpOnly cookie, with flask-jwt-extended's CSRF double-submit.

Where should a browser keep a token (JWT-7)? In page memory, sent in the Authorization header
(the lab's default: nothing survives a reload, nothing is sent automatically), or in an
HttpOnly cookie that no script can read, which XSS cannot steal. A cookie, though, is sent by
the browser on its own, so a cookie-carried token needs CSRF protection (JWT-8):

- SameSite=Lax: the browser does not attach the cookie to another site's POST at all;
- double submit: flask-jwt-extended also sets a second, readable cookie holding a random value
  that is also inside the signed token (`csrf` claim). A state-changing request must repeat it
  in the X-CSRF-TOKEN header; another site can neither read the cookie nor set the header.

GET requests are never checked for CSRF, so no GET here changes anything.
"""

from flask import jsonify
from flask_jwt_extended import get_jwt, jwt_required, set_access_cookies, unset_jwt_cookies

from bodies import json_object
from errors import error_response
from extensions import db, limiter
from models import User, authenticate
from security import cross_site_allowed

from . import blocklist, bp, families, tokens
from .signin import submitted_username


# PW-3, PW-6: the same throttle as /jwt/login, on the same counters (throttle.py).
@bp.post("/cookie/login")
@limiter.counts_failures(account=submitted_username)
def cookie_login():
    """Sign in and receive the access token as an HttpOnly cookie (plus the CSRF cookie)."""
    data = json_object()
    user = authenticate(data.get("username"), data.get("password"))
    if user is None:
        return error_response(401, "invalid username or password")
    token, claims = tokens.issue(user, "access", families.start(), csrf=True)
    response = jsonify(message=f"Signed in as {user.username}: the token is in an HttpOnly cookie.", exp=claims["exp"])
    set_access_cookies(response, token)
    return response


@bp.get("/cookie/protected")
@jwt_required(locations=["cookies"])
def cookie_protected():
    """Read-only, so no CSRF check: who the cookie's token names."""
    user = db.session.get(User, int(get_jwt()["sub"]))
    return jsonify(message="You are authenticated!", user=user.username, role=get_jwt()["role"])


# The state-changing request of cookie mode. The app-wide Origin check is waived here
# (@cross_site_allowed) so that the lesson shows flask-jwt-extended's own defence doing the
# work: without the X-CSRF-TOKEN header matching the token's `csrf` claim, the answer is 401.
@bp.post("/cookie/logout")
@cross_site_allowed
@jwt_required(locations=["cookies"])
def cookie_logout():
    """Revoke the cookie's token and clear the cookies (CSRF double-submit checked)."""
    claims = get_jwt()
    blocklist.revoke(claims["jti"], claims["exp"], "logged out")
    response = jsonify(message="Signed out: the cookie's token is revoked and the cookies cleared.")
    unset_jwt_cookies(response)
    return response
