"""What a worker holds in memory never outlives a revocation (JWT-2, JWT-5, JWT-6, PW-4, SES-6).

Each instance holds the keyring, blocklist answers, users' tokens_valid_after and sessions'
users in memory, checked against the revocation epoch on every request (models.py,
blueprints/jwt/revocation.py, blueprints/session/users.py). Here the app and its replica are
two instances on one database, as `make run` starts them: one revokes, and the very next
request to the other must be refused. Each test first has the other instance answer 200, so
that what it holds would let the token through if it were not checked against the epoch.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import jwt as pyjwt
import pytest
import requests
from flask import jsonify
from flask_jwt_extended import get_jwt, jwt_required
from sqlalchemy import event

import revocation_epoch
from app import create_app
from blueprints.jwt import revocation, tokens
from blueprints.session import users
from extensions import db
from models import find_user
from tests.conftest import PASSWORDS, app_config, free_port
from tests.jwt_flow import bearer, login

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path):
    return app_config(tmp_path / "instance")


@pytest.fixture
def app(config):
    return create_app(config)


@pytest.fixture
def replica(config, app):
    """A second instance on the same database: its own memory, the same store."""
    return create_app(config | {"INSTANCE_NAME": "replica"})


def status(client, token, path="/jwt/protected"):
    response = client.get(path, headers=bearer(token))
    return response.status_code, response.json.get("error")


def epoch(app):
    with app.app_context():
        return revocation_epoch.revocation_epoch()


# -- JWT-5, JWT-6: a revocation on one instance counts on the other from the next request -------


def test_jwt_5_logout_on_the_app_is_refused_by_the_next_request_on_the_replica(app, replica):
    pair = login(app.test_client())
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    app.test_client().post("/jwt/logout", headers=bearer(pair["access_token"]))
    assert status(replica.test_client(), pair["access_token"]) == (401, "token revoked: logged out")


def test_jwt_6_reuse_on_the_app_kills_the_family_on_the_replica_at_once(app, replica):
    client = app.test_client()
    first = login(client)
    second = client.post("/jwt/refresh", headers=bearer(first["refresh_token"])).json
    assert status(replica.test_client(), second["access_token"]) == (200, None)
    assert client.post("/jwt/refresh", headers=bearer(first["refresh_token"])).status_code == 401
    code, error = status(replica.test_client(), second["access_token"])
    assert code == 401 and "reused" in error


@pytest.mark.redis
def test_jwt_5_with_the_blocklist_in_redis_the_replica_refuses_at_once(tmp_path, redis_url):
    config = app_config(tmp_path / "instance", REDIS_URL=redis_url)
    app, replica = create_app(config), create_app(config | {"INSTANCE_NAME": "replica"})
    pair = login(app.test_client())
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    app.test_client().post("/jwt/logout", headers=bearer(pair["access_token"]))
    assert status(replica.test_client(), pair["access_token"]) == (401, "token revoked: logged out")


# -- JWT-2: keys rotated or retired on one instance count on the other at once -----------------


def test_jwt_2_a_key_retired_on_the_app_verifies_nothing_on_the_replica_at_once(app, replica):
    client = app.test_client()
    old = login(client)["access_token"]
    old_kid = pyjwt.get_unverified_header(old)["kid"]
    assert client.post("/jwt/api/keys/rotate", headers=bearer(old), json={"alg": "HS256"}).status_code == 200
    new = login(client)["access_token"]
    assert status(replica.test_client(), old) == (200, None)
    assert client.post("/jwt/api/keys/retire", headers=bearer(new), json={"kid": old_kid}).status_code == 200
    assert status(replica.test_client(), old) == (401, f"key {old_kid} has been retired")


def test_jwt_2_a_key_made_on_the_app_verifies_on_the_replica_at_once(app, replica):
    client = app.test_client()
    old = login(client)["access_token"]
    assert status(replica.test_client(), old) == (200, None)  # the replica now holds the keyring
    assert client.post("/jwt/api/keys/rotate", headers=bearer(old), json={"alg": "RS256"}).status_code == 200
    new = login(client)["access_token"]
    assert pyjwt.get_unverified_header(new)["kid"] != pyjwt.get_unverified_header(old)["kid"]
    assert status(replica.test_client(), new) == (200, None)


# -- PW-4: a password change, or a deleted account, on one instance counts on the other at once --


def test_pw_4_a_password_changed_on_the_app_revokes_on_the_replica_at_once(app, replica):
    pair = login(app.test_client(), "bob")
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    with app.app_context():
        find_user("bob").set_password("a brand new passphrase")
        db.session.commit()
    assert status(replica.test_client(), pair["access_token"]) == (
        401,
        "token revoked: issued before the password was changed (all tokens revoked)",
    )


def test_pw_4_an_account_deleted_on_the_app_is_refused_on_the_replica_at_once(app, replica):
    pair = login(app.test_client(), "bob")
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    with app.app_context():
        db.session.delete(find_user("bob"))
        db.session.commit()
    assert status(replica.test_client(), pair["access_token"]) == (401, "token revoked: the user no longer exists")


# -- The epoch and its transaction ---------------------------------------------------------------


def test_every_revocation_moves_the_epoch_in_its_own_commit(app):
    client = app.test_client()
    login(client)  # the first sign-in makes the first key: a change to the keyring
    before = epoch(app)
    pair = login(client, "bob")
    assert epoch(app) == before  # a sign-in revokes nothing
    client.post("/jwt/logout", headers=bearer(pair["access_token"]))
    assert epoch(app) > before


def test_a_rolled_back_change_moves_nothing_and_leaves_nothing_held(app, replica):
    pair = login(app.test_client(), "bob")
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    before = epoch(app)
    with app.app_context():
        find_user("bob").set_password("a brand new passphrase")
        db.session.flush()  # the change and its bump are written, not committed
        # Meanwhile the replica sees neither, and holds only what is committed.
        assert status(replica.test_client(), pair["access_token"]) == (200, None)
        db.session.rollback()
    assert epoch(app) == before
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    with app.app_context():
        find_user("bob").set_password("a brand new passphrase")
        db.session.commit()
    assert status(replica.test_client(), pair["access_token"])[0] == 401


def test_a_revocation_committed_while_a_request_loads_is_seen_by_the_next_request(app, replica, monkeypatch):
    """The worst moment: the replica has read the epoch and loaded the user's cut-off, and the
    password changes before it finishes. That request began first and may pass; the next may not."""
    pair = login(app.test_client(), "bob")
    real_committed, changed = revocation.committed, []

    def load_then_revoke(statement):
        rows = real_committed(statement)
        if not changed and "tokens_valid_after" in str(statement):
            changed.append(True)
            with app.app_context():
                find_user("bob").set_password("a brand new passphrase")
                db.session.commit()
        return rows

    monkeypatch.setattr(revocation, "committed", load_then_revoke)
    client = replica.test_client()
    assert status(client, pair["access_token"]) == (200, None)
    assert changed
    assert status(client, pair["access_token"])[0] == 401


def test_a_warm_request_asks_the_store_for_the_epoch_only(app):
    """The memory is used: after the first request, the verifier's lookups cost no query."""
    client = app.test_client()
    token = login(client)["access_token"]
    assert status(client, token) == (200, None)
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert status(client, token) == (200, None)
        assert status(client, token, "/jwt/admin") == (200, None)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements == []


