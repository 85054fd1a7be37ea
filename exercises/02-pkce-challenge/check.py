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
        f"For RFC 7636's example verifier s256_challenge returned {got!r} ({len(str(got))} characters); the "
        f"RFC's answer is {RFC_CHALLENGE!r} (43 characters). A provider would refuse this client's code exchange."
    )


def test_the_challenge_has_no_padding(ex):
    got = ex.s256_challenge(RFC_VERIFIER)
    assert "=" not in got, (
        f"For RFC 7636's example verifier the challenge was {got!r}: it carries '=' padding, which RFC 7636's "
        "base64url leaves out, so it never equals the provider's own computation."
    )


def test_the_challenge_uses_the_url_safe_alphabet(ex):
    challenges = [ex.s256_challenge(ex.make_verifier()) for _ in range(64)]
    odd = [challenge for challenge in challenges if set("+/") & set(challenge)]
    assert not odd, (
        f"Among 64 fresh challenges, {len(odd)} contain '+' or '/' (for example {odd[:1]}): in a URL those "
        "mean something else, and RFC 7636's challenge never contains them."
    )


def test_the_challenge_agrees_with_authlib_for_fresh_verifiers(ex):
    for _ in range(16):
        verifier = ex.make_verifier()
        got, expected = ex.s256_challenge(verifier), create_s256_code_challenge(verifier)
        assert got == expected, (
            f"For the verifier {verifier!r} s256_challenge returned {got!r}; authlib (what the built-in provider "
            f"runs) computes {expected!r}, so that provider would refuse the code exchange."
        )


@pytest.mark.parametrize(
    "verifier",
    ["too-short", "x" * 42, "x" * 129, "spaces are not allowed" * 3, "ünïcode" * 8, "x" * 43 + "\n"],
    ids=["9 characters", "42 characters", "129 characters", "spaces", "non-ASCII", "a final newline"],
)
def test_a_malformed_verifier_is_refused(ex, verifier):
    with pytest.raises(ValueError, match=r".+"):
        ex.s256_challenge(verifier)
        raise AssertionError(
            f"s256_challenge accepted a verifier of {len(verifier)} characters like {verifier[:12]!r}... and "
            "returned a challenge: RFC 7636 §4.1 allows only 43-128 characters of A-Z a-z 0-9 - . _ ~, and "
            "anything else must raise ValueError."
        )


def test_the_authorization_url_sends_the_challenge_and_never_the_verifier(ex):
    verifier = ex.make_verifier()
    url = ex.authorization_url("https://id.example/authorize", "app", "https://app.example/cb", "s1", verifier)
    query = parse_qs(urlsplit(url).query)
    assert query.get("code_challenge_method") == ["S256"] and verifier not in url, (
        f"The authorization URL was {url}: it must name code_challenge_method=S256 and must never carry the "
        "verifier itself, which anyone who sees the URL could then use with a stolen code."
    )
    assert query.get("code_challenge") == [create_s256_code_challenge(verifier)], (
        f"The authorization URL's code_challenge is {query.get('code_challenge')}, not the S256 challenge of "
        "the verifier the client keeps: the provider would refuse the exchange."
    )
