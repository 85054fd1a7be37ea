"""OC-3: what makes an id_token count, written once for the dance and the attack bench.

flow.py's step 5 runs these checks on the provider's answer; vulnerable/oauth_attacks.py runs
the same `check_id_token` on forged tokens, so the bench shows this code refusing them.
"""

import hashlib
import hmac
import json
import time

from authlib.oidc.core import CodeIDToken

import b64url

# id_token clock tolerance: the provider's clock and ours may differ a little (Google's).
ID_TOKEN_LEEWAY = 30
# The tolerance for auth_time is smaller: 30 s would let a provider skip the re-authentication
# of a step-up for any sign-in less than half a minute old.
AUTH_TIME_LEEWAY = 5


# The signature must verify against a key from the provider's JWKS, picked by the token's
# `kid`; then iss must be the pinned issuer, aud this client, exp in the future, and nonce
# this attempt's (a replayed token carries another). iss, aud and exp are essential: a token
# that leaves one out fails like one that gets it wrong. The issuer is compared exactly as
# configured, a trailing "/" and all (OIDC Core §3.1.3.7 item 2: "MUST exactly match").
# Then the two checks that tie the token to this exchange: at_hash and, when max_age was
# asked, auth_time.
def check_id_token(client, provider, token, nonce, max_age=None, now=None):
    """The id_token's claims, once its signature (by `kid`, from the JWKS) and claims hold."""
    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": client.client_id},
        "exp": {"essential": True},
    }
    # claims_cls given: authlib then leaves at_hash to check_at_hash below, the one place the
    # rule is written (and the page can show the two values it compared).
    only_the_token = {"id_token": token["id_token"]}
    claims = client.parse_id_token(
        only_the_token, nonce=nonce, claims_options=options, claims_cls=CodeIDToken, leeway=ID_TOKEN_LEEWAY
    )
    # The header is the signed (protected) one, so once the signature holds its alg is the provider's.
    header, _ = peek(token["id_token"])
    check_at_hash(claims.get("at_hash"), token.get("access_token"), header.get("alg"))
    check_auth_time(claims.get("auth_time"), max_age, now)
    return claims


# OIDC Core §3.1.3.8 (and §3.2.2.9): at_hash is the base64url of the left half of the hash of
# the access token, with the hash of the id_token's own alg (RS256 and ES256: SHA-256; ES384:
# SHA-384). It ties the access token to the signed id_token: a token response whose access
# token was swapped on the way (token substitution) no longer matches. Optional in the code
# flow, so absent is fine; present, it must match, and an alg whose hash is unknown here is
# refused rather than waved through.
HASH_OF_ALG = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


def at_hash_of(access_token, alg):
    """The at_hash an id_token signed with `alg` must carry for this access token, or None."""
    alg = str(alg or "")
    if alg in {"EdDSA", "Ed25519"}:  # Ed25519 signs with SHA-512 inside: its hash (RFC 8037)
        digest = hashlib.sha512
    elif alg[:2] in {"RS", "PS", "ES", "HS"} and alg[2:] in HASH_OF_ALG:
        digest = HASH_OF_ALG[alg[2:]]
    else:
        return None
    full = digest(access_token.encode("ascii", "replace")).digest()
    return b64url.encode(full[: len(full) // 2])


def check_at_hash(at_hash, access_token, alg):
    if at_hash is None:
        return
    expected = at_hash_of(access_token or "", alg)
    if expected is None:
        raise ValueError(f"at_hash present, but {alg!r} names no hash this client knows: refused")
    if not isinstance(at_hash, str) or not hmac.compare_digest(expected, at_hash):
        raise ValueError(
            f"at_hash is {at_hash!r}, but the access token received hashes to {expected!r} with {alg}: "
            "it is not the access token this id_token was issued with (OIDC Core §3.1.3.8)"
        )


# OIDC Core §3.1.2.1: with max_age the id_token MUST carry auth_time, and the client checks
# that the sign-in is no older than max_age (§3.1.3.7 item 13): a provider that skipped the
# re-authentication a step-up asked for is caught here, not believed.
def check_auth_time(auth_time, max_age, now=None):
    if max_age is None:
        return
    if isinstance(auth_time, bool) or not isinstance(auth_time, int | float):
        raise ValueError("max_age was asked, but the id_token carries no auth_time (OIDC Core §3.1.2.1)")
    age = (now or time.time()) - auth_time
    if age > max_age + AUTH_TIME_LEEWAY:
        raise ValueError(
            f"the sign-in is {int(age)} s old, more than the max_age of {max_age} s asked for: "
            "the provider did not re-authenticate you (OIDC Core §3.1.2.1)"
        )


def checks_in_words(header, client, provider, payload=None, access_token=None, max_age=None):
    """What check_id_token verifies, in words, for the record of step 5."""
    payload = payload or {}
    checks = [
        ("signature", f"{header.get('alg')} with key {header.get('kid')} from {provider.label}'s JWKS"),
        ("iss", f"equals {provider.issuer} exactly (pinned)"),
        ("aud", f"is this client, {client.client_id}"),
        ("exp", "is in the future"),
        ("nonce", "equals the nonce sent in step 1"),
    ]
    if "at_hash" in payload:
        computed = at_hash_of(access_token or "", header.get("alg"))
        checks.append(
            (
                "at_hash",
                f"equals the left half of the {header.get('alg')} hash of the access token received in step 4, "
                f"base64url: {computed} (OIDC Core §3.1.3.8)",
            )
        )
    else:
        checks.append(("at_hash", "not in this id_token: optional in the code flow, nothing to compare"))
    if max_age is not None:
        checks.append(("auth_time", f"is no more than max_age={max_age} s ago (OIDC Core §3.1.2.1)"))
    return checks


def peek(jwt_text):
    """The header and payload of a JWT, decoded for display only (never trusted from here)."""
    try:
        return tuple(json.loads(b64url.decode(part)) for part in jwt_text.split(".")[:2])
    except (ValueError, AttributeError):
        return {}, {}
