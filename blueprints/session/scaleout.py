"""Scale-out: the same browser credential sent to the app and to its replica.

The article says sessions "scale poorly" and JWTs "work seamlessly across distributed
systems". Here both claims meet two real instances (`make run`: :8000 and :8002). The page
cannot call the replica itself (another origin, and this app grants no CORS), so this
server forwards the browser's own cookie to both instances, as a load balancer would, and
records each hop for the wire panel (the relay: wire/relay.py, `forward`).

(a) a store per instance: the replica has never heard of the session;
(b) the shared store (the SQLite file both instances open, or Redis): both know it;
(c) JWT: both verify the token with the shared key and no shared state, but a logout on
    one instance reaches the other only through the shared blocklist. The token comes from
    POST /jwt/login when a password is sent, else from the session the browser already has.
"""

import secrets
from pathlib import Path

from cachelib import FileSystemCache
from flask import current_app, jsonify, request
from flask_login import current_user

import storage
from answers import bad_request, credentials, unauthorized
from blueprints.jwt import families, tokens
from extensions import limiter
from wire.relay import forward

from . import bp
from .guards import session_required
from .signin import submitted_username

INSTANCE_COOKIE = "instance_session"


def step(label, response, record, expect, user=None):
    """One line of the demo: what was asked, what the instance said, and whether it was expected.

    With `user`, the answer must also name that user: a 200 that knows nobody is no success.
    """
    if response is None:
        return {"label": label, "status": None, "body": record, "expected": False, "record": None}
    try:
        body = response.json()
    except ValueError:
        body = {"text": response.text[:200]}
    status = response.status_code
    expected = status == expect and (user is None or (isinstance(body, dict) and body.get("user") == user))
    return {"label": label, "status": status, "body": body, "expected": expected, "record": record}


def instances():
    config = current_app.config
    return (("app", config["APP_URL"]), ("replica", config["REPLICA_URL"]))


def instance_store():
    """This instance's own session store, a folder no other instance reads (case a)."""
    folder = storage.private_folder(Path(current_app.instance_path) / f"sessions-{current_app.config['INSTANCE_NAME']}")
    return FileSystemCache(str(folder), threshold=1000, default_timeout=3600, mode=storage.PRIVATE_FILE)


@bp.post("/scaleout/per-instance")
@session_required()
def per_instance():
    """(a) The session is kept in the app's own store; the replica cannot find it."""
    sid = secrets.token_urlsafe(32)
    instance_store().set(sid, {"user": current_user.username})
    steps = [
        step(
            f"GET /session/scaleout/whoami on the {name}",
            *forward("GET", f"{url}/session/scaleout/whoami", {INSTANCE_COOKIE: sid}),
            expect,
            current_user.username if expect == 200 else None,
        )
        for (name, url), expect in zip(instances(), (200, 401), strict=True)
    ]
    response = jsonify(case="per-instance", steps=steps)
    response.set_cookie(
        INSTANCE_COOKIE,
        sid,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        path=request.script_root + "/session/scaleout",  # below the app's mount point, if any
    )
    return response


@bp.get("/scaleout/whoami")
def instance_whoami():
    """Whom this instance's own store knows under the instance_session cookie."""
    sid = request.cookies.get(INSTANCE_COOKIE, "")
    found = instance_store().get(sid) if 0 < len(sid) <= 64 else None
    name = current_app.config["INSTANCE_NAME"]
    if not found:
        return unauthorized(f"The {name}'s own store has no session under this id.")
    return jsonify(instance=name, user=found["user"])


@bp.post("/scaleout/shared")
@session_required()
def shared():
    """(b) The session is in the store every instance opens: both know who it is."""
    name = current_app.config["SESSION_COOKIE_NAME"]
    cookie = {name: request.cookies.get(name, "")}
    steps = [
        step(
            f"GET /session/whoami on the {instance}",
            *forward("GET", f"{url}/session/whoami", cookie),
            200,
            current_user.username,
        )
        for instance, url in instances()
    ]
    return jsonify(case="shared", steps=steps)


def relayed_sign_in_failed(response):
    """The relay answers 200 whatever the app said; its first step says whether the password was wrong."""
    steps = (response.get_json(silent=True) or {}).get("steps") or [{}]
    return steps[0].get("status") == 401


def relayed_sign_in(body):
    """(the first step, the access token or None): POST /jwt/login on the app, through the relay."""
    login = {"username": body.get("username"), "password": body.get("password")}
    response, record = forward("POST", f"{instances()[0][1]}/jwt/login", json=login)
    first = step("POST /jwt/login on the app", response, record, 200)
    if response is None or response.status_code != 200:
        return first, None
    return first, response.json().get("access_token", "")


# A form sign-in reloads the page and empties its password field, so (c) cannot ask for the
# password again. The session already proved who the browser is: the app issues that user a
# pair itself, as a backend hands its signed-in user a token, and the demo's own logout step
# revokes it (and its refresh family) a moment later. No password crosses the relay.
def issued_to_session_user():
    """(the first step, the access token): a pair the app issues the session's user."""
    pair = tokens.issue_pair(current_user, families.start())
    name = current_user.username
    first = {
        "label": f"The app issues {name} a JWT pair: the session already proved who you are, no password sent again",
        "status": 200,
        "body": {"message": f"an access token for {name}, valid {pair['expires_in']} s"},
        "expected": True,
        "record": None,
    }
    return first, pair["access_token"]


# PW-6: this relay checks a password by asking the app, from the server's own address. Left
# alone, it would be a way around the caller's throttle (locked at /jwt/login, the same guess
# through here would be checked) and an oracle. So the relay is throttled as a sign-in itself,
# on the caller's address and the account named, before anything is forwarded.
@bp.post("/scaleout/jwt")
@limiter.counts_failures(account=submitted_username, failed=relayed_sign_in_failed)
def jwt_case():
    """(c) JWT: both instances verify the token alone; revocation needs the shared blocklist."""
    body = credentials() or {}
    if body.get("password"):
        first, token = relayed_sign_in(body)
    elif current_user.is_authenticated:
        first, token = issued_to_session_user()
    else:
        return bad_request("Sign in first (section 1), or send a username and password for POST /jwt/login.")
    steps = [first]
    if token is None:
        return jsonify(case="jwt", steps=steps)
    (_, app_url), (_, replica_url) = instances()
    bearer = {"Authorization": f"Bearer {token}"}
    for name, url in instances():
        steps.append(
            step(f"GET /jwt/protected on the {name}", *forward("GET", f"{url}/jwt/protected", headers=bearer), 200)
        )
    steps.append(step("POST /jwt/logout on the app", *forward("POST", f"{app_url}/jwt/logout", headers=bearer), 200))
    steps.append(
        step(
            "GET /jwt/protected on the replica, after logout",
            *forward("GET", f"{replica_url}/jwt/protected", headers=bearer),
            401,
        )
    )
    return jsonify(case="jwt", steps=steps)
