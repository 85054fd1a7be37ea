"""The token workbench: jwt.io's edit, sign and verify, and then what this app's verifier decides.

jwt.io teaches that a token is two JSON objects and a signature anyone can check with the right
key. This page adds the rest of the lesson: a signature that verifies with *your* key is one
check of many. The verifier here checks the signature with its own keys, then its own rules
(the algorithm allow-list, `typ`, `iss`, `aud`, `exp`, revocation...). The workbench runs those
very rules (checks.py, in the inspector's list), each on its own, so a forged token shows which
of them it meets, and the app's own verdict (inspector.finish) shows that the key still decides.

Keys come from the request only (workbench_keysets.py: never from a URL), and none is kept.
"""

import json
import time

import jwt as pyjwt
from flask import jsonify, render_template

import b64url
from bodies import json_object, too_deep
from errors import error_response

from . import bp, inspector
from .checks import MAX_TOKEN, TokenRefused
from .workbench_keys import ALGORITHMS, BadKey, generate, weaknesses
from .workbench_keysets import read, signing_key

ALGORITHM_OBJECTS = pyjwt.algorithms.get_default_algorithms()
# The app's rules that need its own key: the workbench shows yours in their place, and the
# app's own verdict (with its own keys) apart.
OWN_KEY_RULES = ("key", "signature")
# Rules that ask the store (the blocklist, the user's last password change). The verifier asks
# only about a token its own key signed that met every other rule, and so does the workbench:
# a token signed with a student's key learns nothing of this app's users or revocations.
STORE_RULES = ("revocation", "user")


@bp.errorhandler(BadKey)
def bad_key(exc):
    return error_response(400, str(exc), "Nothing was signed or verified, and no key was kept.")


@bp.get("/workbench")
def workbench():
    """The workbench page, with a token to start from (the example header and payload)."""
    now = int(time.time())
    example = {
        "header": {"alg": "HS256", "typ": "JWT"},
        "payload": {"sub": "42", "name": "Ada", "role": "user", "iat": now, "exp": now + 300},
    }
    return render_template("jwt/workbench.html", example=example, algorithms=list(ALGORITHMS))


@bp.post("/workbench/keys")
def workbench_key():
    """A new key for {"alg": ...}: made for this answer, kept nowhere."""
    alg = json_object().get("alg")
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        raise BadKey(f"alg must be one of {', '.join(ALGORITHMS)}")
    return jsonify(generate(alg))


# ### Signing: the header and payload exactly as written, with the request's key


def segment(value):
    return b64url.encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


@bp.post("/workbench/sign")
def workbench_sign():
    """{"header", "payload", "key"} -> the token, signed with header.alg and that key."""
    data = json_object()
    header, payload = data.get("header"), data.get("payload")
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise BadKey('send {"header": {...}, "payload": {...}, "key": {...}}: header and payload are JSON objects')
    alg = header.get("alg")
    if alg == "none":
        raise BadKey("alg none means no signature at all: every verifier must refuse it (RFC 8725 §3.1)")
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        raise BadKey(f"header.alg names the algorithm: one of {', '.join(ALGORITHMS)}")
    key = signing_key(data.get("key"), alg)
    signing_input = f"{segment(header)}.{segment(payload)}"
    algorithm = ALGORITHM_OBJECTS[alg]
    try:
        signature = algorithm.sign(signing_input.encode(), algorithm.prepare_key(key.material))
    except pyjwt.InvalidKeyError as exc:  # a PEM pasted as an HMAC secret (algorithm confusion)
        raise BadKey(f"{key.label}: {exc}") from exc
    token = f"{signing_input}.{b64url.encode(signature)}"
    if len(token) > MAX_TOKEN:
        raise BadKey(f"the token would be {len(token)} characters; no verifier here reads more than {MAX_TOKEN}")
    return jsonify(token=token, alg=alg, key=key.label, warnings=weaknesses(key, alg))


# ### Verifying: the signature with your key, then the app's rules, then the app's verdict


