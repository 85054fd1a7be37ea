"""The JWT lab's challenges, against the naive verifier (vulnerable/naive_jwt.py).

Each one's goal is the same moment, seen by the naive server: its /admin welcomes `bob`, an
ordinary user, as an admin. What differs is how the token got there; the judge reads the
token's header to tell which attack it was. Each last step sends the very token that solved
it to the real /jwt/admin.
"""

from vulnerable.jwt_attacks import parts

from . import real
from .catalog import register
from .detect import judge

ADMIN = "`GET /vulnerable/jwt/admin` with `Authorization: Bearer <your token>`: the naive server's admin route."
SIGN_IN_AS_BOB = (
    '`POST /vulnerable/jwt/login` with JSON `{"username": "bob", "password": "thebuilder"}`: bob\'s own pair '
    "(his role is `user`)."
)


def bob_as_admin(claims):
    """The goal every JWT challenge shares: the naive /admin believes bob is an admin."""
    return isinstance(claims, dict) and claims.get("sub") == "bob" and claims.get("role") == "admin"


def real_admin(token):
    """The last step of a forged-token challenge: the same token at the real /jwt/admin."""
    return real.send("GET", "/jwt/admin", {"Authorization": f"Bearer {token}"})


register(
    id="jwt-alg-none",
    lab="jwt",
    title="Become admin with alg: none",
    level="apprentice",
    goal=(
        "Make the naive server's admin route welcome bob as an admin with a token that carries no signature "
        "at all: its header's `alg` says there is none to check."
    ),
    send=(SIGN_IN_AS_BOB, ADMIN),
    hints=(
        "A JWT is three base64url parts joined by dots: header, payload, signature. Decode bob's first two.",
        "The naive verifier reads `alg` from the token itself, and RFC 7519 defines one algorithm that means "
        '"unsecured".',
        "Change the payload's `role` to `admin` and the header's `alg` to `none`, re-encode both (base64url, "
        "no `=` padding) and keep the last dot, with nothing after it.",
    ),
    solution=(
        "Sign in as bob at `POST /vulnerable/jwt/login` and copy the `access_token`.",
        'Header: `{"alg": "none", "typ": "JWT"}`; payload: bob\'s, with `"role": "admin"`.',
        "Token: base64url(header) + `.` + base64url(payload) + `.` (an empty signature).",
        "`curl -H 'Authorization: Bearer <token>' -H 'Cookie: lab_player=...' "
        "http://localhost:8000/vulnerable/jwt/admin` answers `Welcome, admin!`.",
    ),
    lesson=(
        "The real verifier never lets a token choose its algorithm: only the algorithms of its own keys are "
        "allowed, and `none` is not one of them (RFC 8725 §3.1)."
    ),
    refused_by=("blueprints/jwt/checks.py", "allowed_algorithm"),
    real=real_admin,
)


@judge("naive_jwt.admin", "jwt-alg-none")
def unsigned_admin(player, token, claims):
    header = parts(token)[0]
    alg = header.get("alg") if isinstance(header, dict) else None
    if bob_as_admin(claims) and (not isinstance(alg, str) or alg.lower() == "none" or token.endswith(".")):
        return token
    return None
