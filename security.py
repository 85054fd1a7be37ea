"""Defences every response and every request gets, whatever the demo (HDR-2 to HDR-4, CSRF)."""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, make_response, request
from flask_wtf.csrf import CSRFError

from extensions import csrf


# HDR-2: the browser runs only scripts served by this origin (no inline script, no eval),
# loads no plugins, ignores <base> tricks and refuses to be framed (clickjacking).
def content_security_policy(connect_to=()):
    """The app's CSP; `connect_to` adds exact origins to connect-src (see connects_to)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            " ".join(["connect-src 'self'", *connect_to]),
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Content types a cross-site HTML form (or a "simple" fetch) can send without a CORS
# preflight. Anything else (application/json) needs a preflight, which this app never
# grants (HDR-4). A browser marks every cross-site POST, bodiless or not, with `Origin`.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


def init_app(app):
    app.after_request(set_security_headers)
    app.before_request(check_cross_site_request)


# Sent on every response unless a view chose its own value.
BASELINE_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    # Full URLs (which may carry an OAuth code) go to this origin only, never to another
    # site. Not "no-referrer": with it, browsers send `Origin: null` on our own form posts.
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def set_security_headers(response):
    headers = response.headers
    # One pass over the names already set (asking Headers for a missing name raises and
    # catches an exception each time, which costs more than the rest of this function).
    present = {name.lower() for name in headers.keys()}
    headers.extend([(name, value) for name, value in BASELINE_HEADERS if name.lower() not in present])
    # HDR-3: nothing the app renders from a user's state may sit in a shared or back-button
    # cache; and a cache must key any response on the Cookie it was made for.
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        if "vary" in present:
            response.vary.add("Cookie")
        else:
            headers.add("Vary", "Cookie")
    # HDR-1: only sent when the production config sets a lifetime (HSTS over plain http
    # on localhost would be ignored at best and pin a student's browser at worst).
    if current_app.config["HSTS_SECONDS"]:
        headers["Strict-Transport-Security"] = f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
    # HDR-4: no CORS. Nothing here sets Access-Control-Allow-*; strip any that slipped in.
    for name in present:
        if name.startswith("access-control-allow-"):
            del headers[name]
    return response


def own_origins():
    """This app's origins (its URL settings may end in a mount point, /s/<key>), and the one asked."""
    config = current_app.config
    return {origin_of(config["APP_URL"]), origin_of(config["REPLICA_URL"]), request.host_url.rstrip("/")}


def check_cross_site_request():
    """Refuse state-changing requests another site could have forged (PW-5, SES, JWT-8).

    Two independent checks, as OWASP's CSRF cheat sheet recommends:
    1. A browser names the page that sent an unsafe request in `Origin`; one from another
       origin is refused outright.
    2. A body another site could forge (a form) must also carry the synchronizer token that
       only our own pages embed.
    JSON bodies and requests with an `Authorization` header cannot be sent cross-site
    without a preflight we never approve, so non-browser clients (curl, notebooks) work.
    """
    if request.method not in UNSAFE_METHODS or is_exempt():
        return None
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin.rstrip("/") not in own_origins():
        raise CSRFError(f"Cross-site request refused: Origin {origin} is not this app.")
    if origin == "null":
        raise CSRFError("Cross-site request refused: an opaque (null) Origin.")
    if "Authorization" in request.headers:
        return None
    if request.mimetype in FORM_TYPES:
        csrf.protect()
    return None


def is_exempt():
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "cross_site_allowed", False)


def cross_site_allowed(view):
    """Mark a view that does its own CSRF defence (for example JWT double-submit cookies)."""
    view.cross_site_allowed = True
    return view


# HDR-2, page by page: a browser-based OAuth client (the SPA lab, blueprints/oauth/spa.py)
# must fetch the provider's discovery, JWKS, token and userinfo endpoints from page script,
# which connect-src 'self' forbids. Only the pages that need it get the provider's origin
# added, exactly (scheme://host:port, from the configuration, never a wildcard or a value
# from the request); every other page keeps 'self' alone, so an injected script elsewhere
# still cannot talk to any other origin. The provider decides separately whether it answers
# such a fetch (its CORS, HDR-4); this only lets the browser ask.
def connects_to(*config_keys):
    """Decorate a view: its page may also fetch from the origins of these URL settings."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            origins = [origin_of(current_app.config[key]) for key in config_keys]
            response.headers["Content-Security-Policy"] = content_security_policy(connect_to=origins)
            return response

        return wrapped

    return decorate


def origin_of(url):
    """scheme://host[:port] of a configured URL: an origin, as CSP and CORS compare them."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
    # A space or a semicolon would start another CSP source or directive: never let one in.
    if parts.scheme not in {"http", "https"} or any(ch in origin for ch in " ;,'\"\r\n\t"):
        raise ValueError(f"{url!r} is no origin a CSP may name")
    return origin


def is_safe_redirect(target):
    """True for a same-origin relative path: `next=` can never leave the site (OC-5)."""
    if not target or not isinstance(target, str):
        return False
    if any(ch in target for ch in "\\\r\n\t") or not target.startswith("/"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not target.startswith("//")
