"""Exercise 2, reference solution: PKCE (RFC 7636) code verifier and S256 challenge."""

import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode

# RFC 7636 §4.1: 43 to 128 characters from the "unreserved" set A-Z a-z 0-9 - . _ ~
VERIFIER_SHAPE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def make_verifier():
    """A fresh code verifier: 32 random bytes (256 bits), base64url, 43 characters."""
    return secrets.token_urlsafe(32)


def s256_challenge(verifier):
    """BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), without '=' padding (RFC 7636 §4.2)."""
    # INSTRUCTOR: refuse a malformed verifier before hashing it. A verifier that is too short
    # could be guessed; the provider would refuse it anyway, better to fail here, loudly.
    if not isinstance(verifier, str) or not VERIFIER_SHAPE.fullmatch(verifier):
        raise ValueError("a code verifier is 43-128 characters of A-Z a-z 0-9 - . _ ~")
    # INSTRUCTOR: the three usual mistakes: hashing the hex digest (hexdigest()) instead of the
    # raw bytes, standard base64 ('+' and '/') instead of base64url, and keeping the '=' padding.
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(endpoint, client_id, redirect_uri, state, verifier, scope="openid profile"):
    """The URL that starts the authorization code flow with PKCE (the verifier itself stays here)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": s256_challenge(verifier),
        "code_challenge_method": "S256",
    }
    return f"{endpoint}?{urlencode(query)}"