def signature_checks(token, header, source):
    """The checks the signature needs, in order: the token's shape, its alg, a key, the bytes."""
    chosen = {}

    def algorithm():
        if not isinstance(header.get("alg"), str) or header["alg"] not in ALGORITHMS:
            alg = str(header.get("alg"))[:20]
            raise TokenRefused(f"alg {alg!r}: this verifier knows {', '.join(ALGORITHMS)} (and never none)")
        return f"alg {header['alg']!r}"

    def key():
        chosen["key"] = source.select(header)
        return chosen["key"].label

    def signature():
        algorithm = ALGORITHM_OBJECTS[header["alg"]]
        signing_input, _, encoded = token.rpartition(".")
        try:
            valid = algorithm.verify(
                signing_input.encode(), algorithm.prepare_key(chosen["key"].public()), b64url.decode(encoded)
            )
        except (pyjwt.InvalidKeyError, ValueError) as exc:
            raise TokenRefused(f"{chosen['key'].label}: {exc}") from exc
        if not valid:
            raise TokenRefused(f"Signature verification failed: {chosen['key'].label} did not sign these bytes")
        return f"valid {header['alg']} signature by {chosen['key'].label}"

    return [
        ("structure", lambda: inspector.structure(token)),
        ("algorithm", algorithm),
        ("key", key),
        ("signature", signature),
    ]


def app_rules(token, header, claims):
    """The app's own rules, each run on its own; the store's only for a token the app signed."""
    named = inspector.rules(token, header, claims)
    own_key = [(name, rule) for name, rule in named if name in OWN_KEY_RULES]
    all_met = all(verdict["verdict"] == "pass" for verdict in inspector.run(own_key))
    results = []
    for name, rule in named:
        if name in OWN_KEY_RULES:
            continue
        if name in STORE_RULES and not all_met:
            why = "the store is asked only about a token signed with this app's key that met every other rule"
            results.append({"check": name, "verdict": "skip", "detail": f"not run: {why}"})
            continue
        (verdict,) = inspector.run([(name, rule)])
        all_met = all_met and verdict["verdict"] == "pass"
        results.append(verdict)
    return results


def decoded(token):
    """(parts, header, payload) for display; header and payload None when not JSON objects."""
    parts = token.split(".")
    if len(parts) != 3:
        return parts, None, None
    for part in parts[:2]:
        try:
            text = b64url.decode(part).decode("utf-8")
        except ValueError:
            continue
        if too_deep(text):
            raise BadKey("the token's header or payload nests deeper than any token needs")
    return parts, inspector.b64url_json(parts[0])[0], inspector.b64url_json(parts[1])[0]


@bp.post("/workbench/verify")
def workbench_verify():
    """{"token", "key"} -> each check with its verdict, and what this app's verifier decides."""
    data = json_object()
    token = data.get("token")
    if not isinstance(token, str) or not token.strip():
        raise BadKey('send {"token": "<a JWT>", "key": {...}}')
    token = token.strip().removeprefix("Bearer ").strip()
    if len(token) > MAX_TOKEN:
        raise BadKey(f"the token is {len(token)} characters; no verifier here reads more than {MAX_TOKEN}")
    source = read(data.get("key"), signing=False)
    parts, header, payload = decoded(token)
    signature = inspector.run(signature_checks(token, header, source))
    valid = all(check["verdict"] == "pass" for check in signature)
    if header is None or payload is None:
        rules = [{"check": "rules", "verdict": "skip", "detail": "not run: the token is not a JWT"}]
    else:
        rules = app_rules(token, header, payload)
    verdict = {}
    inspector.finish(verdict, token)
    return jsonify(
        token=token,
        parts=parts if len(parts) == 3 else [],
        header=header,
        payload=payload,
        signature={"valid": valid, "checks": signature, "key": source.label},
        rules=rules,
        app={"accepted": verdict["accepted"], "reason": verdict["reason"]},
    )
