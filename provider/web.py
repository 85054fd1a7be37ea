"""The provider's own plumbing, wired in one place: server-side sessions (sessions.py), CSRF
tokens, response hardening and error pages, and the guard that turns unreadable input into a
400 (refuses_unreadable, above every endpoint authlib parses). It shares no code with the app."""

import functools

from flask import current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError

from .sessions import ServerSideSessions

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
    app.session_interface = ServerSideSessions(app)
    csrf.init_app(app)
    app.after_request(harden)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


# --- Response hardening and error pages -----------------------------------------------------


def harden(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # No Referer ever leaves the provider (a consent page's address holds the client's
    # request). Same-origin requests keep theirs: over HTTPS, Flask-WTF's CSRF check refuses a
    # form post without a Referer from this origin, so "no-referrer" would break every sign-in.
    response.headers.setdefault("Referrer-Policy", "same-origin")
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


def refuses_unreadable(view):
    """authlib raises ValueError on input it cannot even describe (control characters in a
    parameter, a Basic header without credentials): that is a 400, never a 500."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ValueError:
            description = "The request is malformed (unreadable parameters or credentials)."
            if request.endpoint == "provider.authorize":
                page = render_template(
                    "provider/error.html", status=400, name="invalid_request", description=description
                )
                return page, 400
            return jsonify(error="invalid_request", error_description=description), 400

    return guarded
