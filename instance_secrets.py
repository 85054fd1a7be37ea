"""The instance's own secrets: generated for development, judged for production (JWT-2, HDR-5).

Development needs no set-up: at first start the app writes 256-bit secrets into a 0600 file in
its instance folder and reads them back on every start after. Production never generates one
(config_loader.load_secrets); it refuses to start with a secret that is missing, a known
default, or patterned (`secret_problem`, asked by config_loader.refuse_unsafe_production).

Not named `secrets.py`: that would shadow the standard library's `secrets` for every module.
"""

import json
import math
import os
import secrets
import zlib
from collections import Counter
from itertools import pairwise
from pathlib import Path

import storage

# Values that must never reach production: the article's placeholders and .env.example's.
KNOWN_BAD_SECRETS = {
    "",
    "YOUR_STRONG_SECRET_KEY",
    "SESSION_SECRET_KEY",
    "YOUR_CLIENT_SECRET",
    "change-me",
    "dev",
    "secret",
}

# HDR-5: a production secret must be random, not merely long: 32 × "a" is 32 characters and no
# secret at all. The estimate below (estimated_bits) gives a generated 256-bit secret
# (secrets.token_urlsafe(32) or token_hex(32)) 180 to 250 bits: 43 random characters cannot show
# all 64 symbols evenly, so the estimate reads low, never below 160 in practice (ten standard
# deviations under the mean). Patterns people type score far lower.
MIN_ESTIMATED_BITS = 160


class NotWritten(OSError):
    """The secrets file could not be made (a full disk, a read-only folder)."""


def read_or_create_secrets(path, names):
    """Load development secrets from a 0600 JSON file, generating it on first run.

    The file is written aside and hard-linked into place, which fails if it already exists:
    when the app and its replica start together, the loser reads what the winner wrote.
    """
    path = Path(path)
    if not path.exists():
        try:
            write_new_secrets(path, names)
        except OSError as exc:
            raise NotWritten(exc.errno, exc.strerror) from exc
    return json.loads(path.read_text())


def write_new_secrets(path, names):
    storage.private_folder(path.parent)
    values = {name: generate_secret(name) for name in names}
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(values, fh, indent=2)
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process finished first: its values stand
    finally:
        tmp.unlink(missing_ok=True)


def generate_secret(_name):
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


# -- HDR-5: how random a secret looks -------------------------------------------------------


def secret_problem(name, value):
    """Why `value` will not do as the production secret `name`, or None (HDR-5)."""
    if value in KNOWN_BAD_SECRETS:
        return f"{name} is missing or a known default"
    if len(value) < 32:
        return f"{name} is shorter than 32 characters (need >= 256 bits)"
    if estimated_bits(value) < MIN_ESTIMATED_BITS:
        return (
            f"{name} has a pattern (repeats, a sequence, few distinct characters), not 256 random bits: "
            'generate one with python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return None


def shannon_bits(symbols):
    """Shannon's entropy per symbol of a sequence, from how often each symbol occurs in it."""
    n = len(symbols)
    return -sum(count / n * math.log2(count / n) for count in Counter(symbols).values()) if n else 0.0


def repeats_removed(text):
    """How many characters of `text` are left once repeated stretches are squeezed out.

    Deflate with its fixed codes stores each new character in about a byte and each repetition
    of an earlier stretch in two or three: what it saves was never random.
    """
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_FIXED)
    return min(len(text), len(squeezer.compress(text.encode("utf-8", "replace")) + squeezer.flush()))


def estimated_bits(secret):
    """A generous estimate, from its characters alone, of how many random bits a secret holds.

    The lower of two readings, each blind to one pattern the other sees:
    - the characters: how evenly they are spread ('aaaa…' carries 0 bits a character, 'abab…'
      1), counted over the characters left once repeats are squeezed out ('0123456789abcdef'
      four times, or a word over and over, count once);
    - the steps from one character to the next: a sequence ('abcdef…', '98765…') takes the
      same step each time, which the characters alone would count as random.
    An estimate cannot prove a secret random; it refuses the patterns people type.
    """
    steps = [ord(b) - ord(a) for a, b in pairwise(secret)]
    by_characters = shannon_bits(secret) * repeats_removed(secret)
    by_steps = shannon_bits(steps) * len(steps)
    return min(by_characters, by_steps)
