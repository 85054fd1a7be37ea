"""The token inspector: a token decoded without trusting it, then every check with its verdict.

jwt.io decodes a token; this shows what a server decides about it, in the order it decides.
Reading a header or payload needs no key at all (it is only base64url), which is the first
lesson: a JWT is signed, not encrypted. The checks are the verifier's own rules (checks.py), run
in the verifier's order: after the first that fails, the rest are shown as not run, since the
verifier never runs them (nothing read before the signature check is trusted).
"""

import json

import b64url

from . import checks, foreign, provider_tokens, tokens
from .checks import MAX_TOKEN


def b64url_json(segment):
    """(decoded JSON object, None) or (None, why not): never raises."""
    try:
        raw = b64url.decode(segment)
    except ValueError:
        return None, "not base64url"
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "not JSON"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    return value, None


def structure(token):
    """header.payload.signature, the first two base64url-encoded JSON objects."""
    parts = token.split(".") if token else []
    if len(token) > MAX_TOKEN:
        raise checks.TokenRefused(f"longer than {MAX_TOKEN} characters")
    if len(parts) != 3:
        raise checks.TokenRefused(f"{len(parts)} part(s) separated by dots, not 3")
    decoded = {"header": b64url_json(parts[0]), "payload": b64url_json(parts[1])}
    problems = [f"{name} is {why}" for name, (_, why) in decoded.items() if why]
    if problems:
        raise checks.TokenRefused("; ".join(problems))
    return "three parts; header and payload are JSON"


def rules(token, header, claims):
    """Every rule the verifier applies, by name, in the order it applies them.

    The header's `typ` says which verifier: the provider's access token (at+jwt, RFC 9068) has
    rules of its own (provider_tokens.py); every other token is checked as one of this app's.
    """
    if checks.is_provider_access_token(header):
        return provider_tokens.rules(token, header, claims)
    return [
        ("key offered", lambda: checks.no_key_offered(header)),
        ("kind", lambda: checks.own_token_type(header)),
        ("algorithm", lambda: checks.allowed_algorithm(header)),
        ("key", lambda: checks.known_key(header)),
        ("required claims", lambda: checks.required_claims(claims)),
        ("signature", lambda: checks.valid_signature(token, header)),
        ("expiry", lambda: checks.in_force(claims)),
        ("issuer", lambda: checks.issuer(claims)),
        ("audience", lambda: checks.audience(claims)),
        ("type", lambda: checks.token_type(claims)),
        ("subject", lambda: checks.subject(claims)),
        ("role", lambda: checks.role(claims)),
        ("revocation", lambda: checks.not_on_blocklist(claims)),
        ("user", lambda: checks.user_still_valid(claims)),
    ]


# The verifier's reason for a key it does not hold is short ("unknown key id (kid)"), and it is
# the 401's text too. The inspector adds which key the token asked for, whole: a `kid` cut short
# or left out hides the one value a student needs to compare with the keyring (and the JWKS).
def naming_the_kid(rule, header):
    """The key rule, its verdict naming the header's whole `kid` when the verdict does not."""

    def run():
        kid = header.get("kid") if isinstance(header, dict) else None
        try:
            detail = rule()
        except checks.TokenRefused as exc:
            raise checks.TokenRefused(f"{exc}: {foreign.kid_words(header)}") from exc
        if isinstance(kid, str) and kid in detail:
            return detail
        return f"{detail} ({foreign.kid_words(header)})"

    return run


def with_kid_named(named_rules, header):
    return [(name, naming_the_kid(rule, header) if name == "key" else rule) for name, rule in named_rules]


def run(named_rules):
    """Each rule's verdict, and "not run" for every rule after the first that fails."""
    results, failed = [], None
    for name, rule in named_rules:
        if failed:
            results.append({"check": name, "verdict": "skip", "detail": f"not run: the {failed} check failed"})
            continue
        try:
            results.append({"check": name, "verdict": "pass", "detail": rule()})
        except checks.TokenRefused as exc:
            results.append({"check": name, "verdict": "fail", "detail": str(exc)})
            failed = name
    return results


def inspect(token):
    """Decode `token` as far as it goes and run each check; a dict ready for JSON."""
    token = token.strip() if isinstance(token, str) else ""
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    parts = token.split(".")
    result = {"token": token[:MAX_TOKEN], "parts": parts if len(parts) == 3 else [], "header": None, "payload": None}
    if len(parts) == 3 and len(token) <= MAX_TOKEN:
        # Decoded for display, whatever the checks say: this is the part that needs no key.
        result["header"], result["payload"] = b64url_json(parts[0])[0], b64url_json(parts[1])[0]
    named_rules = [("structure", lambda: structure(token))] + rules(token, result["header"], result["payload"])
    result["checks"] = run(with_kid_named(named_rules, result["header"]))
    finish(result, token)
    result["lesson"] = foreign.lesson(result["header"], result["payload"], result["accepted"])
    return result


def finish(result, token):
    """The final word comes from the real verifier (tokens.check), so the two never disagree."""
    try:
        if provider_tokens.presented(token):
            claims = provider_tokens.verify(token)
            result["accepted"], result["reason"] = True, "a valid access token of the provider, for this API"
        else:
            claims = tokens.check(token)
            result["accepted"], result["reason"] = True, f"a valid {claims['type']} token, not revoked"
    except tokens.REFUSALS as exc:
        result["accepted"], result["reason"] = False, str(exc) or type(exc).__name__
