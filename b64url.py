"""base64url without padding: how JWTs, PKCE and signed cookies write bytes as text.

RFC 7515 §2 (and RFC 7636 Appendix A for PKCE) use the URL-safe alphabet (`-` and `_` for `+`
and `/`) and drop the trailing `=`, so a value fits in a URL or a header unescaped. Python's
decoder wants the padding back, so it is restored here, once for the whole app. Decoding needs
no key: whatever is only base64url-encoded (a JWT's header and payload, a Flask session cookie)
can be read by anyone who holds it. It is signed, not encrypted.

(The naive twins in vulnerable/, the provider and the exercises keep their own copies, so each
reads on its own.)
"""

import base64


def decode(text):
    """The bytes of a base64url `text`, padded or not; raises ValueError when it is not base64."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(raw):
    """`raw` bytes as base64url text without padding."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
