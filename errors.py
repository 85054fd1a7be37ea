"""Error answers: a page for people, JSON for API clients, never a traceback (contract)."""

from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

# Plain-words titles and advice for the pages a student may meet.
EXPLANATIONS = {
    400: ("Bad request", "The request was malformed or failed a check. Nothing was changed."),
    401: ("Not signed in", "This needs credentials that were missing, expired or revoked."),
    403: ("Forbidden", "You are signed in, but this account may not do that."),
    404: ("Not found", "There is no page at this address."),
    405: ("Method not allowed", "This address exists, but not for that HTTP method."),
    413: ("Too large", "The request body is larger than this app accepts."),
    429: ("Too many requests", "Slow down: this endpoint is rate limited. Try again shortly."),
    500: ("Something broke", "The server hit an error. No details are shown, by design."),
}

# Blueprints whose routes are JSON APIs whatever the client asks for.
JSON_BLUEPRINTS = {"jwt", "wire"}


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def wants_json():
    """API clients get JSON; a browser navigating to a page gets a page.

    JSON bodies and bearer tokens mean an API client. Otherwise the Accept header decides,
    and when it does not (`*/*`, as fetch and curl send), the blueprint does.
    """
    if request.is_json or "Authorization" in request.headers:
        return True
    accept = request.accept_mimetypes
    if accept["application/json"] != accept["text/html"]:
        return accept["application/json"] > accept["text/html"]
    return request.blueprint in JSON_BLUEPRINTS


def error_response(status, error, description=None, headers=None):
    """One error in the shape the client expects: JSON for API clients, a page otherwise."""
    title, advice = EXPLANATIONS.get(status, ("Error", ""))
    description = description or advice
    if wants_json():
        response = jsonify(error=error, description=description)
    else:
        response = make_response(
            render_template("error.html", status=status, title=title, error=error, description=description)
        )
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_http_error(exc):
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in {"content-type", "content-length"}}
    title = EXPLANATIONS.get(status, (exc.name, ""))[0]
    return error_response(status, title, exc.description if status < 500 else None, headers)


def handle_unexpected_error(exc):
    # Logged for the operator with the traceback; the client sees the generic 500 only.
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())
