"""DELIBERATELY VULNERABLE: the naive twin of the jwt demo's verifier. Development only.

A JWT verifier written the way too many tutorials do it, so the lab's attack bench can send
the same forged token to it and to the real one (blueprints/jwt/tokens.py) and show one fall
and the other hold. Its mistakes, each one a real-world CVE class:

1. It believes the token's own `alg`, including "none" (no signature at all).
2. An empty signature is "nothing to check".
3. It verifies with whatever key it has for the `kid`, whatever the algorithm: its RSA public
   key becomes an HMAC secret when a token says HS256 (algorithm confusion).
4. Its HMAC secret is a dictionary word (cracked from a small word list in milliseconds).
5. An unknown `kid` gets an empty key; a key embedded in the header (`jwk`) is trusted.
6. It never checks `exp`, `type`, `iss` or `aud`.

The attacker's workbench, which forges the tokens the lab sends, is vulnerable/jwt_bench.py.
None of this is registered in production (vulnerable/__init__.py, config.ProductionConfig).

What it never does (LAB-3): reach the real app's state. Its accounts are the twins' own
(vulnerable/accounts.py) and its keys are its own: it never signs in to, signs with or writes
anything of the real JWT demo.
"""

import base64
import hashlib
import hmac
import json
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Blueprint, Response, jsonify, request

from blueprints.challenges.detect import reached
from bodies import json_object

from . import accounts

bp = Blueprint("naive_jwt", __name__, url_prefix="/vulnerable/jwt")

WEAK_SECRET = "butterfly"  # a dictionary word: the mistake on display
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
NAIVE_KEYS = {"naive-hs": WEAK_SECRET.encode(), "naive-rs": PUBLIC_PEM}


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(header, payload, key=None):
    """Sign header.payload with HMAC-SHA256 (bytes key), RSA (private key) or nothing (alg none)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    if header.get("alg") == "none" or key is None:
        return signing_input + "."
    if isinstance(key, bytes):
        signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    else:
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


def naive_verify(token):
    """The naive verifier: the payload, or ValueError. It never reads exp, type, iss or aud (mistake 6)."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(unb64(header_b64))
    payload = json.loads(unb64(payload_b64))
    alg = header.get("alg")  # mistake 1: the token chooses its algorithm
    if alg == "none" or not signature_b64:  # mistakes 1 and 2
        return payload
    if "jwk" in header:  # mistake 5: a key the token brings with it
        key = rsa.RSAPublicNumbers(
            int.from_bytes(unb64(header["jwk"]["e"]), "big"), int.from_bytes(unb64(header["jwk"]["n"]), "big")
        ).public_key()
    else:
        key = NAIVE_KEYS.get(header.get("kid"), b"")  # mistake 5: unknown kid, empty key
    signing_input = f"{header_b64}.{payload_b64}".encode()
    signature = unb64(signature_b64)
    if alg == "HS256":  # mistake 3: any key bytes become an HMAC secret, a PEM included
        key_bytes = key if isinstance(key, bytes) else b""
        if not hmac.compare_digest(hmac.new(key_bytes, signing_input, hashlib.sha256).digest(), signature):
            raise ValueError("bad signature")
        return payload
    if alg == "RS256":
        public = serialization.load_pem_public_key(key) if isinstance(key, bytes) and key else key
        try:
            public.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, AttributeError, TypeError) as exc:
            raise ValueError("bad signature") from exc
        return payload
    raise ValueError(f"unsupported alg {alg}")


def bearer_token():
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def naive_claims():
    """The payload of the request's bearer token per the naive verifier, or a 401 response."""
    try:
        return naive_verify(bearer_token()), None
    except Exception as exc:  # the naive verifier fails in many ways; all of them are a 401
        return None, (jsonify(error=f"naive verifier refused: {str(exc)[:120] or type(exc).__name__}"), 401)


def issue(username, token_type="access", lifetime=900):
    """A token of the naive server for one of the twins' own accounts, signed with its weak secret."""
    now = int(time.time())
    role = accounts.find(username).role
    payload = {"sub": username, "role": role, "type": token_type, "iat": now, "exp": now + lifetime}
    return encode({"alg": "HS256", "typ": "JWT", "kid": "naive-hs"}, payload, WEAK_SECRET.encode())


# LAB-3: the naive server knows only the twins' own accounts (vulnerable/accounts.py), never
# the real `users` table: a name that exists only in the real app is unknown here.
@bp.post("/login")
def login():
    """Sign in to the naive server (the twins' own demo accounts; the password is not the point here)."""
    username = json_object().get("username")
    if accounts.find(username) is None:
        return jsonify(error="unknown user"), 401
    return jsonify(access_token=issue(username), refresh_token=issue(username, "refresh", 7 * 24 * 3600))


@bp.get("/protected")
def protected():
    """Any token the naive verifier believes."""
    claims, refused = naive_claims()
    return refused or jsonify(message="You are authenticated!", naive_claims=claims)


@bp.get("/admin")
def admin():
    """Admins only, per the role claim of a token the naive verifier believes."""
    claims, refused = naive_claims()
    if refused:
        return refused
    if not isinstance(claims, dict) or claims.get("role") != "admin":
        return jsonify(error="admin role required"), 403
    reached("naive_jwt.admin", token=bearer_token(), claims=claims)  # the challenges watch this moment
    return jsonify(message="Welcome, admin!", naive_claims=claims)


@bp.get("/public.pem")
def public_pem():
    """The naive server's RSA public key: public, as public keys are."""
    return Response(PUBLIC_PEM, mimetype="text/plain")
