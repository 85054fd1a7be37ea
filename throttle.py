"""Throttling: failed sign-ins and failed token requests, per account and per address (PW-3, PW-6).

What is counted: failures only. A wrong password, an unknown user, a refused refresh token, a
wrong current password on the password-change form. A correct password is never counted, so a
student re-running a notebook or the exercises is never refused (a limit on every sign-in
refused them, and a class behind one NAT shared that limit). Keycloak's brute-force detection
and OWASP's Authentication cheat sheet count the same way, on two keys at once:

- per account from one address: the person who mistypes, and the one address guessing one
  account, meet a low limit. It locks that address out of that account, nobody else: a
  stranger who fails five times as `bob` cannot keep bob himself out (a lock per account
  alone would let anyone lock anyone out, at one request a minute);
- per account, whoever asks: guesses spread over many addresses (a botnet) still meet the
  account's limit, higher because only a many-address guesser reaches it, and a name that does
  not exist is counted like one that does (no oracle). What remains: an attacker with several
  addresses can still lock an account for a window. OWASP's next step, device cookies (a
  browser that signed in before keeps its own count), is the cure for that;
- per address, whatever account: one address spraying one guess at many accounts still meets
  the address's limit. IPv6 is counted per /64, the block one subscriber is given.

The order: reserve, check, settle. Before the view runs, the attempt is counted on both keys,
each count one atomic step in the store. Over a limit, the answer is 429 with Retry-After and
a description of the wait, and the view never runs: a locked account's password is not checked
at all, right or wrong. After the view, an attempt that did not fail is given back. Counting
first is what keeps the limit exact under load: Flask-Limiter's `deduct_when` tests before the
view and counts after it, so every attempt in flight when the limit is reached (one per thread
of every worker) gets through.

Where the counts live, shared by every worker and instance, is throttle_store.py.
"""

import hashlib
import hmac
import ipaddress
import math
import time
import unicodedata
from functools import wraps

import redis
from flask import after_this_request, current_app, request
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import TooManyRequests

import throttle_store
from refusals import UnsafeConfiguration

# What each limit counts, and what its 429 says. The limits themselves are settings (config.py).
NOT_CHECKED = "Until then nothing is checked, not even a correct password."
RULES = {
    "account here": (
        "RATELIMIT_FAILURES_PER_ACCOUNT_AND_ADDRESS",
        "Too many failed sign-ins for this account from your address",
        NOT_CHECKED,
    ),
    "account": ("RATELIMIT_FAILURES_PER_ACCOUNT", "Too many failed sign-ins for this account", NOT_CHECKED),
    "address": ("RATELIMIT_FAILURES_PER_ADDRESS", "Too many failed attempts from your address", NOT_CHECKED),
    "sign-up": ("RATELIMIT_SIGN_UPS_PER_ADDRESS", "Too many sign-ups from your address", "Until then none is made."),
    "device start": (
        "RATELIMIT_DEVICE_STARTS_PER_ADDRESS",
        "Too many device sign-ins started from your address",
        "Until then none is started.",
    ),
}

# What a store that does not answer raises (errors.py answers it with a 503 before the view).
STORE_ERRORS = (redis.exceptions.RedisError, SQLAlchemyError)


class Locked(TooManyRequests):
    """429 with Retry-After: a limit is reached, and nothing was checked."""

    def __init__(self, rule, wait):
        self.rule, self.wait = rule, wait
        _setting, refusal, meanwhile = RULES[rule]
        # The wait in words on every page and JSON answer; programs read Retry-After.
        super().__init__(f"{refusal}: please wait. Try again in {in_words(wait)}. {meanwhile}", retry_after=wait)


