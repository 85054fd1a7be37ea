"""The app as `make serve` runs it (APP_ENV=production), ready to be measured over HTTP.

Production refuses development's shortcuts, so the benchmark does what a deployment does:
generated secrets in the environment, https:// origins (here on loopback, where the load
generator speaks plain HTTP to the port, as a TLS-terminating proxy would), no demo accounts.
Its one account is made the way `flask create-admin` makes one (models.py), by this module
run as a script in the same environment; the credentials come from the served app's own
POST /jwt/login and POST /session/login.
"""

import json
import os
import secrets
import subprocess  # nosec B404
import sys
import urllib.request

from .servers import ROOT

USER_AGENT = "authlab-bench/1"
USERNAME = "bench"

# Settings a developer's shell may hold that production refuses or that would change what is
# measured: left out of the servers' environment. (wsgi.py still loads a .env file, but never
# over a value set here.)
DEVELOPMENT_ONLY = ("AUTHLIB_INSECURE_TRANSPORT", "FLASK_DEBUG", "RATELIMIT_STORAGE_URI", "TRUSTED_PROXY_HOPS")


def environment(instance, redis_url=None, session_type="sqlalchemy"):
    """A production environment for one instance folder; the app's port is fixed later."""
    env = {k: v for k, v in os.environ.items() if k not in DEVELOPMENT_ONLY}
    env |= {
        "APP_ENV": "production",
        "APP_INSTANCE_PATH": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "JWT_SECRET_KEY": secrets.token_urlsafe(32),
        "PROVIDER_URL": "https://127.0.0.1:9",  # never called by the measured routes
        "SESSION_TYPE": session_type,
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def with_origin(env, port):
    """APP_URL names the port the server listens on: the Host it trusts, the issuer it signs."""
    return env | {"APP_URL": f"https://127.0.0.1:{port}"}


def create_account(env):
    """Make the benchmark's admin account in this environment's database; returns its password."""
    password = secrets.token_urlsafe(24)
    subprocess.run(  # nosec B603: this module, fixed arguments
        [sys.executable, "-m", "bench.production", USERNAME],
        input=password,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return password


def post_json(url, payload):
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310: loopback
        body = response.read()
        is_json = response.headers.get_content_type() == "application/json"
        return response.headers, json.loads(body) if is_json else body.decode()


def bearer(server, password):
    """The headers of a client signed in with POST /jwt/login: a bearer access token."""
    _headers, body = post_json(server.url + "/jwt/login", {"username": USERNAME, "password": password})
    return {"Authorization": f"Bearer {body['access_token']}", "User-Agent": USER_AGENT}


def session_cookie(server, password):
    """The headers of a browser signed in with POST /session/login: its session cookie."""
    headers, _body = post_json(server.url + "/session/login", {"username": USERNAME, "password": password})
    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("session="))
    return {"Cookie": cookie.split(";", 1)[0], "User-Agent": USER_AGENT}


def main(argv):
    """`python -m bench.production USERNAME`, password on stdin: an admin, as create-admin makes one."""
    from extensions import db
    from models import User
    from passwords import hash_password
    from wsgi import app

    with app.app_context():
        db.session.add(User(username=argv[0], password_hash=hash_password(sys.stdin.read().strip()), role="admin"))
        db.session.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
