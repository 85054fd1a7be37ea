"""Another party's token in the inspector: why refusing it is right, in words.

The OAuth lab sends its id_token here ("Open this id_token in the JWT lab's inspector"), and the
verifier refuses it at the `kid`. That refusal is the lesson, not a fault: the id_token comes
from another issuer, names another audience and is signed with another key, and an API that
accepted it would let anybody holding a user's id_token call the API as that user. The page
says so beside the verdict, with the token's own values, so the refusal reads as the defence.

The inspector only says what it sees: nothing here decides whether a token is accepted (the
checks of checks.py do, and the verifier has the last word).
"""

import json

from flask import current_app

from . import checks, keys

SHOWN_KID = 128  # characters of a `kid` shown whole; the provider's (RFC 7638 thumbprints) are 43


def kid_words(header):
    """How the header names its key, whole: the `kid` is the first thing to compare with the keyring."""
    kid = header.get("kid") if isinstance(header, dict) else None
    if kid is None:
        return "the header names no key (no kid)"
    if not isinstance(kid, str):
        return f"the header's kid is a JSON {type(kid).__name__}, not a string"
    if len(kid) > SHOWN_KID:
        return f"the header asks for kid {kid[:SHOWN_KID]!r}… ({len(kid)} characters)"
    return f"the header asks for kid {kid!r}"


def audience_words(aud):
    if aud is None:
        return "no aud"
    return f"aud {aud[:120]!r}" if isinstance(aud, str) else f"aud {json.dumps(aud)[:120]}"


def is_foreign(header, payload):
    """Whether the (unverified) token names an issuer other than this app.

    The provider's access tokens (at+jwt) are not foreign here: this API accepts them, by rules
    of their own (provider_tokens.py).
    """
    if not isinstance(header, dict) or not isinstance(payload, dict) or checks.is_provider_access_token(header):
        return False
    issuer = payload.get("iss")
    return isinstance(issuer, str) and issuer != current_app.config["JWT_DECODE_ISSUER"]


def lesson(header, payload, accepted):
    """Why a refused token of another issuer is refused, point by point; None for any other token.

    Each point compares what the token says (read without trust) with what this API expects.
    """
    if accepted or not is_foreign(header, payload):
        return None
    config = current_app.config
    issuer, audience = payload.get("iss"), payload.get("aud")
    from_provider = issuer == config["PROVIDER_URL"]
    who = "the built-in provider" if from_provider else "another party"
    ring = ", ".join(key.kid for key in keys.all_keys() if key.retired_at is None) or "no live key"
    client_id = config.get("BUILTIN_CLIENT_ID")
    for_client = client_id is not None and client_id in (audience if isinstance(audience, list) else [audience])
    points = [
        f"Another issuer: iss {issuer[:120]!r} is {who}, not this app ({config['JWT_DECODE_ISSUER']!r}). "
        "This API trusts the tokens of one issuer, its own (JWT-4).",
        f"Another audience: {audience_words(audience)}"
        + (
            f" is the client id of this app's OAuth client ({client_id}): an id_token is addressed to the"
            " client that asked for the sign-in, never to an API"
            if for_client
            else ", not this API"
        )
        + f". This API accepts aud {config['JWT_DECODE_AUDIENCE']!r} only.",
        f"Another key: {kid_words(header)}, and this app's keyring holds {ring}, no other"
        + (": the provider's keys are in its own JWKS, for its own clients" if from_provider else "")
        + ". The verifier stops there: a token may pick one of our keys, never bring its own.",
        "Why it matters: an id_token tells a client who signed in. Were an API to accept it as a"
        " credential, any app that received a user's id_token could call the API as that user;"
        " so each kind of token has its own issuer, audience and keys, and one kind is never"
        " accepted where another is expected (RFC 8725 §3.9 and §3.12; OpenID Connect Core §2).",
    ]
    title = (
        "This refusal is the lesson: the JWT lab refuses the provider's id_token on purpose"
        if from_provider
        else "This refusal is the lesson: the JWT lab refuses another issuer's token on purpose"
    )
    return {"title": title, "points": points}
