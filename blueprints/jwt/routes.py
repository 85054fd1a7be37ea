"""The article's express-jwt example, route for route: login, protected, admin, refresh, logout.

The article protects every route with `app.use(jwt(...))`, which would also protect the login
route that hands tokens out (an erratum). Here only the routes that need a token ask for one,
with `@jwt_required()`: flask-jwt-extended's equivalent of express-jwt's middleware.
"""

from flask import g, jsonify
from flask_jwt_extended import get_jwt, jwt_required

from bodies import json_object
from errors import error_response
from extensions import db, limiter
from models import User, authenticate

from . import blocklist, bp, families, tokens
from .guards import access_token_required, role_required
from .signin import requested_lifetime, submitted_username


# PW-3, PW-6: failed sign-ins are counted per account and per address, in the store every
# worker shares (throttle.py). While either is over its limit the answer is a 429 with
# Retry-After, and the password is not checked at all. A correct password is never counted.
@bp.post("/login")
@limiter.counts_failures(account=submitted_username)
def login():
    """Check the password, then hand out an access token and a refresh token (a new family)."""
    data = json_object()
    user = authenticate(data.get("username"), data.get("password"))
    if user is None:
        return error_response(401, "invalid username or password")
    pair = tokens.issue_pair(user, families.start(), requested_lifetime(data.get("lifetime")))
    return jsonify(pair)


# Also the provider's JWT access tokens for this API (RFC 9068, guards.access_token_required):
# the answer says whose token it was, and the provider's carry no role of this app.
@bp.get("/protected")
@access_token_required
def protected():
    """Any valid access token: the article's `/protected`."""
    claims = g.access_claims
    role = claims["role"] if g.verified_by == "app" else None
    return jsonify(message="You are authenticated!", sub=claims["sub"], role=role, exp=claims["exp"], iss=claims["iss"])


# Authorization after authentication: the token's `role` claim decides (guards.role_required,
# the decorator of exercise 1); a valid token of another role gets 403 insufficient_scope.
@bp.get("/admin")
@role_required("admin")
def admin():
    """Access tokens of admins only: 403 for everyone else."""
    return jsonify(message="Welcome, admin!", sub=g.access_claims["sub"])


# Rotation: the presented refresh token is used up and a new pair of the same family comes
# back. A refresh token presented a second time means a copy exists somewhere: the family
# dies (families.py, JWT-6). PW-6: a refused refresh token (forged, expired, revoked, reused)
# counts as a failure from this address, like a wrong password, and is throttled the same way.
@bp.post("/refresh")
@limiter.counts_failures()
@jwt_required(refresh=True, locations=["headers"])
def refresh():
    """Exchange a refresh token (Authorization: Bearer) for a new access and refresh token."""
    claims = get_jwt()
    try:
        families.redeem(claims)
    except families.ReuseDetected:
        return tokens.refuse("refresh token reused: the whole family is revoked, sign in again")
    user = db.session.get(User, int(claims["sub"]))
    return jsonify(tokens.issue_pair(user, claims["fam"], auth_time=claims.get("auth_time")))


# Logout is a revocation: the presented token's `jti` goes on the blocklist until its own `exp`,
# and so does the family, so the refresh token of the same login dies with it (JWT-5). A refresh
# token may also be sent in the body, as {"refresh_token": ...}, to be revoked by its own jti.
@bp.post("/logout")
@jwt_required(locations=["headers"], verify_type=False)
def logout():
    """Revoke the presented token(s) and their family."""
    claims = get_jwt()
    presented = [claims]
    refresh_token = json_object().get("refresh_token")
    if refresh_token is not None:
        try:
            other = tokens.check(refresh_token, "refresh")
        except tokens.REFUSALS as exc:
            return error_response(400, f"refresh_token not revoked: {exc}")
        if other["sub"] != claims["sub"]:
            return error_response(400, "refresh_token belongs to another user")
        presented.append(other)
    for token in presented:
        blocklist.revoke(token["jti"], token["exp"], "logged out")
    families.revoke(claims["fam"], "logged out")
    return jsonify(
        message="Signed out: these tokens are revoked.", revoked=[t["jti"] for t in presented], family=claims["fam"]
    )
