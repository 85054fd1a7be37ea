"""Error answers: a page for people, JSON for API clients (answers.py's one shape), never a traceback."""

import sys

import redis
import requests
from flask import current_app, g, make_response, render_template, render_template_string, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

import came_from
from answers import api_error
from security import BASELINE_HEADERS
from throttle import Locked, in_words

# Plain-words titles and advice for the pages a student may meet.
EXPLANATIONS = {
    400: ("Bad request", "The request was malformed or failed a check. Nothing was changed."),
    401: ("Not signed in", "This needs credentials that were missing, expired or revoked."),
    403: ("Forbidden", "You are signed in, but this account may not do that."),
    404: ("Not found", "There is no page at this address."),
    405: ("Method not allowed", "This address exists, but not for that HTTP method."),
    413: ("Too large", "The request body is larger than this app accepts."),
    # PW-6: the throttle's own answers say how long to wait (throttle.Locked); Retry-After too.
    429: ("Too many requests", "Too many failed attempts: wait a while, then try again."),
    502: ("Provider unreachable", "A server this app talks to (an OAuth provider) did not answer."),
    503: ("Store unavailable", "The store that holds sessions and revoked tokens is not answering."),
    500: ("Something broke", "The server hit an error. No details are shown, by design."),
}

BARE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ status }} {{ title }}</title>
</head><body><main><h1>{{ status }} {{ title }}</h1><p>{{ description }}</p></main></body></html>"""

# Blueprints whose routes are JSON APIs whatever the client asks for.
JSON_BLUEPRINTS = {"jwt", "wire"}

# Why a kind of refusal exists, for the page that shows one: a student who meets it should
# learn the defence, not only its status code.
WHY = {
    "cross-site": (
        "Another site can make your browser send a form to this app, and a browser used to send "
        "your cookies along. So a request that changes something must come from one of this "
        "app's own pages: its Origin header must name this app, and a form must carry the CSRF "
        "token that only this app's pages embed (PW-5)."
    ),
    "throttled": (
        "Failed attempts are counted per account and per address, so that nobody can guess a "
        "password at full speed (PW-6). A correct password is never counted."
    ),
}


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    # Refusal pages rendered by a lab itself (the OAuth callback's) link back the same way.
    app.add_template_global(came_from.from_attacker_site)


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


def error_response(status, error, description=None, headers=None, kind=None):
    """One error in the shape the client expects: JSON for API clients, a page otherwise.

    `kind` names a refusal the page explains ("cross-site", "throttled"): both are refused
    before the view runs, so the page may say that nothing was changed.
    """
    title, advice = EXPLANATIONS.get(status, ("Error", ""))
    description = description or wait_advice(status, headers) or advice
    if wants_json():
        return api_error(status, error, description, headers)  # the app's one JSON shape
    if request_ctx.url_adapter is None:
        # The request was refused before routing (an untrusted Host header): no URL can be
        # built for it, so the page is plain, with nothing that links back.
        response = make_response(render_template_string(BARE_PAGE, status=status, title=title, description=description))
    else:
        response = make_response(render_template("error.html", **refusal_page(status, title, error, description, kind)))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def wait_advice(status, headers):
    """A 429 with no words of its own still says how long to wait, from its Retry-After."""
    retry = (headers or {}).get("Retry-After", "")
    if status == 429 and retry.isdigit():
        return f"Too many requests. Try again in {in_words(int(retry))}."
    return None


def refusal_title(kind, title):
    if kind != "cross-site":
        return title
    # The same check refuses an expired token on this app's own form: that is no other site.
    another_site = came_from.sender() or request.headers.get("Origin") == "null" or came_from.cookies_withheld()
    return "Cross-site request refused" if another_site else "Form refused: its CSRF token did not check"


def refusal_page(status, title, error, description, kind):
    """What error.html shows: what was refused, why, where the visitor stands, the way back."""
    return {
        "status": status,
        "title": refusal_title(kind, title),
        # The error's name, when it says more than the title and the description already do.
        "reason": None if error in (title, EXPLANATIONS.get(status, ("",))[0]) or error in description else error,
        "description": description,
        "why": WHY.get(kind),
        "changed_nothing": kind in WHY,
        "sender": came_from.sender(),
        "cookies_withheld": came_from.cookies_withheld(),
        "way_back": came_from.way_back(),
    }


# A store that does not answer (Redis down, SQLite locked past its timeout) is the operator's
# problem, not a bug: say so with a 503 and a Retry-After, instead of a 500. The Redis client
# times out after 2 s (storage.py), so a dead Redis never hangs a request.
STORE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OperationalError)


def store_unavailable(exc):
    # The page below must not ask the dead store who is signed in: mark the request, and
    # give flask-login its anonymous user so that it does not try to read the session.
    g.store_unavailable = True
    g._login_user = current_app.login_manager.anonymous_user()
    current_app.logger.error("store unavailable on %s %s: %s", request.method, request.path, exc)
    description = (
        "Redis is configured (REDIS_URL) but is not answering. Start it, or unset REDIS_URL to "
        "use the embedded SQLite store. Nothing was changed."
        if isinstance(exc, redis.exceptions.RedisError)
        else "The database is busy or unavailable. Nothing was changed; try again in a moment."
    )
    return error_response(503, "Store unavailable", description, {"Retry-After": "5"})


# The app's server-to-server calls (the OAuth back channel, discovery, the replica) may find
# the other party down: that is a 502 with a clear page, not a crash.
UPSTREAM_ERRORS = (requests.exceptions.ConnectionError, requests.exceptions.Timeout)


def upstream_unavailable(exc):
    current_app.logger.error("upstream unavailable on %s %s: %s", request.method, request.path, exc)
    host = getattr(getattr(exc, "request", None), "url", None) or "another server"
    description = f"{host.split('?')[0]} did not answer. Is it running? (make run starts the built-in provider.)"
    return error_response(502, "Provider unreachable", description)


def handle_http_error(exc):
    # Flask turns an exception raised outside a view (opening or saving the session) into a
    # 500 that carries the original: a store failure there is still a 503.
    if isinstance(getattr(exc, "original_exception", None), STORE_ERRORS):
        return store_unavailable(exc.original_exception)
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in {"content-type", "content-length"}}
    title = EXPLANATIONS.get(status, (exc.name, ""))[0]
    # A description werkzeug wrote for any 429 says nothing about how long: the page says it.
    description = exc.description if status < 500 and (status != 429 or isinstance(exc, Locked)) else None
    kind = "cross-site" if isinstance(exc, CSRFError) else "throttled" if isinstance(exc, Locked) else None
    return error_response(status, title, description, headers, kind)


def handle_unexpected_error(exc):
    if isinstance(exc, STORE_ERRORS):
        return store_unavailable(exc)
    if isinstance(exc, UPSTREAM_ERRORS):
        return upstream_unavailable(exc)
    # Logged for the operator with the traceback; the client sees the generic 500 only.
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


# HDR-7 (and HDR-2 for errors): the handlers above answer every error that reaches Flask's error
# handling, and security.py adds its headers to every answer Flask finishes. Left over are errors
# Flask cannot answer: one in a WSGI middleware (the wire capture), in an error handler or the
# error page itself, or in an after_request hook that runs before the headers are set. The server
# would then send its own bare 500, which no Content-Security-Policy covers. This layer wraps all
# the others, outermost: an exception from below becomes a plain 500 with the security headers,
# and an error answer (4xx or 5xx) that lacks any of them gets them on its way out.
SERVER_ERROR_HEADERS = (*BASELINE_HEADERS, ("Cache-Control", "no-store"))
LAST_RESORT_BODY = b"500 Something broke. The server hit an error. No details are shown, by design.\n"


class LastResort:
    """WSGI middleware: a server error always carries the security headers, whatever raised."""

    def __init__(self, app):
        self.logger = app.logger
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        started = False

        def start_with_headers(status, headers, exc_info=None):
            nonlocal started
            started = True
            if status[:1] in ("4", "5"):
                present = {name.lower() for name, _value in headers}
                headers = [*headers, *((n, v) for n, v in SERVER_ERROR_HEADERS if n.lower() not in present)]
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, start_with_headers)
        except Exception:
            method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
            self.logger.exception("Unhandled error outside Flask's handlers on %s %s", method, path)
            headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(LAST_RESORT_BODY))),
                *SERVER_ERROR_HEADERS,
            ]
            # PEP 3333: headers that replace ones already given to the server come with exc_info.
            start_response("500 INTERNAL SERVER ERROR", headers, sys.exc_info() if started else None)
            return [LAST_RESORT_BODY]
