"""Checks for exercise 10: an id_token is accepted only with a good signature, iss, aud, exp and nonce."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "http://127.0.0.1:8001"
CLIENT_ID = "authlab-app"
NONCE = "n-0S6_WzA2Mj"


@pytest.fixture(scope="module")
def keys():
    """The provider's two live keys, and an attacker's key that is in no JWKS."""
    return {name: rsa.generate_private_key(public_exponent=65537, key_size=2048) for name in ("k1", "k2", "evil")}


@pytest.fixture(scope="module")
def jwks(keys):
    """The provider's JWKS document: public keys only, each with its kid."""
    published = []
    for kid in ("k1", "k2"):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(keys[kid].public_key(), as_dict=True)
        published.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": published}


def claims(**overrides):
    now = int(time.time())
    base = {"iss": ISSUER, "sub": "alice", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": NONCE}
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def sign(keys, kid="k1", key=None, **overrides):
    return jwt.encode(claims(**overrides), keys[key or kid], algorithm="RS256", headers={"kid": kid})


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header, payload, secret=None):
    """A token built by hand: for alg none, or HMAC keyed with the provider's PUBLIC key."""
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    if secret is None:
        return signing_input + "."
    return signing_input + "." + b64url(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def verify(ex, jwks, token, nonce=NONCE):
    return ex.verify_id_token(token, jwks=jwks, issuer=ISSUER, client_id=CLIENT_ID, nonce=nonce)


def assert_refused(ex, jwks, token, what, harm="", nonce=NONCE):
    """verify_id_token must raise InvalidIdToken (not accept, not crash) for this token."""
    try:
        verify(ex, jwks, token, nonce=nonce)
    except ex.InvalidIdToken:
        return
    except Exception as error:
        raise AssertionError(
            f"{what} crashed verify_id_token with {type(error).__name__}: a bad token must be refused with "
            "InvalidIdToken, not crash the sign-in (a 500)."
        ) from error
    raise AssertionError(f"{what} was accepted{': ' + harm if harm else '.'}")


def test_a_valid_id_token_gives_its_claims(ex, keys, jwks):
    got = verify(ex, jwks, sign(keys))
    assert isinstance(got, dict) and got.get("sub") == "alice" and got.get("nonce") == NONCE, (
        f"A valid id_token for alice gave back {got!r}, not its claims."
    )


def test_a_token_signed_by_the_providers_second_key_is_accepted(ex, keys, jwks):
    assert verify(ex, jwks, sign(keys, kid="k2"))["sub"] == "alice", (
        "A token signed with the JWKS's second key (kid k2) was refused: while the provider rotates its keys, "
        "every sign-in with the other key would fail."
    )


def test_a_forged_signature_is_refused(ex, keys, jwks):
    forged = sign(keys, kid="k1", key="evil", sub="mallory")
    assert_refused(
        ex,
        jwks,
        forged,
        "A token signed with a key that is not the provider's (its header names kid k1)",
        "anyone with a key of their own can sign in as anybody.",
    )


def test_alg_none_is_refused(ex, jwks):
    token = hand_made({"alg": "none", "typ": "JWT", "kid": "k1"}, claims(sub="mallory"))
    assert_refused(
        ex, jwks, token, "An unsigned token (alg: none)", "anyone can write one for any user, with no key at all."
    )


def test_hs256_keyed_with_the_public_key_is_refused(ex, keys, jwks):
    # Algorithm confusion: the attacker knows the public key (it is public) and uses it as an HMAC secret.
    public_pem = (
        keys["k1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    token = hand_made({"alg": "HS256", "typ": "JWT", "kid": "k1"}, claims(sub="mallory"), secret=public_pem)
    assert_refused(
        ex,
        jwks,
        token,
        "An HS256 token keyed with the provider's public key (algorithm confusion)",
        "the public key is public, so anyone can sign such a token.",
    )


def test_an_unknown_kid_is_refused(ex, keys, jwks):
    assert_refused(
        ex,
        jwks,
        sign(keys, kid="evil"),
        "A token whose kid is in no JWKS",
        "no key the provider published vouches for it.",
    )


def test_another_issuer_is_refused(ex, keys, jwks):
    assert_refused(
        ex,
        jwks,
        sign(keys, iss="http://127.0.0.1:8001.evil.example"),
        "A token from another issuer",
        "another provider's tokens (with keys of their own) would sign people in here.",
    )


def test_a_token_for_another_client_is_refused(ex, keys, jwks):
    assert_refused(
        ex,
        jwks,
        sign(keys, aud="some-other-app"),
        "A token minted for another client (aud)",
        "a token issued to another app, replayed here, signs its user in.",
    )


def test_an_expired_token_is_refused(ex, keys, jwks):
    past = int(time.time()) - 600
    assert_refused(
        ex,
        jwks,
        sign(keys, iat=past, exp=past + 300),
        "An expired id_token",
        "an id_token captured ten minutes ago still signs its user in.",
    )


def test_a_token_without_exp_is_refused(ex, keys, jwks):
    token = jwt.encode(
        {k: v for k, v in claims().items() if k != "exp"}, keys["k1"], algorithm="RS256", headers={"kid": "k1"}
    )
    assert_refused(ex, jwks, token, "An id_token with no exp at all", "it would be good forever.")


def test_a_nonce_from_another_sign_in_is_refused(ex, keys, jwks):
    assert_refused(
        ex,
        jwks,
        sign(keys, nonce="an-older-nonce"),
        "An id_token carrying another sign-in's nonce (a replay)",
        "a captured id_token can be replayed into a new sign-in.",
    )


def test_a_token_without_nonce_is_refused(ex, keys, jwks):
    assert_refused(
        ex,
        jwks,
        sign(keys, nonce=None),
        "An id_token with no nonce, when this sign-in sent one",
        "nothing ties it to this sign-in.",
    )


def test_no_expected_nonce_means_refusal_not_a_free_pass(ex, keys, jwks):
    assert_refused(
        ex,
        jwks,
        sign(keys, nonce=None),
        "A token without nonce, checked for a sign-in whose expected nonce is None",
        "an empty expected nonce matched an absent one, and nothing ties the token to any sign-in.",
        nonce=None,
    )


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"], ids=["empty", "garbage", "three dots"])
def test_garbage_is_refused_cleanly(ex, jwks, token):
    assert_refused(ex, jwks, token, f"The string {token!r}")
