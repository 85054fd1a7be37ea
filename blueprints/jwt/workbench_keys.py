"""The workbench's keys, one at a time: a pasted secret, PEM or JWK read into one shape, the
rule that binds a key to one family of algorithms, what makes a key weak, and keys made anew.

Every key is bound to one family of algorithms (RFC 8725 §3.1): an RSA public key is never an
HMAC secret (the algorithm-confusion attack), an EC key never verifies RS256. Nothing here is
kept: a key lives for the request that carries it (workbench_keysets.py says where keys may
come from, and why never from a URL).
"""

import hashlib
import json
import secrets
from dataclasses import dataclass

import jwt as pyjwt
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwt.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm

import b64url
import bodies
from instance_secrets import estimated_bits

# The algorithms of the workbench, each with the key type (JWK `kty`) it needs.
ALGORITHMS = {
    "HS256": "oct",
    "HS384": "oct",
    "HS512": "oct",
    "RS256": "RSA",
    "PS256": "RSA",
    "ES256": "EC",
    "EdDSA": "OKP",
}
NEEDS = {"oct": "a shared secret", "RSA": "an RSA key", "EC": "an EC key on P-256", "OKP": "an Ed25519 or Ed448 key"}
JWK_READERS = {"oct": HMACAlgorithm, "RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}
# RFC 7518 §3.2: an HMAC key at least as long as the hash's output.
HMAC_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}

# Bounds: each is far above any real key and keeps a request's cost small (a huge RSA modulus
# is slow to check, and so is recovering a private key's primes).
MAX_SECRET = 1024  # characters
MAX_PEM = 5000  # characters: an RSA-4096 private key is about 3,300
MAX_JWK_MEMBER = 1400  # characters: a 4096-bit modulus is 683
MAX_RSA_BITS = 4096
MIN_RSA_BITS = 1024
WEAK_BITS = 128  # estimated random bits below which a secret is guessable offline


class BadKey(ValueError):
    """A key the workbench cannot read or will not use, and why: answered as a 400."""


@dataclass(frozen=True)
class Key:
    """One key, in one shape: a secret's bytes or a `cryptography` key object."""

    kty: str
    material: object
    private: bool
    kid: str | None = None
    alg: str | None = None  # the algorithm a JWK declares for itself
    label: str = ""

    def public(self):
        """What verifies: the secret itself, or only the public half of a key pair."""
        if self.kty == "oct" or not self.private:
            return self.material
        return self.material.public_key()


# ### Reading what was pasted


def read_secret(value):
    if not isinstance(value, str) or not 0 < len(value) <= MAX_SECRET:
        raise BadKey(f"secret: a string of 1 to {MAX_SECRET} characters")
    return Key("oct", value.encode(), private=True, label=f"a {len(value.encode())}-byte secret")


def read_pem(value):
    """A private key, a public key or a certificate, in PEM (unencrypted)."""
    if not isinstance(value, str) or "-----BEGIN" not in value or len(value) > MAX_PEM:
        raise BadKey(f"pem: paste a PEM block (-----BEGIN ...), at most {MAX_PEM} characters")
    data = value.strip().encode()
    try:
        return from_crypto(serialization.load_pem_private_key(data, password=None), "PEM private key")
    except TypeError as exc:
        raise BadKey("pem: this private key is encrypted; paste it unencrypted") from exc
    except (ValueError, UnsupportedAlgorithm):
        pass
    try:
        return from_crypto(serialization.load_pem_public_key(data), "PEM public key")
    except (ValueError, UnsupportedAlgorithm):
        pass
    try:
        return from_crypto(x509.load_pem_x509_certificate(data).public_key(), "certificate's public key")
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise BadKey("pem: not a private key, public key or certificate this workbench can read") from exc


def from_crypto(key, label):
    """A `cryptography` key object as a workbench Key (RSA, EC, Ed25519/Ed448 only)."""
    families = (
        ((rsa.RSAPrivateKey, rsa.RSAPublicKey), "RSA"),
        ((ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey), "EC"),
        ((ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey, ed448.Ed448PrivateKey, ed448.Ed448PublicKey), "OKP"),
    )
    kty = next((name for types, name in families if isinstance(key, types)), None)
    if kty is None:
        raise BadKey(f"{type(key).__name__.lstrip('_')}: not a signing key of RSA, EC or EdDSA")
    if kty == "RSA" and not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
        raise BadKey(f"RSA key of {key.key_size} bits: the workbench takes {MIN_RSA_BITS} to {MAX_RSA_BITS}")
    private = hasattr(key, "private_bytes")
    return Key(kty, key, private=private, label=f"{describe(kty, key)} ({label})")


def describe(kty, key):
    if kty == "oct":
        return f"a {len(key)}-byte secret"
    if kty == "RSA":
        return f"an RSA-{key.key_size} key"
    if kty == "EC":
        return f"an EC key on {key.curve.name}"
    return "an Ed25519 key" if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey) else "an Ed448 key"


