"""Exercise 13, reference solution: a provider's redirect_uri matcher that no URL trick gets past."""

import re

# The two loopback IP literals of RFC 8252 §7.3, as a registered URI spells them.
LOOPBACK = ("http://127.0.0.1", "http://[::1]")
# A port in its one plain form. [0-9] is ASCII only; \d and str.isdigit() also accept "٨٠٨٠",
# which int() then reads as 8080.
PORT = re.compile(r"[1-9][0-9]{0,4}")


def redirect_uri_matches(registered, presented):
    """True only if the authorization code may be sent to `presented`."""
    # RFC 9700 §4.1.3: simple string comparison. Nothing is parsed, so no parser's idea of the
    # URL (and a browser's differs: backslashes, tabs, userinfo, IDN) can be used against us.
    # INSTRUCTOR: the trap is urlsplit(): compare scheme, hostname, path and ignore the port,
    # and "http://evil.example\@127.0.0.1:5000/callback" passes (a browser goes to evil.example),
    # as does "http://127.0.0.1:50<TAB>00/callback" (urlsplit drops the tab); ":+8080" and
    # ":٨٠٨٠" make its .port raise ValueError, a 500. Parsing the port by hand with int() or
    # isdigit() lets "٨٠٨٠" through as 8080.
    if not isinstance(presented, str):
        return False
    return any(
        isinstance(uri, str) and (presented == uri or is_loopback_port_variant(uri, presented)) for uri in registered
    )


def is_loopback_port_variant(uri, presented):
    """True if `presented` is the port-less loopback `uri` with ":<port>" inserted after its host.

    Built as strings: the registered URI says where the port may go, so the presented one is
    cut in three at those places (the host, the port, the rest) and each piece is held to exactly.
    """
    for host in LOOPBACK:
        rest = uri[len(host) :]
        # Only a registered URI with no port right after the host (a path, a query, or nothing).
        if not uri.startswith(host) or rest[:1] not in ("", "/", "?"):
            continue
        if not presented.startswith(host + ":") or not presented.endswith(rest):
            continue
        port = presented[len(host) + 1 : len(presented) - len(rest)]
        if PORT.fullmatch(port) and int(port) <= 65535:
            return True
    return False
