"""Bare twins: the same check as the app's route, in the smallest Flask app the library allows.

The app's cost minus its bare twin's cost is what the app's own code adds (the issue's target:
at most 10%). Each twin keeps the parts of the check that protect the user: the JWT twin
verifies signature, exp, iss and aud and looks the jti up in a SQLite blocklist; the session
twin loads the server-side record and the user with flask-login.
"""

import secrets

from flask import Flask
from flask_jwt_extended import JWTManager, create_access_token, jwt_required
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy

ISSUER = "http://localhost:8000"
AUDIENCE = "authlab-api"


def jwt_app(workdir):
    """A flask-jwt-extended route with a blocklist lookup; returns (app, Authorization header)."""
    app = Flask("bare_jwt")
    app.config.update(
        JWT_SECRET_KEY=secrets.token_urlsafe(32),
        JWT_ENCODE_ISSUER=ISSUER,
        JWT_DECODE_ISSUER=ISSUER,
        JWT_ENCODE_AUDIENCE=AUDIENCE,
        JWT_DECODE_AUDIENCE=AUDIENCE,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bare-jwt.sqlite'}",
    )
    db = SQLAlchemy(app)

    class Revoked(db.Model):
        jti = db.Column(db.String(64), primary_key=True)

    manager = JWTManager(app)

    @manager.token_in_blocklist_loader
    def revoked(_header, payload):
        return db.session.get(Revoked, payload["jti"]) is not None

    @app.get("/protected")
    @jwt_required()
    def protected():
        return {"message": "You are authenticated!"}

    with app.app_context():
        db.create_all()
        token = create_access_token("1", additional_claims={"role": "admin"})
    return app, {"Authorization": f"Bearer {token}"}


def session_app(workdir):
    """A Flask-Session (SQLAlchemy) + flask-login route; returns (app, Cookie header)."""
    app = Flask("bare_session")
    db = SQLAlchemy()
    app.config.update(
        SECRET_KEY=secrets.token_urlsafe(32),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bare-session.sqlite'}",
        SESSION_TYPE="sqlalchemy",
        SESSION_SQLALCHEMY=db,
        SESSION_PERMANENT=False,
        SESSION_SERIALIZATION_FORMAT="msgpack",
    )
    db.init_app(app)

    class User(UserMixin, db.Model):
        id = db.Column(db.Integer, primary_key=True)
        role = db.Column(db.String(16))

    Session(app)
    logins = LoginManager(app)
    logins.user_loader(lambda user_id: db.session.get(User, int(user_id)))

    @app.post("/login")
    def login():
        login_user(db.session.get(User, 1))
        return "Login successful!"

    @app.get("/admin")
    @login_required
    def admin():
        return {"message": "Welcome, admin!"}

    with app.app_context():
        db.create_all()
        db.session.add(User(id=1, role="admin"))
        db.session.commit()
    response = app.test_client().post("/login")
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    return app, {"Cookie": cookie}
