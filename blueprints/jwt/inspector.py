"""The token inspector: a token decoded without trusting it, then every check with its verdict.

jwt.io decodes a token; this shows what a server decides about it, in the order it decides.
Reading a header or payload needs no key at all (it is only base64url), which is the first
lesson: a JWT is signed, not encrypted. Nothing read before the signature check is trusted:
when the signature fails, the checks of the claims are shown as not run.
"""

import base64
import binascii
import json
import time

import jwt as pyjwt
from flask import current_app

from . import keys, tokens

MAX_TOKEN = tokens.MAX_TOKEN


def b64url_json(segment):
    """(decoded JSON object, None) or (None, why not): never raises."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None, "not base64url"
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "not JSON"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    return value, None


def verdict(name, passed, detail):
    return {"check": name, "verdict": "pass" if passed else "fail", "detail": detail}


def not_run(name, why):
    return {"check": name, "verdict": "skip", "detail": why}


def inspect(token):
    """Decode `token` as far as it goes and run each check; a dict ready for JSON."""
    token = token.strip() if isinstance(token, str) else ""
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    result = {"token": token[:MAX_TOKEN], "parts": [], "header": None, "payload": None, "checks": []}
    checks = result["checks"]
    names = ("structure", "algorithm", "key", "signature", "expiry", "issuer and audience", "type", "revocation")

    # 1. Structure: header.payload.signature, the first two base64url-encoded JSON objects.
    parts = token.split(".") if token else []
    result["parts"] = parts[:3] if len(parts) == 3 else []
    header = payload = None
    problems = []
    if len(token) > MAX_TOKEN:
        problems.append(f"longer than {MAX_TOKEN} characters")
    elif len(parts) != 3:
        problems.append(f"{len(parts)} part(s) separated by dots, not 3")
    else:
        header, why = b64url_json(parts[0])
        if why:
            problems.append(f"header is {why}")
        payload, why = b64url_json(parts[1])
        if why:
            problems.append(f"payload is {why}")
    result["header"], result["payload"] = header, payload
    checks.append(verdict(names[0], not problems, "; ".join(problems) or "three parts; header and payload are JSON"))
    if problems:
        checks.extend(not_run(n, "not run: the token is not well formed") for n in names[1:])
        return finish(result, token)

    # 2. Algorithm: one of ours, and no key offered by the token itself.
    alg = header.get("alg")
    offered = [name for name in tokens.KEY_NAMING_HEADERS if name in header]
    if offered:
        checks.append(
            verdict(names[1], False, f"the header offers a key ({', '.join(offered)}): refused, never fetched")
        )
    else:
        allowed = alg in keys.ALGORITHMS
        checks.append(verdict(names[1], allowed, f"alg {alg!r} " + ("is allowed" if allowed else "is not allowed")))

    # 3. Key: the `kid` names a live key of our keyring, made for this very algorithm.
    key = keys.find(header.get("kid"))
    if key is None:
        checks.append(
            verdict(names[2], False, f"no key with kid {str(header.get('kid'))[:40]!r} (unknown keys are refused)")
        )
    elif key.retired_at is not None:
        checks.append(verdict(names[2], False, f"key {key.kid} was retired: its tokens are refused"))
    elif key.alg != alg:
        checks.append(verdict(names[2], False, f"key {key.kid} is {key.alg}; the token says {alg}"))
    else:
        checks.append(verdict(names[2], True, f"key {key.kid} ({key.alg})"))
    if any(c["verdict"] == "fail" for c in checks):
        checks.extend(not_run(n, "not run: no key of ours may verify this token") for n in names[3:])
        return finish(result, token)

    # 4. Signature, before any claim is believed.
    try:
        pyjwt.api_jws.decode_complete(token, keys.verification_material(key), algorithms=[key.alg])
        checks.append(verdict(names[3], True, f"valid {key.alg} signature by key {key.kid}"))
    except pyjwt.PyJWTError as exc:
        checks.append(verdict(names[3], False, str(exc)))
        checks.extend(not_run(n, "not run: the signature failed, so no claim can be trusted") for n in names[4:])
        return finish(result, token)

    # 5-8. The claims, now that they are known to be ours.
    now = time.time()
    exp, nbf = payload.get("exp"), payload.get("nbf")
    if not isinstance(exp, int | float):
        checks.append(verdict(names[4], False, "no exp claim: a token must expire"))
    elif exp <= now:
        checks.append(verdict(names[4], False, f"expired {int(now - exp)} s ago (no leeway)"))
    elif isinstance(nbf, int | float) and nbf > now:
        checks.append(verdict(names[4], False, "not valid yet (nbf)"))
    else:
        checks.append(verdict(names[4], True, f"expires in {int(exp - now)} s"))
    config = current_app.config
    iss_ok = payload.get("iss") == config["JWT_DECODE_ISSUER"]
    aud = payload.get("aud")
    aud_ok = aud == config["JWT_DECODE_AUDIENCE"] or (isinstance(aud, list) and config["JWT_DECODE_AUDIENCE"] in aud)
    checks.append(
        verdict(
            names[5],
            iss_ok and aud_ok,
            f"iss {payload.get('iss')!r} {'=' if iss_ok else '≠'} {config['JWT_DECODE_ISSUER']!r}; "
            f"aud {aud!r} {'matches' if aud_ok else 'does not match'} {config['JWT_DECODE_AUDIENCE']!r}",
        )
    )
    kind = payload.get("type")
    checks.append(
        verdict(
            names[6],
            kind in tokens.TOKEN_TYPES,
            f"{kind} token: accepted only where {'an' if kind == 'access' else 'a'} {kind} token is expected"
            if kind in tokens.TOKEN_TYPES
            else f"type {kind!r} is not a token kind of this API",
        )
    )
    reason = tokens.revocation_reason(payload) if str(payload.get("sub", "")).isdigit() else "no user id in sub"
    checks.append(
        verdict(names[7], reason is None, reason or "not on the blocklist; issued after the last password change")
    )
    return finish(result, token)


def finish(result, token):
    """The final word comes from the real verifier (tokens.check), so the two never disagree."""
    try:
        claims = tokens.check(token)
        result["accepted"], result["reason"] = True, f"a valid {claims['type']} token, not revoked"
    except tokens.REFUSALS as exc:
        result["accepted"], result["reason"] = False, str(exc) or type(exc).__name__
    return result
