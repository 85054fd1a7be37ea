"""OC-3: the client verifies the id_token (signature by the provider's JWKS, iss pinned, aud,
exp, nonce) before it believes a word of it. Forged tokens are signed here with the live
provider's own key (or another), and handed to step 5 of the dance as if the provider sent them."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from blueprints.oauth import flow
from blueprints.oauth.client import remote

NONCE = "the-nonce-of-this-attempt"


@pytest.fixture
def claims(live):
    now = int(time.time())
    return {
        "iss": live.provider_url,
        "sub": "1",
        "aud": ["authlab-app"],
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
    }


def provider_key(live):
    return live.provider.extensions["provider_signing_key"]


def verify(live, id_token):
    """Run step 5 of the dance on this id_token, in a request of the live app."""
    with live.app.test_request_context("/oauth/callback"):
        from flask import session

        assert remote("builtin") is not None
        session["oauth_dance"] = {"provider": "builtin", "paused": False, "steps": {}, "failed": None, "extra": []}
        session["oauth_pending"] = {"nonce": NONCE}
        session["oauth_tokens"] = {"access_token": "x" * 43, "id_token": id_token}
        flow.verify_id_token()
        return session["oauth_pending"]["claims"]


def part(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def sign(claims, key, alg="RS256", kid=None):
    header = {"alg": alg, "kid": kid} if kid else {"alg": alg}
    return jwt.encode(header, claims, key, algorithms=[alg])


def test_oc_3_a_genuine_id_token_verifies(live, claims):
    key = provider_key(live)
    assert verify(live, sign(claims, key, kid=key.kid))["sub"] == "1"


@pytest.mark.parametrize(
    "change",
    [
        {"aud": ["another-client"]},
        {"aud": "another-client"},
        {"nonce": "a-replayed-nonce"},
        {"nonce": None},
        {"iss": "http://evil.test"},
        {"iss": None},
        {"exp": int(time.time()) - 3600},
        {"exp": None},
    ],
)
def test_oc_3_a_token_with_a_wrong_claim_is_refused(live, claims, change):
    for name, value in change.items():
        if value is None:
            del claims[name]
        else:
            claims[name] = value
    key = provider_key(live)
    with pytest.raises(flow.DanceError) as failure:
        verify(live, sign(claims, key, kid=key.kid))
    assert failure.value.step == "id_token"


def test_oc_3_a_token_signed_by_another_key_is_refused(live, claims):
    impostor = RSAKey.generate_key(2048)
    with pytest.raises(flow.DanceError):
        verify(live, sign(claims, impostor, kid=provider_key(live).kid))


def test_oc_3_hs256_signed_with_the_public_key_is_refused(live, claims):
    """The HS/RS confusion: an HMAC keyed with the provider's public key."""
    public_pem = provider_key(live).as_pem(private=False)
    signing_input = f"{part({'alg': 'HS256', 'kid': provider_key(live).kid})}.{part(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    with pytest.raises(flow.DanceError):
        verify(live, forged)


def test_oc_3_an_unsigned_token_is_refused(live, claims):
    unsigned = f"{part({'alg': 'none'})}.{part(claims)}."
    with pytest.raises(flow.DanceError):
        verify(live, unsigned)


def test_oc_3_garbage_is_refused_not_a_500(live):
    for garbage in ("not-a-jwt", "a.b.c", "", "eyJhbGciOiJSUzI1NiJ9." * 3):
        with pytest.raises(flow.DanceError):
            verify(live, garbage)
