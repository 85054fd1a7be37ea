"""Restarts: stop the app and start it again on the same instance folder; nothing is lost.

A "restart" here is a new app built over the same files (and the same Redis), exactly what a
process restart sees: no state survives in memory, only what the stores hold.
"""

import pytest

from app import create_app
from tests.conftest import PASSWORDS, app_config

ALICE = {"username": "alice", "password": PASSWORDS["alice"]}
STORES = [
    pytest.param("sqlalchemy", id="sqlite"),
    pytest.param("cachelib", id="files"),
    pytest.param("redis", id="redis", marks=pytest.mark.redis),
]


@pytest.fixture
def restartable(tmp_path, request):
    """A function that (re)starts the app on one instance folder with one session store."""
    store = request.param
    extra = {"SESSION_TYPE": store}
    if store == "redis":
        extra["REDIS_URL"] = request.getfixturevalue("redis_url")

    def start():
        return create_app(app_config(tmp_path / "instance", **extra))

    return start


def session_cookie(response):
    return next(
        v.split(";")[0].split("=", 1)[1]
        for k, v in response.headers.items()
        if k == "Set-Cookie" and v.startswith("session=")
    )


@pytest.mark.parametrize("restartable", STORES, indirect=True)
def test_a_session_survives_a_restart_in_every_store(restartable):
    before = restartable().test_client()
    cookie = session_cookie(before.post("/session/login", json=ALICE))
    after = restartable().test_client()
    after.set_cookie("session", cookie)
    assert after.get("/session/admin").status_code == 200


@pytest.mark.parametrize("restartable", STORES[:1], indirect=True)
def test_a_revoked_token_stays_revoked_after_a_restart(restartable):
    before = restartable().test_client()
    access = before.post("/jwt/login", json=ALICE).get_json()["access_token"]
    before.post("/jwt/logout", headers={"Authorization": f"Bearer {access}"})
    after = restartable().test_client()
    assert after.get("/jwt/protected", headers={"Authorization": f"Bearer {access}"}).status_code == 401


@pytest.mark.parametrize("restartable", STORES[:1], indirect=True)
def test_a_live_token_still_works_after_a_restart(restartable):
    access = restartable().test_client().post("/jwt/login", json=ALICE).get_json()["access_token"]
    after = restartable().test_client()
    assert after.get("/jwt/protected", headers={"Authorization": f"Bearer {access}"}).status_code == 200


@pytest.mark.parametrize("restartable", STORES[:1], indirect=True)
def test_a_signed_up_user_survives_a_restart(restartable):
    from extensions import db
    from models import User, authenticate
    from passwords import hash_password

    app = restartable()
    with app.app_context():
        db.session.add(User(username="carol", password_hash=hash_password("a long passphrase"), role="user"))
        db.session.commit()
    with restartable().app_context():
        assert authenticate("carol", "a long passphrase") is not None


def test_the_providers_grants_and_tokens_survive_a_provider_restart(tmp_path):
    from provider import create_app as create_provider
    from tests.conftest import provider_config
    from tests.oauth_flow import ProviderFlow

    def start():
        return create_provider(provider_config(tmp_path / "provider-instance"))

    flow = ProviderFlow(start().test_client())
    flow.login()
    code, _ = flow.code()
    tokens = flow.token(code).get_json()
    after = start().test_client()
    userinfo = after.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 200
    refreshed = after.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(flow.client_id, flow.secret),
    )
    assert refreshed.status_code == 200


@pytest.mark.parametrize(
    "step,refusal",
    [
        ("create_all", "table users already exists"),
        ("create_all", "database is locked"),
        ("commit", "database is locked"),
    ],
)
def test_a_replica_starting_at_the_same_moment_does_not_stop_the_app(tmp_path, monkeypatch, step, refusal):
    """make run starts the app and its replica together on a new database: a table the other
    made first, or SQLite refusing one of two writers, is settled by trying again."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    import models
    from extensions import db

    owner = db if step == "create_all" else db.session
    real = getattr(owner, step)
    raced = []

    def lose_the_race_once(*args, **kwargs):
        if not raced:
            raced.append(refusal)
            raise OperationalError("statement", {}, sqlite3.OperationalError(refusal))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, step, lose_the_race_once)
    app = create_app(app_config(tmp_path / "instance"))
    assert raced == [refusal]
    with app.app_context():
        assert models.find_user("alice") is not None and models.find_user("bob") is not None
