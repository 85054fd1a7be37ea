"""The bare peer: flask-jwt-extended's own `@jwt_required()` route, and nothing else.

The article's express-jwt example, in Flask: a signature and an expiry checked, no key ring, no
blocklist, no user lookup, none of the app's hooks. `make bench` serves it as it serves the app
(`make serve`'s granian settings, one worker), so what separates it from the app's
GET /jwt/protected is what the app checks beyond the signature, and how fast it checks it.
"""

import os

from flask import Flask
from flask_jwt_extended import JWTManager, create_access_token, jwt_required

app = Flask(__name__)

# 256 random bits from the environment (hex), as the Express peers take theirs: never in the source.
secret = bytes.fromhex(os.environ.get("JWT_SECRET", ""))
if len(secret) < 32:
    raise SystemExit("JWT_SECRET must be 256 random bits, hex-encoded (64 characters)")
app.config["JWT_SECRET_KEY"] = secret
JWTManager(app)


@app.get("/open")
def open_route():
    return {"message": "Open to everyone."}


# Simplified, as the article's login: no password is checked; the benchmark needs a token.
@app.post("/login")
def login():
    return {"token": create_access_token("123", additional_claims={"role": "admin"})}


@app.get("/protected")
@jwt_required()
def protected():
    return {"message": "You are authenticated!"}
