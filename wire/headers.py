"""Headers as a record shows them (LAB-2): Cookie, Set-Cookie and Authorization by their rules.

Any other header goes by its name, as a field does (wire/redact.py: an `X-Api-Key` is masked).
"""

import base64
import re

from .redact import MASKED, field_kind, hidden_value, shortened

# -- LAB-2: the headers that carry credentials ------------------------------------------------
#
# - Authorization: Basic keeps its scheme and the user name, the credentials are masked:
#   base64 is an encoding, not encryption, so the header IS the password (or client secret).
#   A Bearer token is shortened, like any token (wire/redact.py).
# - Cookies: in a Cookie header every value is shortened except the CSRF double-submit halves,
#   which page script reads by design (a request does not say which cookies are HttpOnly, so
#   each is assumed to be). In Set-Cookie an HttpOnly value is shortened and its flags are kept
#   whole (they are the lesson); a cookie without HttpOnly is shown, as script can read it.


def readable_cookies(config):
    """The cookies this app leaves readable by page script on purpose (JWT-8's double submit)."""
    return {
        config.get("JWT_ACCESS_CSRF_COOKIE_NAME", "csrf_access_token"),
        config.get("JWT_REFRESH_CSRF_COOKIE_NAME", "csrf_refresh_token"),
    }


def redacted_header(name, value, readable):
    """One header's value as recorded (LAB-2)."""
    lower = name.lower()
    if lower == "cookie":
        # Split on "," too: a server joining two Cookie lines must not hide one behind the other.
        return "; ".join(redacted_cookie(pair, readable) for pair in re.split(r"\s*[;,]\s*", value) if pair)
    if lower == "set-cookie":
        pair, sep, attributes = value.partition(";")
        if any(flag.strip().lower() == "httponly" for flag in attributes.split(";")):
            return redacted_cookie(pair, set()) + sep + attributes
        return value  # no HttpOnly: script reads it anyway, and the panel says so
    if lower in ("authorization", "proxy-authorization"):
        return redacted_authorization(value)
    return hidden_value(name, value) if field_kind(name) else value


def redacted_cookie(pair, readable):
    """One `name=value` cookie with its value shortened, unless script may read it anyway."""
    name, sep, value = pair.partition("=")
    if not sep:
        return shortened(pair)
    return pair if name.strip() in readable else f"{name}={shortened(value)}"


def redacted_authorization(value):
    """The scheme whole; Basic credentials masked, a Bearer token shortened, others masked."""
    scheme, space, credentials = value.strip().partition(" ")
    if not space:
        return shortened(value)
    if scheme.lower() == "bearer":
        return f"{scheme} {shortened(credentials.strip())}"
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[0]
        except ValueError:
            user = ""
        named = f' (base64 of "{user}:…")' if user.isprintable() and 0 < len(user) <= 64 else ""
        return f"{scheme} {MASKED}{named}"
    return f"{scheme} {MASKED}"
