"""DELIBERATELY VULNERABLE: the naive twin of the jwt demo's verifier. Development only.

A JWT verifier written the way too many tutorials do it, so the lab's attack bench can send
the same forged token to it and to the real one (blueprints/jwt/tokens.py) and show one fall
and the other hold. Its mistakes, each one a real-world CVE class:

1. It believes the token's own `alg`, including "none" (no signature at all).
2. An empty signature is "nothing to check".
3. It verifies with whatever key it has for the `kid`, whatever the algorithm: its RSA public
   key becomes an HMAC secret when a token says HS256 (algorithm confusion).
4. Its HMAC secret is a dictionary word (cracked from a small word list in milliseconds).
5. The `kid` is a file name joined to its key folder unchecked (`../` climbs out of it); a key
   embedded in the header (`jwk`) is trusted.
6. It never checks `exp`, `type`, `iss` or `aud`.
7. Its refresh endpoint rotates refresh tokens but never notices one presented twice, and
   its debug log keeps each Authorization header (vulnerable/naive_jwt_refresh.py).

The attacker's workbench, which forges the tokens the lab sends, is vulnerable/jwt_bench.py;
the naive notes app that keeps these tokens in localStorage is vulnerable/naive_jwt_notes.py.
None of this is registered in production (vulnerable/__init__.py, config.ProductionConfig).

What it never does (LAB-3): reach the real app's state. Its accounts are the twins' own
(vulnerable/accounts.py) and its keys are its own: it never signs in to, signs with or writes
anything of the real JWT demo. Its "key folder" is a simulation: no kid ever reads the disk.
"""

import base64
import hashlib
import hmac
import json
import posixpath
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from blueprints.challenges.detect import reached
from bodies import json_object, parse

from . import accounts

bp = Blueprint("naive_jwt", __name__, url_prefix="/vulnerable/jwt")

WEAK_SECRET = "butterfly"  # a dictionary word: the mistake on display
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)

# The naive server's key folder, SIMULATED: these few "files" are all there is. A real server
# that joins a kid to a folder reads whatever file the kid leads to; this one knows its two
# keys and one way out, /dev/null, whose empty content makes an empty HMAC key. Every other
# path is "no such file", and nothing here ever opens a file on disk.
KEY_FOLDER = "/etc/naive-jwt/keys"
KEY_FILES = {
    f"{KEY_FOLDER}/naive-hs": WEAK_SECRET.encode(),
    f"{KEY_FOLDER}/naive-rs": PUBLIC_PEM,
    "/dev/null": b"",
}
FILE_NAME_LIMIT = 255  # what a file system allows (NAME_MAX), and so the naive server


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


def key_path(kid):
    """Where the naive server looks for a kid's key: the folder joined with the kid, normalised."""
    return posixpath.normpath(posixpath.join(KEY_FOLDER, kid))


def read_key(kid):
    """Mistake 5: the kid is a file name, used as it comes: `../../../dev/null` leaves the folder.

    Returns (the key's bytes, the path it read); raises ValueError worded as a file system would.
    """
    if not isinstance(kid, str) or not kid or "\x00" in kid:
        raise ValueError("kid is not a file name")
    if len(kid) > FILE_NAME_LIMIT:
        raise ValueError("kid: file name too long")
    path = key_path(kid)
    if path not in KEY_FILES:
        raise ValueError(f"no such file: {path[:80]}")
    return KEY_FILES[path], path


def header_key(jwk):
    """Mistake 5: the RSA public key the token brings in its own header."""
    return rsa.RSAPublicNumbers(
        int.from_bytes(unb64(jwk["e"]), "big"), int.from_bytes(unb64(jwk["n"]), "big")
    ).public_key()


def json_part(part):
    """A token part, base64url-decoded and parsed by the app's one JSON parser (bodies.parse).

    Naive as it is, this server keeps HDR-7: a part nested a thousand deep, or holding a lone
    surrogate (`"\\ud800"`, which no database or log line can encode), is refused here, a 401,
    rather than believed and then a 500 further on (a note's author, a page that shows claims).
    """
    try:
        return parse(unb64(part))
    except HTTPException as exc:
        raise ValueError("a token part is not JSON text, or is nested too deep") from exc


