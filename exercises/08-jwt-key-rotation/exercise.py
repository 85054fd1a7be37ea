"""Exercise 8: HMAC key rotation selected by `kid` (PyJWT). Fill in the TODO."""

import secrets
import time

import jwt

ALGORITHM = "HS256"  # pinned: the header never chooses the algorithm (RFC 8725 §3.1)


class InvalidToken(Exception):
    """The token is refused; the message says why."""


class KeyRing:
    """Signing keys by id: one current key signs, every live key verifies, retired keys are gone."""

    def __init__(self):
        self.keys = {}  # kid -> secret (bytes), the live keys only
        self.current_kid = None
        self.rotate()

    def rotate(self):
        """Make a new key current. The old ones stay live, so tokens they signed keep working."""
        kid = secrets.token_hex(8)
        self.keys[kid] = secrets.token_bytes(32)  # 256 bits (RFC 8725 §3.5)
        self.current_kid = kid
        return kid

    def retire(self, kid):
        """Forget a key: every token it signed is refused from now on."""
        if kid == self.current_kid:
            raise ValueError("rotate to a new key before retiring the current one")
        self.keys.pop(kid, None)

    def sign(self, subject, lifetime=900):
        """A token for `subject`, signed with the current key and naming it in the header."""
        now = int(time.time())
        claims = {"sub": subject, "iat": now, "exp": now + lifetime}
        return jwt.encode(claims, self.keys[self.current_kid], algorithm=ALGORITHM, headers={"kid": self.current_kid})

    def verify(self, token):
        """The claims of a token signed by a live key; InvalidToken otherwise."""
        # TODO(student): this verifies every token with the CURRENT key only, so each rotation
        # logs everybody out. Verify with the live key the token's header names; every token
        # that no live key vouches for is refused with InvalidToken, never with a crash.
        key = self.keys[self.current_kid]
        try:
            return jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]})
        except jwt.InvalidTokenError as error:
            raise InvalidToken(str(error)) from error
