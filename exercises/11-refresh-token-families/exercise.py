"""Exercise 11: a provider's refresh-token store, rotated, with reuse detection. Write the class."""

import hashlib
import secrets
import time
from dataclasses import dataclass


class InvalidGrant(Exception):
    """The refresh token is refused: the client must send its user to sign in again (RFC 6749 §5.2)."""


class ReuseDetected(InvalidGrant):
    """A refresh token that was already spent came back: someone holds a copy. Its family is revoked."""


class RefreshTokenStore:
    """Opaque refresh tokens of an OAuth provider, rotated at every use (RFC 9700 §4.14.2).

    The contract; check.py tests every line of it:

    - sign_in(user) starts a new family (one per sign-in) and returns its first refresh token:
      a str of at least 256 random bits, URL-safe.
    - refresh(token) spends the token and returns (user, next token), the next one of the same
      family.
    - A token works once. A spent token presented again raises ReuseDetected and revokes its
      family: from then on every token of that sign-in, the newest included, raises InvalidGrant.
      Other families, the same user's other sign-ins included, carry on.
    - A spent token that comes back after it has expired is reuse all the same (ReuseDetected):
      expiry does not launder a stolen copy.
    - A token issued at time t works while clock() < t + idle. A family started at time s works
      while clock() < s + absolute, however often it is refreshed: refreshing never extends it.
    - sign_out(user) revokes every family of that user (sign out everywhere), and no one else's.
    - Anything that is not a live token (unknown strings, None, numbers, bytes, a revoked or
      expired token) raises InvalidGrant, never any other exception.
    - The store keeps no usable token: nothing it holds (a backup, a leaked database) works
      as a refresh token.
    - Time is self.clock() (seconds, a float); never read another clock.
    """

    def __init__(self, *, idle=14 * 24 * 3600, absolute=90 * 24 * 3600, clock=time.time):
        self.idle = idle
        self.absolute = absolute
        self.clock = clock
        # TODO(student): the whole store is yours to design and write: these attributes, and
        # the three methods below.

    def sign_in(self, user):
        """Start a family for this sign-in: its first refresh token."""
        raise NotImplementedError("exercise 11: sign_in is yours to write")

    def refresh(self, token):
        """Spend a refresh token: (user, next refresh token); InvalidGrant or ReuseDetected otherwise."""
        raise NotImplementedError("exercise 11: refresh is yours to write")

    def sign_out(self, user):
        """Revoke every family of this user."""
        raise NotImplementedError("exercise 11: sign_out is yours to write")