# -- SES-6, roles: the user a session names, on the replica --------------------------------------


def session_on_both(app, replica, username="alice"):
    """A session signed in on the app, and the same cookie presented to the replica."""
    client = app.test_client()
    assert (
        client.post("/session/login", json={"username": username, "password": PASSWORDS[username]}).status_code == 200
    )
    other = replica.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return client, other


def test_a_demotion_on_the_app_counts_on_the_replica_at_once(app, replica):
    _, other = session_on_both(app, replica)
    assert other.get("/session/admin").status_code == 200
    with app.app_context():
        find_user("alice").role = "user"
        db.session.commit()
    assert other.get("/session/admin").status_code == 403


def test_ses_6_sign_out_everywhere_on_the_app_ends_the_session_on_the_replica_at_once(app, replica):
    _, other = session_on_both(app, replica)
    assert other.get("/session/admin").status_code == 200
    with app.app_context():
        find_user("alice").revoke_everything()
        db.session.commit()
    assert other.get("/session/admin").status_code == 401


def signed_in_bob(app):
    client = app.test_client()
    client.post("/session/login", json={"username": "bob", "password": PASSWORDS["bob"]})
    assert client.get("/session/protected").status_code == 200
    return find_user("bob").login_id


def test_the_user_a_worker_holds_refuses_to_be_changed(app):
    with app.test_request_context():
        login_id = signed_in_bob(app)
        held = users.load_user(login_id)
        assert held is revocation_epoch.held().answers["users"][login_id]
        with pytest.raises(TypeError, match="editable"):
            held.role = "admin"
        assert find_user("bob").role == "user"


