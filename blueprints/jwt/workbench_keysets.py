"""Where the workbench's keys come from: the request body, or a set this app already holds.

A verifier that fetches the key a token or a form names (`jku`, `x5u`, a "JWKS URL" field) lets
whoever sends the request choose where the server connects: an internal address, a cloud
metadata endpoint, a port scan. That is server-side request forgery (SSRF), and RFC 8725 §3.10
warns of it. So a key here is always material in the request body (a secret, a PEM, a JWK, a
JWK Set), or one of two sets this app already holds: its own keyring's JWKS, read in-process,
and the built-in provider's, the copy provider_keys.py fetches from the configured issuer only.
The workbench signs with the request's key only, never with this app's: it is no forgery oracle.
"""

from . import keys, provider_keys
from .checks import TokenRefused
from .workbench_keys import BadKey, Key, as_json, mismatch, read_jwk, read_pem, read_secret

MAX_SET_KEYS = 100  # a JWK Set of 10,000 keys is no set anyone publishes
# Fields that would ask the server to fetch a key: refused by name, with the reason.
URL_FIELDS = ("url", "jku", "x5u", "jwks_uri", "jwks_url")


def read(spec, signing):
    """The key a request's `key` object names: {"secret"}, {"pem"} or {"jwk"} (and, to
    verify, {"jwks"} or {"builtin": "app" | "provider"}), ready to select(); or BadKey."""
    if not isinstance(spec, dict) or not spec:
        raise BadKey('send "key": {"secret": ...}, {"pem": ...}, {"jwk": ...}, {"jwks": ...} or {"builtin": "app"}')
    offered = [name for name in URL_FIELDS if name in spec]
    if offered:
        raise BadKey(f"{offered[0]}: the workbench never fetches a key from a URL (SSRF); paste the key itself")
    if len(spec) != 1:
        raise BadKey("name one key: secret, pem, jwk, jwks or builtin")
    ((kind, value),) = spec.items()
    if signing and kind in ("jwks", "builtin"):
        raise BadKey(f"{kind}: a key set only verifies. The workbench signs with your own key, never with this app's")
    readers = {"secret": read_secret, "pem": read_pem, "jwk": read_jwk, "jwks": read_jwks, "builtin": builtin}
    if kind not in readers:
        raise BadKey(f"unknown key kind {kind[:20]!r}: use secret, pem, jwk, jwks or builtin")
    found = readers[kind](value)
    return OneKey(found) if isinstance(found, Key) else found


def read_jwks(value):
    jwks = as_json(value, "jwks")
    entries = jwks.get("keys")
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise BadKey('jwks: a JSON object {"keys": [JWK, ...]}')
    if len(entries) > MAX_SET_KEYS:
        raise BadKey(f"jwks: {len(entries)} keys; the workbench reads a set of at most {MAX_SET_KEYS}")
    return KeySet(entries, f"your JWK Set ({len(entries)} keys)")


def builtin(value):
    """One of the two sets this app already holds; nothing is fetched on the request's say-so."""
    if value == "app":
        return KeySet(keys.jwks()["keys"], "this app's JWKS", app=True)
    if value == "provider":
        return ProviderKeys()
    raise BadKey('builtin: "app" (this app\'s JWKS) or "provider" (the built-in provider\'s)')


# ### Which key verifies a token: a set is searched by `kid`, then by algorithm


class OneKey:
    """A key pasted on its own: it verifies whatever `kid` the token names, as jwt.io's does,
    but only the algorithm it is made for."""

    def __init__(self, key):
        self.key, self.label = key, key.label

    def select(self, header):
        reason = mismatch(self.key, header.get("alg"))
        if reason:
            raise TokenRefused(reason)
        return self.key


class KeySet:
    """A JWK Set: the key the token's `kid` names, and it must fit the token's `alg`."""

    def __init__(self, entries, label, app=False):
        self.entries, self.label, self.app = entries, label, app

    def select(self, header):
        """The one key that verifies `header`'s token; TokenRefused (the check fails) if none."""
        alg, kid = header.get("alg"), header.get("kid")
        if isinstance(kid, str):
            named = [entry for entry in self.entries if entry.get("kid") == kid]
            if not named:
                raise TokenRefused(f"{self.label} holds no key {kid[:40]!r}{self.why_not(kid)}")
        elif len(self.entries) == 1:
            named = self.entries
        else:
            raise TokenRefused(f"the token names no kid, and {self.label} holds {len(self.entries)} keys")
        readable = []
        for entry in named:
            try:
                readable.append(read_jwk(entry))
            except BadKey:
                continue
        if not readable:
            raise TokenRefused(f"{self.label}: its key {str(kid)[:40]!r} is not a JWK this workbench can read")
        reasons = [mismatch(key, alg) for key in readable]
        fitting = [key for key, reason in zip(readable, reasons, strict=True) if reason is None]
        if len(fitting) > 1:
            raise TokenRefused(f"{self.label}: {len(fitting)} keys named {str(kid)[:40]!r} fit {alg}: which one?")
        if not fitting:
            raise TokenRefused(f"{self.label}: {reasons[0]}")
        return fitting[0]

    def why_not(self, kid):
        """This app's HMAC keys are never published: say so when the token names one."""
        held = keys.held(kid) if self.app else None
        if held is not None and held.alg.startswith("HS"):
            return (
                f": {kid} is one of this app's HMAC secrets, which no JWKS publishes (whoever can verify "
                "an HS256 token can sign one), so no JWKS can verify this token"
            )
        return ""


class ProviderKeys:
    """The built-in provider's JWKS: the app's cached copy, fetched from the configured issuer only."""

    label = "the built-in provider's JWKS"

    def select(self, header):
        try:
            found = provider_keys.find(header.get("kid"))
        except provider_keys.KeysUnavailable as exc:
            raise TokenRefused(str(exc)) from exc
        if found is None:
            raise TokenRefused(f"{self.label} holds no key {str(header.get('kid'))[:40]!r}")
        key = Key(
            "RSA",
            found.key,
            private=False,
            alg=provider_keys.ALGORITHM,
            label=f"key {header['kid'][:16]} of {self.label}",
        )
        reason = mismatch(key, header.get("alg"))
        if reason:
            raise TokenRefused(reason)
        return key


def signing_key(spec, alg):
    """The key to sign `alg` with; BadKey (a 400) when there is none that fits."""
    key = read(spec, signing=True).key
    reason = mismatch(key, alg)
    if reason:
        raise BadKey(reason)
    if not key.private:
        raise BadKey(f"{key.label} is a public key: only the private key signs")
    return key
