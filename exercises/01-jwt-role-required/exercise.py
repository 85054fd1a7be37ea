"""Exercise 1: a role-required decorator for a JWT API (flask-jwt-extended). Fill in the TODO."""

import secrets
from functools import wraps

from flask import Flask, jsonify
from flask_jwt_extended import JWTManager, get_jwt, jwt_required, verify_jwt_in_request


def role_required(role):
    """Admit a request only if its access token carries this role; 401 without a token, 403 with the wrong one."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            # Authentication first: a missing, forged or expired token is 401 (who are you?).
            verify_jwt_in_request()
            # TODO(student): authorization. A valid token is not enough: only a token whose
            # role is `role` may reach the view. Every other one is refused, with a JSON body
            # that says why (the README's goal lists the statuses).
            return view(*args, **kwargs)

        return wrapper

    return decorator


def create_app():
    """A tiny JWT API: /profile for anyone signed in, /admin for admins only."""
    app = Flask(__name__)
    # A fresh random key per run: 256 bits, never a word typed into the code (RFC 8725 §3.5).
    app.config["JWT_SECRET_KEY"] = secrets.token_hex(32)
    jwt = JWTManager(app)

    # RFC 6750: a bad token is 401 with WWW-Authenticate, not flask-jwt-extended's default 422.
    @jwt.invalid_token_loader
    def invalid_token(reason):
        return jsonify(error=reason), 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}

    @app.get("/profile")
    @jwt_required()
    def profile():
        return jsonify(message="You are authenticated!")

    @app.get("/admin")
    @role_required("admin")
    def admin():
        """Only admins see this."""
        return jsonify(message="Welcome, admin!")

    return app
