"""The provider's own response hardening and error pages (it shares no code with the app)."""

import functools
import time

from flask import abort, current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFProtect
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import HTTPException, InternalServerError

# Its own synchronizer tokens for the login, consent and console forms (AS-7, PW-5): a forged
# cross-site post cannot sign a user in here, approve a grant or register a client.
csrf = CSRFProtect()

# No script from anywhere but here, and never inside a frame: a framed login or consent
# page could be clickjacked into approving a grant (AS-7).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def init_app(app):
    csrf.init_app(app)
    # One rate limiter per provider app (the `limits` library under Flask-Limiter), in memory.
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["provider_rate_limiter"] = MovingWindowRateLimiter(storage)
    app.after_request(harden)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


# PW-3: throttling of the login form and the token endpoint. Password guessing, and code or
# refresh-token guessing, answer 429 after a few tries a minute from one address.
def throttled(setting, methods=("POST",)):
    """Limit a view to the rate named by a setting (for example "10 per minute"), per address."""

    def decorator(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            config = current_app.config
            if config["RATELIMIT_ENABLED"] and request.method in methods:
                limiter = current_app.extensions["provider_rate_limiter"]
                rate = parse(config[setting])
                if not limiter.hit(rate, request.endpoint, request.remote_addr or "unknown"):
                    reset = limiter.get_window_stats(rate, request.endpoint, request.remote_addr or "unknown")[0]
                    retry = max(1, int(reset - time.time()))
                    abort(429, description=f"Too many attempts: try again in {retry} s.", retry_after=retry)
            return view(*args, **kwargs)

        return guarded

    return decorator


def harden(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.endpoint != "static":
        # Codes, tokens and consent pages must never be cached (RFC 6749 §5.1).
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Pragma", "no-cache")
        response.vary.add("Cookie")
    if current_app.config["HSTS_SECONDS"]:
        response.headers["Strict-Transport-Security"] = f"max-age={current_app.config['HSTS_SECONDS']}"
    return response


def wants_json():
    accept = request.accept_mimetypes
    return request.is_json or "Authorization" in request.headers or accept["application/json"] > accept["text/html"]


def http_error(exc):
    status = exc.code or 500
    description = exc.description if status < 500 else "The provider hit an error."
    if wants_json():
        response = jsonify(error=exc.name.lower().replace(" ", "_"), error_description=description)
    elif request_ctx.url_adapter is None:
        # Refused before routing (a Host header no URL can be built for): a bare page, no links.
        response = make_response(f"{status} {exc.name}: {description}\n")
        response.mimetype = "text/plain"
    else:
        response = make_response(
            render_template("provider/error.html", status=status, name=exc.name, description=description)
        )
    response.status_code = status
    for name, value in exc.get_headers():
        if name.lower() not in {"content-type", "content-length"}:
            response.headers[name] = value
    return response


def unexpected_error(exc):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return http_error(InternalServerError())
