"""Bare twins: the same check as the app's route, in the smallest Flask app the library allows.

The app's cost minus its bare twin's cost is what the app's own code adds (the issue's target:
at most 10%). Each twin does the lookups the app's check does, with the same libraries, and
nothing else: no security headers, CSRF policy, rate limiter, wire capture, error pages,
session timeouts or binding.
"""

import secrets

from flask import Flask
from flask_jwt_extended import JWTManager, create_access_token, jwt_required
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy

USER_AGENT = "authlab-bench/1"
ISSUER = "http://localhost:8000"
AUDIENCE = "authlab-api"


# Long on purpose: a bare twin is one whole app (tables, loaders, route), as small as the library allows.
def jwt_app(workdir):
    """A flask-jwt-extended route doing the app's three lookups; returns (app, headers).

    The same checks as the app's GET /jwt/protected: the key named by `kid` is looked up, the
    token's `jti` and family are looked up in a blocklist, and the user is loaded to compare
    `iat` with the time their tokens were last revoked. What remains is the app's own code.
    """
    app = Flask("bare_jwt")
    secret = secrets.token_bytes(32)
    app.config.update(
        JWT_SECRET_KEY=secret,
        JWT_ENCODE_ISSUER=ISSUER,
        JWT_DECODE_ISSUER=ISSUER,
        JWT_ENCODE_AUDIENCE=AUDIENCE,
        JWT_DECODE_AUDIENCE=AUDIENCE,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bare-jwt.sqlite'}",
    )
    db = SQLAlchemy(app)

    class Key(db.Model):
        kid = db.Column(db.String(40), primary_key=True)
        secret = db.Column(db.LargeBinary)

    class Revoked(db.Model):
        id = db.Column(db.String(64), primary_key=True)  # a jti, or "family:<id>"
        expires_at = db.Column(db.Float)

    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        tokens_valid_after = db.Column(db.Float, default=0.0)

    manager = JWTManager(app)

    @manager.decode_key_loader
    def key_for(header, _claims):
        return db.session.get(Key, header["kid"]).secret

    @manager.token_in_blocklist_loader
    def revoked(_header, payload):
        ids = [payload["jti"], "family:" + payload["fam"]]
        if db.session.execute(db.select(Revoked.id).where(Revoked.id.in_(ids)).limit(1)).first():
            return True
        user = db.session.get(User, int(payload["sub"]))
        return user is None or payload["iat"] < user.tokens_valid_after

    @app.get("/protected")
    @jwt_required()
    def protected():
        return {"message": "You are authenticated!"}

    with app.app_context():
        db.create_all()
        db.session.add_all([Key(kid="k1", secret=secret), User(id=1)])
        db.session.commit()
        token = create_access_token(
            "1", additional_claims={"role": "admin", "fam": "f1"}, additional_headers={"kid": "k1"}
        )
    return app, {"Authorization": f"Bearer {token}"}


# Long on purpose: a bare twin is one whole app (tables, loaders, route), as small as the library allows.
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
        # As the app: no write to the store on a request that changed nothing.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    db.init_app(app)

    class User(UserMixin, db.Model):
        id = db.Column(db.Integer, primary_key=True)
        role = db.Column(db.String(16))

    Session(app)
    logins = LoginManager(app)
    logins.session_protection = None  # as the app, which binds sessions in its own code
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
    # Signed in with the same User-Agent as the measured requests: flask-login's protection
    # then finds the session unchanged and nothing is written back on each request.
    response = app.test_client().post("/login", headers={"User-Agent": USER_AGENT})
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    return app, {"Cookie": cookie, "User-Agent": USER_AGENT}