def naive_verify(token):
    """The naive verifier: (header, payload, what verified it), or an exception. Mistake 6: no exp, type, iss, aud.

    What verified it is None for a token with no signature to check, "jwk" for the key in its
    own header, else the path of the key file it read.
    """
    header_b64, payload_b64, signature_b64 = token.split(".")
    header, payload = json_part(header_b64), json_part(payload_b64)
    alg = header.get("alg")  # mistake 1: the token chooses its algorithm
    if alg == "none" or not signature_b64:  # mistakes 1 and 2
        return header, payload, None
    key, source = (header_key(header["jwk"]), "jwk") if "jwk" in header else read_key(header.get("kid"))
    signing_input = f"{header_b64}.{payload_b64}".encode()
    signature = unb64(signature_b64)
    if alg == "HS256":  # mistake 3: any key bytes become an HMAC secret, a PEM included
        key_bytes = key if isinstance(key, bytes) else b""
        if not hmac.compare_digest(hmac.new(key_bytes, signing_input, hashlib.sha256).digest(), signature):
            raise ValueError("bad signature")
        return header, payload, source
    if alg == "RS256":
        public = serialization.load_pem_public_key(key) if isinstance(key, bytes) and key else key
        try:
            public.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, AttributeError, TypeError) as exc:
            raise ValueError("bad signature") from exc
        return header, payload, source
    raise ValueError(f"unsupported alg {str(alg)[:20]}")


def bearer_token():
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def naive_claims():
    """(header, payload, what verified it) of the bearer token per the naive verifier, or a 401 response."""
    try:
        return naive_verify(bearer_token()), None
    except Exception as exc:  # the naive verifier fails in many ways; all of them are a 401
        return (None, None, None), (
            jsonify(error=f"naive verifier refused: {str(exc)[:120] or type(exc).__name__}"),
            401,
        )


def issue(username, token_type="access", lifetime=900):
    """A token of the naive server for one of the twins' own accounts, signed with its weak secret."""
    now = int(time.time())
    role = accounts.find(username).role
    # A jti of its own, so two sign-ins in the same second still make two different tokens.
    payload = {"sub": username, "role": role, "type": token_type, "iat": now, "exp": now + lifetime}
    payload["jti"] = secrets.token_hex(8)
    return encode({"alg": "HS256", "typ": "JWT", "kid": "naive-hs"}, payload, WEAK_SECRET.encode())


def issue_pair(username):
    return {"access_token": issue(username), "refresh_token": issue(username, "refresh", 7 * 24 * 3600)}


# LAB-3: the naive server knows only the twins' own accounts (vulnerable/accounts.py), never
# the real `users` table: a name that exists only in the real app is unknown here. It checks
# their demo passwords, so a token for alice comes from alice's password or from an attack.
@bp.post("/login")
def login():
    """Sign in to the naive server with one of the twins' own demo accounts."""
    data = json_object()
    user = accounts.authenticate(data.get("username"), data.get("password"))
    if user is None:
        return jsonify(error="invalid username or password"), 401
    return jsonify(issue_pair(user.username))


@bp.get("/protected")
def protected():
    """Any token the naive verifier believes."""
    (_, claims, _), refused = naive_claims()
    return refused or jsonify(message="You are authenticated!", naive_claims=claims)


@bp.get("/admin")
def admin():
    """Admins only, per the role claim of a token the naive verifier believes."""
    (header, claims, key), refused = naive_claims()
    if refused:
        return refused
    if not isinstance(claims, dict) or claims.get("role") != "admin":
        return jsonify(error="admin role required"), 403
    # The challenges watch this moment: who got in, and with which key the naive verifier let them.
    reached("naive_jwt.admin", token=bearer_token(), header=header, claims=claims, key=key)
    return jsonify(message="Welcome, admin!", naive_claims=claims)


@bp.get("/public.pem")
def public_pem():
    """The naive server's RSA public key: public, as public keys are."""
    return Response(PUBLIC_PEM, mimetype="text/plain")
