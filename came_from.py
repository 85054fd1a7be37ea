"""Where a request came from: whether the browser withheld its cookies, and the way back.

A refusal page must tell the truth about the visitor's state. The hard case is a form another
site posted (the attacker site's CSRF demos): every cookie of this app is SameSite=Lax, so the
browser sends none of them with that request, and a page that reads the cookies to say who is
signed in would say "signed out" to a student who still is. Such a page says instead that it
cannot see, and the header's script asks again from the app's own origin (static/js/header.js).
"""

import re
from urllib.parse import urlsplit

from flask import current_app, request, url_for

from security import is_safe_redirect, own_origins

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The lab page each blueprint belongs to: where "back" goes from one of its refusals.
LABS = {
    "jwt": ("jwt.lab", "Back to the JWT lab"),
    "naive_jwt": ("jwt.lab", "Back to the JWT lab"),
    "jwt_bench": ("jwt.lab", "Back to the JWT lab"),
    "session": ("session.lab", "Back to the session lab"),
    "naive_session": ("naive_session.page", "Back to the session lab's naive twin"),
    "oauth": ("oauth.lab", "Back to the OAuth lab"),
    "naive_oauth": ("oauth_bench.bench", "Back to the OAuth attack bench"),
    "oauth_bench": ("oauth_bench.bench", "Back to the OAuth attack bench"),
}
PAGES = {
    "pages.change_password": ("pages.account", "Back to your account"),
    "pages.signup": ("pages.signup", "Back to sign-up"),
}


# Origin and Referer are whatever the client wrote: "http://[" makes urlsplit raise, and a
# refusal page must never become a 500 over a header it only reads.
def split(url):
    """urlsplit(url), or None for a value that is no URL at all."""
    try:
        return urlsplit(url or "")
    except ValueError:
        return None


def origin_of(url):
    parts = split(url)
    return f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme and parts.netloc else None


def host_of(url):
    parts = split(url)
    try:
        return parts.hostname if parts else None
    except ValueError:
        return None


def sender():
    """The origin of the page that sent this request, when it is another site's; else None."""
    origin = request.headers.get("Origin")
    if origin in (None, "null"):
        origin = origin_of(request.referrer)
    return origin if origin and origin not in own_origins() else None


def from_attacker_site():
    """The request came from the labelled attacker site (a demo), as its Origin or Referer says."""
    return sender() is not None and sender() == origin_of(current_app.config.get("ATTACKER_URL"))


def cookies_withheld():
    """True when the browser kept this app's cookies back: an unsafe request from another site
    that arrived without the session cookie (which holds the session and OAuth sign-ins).

    A SameSite=Lax cookie rides along a top-level GET from another site, but not a POST (RFC
    6265bis §5.6.7.1). Sec-Fetch-Site says which kind of request this was; a browser too old to
    send it still sends Origin with every POST.
    """
    if request.method not in UNSAFE_METHODS or current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "cross-site"
    origin = request.headers.get("Origin")
    return origin is not None and host_of(origin) not in {host_of(own) for own in own_origins()}


# A path segment a browser resolves away ("." or "..", "%2e" spelled out or not), so that
# /s/<key>/../<other>/ is read as another sandbox's page, whatever its text starts with.
DOT_SEGMENT = re.compile(r"(?:\.|%2e){1,2}", re.IGNORECASE)


def below(path, root):
    """True when a path stays below the mount point `root` ("" at the root, "/s/<key>" in a sandbox).

    At the root (as `make run` serves the lab) that is every path. Under a prefix (a classroom
    sandbox's /s/<key>) it is a path that starts there and has no dot segment: a `next` or a
    "back" link of one sandbox never leads into another one's.
    """
    if not root:
        return True
    segments = path.split("?", 1)[0].split("#", 1)[0].split("/")
    inside = path == root or path.startswith(root + "/")
    return inside and not any(DOT_SEGMENT.fullmatch(segment) for segment in segments)


def below_mount_point(path):
    """True when a path stays below the mount point this app is served under (request.script_root)."""
    return below(path, request.script_root)


def inside_app(target):
    """True for a `next` that may be followed: a path of this origin (OC-5, security.is_safe_redirect),
    below this app's mount point."""
    return is_safe_redirect(target) and below_mount_point(target)


def way_back():
    """The links a refusal page offers, nearest first: the lab that sent you, then home."""
    links = []
    endpoint, label = PAGES.get(request.endpoint) or LABS.get(request.blueprint) or (None, None)
    if endpoint in current_app.view_functions:
        links.append((label, url_for(endpoint)))
    referrer = split(request.referrer) or split("")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    # Only a page of this app (the same origin), never the page that was just refused, and
    # never a path a browser would read as another host: "//evil.example", "/\\evil.example",
    # or "/\t/evil.example" (a browser drops tabs and newlines from a link before it follows it).
    local = back.startswith("/") and not back.startswith(("//", "/\\")) and back.isprintable() and " " not in back
    local = local and below_mount_point(back)
    fresh = back != request.script_root + request.full_path.rstrip("?") and back not in {url for _label, url in links}
    if origin_of(request.referrer) in own_origins() and local and fresh:
        links.append(("Back to the page you came from", back))
    links.append(("Home", url_for("pages.home")))
    return links
