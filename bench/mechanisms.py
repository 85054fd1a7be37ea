"""The same protected JSON resource under each mechanism, as a prepared request per mechanism.

Every mechanism signs in through the contract's own endpoints (POST /jwt/login, POST
/session/login, the OAuth code flow at the provider), then the benchmark calls the protected
route with the credential a real client would send.
"""

import secrets
from dataclasses import dataclass

from .wsgi_call import DirectCall

USER_AGENT = "authlab-bench/1"
# The contract's demo account (shown on every login page), not a secret.
ALICE = {"username": "alice", "password": "wonderland"}  # nosec B105


@dataclass
class Prepared:
    name: str
    group: str  # "baseline", "jwt", "session", "oauth"
    app: object
    call: DirectCall
    http_path: str
    http_headers: dict
    config: dict  # the app's settings: the HTTP layer starts gunicorn with the same


def make_app(workdir, name, **settings):
    from app import create_app

    config = {
        "ENV_NAME": "test",
        "INSTANCE_PATH": str(workdir / name),
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "JWT_SECRET_KEY": "bench-jwt-" + secrets.token_urlsafe(32),
        "RATELIMIT_ENABLED": False,
    } | settings
    return create_app(config), config


def bearer_login(app):
    client = app.test_client()
    response = client.post("/jwt/login", json=ALICE)
    if response.status_code != 200:
        raise RuntimeError(f"/jwt/login answered {response.status_code}: {response.get_data(as_text=True)}")
    return {"Authorization": f"Bearer {response.get_json()['access_token']}", "User-Agent": USER_AGENT}


def session_login(app):
    client = app.test_client()
    response = client.post("/session/login", json=ALICE, headers={"User-Agent": USER_AGENT})
    if response.status_code != 200:
        raise RuntimeError(f"/session/login answered {response.status_code}")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    return {"Cookie": cookie.split(";", 1)[0], "User-Agent": USER_AGENT}


def prepare(name, group, app, config, path, headers):
    return Prepared(name, group, app, DirectCall(app, path, headers=headers).check(), path, headers, config)


def baseline(workdir, _redis):
    app, config = make_app(workdir, "baseline")
    return prepare("No auth (baseline)", "baseline", app, config, "/healthz", {"User-Agent": USER_AGENT})


def jwt_header(algorithm):
    def build(workdir, _redis):
        app, config = make_app(workdir, f"jwt-{algorithm}", JWT_ALGORITHM=algorithm)
        return prepare(f"JWT {algorithm}, header", "jwt", app, config, "/jwt/protected", bearer_login(app))

    return build


def session_store(kind, label):
    def build(workdir, redis_url):
        extra = {"REDIS_URL": redis_url} if kind == "redis" else {}
        app, config = make_app(workdir, f"session-{kind}", SESSION_TYPE=kind, **extra)
        return prepare(f"Session, {label}", "session", app, config, "/session/admin", session_login(app))

    return build


# name -> (builder, needs Redis)
MECHANISMS = {
    "baseline": (baseline, False),
    "jwt-hs256": (jwt_header("HS256"), False),
    "jwt-rs256": (jwt_header("RS256"), False),
    "session-sqlite": (session_store("sqlalchemy", "SQLite"), False),
    "session-files": (session_store("cachelib", "files"), False),
    "session-redis": (session_store("redis", "Redis"), True),
}
