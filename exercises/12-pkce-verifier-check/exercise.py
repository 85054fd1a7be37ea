"""Exercise 12: the provider's side of PKCE, the code_verifier check at the token endpoint. Write it."""

import base64
import hashlib
import hmac
import re


def verifier_matches(code_verifier, code_challenge, code_challenge_method):
    """True only if this token request's code_verifier proves it comes from whoever started the flow.

    The provider stored `code_challenge` and `code_challenge_method` with the authorization code
    (both None when the authorization request carried none); the token request now brings
    `code_verifier`. The contract (RFC 7636 §4.1 and §4.6, RFC 9700 §2.1.1; the app's AS-2),
    every line tested by check.py:

    - The method must be exactly "S256". "plain" is refused, and so is a code issued without a
      challenge, whatever the verifier: no downgrade.
    - The verifier must be 43 to 128 characters, each one of A-Z a-z 0-9 - . _ ~ and nothing
      else (no other alphabet's letters or digits, no whitespace, no final newline).
    - BASE64URL(SHA256(ASCII(code_verifier))), without padding, must equal the stored challenge.
    - The comparison takes the same time however many characters agree (hmac.compare_digest),
      so its timing tells a guesser nothing.
    - Anything else (None, bytes, numbers, a stored challenge that is itself malformed) gives
      False, never an exception: the token endpoint answers invalid_grant, not 500.
    """
    # TODO(student): write it.
    raise NotImplementedError("exercise 12: verifier_matches is yours to write")