class Throttle:
    """The app's throttle, bound to each app by init_app() (the factory calls it `limiter`)."""

    def init_app(self, app):
        store = throttle_store.limiter_store(app)
        if app.config["ENV_NAME"] == "production":
            uri, processes = app.config.get("RATELIMIT_STORAGE_URI"), throttle_store.serving_processes()
            problem = throttle_store.per_process_refusal(uri, processes)
            if problem:
                raise UnsafeConfiguration(problem)
        # Fixed windows: the first counted attempt opens one, and the limit holds until it ends.
        app.extensions["throttle"] = FixedWindowRateLimiter(store)

    def counts_failures(self, account=None, failed=None, methods=("POST",)):
        """Decorate a view that checks a credential: its failures are counted per address and,
        when `account` (a function returning the submitted username) is given, per account.

        An answer fails when `failed(response)` says so; by default, when it is a 401.
        """
        rules = ("address", "account here", "account") if account else ("address",)
        return self.guard(rules, failed or unauthorized, account, methods)

    def counts_sign_ups(self, counted):
        """Decorate the sign-up view: the answers for which `counted(response)` holds count per address."""
        return self.guard(("sign-up",), counted, None, ("POST",))

    def counts_device_starts(self):
        """Decorate the device lab's start: every start counts per address, since each one makes
        the provider keep a waiting code (at most 1000 per client), which a loop could use up."""
        return self.guard(("device start",), lambda response: True, None, ("POST",))

    def guard(self, rules, counted, account, methods):
        """The decorator behind both: reserve, let the view check, settle."""

        def decorator(view):
            @wraps(view)
            def guarded(*args, **kwargs):
                if request.method not in methods or not current_app.config["RATELIMIT_ENABLED"]:
                    return view(*args, **kwargs)
                # 1. Reserve: count this attempt before anything is checked; over a limit, the
                #    request ends here with Locked (429), and the view never runs.
                attempt = reserve(rules, account() if account else None)

                # 3. Settle, once the answer is known: an attempt that did not fail is given back.
                @after_this_request
                def settle(response):
                    if not counted(response):
                        try:
                            attempt.give_back()
                        except STORE_ERRORS as exc:  # it stays counted: the safe side
                            current_app.logger.error("throttle: could not give an attempt back: %s", exc)
                    return response

                # 2. Check: the view checks the password (or the token) as it always did.
                return view(*args, **kwargs)

            return guarded

        return decorator


def unauthorized(response):
    return response.status_code == 401


class Attempt:
    """One attempt, counted on each of its keys until it is given back."""

    def __init__(self, counted):
        self.counted = counted

    def give_back(self):
        store = current_app.extensions["throttle"].storage
        for item, identifiers in reversed(self.counted):
            store.incr(item.key_for(*identifiers), item.get_expiry(), amount=-1)
        self.counted = []


def reserve(rules, account):
    """Count one attempt on each rule's key, or raise Locked (giving back what was counted).

    The address comes first: while an address is locked, the names it sprays make no counters.
    """
    limiter = current_app.extensions["throttle"]
    attempt = Attempt([])
    for rule in rules:
        item = parse(current_app.config[RULES[rule][0]])
        identifiers = {
            "account": (rule, account_key(account)),
            "account here": (rule, account_key(account), address_key()),
        }.get(rule, (rule, address_key()))
        attempt.counted.append((item, identifiers))
        if not limiter.hit(item, *identifiers):
            reset_at = limiter.get_window_stats(item, *identifiers).reset_time
            attempt.give_back()
            raise Locked(rule, max(1, math.ceil(reset_at - time.time())))
    return attempt


def account_key(username):
    """The account's key: the name as a person reads it, never stored in clear.

    NFKC folds look-alike forms (fullwidth "ａｌｉｃｅ" is "alice"), casefold() the case, strip()
    the spaces around: every spelling a lookup might ever match shares one counter. The name is
    kept only as an HMAC under the app's secret: the username field often holds a password
    typed in the wrong box, which a store of counters must not keep.
    """
    name = unicodedata.normalize("NFKC", username).casefold().strip() if isinstance(username, str) else ""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, name.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def address_key():
    """The client's address as the server saw it, an IPv6 address by its /64.

    request.remote_addr is the TCP peer. X-Forwarded-For counts only behind a proxy the operator
    configured (TRUSTED_PROXY_HOPS, wsgi.py): anyone else could write any address there and
    start a fresh counter with every request.
    """
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return "unknown"
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def in_words(seconds):
    """A wait as a person reads it: '45 seconds', '4 minutes 37 seconds (277 s)'."""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return plural(rest, "second")
    return f"{plural(minutes, 'minute')}{' ' + plural(rest, 'second') if rest else ''} ({int(seconds)} s)"


def plural(count, unit):
    return f"{count} {unit}{'' if count == 1 else 's'}"
