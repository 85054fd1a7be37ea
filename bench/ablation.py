"""Where the app's own time goes: each piece of shared plumbing removed in turn, and timed.

The bare twins say how much the app adds to a protected request; this says which defence
or convenience costs what. Each row is (full app) minus (the app without that one piece),
measured on GET /healthz: every route pays for the same plumbing, and on the cheapest route
the measurement's own noise (about 1% of the median) is a microsecond, not ten.
"""

from .timing import measure


def hook_named(functions, name):
    return [f for f in functions if getattr(f, "__qualname__", "").endswith(name)]


def without_hook(kind, name):
    def remove(app):
        table = getattr(app, kind)[None]
        for function in hook_named(table, name):
            table.remove(function)

    return remove


def without_wire(app):
    """Unwrap the middleware chain around the wire capture (errors.LastResort sits outside it)."""
    from wire import WireCapture

    layer = app
    while not isinstance(layer.wsgi_app, WireCapture):
        layer = layer.wsgi_app
    layer.wsgi_app = layer.wsgi_app.wsgi_app


def without_trusted_hosts(app):
    app.config["TRUSTED_HOSTS"] = None


PIECES = (
    (
        "security headers: CSP, nosniff, no-store, Vary (HDR-2, HDR-3)",
        without_hook("after_request_funcs", "set_security_headers"),
    ),
    ("CSRF origin policy (PW-5)", without_hook("before_request_funcs", "check_cross_site_request")),
    ("Flask-WTF's own hook (returns at once)", without_hook("before_request_funcs", "csrf_protect")),
    ("session guard: binding, timeouts, remember-me (SES-4, SES-6)", without_hook("before_request_funcs", "guard")),
    ("remember-me cookie writer (SES-6)", without_hook("after_request_funcs", "update_cookie")),
    ("flask-login's remember-cookie hook", without_hook("after_request_funcs", "_update_remember_cookie")),
    ("Flask-Session's expired-record sweep", without_hook("before_request_funcs", "_cleanup_n_requests")),
    ("wire-panel capture middleware", without_wire),
    ("trusted Host check", without_trusted_hosts),
)


def bare_flask(seconds):
    """The same JSON answer from a Flask app with nothing added: the floor for /healthz."""
    from flask import Flask

    from .wsgi_call import DirectCall

    app = Flask("bare_baseline")
    app.get("/healthz")(lambda: {"status": "ok", "instance": "app"})
    return measure(DirectCall(app, "/healthz").check(), seconds).median_us


def run(build, seconds, log):
    """`build()` returns a fresh Prepared request; each piece is removed from its own copy."""
    full = measure(build().call, seconds).median_us
    floor = bare_flask(seconds)
    log(f"  GET /healthz: the app {full:.1f} µs, a bare Flask route {floor:.1f} µs")
    rows = {}
    for label, remove in PIECES:
        prepared = build()
        remove(prepared.app)
        cost = full - measure(prepared.call, seconds).median_us
        rows[label] = round(cost, 1)
        log(f"  {label:<64} {cost:6.1f} µs")
    return {"route": "GET /healthz", "full_median_us": full, "bare_flask_us": floor, "cost_us": rows}
