"""Checks for exercise 8: verify with the key named by `kid`; several keys live; retired keys refused."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest


@pytest.fixture
def ring(ex):
    return ex.KeyRing()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(ring, kid, key=None, algorithm="HS256", **claims):
    """A token built by hand with the header we choose (an attacker's, or a misbehaving issuer's)."""
    now = int(time.time())
    payload = {"sub": "mallory", "iat": now, "exp": now + 300, **claims}
    header = {"alg": algorithm, "typ": "JWT"} if kid is None else {"alg": algorithm, "typ": "JWT", "kid": kid}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    if algorithm == "none":
        return signing_input + "."
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[algorithm]
    key = key if key is not None else ring.keys[ring.current_kid]
    return signing_input + "." + b64url(hmac.new(key, signing_input.encode(), digest).digest())


def refused(ex, ring, token):
    """True if verify() raises the exercise's InvalidToken (and nothing else)."""
    try:
        ring.verify(token)
    except ex.InvalidToken:
        return True
    return False


def test_a_token_from_the_current_key_verifies(ring):
    assert ring.verify(ring.sign("alice"))["sub"] == "alice", (
        "A token just signed with the current key did not verify to its claims."
    )


def test_a_token_signed_before_a_rotation_still_verifies(ring):
    token = ring.sign("alice")
    ring.rotate()
    try:
        claims = ring.verify(token)
    except Exception as error:
        raise AssertionError(
            f"After one rotation, a token signed a moment before it was refused ({error}): every rotation would "
            "log everybody out."
        ) from error
    assert claims["sub"] == "alice", f"verify() returned {claims!r}, not the token's claims."


def test_new_tokens_name_the_new_key(ring):
    ring.rotate()
    assert jwt.get_unverified_header(ring.sign("alice"))["kid"] == ring.current_kid, (
        "After a rotation, a new token's header does not name the current key."
    )


def test_a_retired_keys_tokens_are_refused(ex, ring):
    old_kid, token = ring.current_kid, ring.sign("alice")
    ring.rotate()
    ring.retire(old_kid)
    assert refused(ex, ring, token), (
        "A token signed by a key that was since retired was accepted: retiring a key would stop nothing."
    )


def test_an_unknown_kid_is_refused(ex, ring):
    assert refused(ex, ring, forge(ring, "no-such-key")), (
        "A token whose header names kid 'no-such-key', a key the ring never held, was accepted: a key "
        "other than the one it names vouched for it."
    )


def test_a_token_without_a_kid_is_refused(ex, ring):
    assert refused(ex, ring, forge(ring, None)), (
        "A token with no kid in its header was accepted: every token the ring issues names its key, so "
        "one without a kid is not the ring's."
    )


@pytest.mark.parametrize(
    "kid", ["../../../dev/null", "", 42, ["a"], {"k": 1}], ids=["path", "empty", "number", "list", "object"]
)
def test_a_strange_kid_is_refused_without_a_crash(ex, ring, kid):
    token = forge(ring, kid)
    try:
        ok = refused(ex, ring, token)
    except Exception as error:
        raise AssertionError(
            f"A token whose header says kid {kid!r} crashed verify() with {type(error).__name__}: the header is "
            "whatever the sender wrote, and a crash is a 500 for anyone who sends one."
        ) from error
    assert ok, f"A token with kid {kid!r}, which names no live key, was accepted."


def test_a_kid_that_names_another_key_is_refused(ex, ring):
    first = ring.current_kid
    ring.rotate()
    token = forge(ring, first)  # signed with the new key, claims to be from the first one
    assert refused(ex, ring, token), "A token whose kid names one key but was signed with another was accepted."


def test_the_algorithm_stays_pinned(ex, ring):
    kid = ring.current_kid
    none_token = forge(ring, kid, algorithm="none")
    assert refused(ex, ring, none_token), "An unsigned token (alg: none) naming a live kid was accepted."
    hs512 = forge(ring, kid, algorithm="HS512")
    assert refused(ex, ring, hs512), (
        "An HS512 token signed with a live key was accepted by an HS256 key ring: the token's header chose "
        "the algorithm."
    )


def test_an_expired_token_is_refused(ex, ring):
    assert refused(ex, ring, forge(ring, ring.current_kid, exp=int(time.time()) - 10)), (
        "A token that expired ten seconds ago, signed with the current key, was accepted."
    )


def test_garbage_is_refused_cleanly(ex, ring):
    for token in ("not-a-jwt", "a.b.c", ""):
        try:
            ok = refused(ex, ring, token)
        except Exception as error:
            raise AssertionError(
                f"verify({token!r}) crashed with {type(error).__name__}: a string that is not a JWT must be "
                "refused with InvalidToken, like any bad token."
            ) from error
        assert ok, f"verify({token!r}) accepted a string that is not a JWT."
