"""Password hashing (PW-1) and the sign-up password policy (PW-2)."""

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane. Memory
# hardness is what makes a GPU guessing farm expensive.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# A hash of a password nobody has: verified against when the user does not exist, so an
# unknown user costs the same time as a wrong password (PW-3: no user enumeration).
DUMMY_HASH = hasher.hash("no such user: this hash only burns the same time")

MIN_LENGTH = 8
MAX_LENGTH = 128  # generous (PW-2 asks >= 64), and a bound on the hashing work per request

# Passwords every guessing list starts with. Sign-up refuses them (PW-2, NIST 800-63B).
COMMON_PASSWORDS = frozenset(
    line.strip().lower()
    for line in (Path(__file__).parent / "data" / "common-passwords.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


def hash_password(password):
    return hasher.hash(password)


def verify_password(stored_hash, password):
    """True when password matches; always spends one Argon2 verification."""
    try:
        return hasher.verify(stored_hash or DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password, username=""):
    """The reasons a sign-up password is refused (empty when it is acceptable).

    Any character is allowed, spaces and emoji included, and nothing is truncated: length
    is counted in characters, and the whole string is hashed.
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("This password is on every attacker's list of common passwords.")
    if username and password.lower() == username.lower():
        problems.append("The password must not be the username.")
    return problems
