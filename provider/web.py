"""The provider's own response hardening and error pages (it shares no code with the app)."""

from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

# No script from anywhere but here, and never inside a frame: a framed login or consent
# page could be clickjacked into approving a grant (AS-7).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def init_app(app):
    app.after_request(harden)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


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
