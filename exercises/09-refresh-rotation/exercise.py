"""Exercise 9: refresh-token rotation with reuse detection (RFC 9700 §4.14.2). Fill in the TODO."""

import hashlib
import secrets
import time
from dataclasses import dataclass


class InvalidGrant(Exception):
    """The refresh token is refused (unknown, expired, revoked or reused): sign in again."""


class ReuseDetected(InvalidGrant):
    """A used refresh token came back: someone holds a copy. The whole family is revoked."""


@dataclass
class Record:
    user: str
    family: str  # every token descended from one sign-in shares this id
    expires_at: float
    used: bool = False
    revoked: bool = False


def fingerprint(token):
    """What the store keeps instead of the token: SHA-256, so a leaked store leaks no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshTokens:
    """Opaque refresh tokens, one family per sign-in; each use hands out the next token."""

    def __init__(self, lifetime=14 * 24 * 3600, clock=time.time):
        self.lifetime = lifetime
        self.clock = clock
        self.records = {}  # fingerprint -> Record

    def _issue(self, user, family):
        token = secrets.token_urlsafe(32)  # 256 random bits (RFC 6749 §10.10)
        self.records[fingerprint(token)] = Record(user, family, self.clock() + self.lifetime)
        return token

    def sign_in(self, user):
        """The first refresh token of a new family."""
        return self._issue(user, family=secrets.token_hex(8))

    def revoke_family(self, family):
        for record in self.records.values():
            if record.family == family:
                record.revoked = True

    def rotate(self, token):
        """Spend a refresh token: (user, next refresh token). Refuses unknown, expired, revoked, reused."""
        record = self.records.get(fingerprint(token)) if isinstance(token, str) else None
        if record is None:
            raise InvalidGrant("unknown refresh token")
        if record.revoked:
            raise InvalidGrant("refresh token revoked")
        # TODO(student): reuse detection. A refresh token may be spent only ONCE; a spent one
        # that comes back means someone holds a copy, and then no token of its sign-in may work
        # any more (raise ReuseDetected).
        if self.clock() >= record.expires_at:
            raise InvalidGrant("refresh token expired")
        return record.user, self._issue(record.user, record.family)
