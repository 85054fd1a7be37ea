"""OC-3: what makes an id_token count, written once for the dance and the attack bench.

flow.py's step 5 runs these checks on the provider's answer; vulnerable/oauth_attacks.py runs
the same `check_id_token` on forged tokens, so the bench shows this code refusing them.
"""

import json

import b64url

# id_token clock tolerance: the provider's clock and ours may differ a little (Google's).
ID_TOKEN_LEEWAY = 30


# The signature must verify against a key from the provider's JWKS, picked by the token's
# `kid`; then iss must be the pinned issuer, aud this client, exp in the future, and nonce
# this attempt's (a replayed token carries another). iss, aud and exp are essential: a token
# that leaves one out fails like one that gets it wrong.
def check_id_token(client, provider, token, nonce):
    """The id_token's claims, once its signature (by `kid`, from the JWKS) and claims hold."""
    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": client.client_id},
        "exp": {"essential": True},
    }
    return client.parse_id_token(token, nonce=nonce, claims_options=options, leeway=ID_TOKEN_LEEWAY)


def checks_in_words(header, client, provider):
    """What check_id_token verifies, in words, for the record of step 5."""
    return [
        ("signature", f"{header.get('alg')} with key {header.get('kid')} from {provider.label}'s JWKS"),
        ("iss", f"equals {provider.issuer} (pinned)"),
        ("aud", f"is this client, {client.client_id}"),
        ("exp", "is in the future"),
        ("nonce", "equals the nonce sent in step 1"),
    ]


def peek(jwt_text):
    """The header and payload of a JWT, decoded for display only (never trusted from here)."""
    try:
        return tuple(json.loads(b64url.decode(part)) for part in jwt_text.split(".")[:2])
    except (ValueError, AttributeError):
        return {}, {}
