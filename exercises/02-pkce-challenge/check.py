"""Checks for exercise 2: the PKCE S256 challenge (RFC 7636 §4.2 and its appendix B example)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

# RFC 7636 appendix B: this verifier must give exactly this challenge.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_rfc_7636_appendix_b_example_gives_its_challenge(ex):
    got = ex.s256_challenge(RFC_VERIFIER)
    assert got == RFC_CHALLENGE, (
        f"For RFC 7636's example verifier you computed {got!r}, the RFC says {RFC_CHALLENGE!r}. "
        "Hash the verifier's bytes with SHA-256 (.digest(), not .hexdigest()), then base64url-encode."
    )


def test_the_challenge_has_no_padding(ex):
    assert "=" not in ex.s256_challenge(RFC_VERIFIER), (
        "The challenge ends with '=': RFC 7636 uses base64url WITHOUT padding. Strip the '=' characters."
    )


def test_the_challenge_uses_the_url_safe_alphabet(ex):
    challenges = [ex.s256_challenge(ex.make_verifier()) for _ in range(64)]
    assert not any(set("+/") & set(challenge) for challenge in challenges), (
        "A challenge contains '+' or '/': that is standard base64. Use base64.urlsafe_b64encode "
        "('-' and '_'), since the challenge travels in a URL."
    )


def test_the_challenge_agrees_with_authlib_for_fresh_verifiers(ex):
    for _ in range(16):
        verifier = ex.make_verifier()
        assert ex.s256_challenge(verifier) == create_s256_code_challenge(verifier), (
            "For a fresh verifier your challenge differs from authlib's (a library the app uses). "
            "Check each step: ASCII bytes, SHA-256 raw digest, base64url, no padding."
        )


@pytest.mark.parametrize(
    "verifier",
    ["too-short", "x" * 42, "x" * 129, "spaces are not allowed" * 3, "ünïcode" * 8],
    ids=["9 characters", "42 characters", "129 characters", "spaces", "non-ASCII"],
)
def test_a_malformed_verifier_is_refused(ex, verifier):
    with pytest.raises(ValueError, match=r".+"):
        ex.s256_challenge(verifier)
        raise AssertionError(
            f"A verifier of {len(verifier)} characters like {verifier[:12]!r}... was accepted: RFC 7636 §4.1 "
            "allows only 43-128 characters of A-Z a-z 0-9 - . _ ~. Raise ValueError otherwise "
            "(VERIFIER_SHAPE.fullmatch is there for this)."
        )


def test_the_authorization_url_sends_the_challenge_and_never_the_verifier(ex):
    verifier = ex.make_verifier()
    url = ex.authorization_url("https://id.example/authorize", "app", "https://app.example/cb", "s1", verifier)
    query = parse_qs(urlsplit(url).query)
    assert query.get("code_challenge_method") == ["S256"] and verifier not in url, (
        "The authorization URL must carry code_challenge and code_challenge_method=S256, and never "
        "the verifier itself (it is sent later, on the back channel, with the code)."
    )
    assert query.get("code_challenge") == [create_s256_code_challenge(verifier)], (
        "The authorization URL's code_challenge is not the S256 challenge of the verifier."
    )
