"""The provider's own plumbing: server-side sessions, response hardening, throttling of
failed attempts, error pages. It shares no code with the app."""

import functools
import hashlib
import ipaddress
import math
import re
import time
from datetime import timedelta

from flask import current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_session.base import ServerSideSessionInterface
from flask_session.sqlalchemy.sqlalchemy import SqlAlchemySessionInterface
from flask_wtf.csrf import CSRFProtect
from limits import parse
from werkzeug.exceptions import HTTPException, InternalServerError

from .models import FailedAttempt, SessionRecord, db

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


# --- Server-side sessions (AS-10) -----------------------------------------------------------

# What an id this provider issued looks like: 32 random bytes, URL-safe base64 (43 characters).
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9_-]{43}")


# AS-10: the provider's sign-in lives on the server. Flask's default session is the data
# itself, signed, in the cookie: logging out only asks the browser to forget it, and a copy
# taken earlier stays valid for as long as the signature does. Here the cookie carries only a
# random id, and the sign-in is a row of provider_sessions (models.SessionRecord) in this
# provider's own database: deleting the row at logout ends it for every copy of the cookie.
class ServerSideSessions(SqlAlchemySessionInterface):
    """Flask-Session's SQLAlchemy store on the provider's `db`, with three additions:

    1. a cookie that is not shaped like an id this provider issues is not even looked up, and
       an unknown id is never adopted (Flask-Session issues a fresh one): no fixation;
    2. the cookie is deleted with the flags it was set with (Flask-Session omits Secure,
       HttpOnly and SameSite when it deletes);
    3. a visitor who has not signed in is kept only as long as their CSRF token is valid.
    """

    def __init__(self, app):
        # The model is declared once, in models.py, and made with the other tables (Flask-Session
        # would declare a new one per app, which SQLAlchemy refuses for a second app).
        self.client = db
        self.sql_session_model = SessionRecord
        ServerSideSessionInterface.__init__(
            self,
            app,
            key_prefix="",
            use_signer=False,  # the id is 256 random bits: a signature adds nothing
            permanent=app.config["SESSION_PERMANENT"],
            sid_length=32,
            serialization_format="msgpack",
            cleanup_n_requests=1000,  # expired rows are deleted about once every 1000 requests
        )

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid is not None and not WELL_FORMED_ID.fullmatch(sid):
            return self.session_class(sid=self._generate_sid(self.sid_length), permanent=self.permanent)
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if session or not session.modified:
            return super().save_session(app, session, response)
        # Emptied (logout): the row goes, then the cookie, with the flags it was set with.
        self._delete_session(self._get_store_id(session.sid))
        response.delete_cookie(
            self.get_cookie_name(app),
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")
        return None

    def _upsert_session(self, session_lifetime, session, store_id):
        if "user_id" not in session:
            session_lifetime = min(session_lifetime, timedelta(seconds=current_app.config["WTF_CSRF_TIME_LIMIT"]))
        return super()._upsert_session(session_lifetime, session, store_id)


# --- Throttling of failed attempts (PW-3, PW-6) ---------------------------------------------


# The settings that name a limit (settings.DEFAULTS), for example "5 per minute".
FAILURE_LIMITS = (
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_ADDRESS",
    "TOKEN_FAILURES_PER_CLIENT",
    "TOKEN_FAILURES_PER_ADDRESS",
)


# PW-6: what is counted is failure, per account (or client) and per address, in the
# provider's database, which every worker and every instance of the provider shares (a count
# in each process's memory would let N workers allow N times the limit). A request is counted
# when its answer is a failure (400 or more): a wrong password, a bad client secret, a
# guessed code. A correct password is never counted, so a student signing in fifty times in a
# row is never refused. While a limit is reached, the request is refused with 429 and
# Retry-After *before* the view runs: the password is not checked, so a locked account
# cannot be used as an oracle, and refused requests are not counted (a waiting user who
# retries does not extend their own wait).
def counts_failures(*limits, refused, claimed=()):
    """Throttle a view's failed POSTs. limits: (setting, key) pairs, where key() names what
    this request counts against ("alice", "10.0.0.7") or None; refused(seconds): the answer;
    claimed: the settings whose key is only claimed by the request (see token_endpoint_throttle)."""

    def decorator(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not current_app.config["RATELIMIT_ENABLED"] or request.method != "POST":
                return view(*args, **kwargs)
            counted = [(setting, value) for setting, key in limits if (value := key()) is not None]
            attempt, wait = reserve_attempt(counted)
            if wait:
                response = make_response(refused(wait))
                response.status_code = 429
                response.headers["Retry-After"] = str(wait)
                return response
            response = make_response(view(*args, **kwargs))
            if response.status_code < 400:
                release_attempt(attempt)
            elif response.status_code == 401 and claimed:
                # The request never proved it came from the client it named: its failure
                # counts against its address only, never against that client.
                release_attempt([row for row, (setting, _) in zip(attempt, counted, strict=True) if setting in claimed])
            return response

        return guarded

    return decorator


def address():
    """The client's address (behind a proxy, what wsgi.behind_proxy trusts). An IPv6 host is
    usually given a whole /64 to pick addresses from: the /64 is counted as one address."""
    try:
        ip = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return request.remote_addr or "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def claimed_client():
    """The client_id a token request names (not yet proof of who sent it), or None."""
    auth = request.authorization
    claimed = (auth.username if auth and auth.type == "basic" else None) or request.form.get("client_id")
    return claimed[:128] if claimed else None


def too_many_token_requests(seconds):
    description = f"Too many failed requests for this client or from this address: {wait_in_words(seconds)}."
    return jsonify(error="too_many_requests", error_description=description)


# Failed token and revocation requests (a wrong secret, a guessed code or refresh token) are
# counted per address, like failed sign-ins, and per client once the client has proved who it
# is. A wrong client secret (401 invalid_client) counts against the address alone: anyone can
# type `client_id=authlab-app`, and counting that against the client would let any stranger
# lock the app out of its own token endpoint. A 256-bit secret is not guessed anyway; what the
# per-client count stops is a client (or a thief with its secret) guessing codes and tokens.
token_endpoint_throttle = counts_failures(
    ("TOKEN_FAILURES_PER_CLIENT", claimed_client),
    ("TOKEN_FAILURES_PER_ADDRESS", address),
    refused=too_many_token_requests,
    claimed=("TOKEN_FAILURES_PER_CLIENT",),
)


def throttled(setting):
    """The name provider/naive_provider.py uses: its token endpoint is counted as the real one."""
    if setting != "TOKEN_RATE_LIMIT":
        raise ValueError(f"no throttle is named {setting}")
    return token_endpoint_throttle


def reserve_attempt(counted):
    """Count this attempt as a failure until it is known to be one (release_attempt gives it
    back). Returns (the rows added, 0), or (None, seconds to wait) when a limit is reached.

    The rows are written before the limits are read, in one transaction: SQLite lets one
    writer at a time, so concurrent attempts see each other and cannot all slip under a limit.
    """
    now = time.time()
    rates = {setting: parse(current_app.config[setting]) for setting, _ in counted}
    db.session.execute(db.delete(FailedAttempt).where(FailedAttempt.at < now - longest_window()))
    rows = [FailedAttempt(key=attempt_key(setting, value), at=now) for setting, value in counted]
    db.session.add_all(rows)
    db.session.flush()
    wait = 0
    for row, (setting, _) in zip(rows, counted, strict=True):
        rate, window = rates[setting], rates[setting].get_expiry()
        recent = (
            db.session.execute(
                db.select(FailedAttempt.at)
                .where(FailedAttempt.key == row.key, FailedAttempt.at > now - window)
                .order_by(FailedAttempt.at.desc(), FailedAttempt.id.desc())
                .limit(rate.amount + 1)
            )
            .scalars()
            .all()
        )
        if len(recent) > rate.amount:  # this attempt and `amount` failures before it
            wait = max(wait, math.ceil(recent[rate.amount] + window - now))
    if wait:
        for row in rows:
            db.session.delete(row)
    db.session.commit()
    return (None, max(wait, 1)) if wait else (rows, 0)


def release_attempt(rows):
    """The attempt succeeded: it was never a failure."""
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(db.delete(FailedAttempt).where(FailedAttempt.id.in_(ids)))
        db.session.commit()


def attempt_key(setting, value):
    """A digest, not the name or address itself (see models.FailedAttempt)."""
    return hashlib.sha256(f"{setting}:{value}".encode(errors="replace")).hexdigest()


def longest_window():
    """Rows older than every window count against nothing: they are deleted."""
    return max(parse(current_app.config[setting]).get_expiry() for setting in FAILURE_LIMITS)


def wait_in_words(seconds):
    return f"try again in {seconds} second{'s' if seconds != 1 else ''}"


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
