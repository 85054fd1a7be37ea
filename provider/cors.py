"""HDR-4: CORS at the provider, only where a browser-based public client needs it.

A single-page app on http://localhost:5173 that runs the code flow itself (OAuth 2.0 for
Browser-Based Apps) calls this provider from its own origin with fetch(): discovery and the
JWKS to configure itself, the token endpoint to redeem its code and refresh, userinfo, and
revocation to sign out. The browser lets that page read an answer only if the answer says
`Access-Control-Allow-Origin: <the page's origin>`. So those five endpoints say it, and only
for an origin that some registered public client listed in `allowed_cors_origins`.

Nowhere else: not /authorize, /login, the consent page or the console. Those are pages the
user's browser navigates to with the provider's cookie; a script on another origin that could
read them could read the consent page's CSRF token, or a code.

Never `Access-Control-Allow-Credentials`: none of the five reads a cookie (a public client
sends its client_id, a code and a PKCE verifier; userinfo takes a bearer token), so a script
gets nothing it could not already get by making the same request from its own server.
"""

import ipaddress
import json
import re

from flask import request

from .models import Client, db

# The endpoints a browser-based client calls, and the methods each answers.
CORS_ENDPOINTS = {
    "provider.discovery": "GET",
    "provider.jwks": "GET",
    "provider.token": "POST",
    "provider.userinfo": "GET, POST",
    "provider.revoke": "POST",
}
# What a browser client may send: a bearer token (userinfo) and a form or JSON body. No DPoP
# header: this provider does not do DPoP (RFC 9449), so a browser is not told it may send one.
ALLOWED_HEADERS = "Authorization, Content-Type"
# What its script may read besides the safelisted headers: the userinfo challenge (RFC 6750
# §3) and how long a throttled client must wait.
EXPOSED_HEADERS = "WWW-Authenticate, Retry-After"
PREFLIGHT_MAX_AGE = "600"

# An origin as a browser serialises it (RFC 6454 §6.2, the Fetch standard): a lowercase
# scheme, a lowercase ASCII host (IDNs in punycode) or a bracketed IPv6 address, a port only
# when it is not the scheme's default; no user, path, trailing slash, query or fragment.
ORIGIN = re.compile(
    r"(?P<scheme>https?)://"
    r"(?P<host>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?"
)
DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}


def origin_problem(origin):
    """Why `origin` cannot be registered as an allowed CORS origin, or None if it can.

    An origin is compared character for character with the browser's Origin header, so it must
    be written exactly as a browser writes it: anything else would never match, or, worse, a
    pattern ("*", "https://*.example.com", a prefix) would match an attacker's site too.
    """
    if origin == "null":
        # Sandboxed frames, file: pages and some redirects all send "Origin: null": any site
        # can make a request that carries it.
        return "null: the origin any sandboxed frame or file can claim; never allowed"
    if "*" in origin:
        return f"{origin}: wildcards are not allowed; list each origin exactly"
    match = ORIGIN.fullmatch(origin) if len(origin) <= 255 else None
    if match is None:
        return (
            f"{origin}: must be an origin as a browser sends it: scheme://host[:port], lowercase, "
            "no path, no trailing slash"
        )
    scheme, host, port = match["scheme"], match["host"], match["port"]
    if port and (int(port) > 65535 or int(port) == DEFAULT_PORTS[scheme]):
        return f"{origin}: the port must be 1 to 65535, and left out when it is the default ({DEFAULT_PORTS[scheme]})"
    if canonical_host(host) != host:
        return f"{origin}: write the address as a browser does ({canonical_host(host)})"
    if scheme == "http" and host not in LOOPBACK:
        return f"{origin}: plain http is allowed for localhost, 127.0.0.1 and [::1] only"
    return None


def canonical_host(host):
    """The host as a browser serialises it: an IP address in its shortest standard form."""
    try:
        if host.startswith("["):
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        if host.replace(".", "").isdigit():
            return str(ipaddress.IPv4Address(host))
    except ValueError:
        return "(not an IP address)"
    return host


def registered_origin(origin):
    """True if a registered public client lists exactly this origin (HDR-4).

    For discovery and the JWKS, any registered origin is right: they are the same public
    document for everyone. For token, userinfo and revocation it is any registered origin too,
    not the origin of the client the request names: the browser's preflight (OPTIONS) carries
    no body and no token, so which client is calling is not known yet, and the real request
    carries no cookie, so answering it to a page of another registered origin gives that page
    nothing it could not fetch from its own server.
    """
    if not isinstance(origin, str) or len(origin) > 255 or ORIGIN.fullmatch(origin) is None:
        return False  # junk never reaches the database
    # The JSON text of the metadata holds the origin as a quoted string; the database narrows
    # the search, then the exact comparison decides.
    needle = json.dumps(origin)
    candidates = db.session.execute(
        db.select(Client).where(Client._client_metadata.contains(needle, autoescape=True))
    ).scalars()
    return any(client.is_public() and origin in client.allowed_cors_origins for client in candidates)


def answer_cors(response):
    """After every request: CORS headers on the five endpoints for a registered origin, else none."""
    if request.endpoint not in CORS_ENDPOINTS:
        # Nothing else at this provider is readable cross-origin, whatever set a header.
        for name in [name for name in response.headers.keys() if name.lower().startswith("access-control-")]:
            del response.headers[name]
        return response
    # The answer depends on the Origin header, so a cache must key on it.
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin is None or not registered_origin(origin):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        # The preflight: what the real request may use.
        response.headers["Access-Control-Allow-Methods"] = CORS_ENDPOINTS[request.endpoint]
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    else:
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def init_app(app):
    app.after_request(answer_cors)
