"""Exercise 11, reference solution: a provider's refresh-token store, rotated, with reuse detection."""

import hashlib
import secrets
import time
from dataclasses import dataclass


class InvalidGrant(Exception):
    """The refresh token is refused: the client must send its user to sign in again (RFC 6749 §5.2)."""


class ReuseDetected(InvalidGrant):
    """A refresh token that was already spent came back: someone holds a copy. Its family is revoked."""


@dataclass
class Family:
    """One sign-in: every refresh token descended from it shares its fate and its absolute deadline."""

    user: str
    started: float
    revoked: bool = False


@dataclass
class Token:
    family: str  # the family's id
    issued: float
    spent: bool = False


def fingerprint(token):
    """What the store keeps instead of a token. SHA-256 is enough: tokens are 256 random bits."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class RefreshTokenStore:
    """Opaque refresh tokens of an OAuth provider, rotated at every use (RFC 9700 §4.14.2)."""

    def __init__(self, *, idle=14 * 24 * 3600, absolute=90 * 24 * 3600, clock=time.time):
        self.idle = idle
        self.absolute = absolute
        self.clock = clock
        self.families = {}  # family id -> Family
        self.tokens = {}  # fingerprint -> Token; the token itself is never stored
        # INSTRUCTOR: the design question is where each rule lives. Revocation and the absolute
        # deadline belong to the family (one flag ends every token, issued or yet to be);
        # single use and the idle deadline belong to each token.

    def _issue(self, family_id):
        token = secrets.token_urlsafe(32)  # 256 random bits (RFC 6749 §10.10)
        self.tokens[fingerprint(token)] = Token(family_id, self.clock())
        return token

    def sign_in(self, user):
        """Start a family for this sign-in: its first refresh token."""
        family_id = secrets.token_hex(16)
        self.families[family_id] = Family(user, self.clock())
        return self._issue(family_id)

    def refresh(self, token):
        """Spend a refresh token: (user, next refresh token); InvalidGrant or ReuseDetected otherwise."""
        # Tokens are ASCII: anything else (bytes, numbers, a lone surrogate) is simply unknown,
        # refused before it reaches the hash, which would raise on it.
        record = self.tokens.get(fingerprint(token)) if isinstance(token, str) and token.isascii() else None
        if record is None:
            raise InvalidGrant("unknown refresh token")
        family = self.families[record.family]
        # Reuse first, before revocation and expiry: a spent token that comes back means a copy
        # exists, whatever has happened since. The server cannot tell the user from the thief,
        # so the whole family ends, the thief's newest token with it.
        # INSTRUCTOR: the usual mistakes: refusing the replayed token but leaving the family
        # alive; checking expiry first (a thief who waits is never detected); marking the token
        # spent after issuing the next one.
        if record.spent:
            family.revoked = True
            raise ReuseDetected("refresh token reused: every token of this sign-in is revoked")
        if family.revoked:
            raise InvalidGrant("refresh token revoked")
        now = self.clock()
        if now >= record.issued + self.idle:
            raise InvalidGrant("refresh token expired")
        # The absolute deadline is the sign-in's, so rotating can never stretch a session for ever.
        if now >= family.started + self.absolute:
            raise InvalidGrant("sign-in too old: sign in again")
        record.spent = True
        return family.user, self._issue(record.family)

    def sign_out(self, user):
        """Revoke every family of this user."""
        for family in self.families.values():
            if family.user == user:
                family.revoked = True
