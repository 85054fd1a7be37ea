"""The floor: the least work any implementation of each check must do, timed alone."""

import hashlib
import hmac
import secrets
import sqlite3
import time

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .timing import measure

CLAIMS = {"sub": "1", "role": "admin", "iss": "http://localhost:8000", "aud": "authlab-api", "type": "access"}


def jwt_pair(algorithm):
    """A signed token and the key that verifies it."""
    claims = CLAIMS | {"exp": int(time.time()) + 3600, "iat": int(time.time()), "jti": secrets.token_hex(16)}
    if algorithm == "HS256":
        key = secrets.token_bytes(32)
        return pyjwt.encode(claims, key, algorithm="HS256"), key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return pyjwt.encode(claims, private, algorithm="RS256"), private.public_key()


def pyjwt_decode(algorithm, seconds):
    token, key = jwt_pair(algorithm)

    def decode():
        pyjwt.decode(token, key, algorithms=[algorithm], audience="authlab-api", issuer="http://localhost:8000")

    return measure(decode, seconds)


def hmac_sha256(seconds):
    key, message = secrets.token_bytes(32), secrets.token_bytes(200)
    return measure(lambda: hmac.new(key, message, hashlib.sha256).digest(), seconds)


def sqlite_lookup(path, seconds):
    """One primary-key SELECT on a real SQLite file (what a session or blocklist lookup needs)."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE IF NOT EXISTS floor (id TEXT PRIMARY KEY, data BLOB)")
    connection.execute("INSERT OR REPLACE INTO floor VALUES ('k', x'00')")
    connection.commit()
    query = "SELECT data FROM floor WHERE id = ?"
    timing = measure(lambda: connection.execute(query, ("k",)).fetchone(), seconds)
    connection.close()
    return timing


def redis_get(url, seconds):
    """One GET round trip to Redis over loopback."""
    import redis

    client = redis.Redis.from_url(url)
    client.set("floor", b"x" * 64)
    timing = measure(lambda: client.get("floor"), seconds)
    client.close()
    return timing


def run(workdir, redis_url, seconds):
    results = {
        "PyJWT decode HS256": pyjwt_decode("HS256", seconds),
        "PyJWT decode RS256": pyjwt_decode("RS256", seconds),
        "HMAC-SHA256 (200 bytes)": hmac_sha256(seconds),
        "SQLite primary-key SELECT": sqlite_lookup(workdir / "floor.sqlite", seconds),
    }
    if redis_url:
        results["Redis GET (loopback)"] = redis_get(redis_url, seconds)
    return results