def as_json(value, what):
    """A JSON object given as an object or as text (a textarea), parsed within bodies.py's bounds."""
    if isinstance(value, str):
        try:
            value = bodies.parse(value.encode())
        except bodies.MalformedJSON as exc:
            raise BadKey(f"{what}: not JSON (paste the {what} itself: the workbench never fetches a URL)") from exc
    if not isinstance(value, dict):
        raise BadKey(f"{what}: a JSON object")
    return value


def read_jwk(value):
    jwk = as_json(value, "jwk")
    kty = jwk.get("kty")
    if not isinstance(kty, str) or kty not in JWK_READERS:
        raise BadKey("jwk: kty must be oct, RSA, EC or OKP")
    if jwk.get("use", "sig") != "sig":
        raise BadKey(f"jwk: this key is for {str(jwk.get('use'))[:10]!r}, not for signatures (use sig)")
    if kty == "RSA" and "d" in jwk and not all(name in jwk for name in ("p", "q", "dp", "dq", "qi")):
        # Recovering p and q from d alone is slow work a request could be made to repeat.
        raise BadKey("jwk: a private RSA JWK needs p, q, dp, dq and qi as well as d")
    if any(isinstance(v, str) and len(v) > MAX_JWK_MEMBER for v in jwk.values()):
        raise BadKey("jwk: a member is longer than any key of 4096 bits")
    try:
        material = JWK_READERS[kty].from_jwk(jwk)
    except (pyjwt.PyJWTError, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise BadKey(f"jwk: not a valid {kty} key ({str(exc)[:80]})") from exc
    kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else None
    alg = jwk.get("alg") if isinstance(jwk.get("alg"), str) else None
    if kty == "oct":
        found = Key("oct", material, private=True, label=f"a {len(material)}-byte secret (JWK)")
    else:
        found = from_crypto(material, "JWK")
    return Key(found.kty, found.material, found.private, kid=kid, alg=alg, label=found.label)


def mismatch(key, alg):
    """Why `key` cannot sign or verify `alg` (RFC 8725 §3.1: one key, one algorithm), or None."""
    needed = ALGORITHMS.get(alg) if isinstance(alg, str) else None
    if needed is None:
        return f"alg {str(alg)[:20]!r} is not one the workbench knows: {', '.join(ALGORITHMS)}"
    if key.kty != needed:
        confusion = (
            " (a public key used as an HMAC secret is the algorithm-confusion attack)" if needed == "oct" else ""
        )
        return f"{key.label} cannot be used for {alg}, which needs {NEEDS[needed]}{confusion}"
    if key.alg and key.alg != alg:
        return f"{key.label} is declared for {key.alg} (its alg), not {alg}"
    if alg == "ES256" and not isinstance(key.material.curve, ec.SECP256R1):
        return f"{key.label}: ES256 needs the P-256 curve"
    return None


# ### Warnings: a weak key still signs here (this is a workbench), and the answer says so


def weaknesses(key, alg):
    """What makes a key that signs weak, in words; empty when nothing does."""
    if key.kty == "RSA" and key.material.key_size < 2048:
        return [f"weak key: RSA-{key.material.key_size}; RFC 7518 §3.3 requires 2048 bits or more"]
    if key.kty != "oct":
        return []
    found, minimum = [], HMAC_BYTES[alg]
    if len(key.material) < minimum:
        found.append(f"weak secret: {len(key.material)} bytes, below the {minimum} RFC 7518 §3.2 requires for {alg}")
    bits = estimated_bits(key.material.decode("latin-1"))
    if bits < WEAK_BITS:
        found.append(
            f"weak secret: about {int(bits)} random bits. Whoever holds one token it signed can guess it "
            "offline with a word list (the JWT lab's weak-secret attack), then sign any token they like"
        )
    return found


# ### Keys made on request: generated for this answer, kept nowhere


def generate(alg):
    """A fresh key for `alg`: a random secret, or a key pair as JWKs and PEMs (RFC 7638 kid)."""
    if ALGORITHMS[alg] == "oct":
        return {"alg": alg, "secret": secrets.token_urlsafe(HMAC_BYTES[alg])}
    private = {
        "RSA": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "EC": lambda: ec.generate_private_key(ec.SECP256R1()),
        "OKP": ed25519.Ed25519PrivateKey.generate,
    }[ALGORITHMS[alg]]()
    reader = JWK_READERS[ALGORITHMS[alg]]
    public_jwk = reader.to_jwk(private.public_key(), as_dict=True)
    extra = {"kid": thumbprint(public_jwk), "alg": alg, "use": "sig"}
    return {
        "alg": alg,
        "kid": extra["kid"],
        "private_jwk": {**reader.to_jwk(private, as_dict=True), **extra},
        "public_jwk": {**public_jwk, **extra},
        "private_pem": private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "public_pem": private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    }


# RFC 7638: the hash of the key's required members, in order, without spaces.
THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}


def thumbprint(jwk):
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    return b64url.encode(hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest())
