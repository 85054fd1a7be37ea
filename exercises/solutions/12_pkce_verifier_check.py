"""Exercise 12, reference solution: the provider's side of PKCE, the code_verifier check."""

import base64
import hashlib
import hmac
import re

# RFC 7636 §4.1. In a str pattern, [A-Z] and [0-9] are ASCII ranges; \w, \d and re.IGNORECASE
# would let in other alphabets' letters and digits (and the Kelvin sign as a "k").
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def verifier_matches(code_verifier, code_challenge, code_challenge_method):
    """True only if this token request's code_verifier proves it comes from whoever started the flow."""
    # No downgrade (RFC 9700 §2.1.1, the app's AS-2): S256 or nothing. A code issued without a
    # challenge cannot be redeemed with a verifier, and "plain" (challenge == verifier) is
    # refused: anyone who saw the authorization request would know the verifier.
    # INSTRUCTOR: students compare the method case-insensitively ("s256"), or skip the check
    # when the stored challenge is None ("no PKCE, nothing to check"): that is the downgrade.
    if code_challenge_method != "S256" or not isinstance(code_challenge, str) or not code_challenge.isascii():
        return False
    # fullmatch: re.match accepts a verifier that only starts well, and `$` a final newline.
    if not isinstance(code_verifier, str) or not VERIFIER.fullmatch(code_verifier):
        return False
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=")
    # compare_digest on bytes: on str it raises TypeError for non-ASCII, which the isascii()
    # above already keeps out; bytes make that impossible here.
    return hmac.compare_digest(computed, code_challenge.encode("ascii"))
