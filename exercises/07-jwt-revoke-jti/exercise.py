"""Exercise 7: revoke JWTs by `jti`, blocklist entries expiring with each token. Fill in the TODOs."""

import secrets
import time
from datetime import timedelta

from flask import Flask, jsonify
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, get_jwt, jwt_required


class ExpiringBlocklist:
    """A tiny store of revoked token ids, each kept only until its own deadline (like Redis SETEX)."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.entries = {}  # jti -> moment (seconds since the epoch) after which it may be forgotten

    def add(self, jti, ttl_seconds):
        """Remember `jti` for `ttl_seconds` (a token already expired needs no entry)."""
        if ttl_seconds > 0:
            self.entries[jti] = self.clock() + ttl_seconds

    def ttl(self, jti):
        """Seconds left for this entry, or None if it is not (or no longer) stored."""
        self.forget_expired()
        return self.entries[jti] - self.clock() if jti in self.entries else None

    def __contains__(self, jti):
        self.forget_expired()
        return jti in self.entries

    def forget_expired(self):
        now = self.clock()
        for jti in [jti for jti, until in self.entries.items() if until <= now]:
            del self.entries[jti]


# Long on purpose: the whole exercise app, its routes nested inside, reads top to bottom in one place.
def create_app():
    """A JWT API with logout (no passwords: the lesson is revocation): /login, /protected, /refresh, /logout."""
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = secrets.token_hex(32)
    # Short-lived access tokens, long-lived refresh tokens: the two lifetimes differ on purpose.
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=15)
    app.config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(days=30)
    jwt = JWTManager(app)
    blocklist = app.extensions["blocklist"] = ExpiringBlocklist()

    # RFC 6750: a bad token is 401 with WWW-Authenticate, not flask-jwt-extended's default 422.
    @jwt.invalid_token_loader
    def invalid_token(reason):
        return jsonify(error=reason), 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}

    @jwt.token_in_blocklist_loader
    def is_revoked(jwt_header, jwt_payload):
        # TODO(student) 1: flask-jwt-extended calls this for every protected request. Return
        # True for a token that was revoked.
        return False

    @app.post("/login/<username>")
    def login(username):
        return jsonify(
            access_token=create_access_token(identity=username),
            refresh_token=create_refresh_token(identity=username),
        )

    @app.get("/protected")
    @jwt_required()
    def protected():
        return jsonify(message="You are authenticated!")

    @app.post("/refresh")
    @jwt_required(refresh=True)
    def refresh():
        return jsonify(access_token=create_access_token(identity=get_jwt()["sub"]))

    @app.post("/logout")
    @jwt_required(verify_type=False)
    def logout():
        """Revoke the presented token, access or refresh."""
        claims = get_jwt()
        # TODO(student) 2: revoke it, and remember that for as long as this token itself could
        # still be used.
        return jsonify(message=f"{claims['type']} token revoked")

    return app
