"""The keyring: several keys live at once, each named by a `kid` and bound to one algorithm.

The article says "rotate secrets every 24 hours". Done with a single secret, that logs everyone
out at each rotation, because every token in circulation was signed with the old secret. Done
with a keyring, rotation is uneventful: new tokens are signed with the newest key and name it in
their `kid` header; tokens signed earlier still verify with the key they name, until that key is
retired. An unknown `kid` is refused: a verifier never fetches or accepts a key the token offers.
"""

import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy.exc import IntegrityError

import b64url
from extensions import db
from models import utcnow

from . import revocation
from .models import SigningKey

# The algorithms a key may be made for. A token's `alg` must equal its key's algorithm
# (RFC 8725 §3.1: "each key MUST be used with exactly one algorithm").
ALGORITHMS = ("HS256", "RS256")


def signing_key():
    """The newest live key: every new token is signed with it."""
    key = db.session.execute(
        db.select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    return key or create(current_app.config["JWT_ALGORITHM"])


def find(kid):
    """The key a token names, or None when there is no such key (or `kid` is not a string)."""
    if not isinstance(kid, str) or not 0 < len(kid) <= 40:
        return None
    return db.session.get(SigningKey, kid)


def held(kid):
    """The key a token names as this worker holds it (kid, alg, retired_at, private_pem), or None.

    The verifier's lookup: from memory, checked against the revocation epoch on every request
    (revocation.py), so a key made or retired on another worker counts from the next request.
    """
    if not isinstance(kid, str) or not 0 < len(kid) <= 40:
        return None
    return revocation.keyring().get(kid)


def all_keys():
    return db.session.execute(db.select(SigningKey).order_by(SigningKey.created_at.desc())).scalars().all()


def create(alg):
    """Add a key for `alg`; it becomes the signing key. The previous keys keep verifying."""
    if alg not in ALGORITHMS:
        raise ValueError(f"unsupported algorithm {alg!r}")
    key = SigningKey(kid=f"{alg.lower()}-{secrets.token_hex(4)}", alg=alg, created_at=utcnow())
    if alg == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key.private_pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    db.session.add(key)
    try:
        db.session.commit()
    except IntegrityError:  # a kid collision (32 random bits): try once more
        db.session.rollback()
        return create(alg)
    return key


def retire(kid):
    """Retire a key: every token it signed is refused from now on. Returns the key or None."""
    key = find(kid)
    if key is None or key.retired_at is not None:
        return None
    key.retired_at = utcnow()
    db.session.commit()
    return key


# ### Key material
#
# HMAC keys are derived from JWT_SECRET_KEY (256 random bits from the environment, JWT-2) and
# the key's id with HKDF (RFC 5869): each `kid` gets its own 256-bit key, the database holds no
# shared secret, and the replica derives the same keys from the same environment.
# RSA keys are generated once and kept (private part) in the instance database.


def signing_material(key):
    """What jwt.encode() signs with for this key."""
    if key.alg == "HS256":
        return hmac_key(current_app.config["JWT_SECRET_KEY"], key.kid)
    return private_key(key.private_pem)


def verification_material(key):
    """What jwt.decode() verifies with: the HMAC key, or only the public half of an RSA key."""
    if key.alg == "HS256":
        return hmac_key(current_app.config["JWT_SECRET_KEY"], key.kid)
    return private_key(key.private_pem).public_key()


@lru_cache(maxsize=64)
def hmac_key(master, kid):
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"authlab jwt hs256 " + kid.encode())
    return hkdf.derive(master.encode())


@lru_cache(maxsize=16)
def private_key(pem):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def public_pem(key):
    """The PEM of an RS256 key's public half (what the algorithm-confusion attack abuses)."""
    return (
        private_key(key.private_pem)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def b64url_uint(number):
    """An RSA modulus or exponent as a JWK writes it: big-endian bytes, base64url (RFC 7518 §6.3)."""
    return b64url.encode(number.to_bytes((number.bit_length() + 7) // 8, "big"))


def jwks():
    """The public keys of the live RS256 keys, as a JWK Set (RFC 7517). Never an HMAC key."""
    published = []
    for key in all_keys():
        if key.alg != "RS256" or key.retired_at is not None:
            continue
        numbers = private_key(key.private_pem).public_key().public_numbers()
        published.append(
            {
                "kty": "RSA",
                "kid": key.kid,
                "alg": "RS256",
                "use": "sig",
                "n": b64url_uint(numbers.n),
                "e": b64url_uint(numbers.e),
            }
        )
    return {"keys": published}
