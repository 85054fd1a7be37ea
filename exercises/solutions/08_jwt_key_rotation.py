"""Exercise 8, reference solution: HMAC key rotation selected by `kid` (PyJWT)."""

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
        # The header is read before the signature is checked, so it is attacker-controlled:
        # use `kid` only to LOOK UP one of our own keys, never as a path, URL or key itself
        # (RFC 8725 §3.10). No kid, or one we do not hold (unknown or retired): refuse.
        # INSTRUCTOR: students often fall back to "try every key" when the kid is unknown, which
        # revives retired keys; or take `alg` from the header. The algorithm stays pinned below.
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as error:
            raise InvalidToken(f"malformed token: {error}") from error
        key = self.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken(f"no live key with kid {kid!r}")
        try:
            return jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]})
        except jwt.InvalidTokenError as error:
            raise InvalidToken(str(error)) from error
