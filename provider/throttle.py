"""The provider's throttling of failed attempts (PW-3, PW-6), counted in its own database.
It shares no code with the app."""

import functools
import hashlib
import ipaddress
import math
import time

from flask import current_app, g, jsonify, make_response, request
from limits import parse
from sqlalchemy import text

from .models import FailedAttempt, db

# The settings that name a limit (settings.DEFAULTS), for example "5 per minute".
FAILURE_LIMITS = (
    "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS",
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_ADDRESS",
    "TOKEN_FAILURES_PER_CLIENT",
    "TOKEN_FAILURES_PER_ADDRESS",
    "DEVICE_CODE_FAILURES_PER_ACCOUNT",
    "DEVICE_CODE_FAILURES_PER_ADDRESS",
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
            if response.status_code < 400 or still_waiting(response):
                release_attempt(attempt)
            elif claimed and (response.status_code == 401 or g.get("client_auth_method") == "none"):
                # The request never proved it came from the client it named (a wrong secret,
                # or a public client, which has no secret to prove anything with): its failure
                # counts against its address only, never against that client, or any stranger
                # could lock every user of a public client out of /token.
                release_attempt([row for row, (setting, _) in zip(attempt, counted, strict=True) if setting in claimed])
            return response

        return guarded

    return decorator


# A device polling for its token (RFC 8628 §3.5) is told "not yet" with a 400 until the user
# approves: a poll at the given interval is not a guess (the device_code is 256 random bits),
# and counting it would throttle a classroom of TVs behind one address. `slow_down` still
# counts: a device that polls faster than it was told is misbehaving.
POLLING_ANSWERS = ("authorization_pending",)


def still_waiting(response):
    if response.status_code != 400 or not response.is_json:
        return False
    body = response.get_json(silent=True)
    return isinstance(body, dict) and body.get("error") in POLLING_ANSWERS


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
    rows = [FailedAttempt(key=attempt_key(setting, value), at=now) for setting, value in counted]
    serialise_per_key(row.key for row in rows)
    db.session.execute(db.delete(FailedAttempt).where(FailedAttempt.at < now - longest_window()))
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


def serialise_per_key(keys):
    """On PostgreSQL, make attempts at the same keys take turns, as SQLite's one writer does.

    PostgreSQL lets transactions write side by side, each blind to the others' rows until they
    commit: twenty guesses at once would each count only itself and all slip under a limit of
    five. A lock per key, held until this transaction ends, makes each wait for the one before
    it and count its row. Taken in one order (sorted), so two attempts never wait on each other.
    """
    if db.engine.dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


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