def test_a_request_changes_its_own_copy_of_the_user_never_the_one_held(app):
    with app.test_request_context():
        login_id = signed_in_bob(app)
        held = users.load_user(login_id)
        copy = users.editable(held)
        assert copy is not held and copy in db.session
        copy.role = "admin"
        db.session.commit()
        assert find_user("bob").role == "admin"
    assert held.role == "user"


# -- A live replica in a process of its own ---------------------------------------------------------

REPLICA = """
import sys
from werkzeug.serving import run_simple
from app import create_app
from tests.conftest import app_config
replica = create_app(app_config(sys.argv[1], INSTANCE_NAME="replica"))
run_simple("127.0.0.1", int(sys.argv[2]), replica, threaded=True)
"""


def test_jwt_5_a_replica_in_another_process_refuses_at_once(app, config):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", REPLICA, config["INSTANCE_PATH"], str(port)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/jwt/protected"
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the replica did not start within 30 s"
                time.sleep(0.1)
        pair = login(app.test_client())
        assert requests.get(url, headers=bearer(pair["access_token"]), timeout=5).status_code == 200
        app.test_client().post("/jwt/logout", headers=bearer(pair["access_token"]))
        answer = requests.get(url, headers=bearer(pair["access_token"]), timeout=5)
        assert (answer.status_code, answer.json()["error"]) == (401, "token revoked: logged out")
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- One decode per request: the bearer routes answer as flask-jwt-extended's @jwt_required -------


def jwt_required_twin(config):
    """The app with one more route: the same token checked by flask-jwt-extended's own path."""
    app = create_app(config)

    @jwt_required(locations=["headers"])
    def twin():
        return jsonify(sub=get_jwt()["sub"])

    app.add_url_rule("/twin", "twin", twin)
    return app


def corpus(app):
    client = app.test_client()
    pair = login(client, "bob")
    access = pair["access_token"]
    header, payload, signature = access.split(".")
    with app.app_context():
        other = find_user("alice")
        revoked, _ = tokens.issue(other, "access", "fam-revoked")
    client.post("/jwt/logout", headers=bearer(revoked))
    return {
        "valid": access,
        "refresh": pair["refresh_token"],
        "revoked": revoked,
        "bad signature": f"{header}.{payload}.{signature[::-1]}",
        "no signature": f"{header}.{payload}.",
        "padded": f"{header}==.{payload}.{signature}",
        "junk in a segment": f"{header}.{payload[:10]}!{payload[11:]}.{signature}",
        "not json": "YWJj.YWJj.YWJj",
        "two parts": f"{header}.{payload}",
        "not a jwt": "not-a-jwt",
        "a.b.c": "a.b.c",
        "alg none": pyjwt.encode(pyjwt.decode(access, options={"verify_signature": False}), None, algorithm="none"),
    }


def test_the_bearer_routes_answer_every_token_as_jwt_required_does(config):
    app = jwt_required_twin(config)
    client = app.test_client()
    for name, token in corpus(app).items():
        ours, theirs = client.get("/jwt/protected", headers=bearer(token)), client.get("/twin", headers=bearer(token))
        assert ours.status_code == theirs.status_code, name
        assert ours.headers.get("WWW-Authenticate") == theirs.headers.get("WWW-Authenticate"), name
        if ours.status_code != 200:
            assert ours.json == theirs.json, name


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer a b", "Basic YWxpY2U6d29uZGVybGFuZA==", "Bearer x, Bearer y"]
)
def test_the_bearer_routes_refuse_a_bad_authorization_header_as_jwt_required_does(config, header):
    app = jwt_required_twin(config)
    client = app.test_client()
    headers = {"Accept": "application/json"} | ({"Authorization": header} if header else {})
    ours, theirs = client.get("/jwt/protected", headers=headers), client.get("/twin", headers=headers)
    assert (ours.status_code, ours.json, ours.headers.get("WWW-Authenticate")) == (
        theirs.status_code,
        theirs.json,
        theirs.headers.get("WWW-Authenticate"),
    )
