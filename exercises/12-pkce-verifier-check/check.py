"""Checks for exercise 12: the token endpoint's PKCE check, S256 only, a strict verifier, constant time."""

import base64
import hashlib
import hmac
import secrets

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

# RFC 7636 appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def challenge_of(verifier):
    """The S256 challenge of any string, even one RFC 7636 does not allow (its UTF-8 bytes hashed)."""
    digest = hashlib.sha256(verifier.encode("utf-8", "surrogatepass")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def answer(ex, verifier, challenge, method="S256"):
    """verifier_matches' answer, which must be True or False and nothing else."""
    try:
        got = ex.verifier_matches(verifier, challenge, method)
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(
            f"verifier_matches({verifier!r:.30}, {challenge!r:.30}, {method!r}) crashed with "
            f"{type(error).__name__}: the token endpoint would answer 500 where RFC 6749 says invalid_grant."
        ) from error
    assert isinstance(got, bool), f"verifier_matches returned {got!r}, where the contract says True or False."
    return got


def test_the_rfc_7636_example_verifier_matches_its_challenge(ex):
    assert answer(ex, RFC_VERIFIER, RFC_CHALLENGE), (
        "RFC 7636 appendix B's verifier was refused against its own challenge: every PKCE client would fail."
    )


def test_a_fresh_verifier_matches_the_challenge_a_client_library_made(ex):
    for _ in range(16):
        verifier = secrets.token_urlsafe(48)
        assert answer(ex, verifier, create_s256_code_challenge(verifier)), (
            f"The verifier {verifier!r} was refused against the challenge authlib (a client library) made from it."
        )


@pytest.mark.parametrize("length", [43, 128])
def test_the_shortest_and_the_longest_verifiers_match(ex, length):
    verifier = ("abcXYZ019-._~" * 10)[:length]
    assert answer(ex, verifier, challenge_of(verifier)), (
        f"A verifier of {length} characters, the {'shortest' if length == 43 else 'longest'} RFC 7636 allows, was "
        "refused."
    )


def test_another_verifier_does_not_match(ex):
    assert not answer(ex, secrets.token_urlsafe(32), RFC_CHALLENGE), (
        "A well-formed verifier that is not the one behind the challenge was accepted: a stolen code works for anyone."
    )


def test_a_verifier_that_differs_in_its_last_character_does_not_match(ex):
    assert not answer(ex, RFC_VERIFIER[:-1] + "Y", RFC_CHALLENGE), (
        "A verifier one character away from the right one was accepted."
    )


def test_the_plain_method_is_refused_even_when_the_verifier_equals_the_challenge(ex):
    assert not answer(ex, RFC_VERIFIER, RFC_VERIFIER, "plain"), (
        "A code issued with method 'plain' was redeemed: with plain, anyone who saw the authorization request "
        "(a log, a proxy, the browser's history) knows the verifier."
    )


@pytest.mark.parametrize("verifier", [RFC_VERIFIER, None, ""], ids=["a verifier", "no verifier", "empty"])
def test_a_code_issued_without_a_challenge_is_refused(ex, verifier):
    assert not answer(ex, verifier, None, None), (
        f"A code issued with no challenge at all was redeemed with verifier {verifier!r}: a client that skips "
        "PKCE at the start skips it altogether (a downgrade)."
    )


@pytest.mark.parametrize("method", ["s256", "S256 ", "SHA256", "", None, 256], ids=repr)
def test_only_the_exact_method_s256_is_accepted(ex, method):
    assert not answer(ex, RFC_VERIFIER, RFC_CHALLENGE, method), (
        f"Method {method!r} was accepted as S256: RFC 7636's method names are exact, case-sensitive strings."
    )


# Each would hash to its challenge, so only the verifier's shape can refuse it.
MALFORMED = {
    "42 characters": "a" * 42,
    "129 characters": "a" * 129,
    "a final newline": RFC_VERIFIER + "\n",
    "a space": RFC_VERIFIER[:20] + " " + RFC_VERIFIER[21:],
    "standard base64 (+ and /)": "+/" + RFC_VERIFIER[2:],
    "padding": RFC_VERIFIER + "=",
    "accented letters": "é" * 43,
    "Arabic-Indic digits": "٣" * 43,
    "the Kelvin sign": "\u212a" * 43,
    "fullwidth letters": "ａ" * 43,
}


@pytest.mark.parametrize("verifier", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_verifier_outside_rfc_7636s_alphabet_or_length_is_refused(ex, verifier):
    assert not answer(ex, verifier, challenge_of(verifier)), (
        f"The verifier {verifier!r:.50} ({len(verifier)} characters) was accepted: RFC 7636 §4.1 allows 43 to 128 "
        "characters of A-Z a-z 0-9 - . _ ~, and nothing else."
    )


WRONG_TYPES = {
    "bytes verifier": (RFC_VERIFIER.encode(), RFC_CHALLENGE),
    "number verifier": (12345, RFC_CHALLENGE),
    "list verifier": ([RFC_VERIFIER], RFC_CHALLENGE),
    "bytes challenge": (RFC_VERIFIER, RFC_CHALLENGE.encode()),
    "padded challenge": (RFC_VERIFIER, RFC_CHALLENGE + "="),
    "empty challenge": (RFC_VERIFIER, ""),
    "non-ASCII challenge": (RFC_VERIFIER, "é" * 43),
    "lone surrogate challenge": (RFC_VERIFIER, "\ud800" * 43),
}


@pytest.mark.parametrize(("verifier", "challenge"), WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_malformed_input_is_refused_without_a_crash(ex, verifier, challenge):
    assert not answer(ex, verifier, challenge), (
        f"verifier_matches({verifier!r:.30}, {challenge!r:.30}, 'S256') said yes to input that is not a "
        "verifier and a stored challenge."
    )


@pytest.fixture
def comparisons(monkeypatch):
    """Every call to hmac.compare_digest (and secrets.compare_digest, the same function) from now on."""
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    monkeypatch.setattr(secrets, "compare_digest", spy)
    return calls


def text(value):
    """A str for a str, and for bytes-like values their ASCII text."""
    return bytes(value).decode("ascii", "replace") if isinstance(value, bytes | bytearray | memoryview) else value


# `comparisons` before `ex`: the spy is in place when the module is loaded, whatever it imports.
def test_the_challenge_is_compared_in_constant_time(comparisons, ex):
    answer(ex, RFC_VERIFIER, RFC_CHALLENGE)
    assert any(text(a) == text(b) == RFC_CHALLENGE for a, b in comparisons), (
        "The challenges were compared with something other than hmac.compare_digest (or secrets.compare_digest): "
        "a comparison that stops at the first differing character answers faster the less of a guess is right."
    )
