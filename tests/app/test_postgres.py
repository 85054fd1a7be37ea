"""The app and the provider on a real PostgreSQL (DATABASE_URL, PROVIDER_DATABASE_URL; issue 16).

Every test runs on the server of the `postgres_url` fixture (Debian's postgresql package), in a
database of its own (`postgres_database`). The app and its replica get separate instance
folders: whatever they share here, they share through PostgreSQL, not a SQLite file.
"""

import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import jwt as pyjwt
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from extensions import db
from provider import create_app as create_provider
from provider.settings import ProviderCannotStart
from refusals import CannotStart
from tests.app.test_passwords import sign_up
from tests.conftest import app_config, free_port, provider_config
from tests.jwt_flow import bearer, login
from tests.oauth_flow import ProviderFlow, csrf_token
from tests.provider.test_provider_security import assert_no_live_token, race
from tests.session_flow import cookie_value
from tests.session_flow import login as session_login

ROOT = Path(__file__).resolve().parents[2]
STRONG = "a quiet orbit of lanterns"


def app_on(folder, url, **overrides):
    return create_app(app_config(folder, SQLALCHEMY_DATABASE_URI=url, **overrides))


def libpq(url):
    """The same database as psycopg's own connect() takes it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def in_schema(url, schema):
    """The classroom's form: one database, every query in one schema (libpq's options)."""
    return f"{url}?options=-csearch_path%3D{schema}"


def create_schema(url, name):
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')


def tables_in(url, schema):
    with psycopg.connect(libpq(url)) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {name for (name,) in rows}


@pytest.fixture
def app(tmp_path, postgres_database):
    return app_on(tmp_path / "app-instance", postgres_database)


@pytest.fixture
def replica(tmp_path, postgres_database, app):
    """A second instance on the same PostgreSQL database, with its own folder and memory."""
    return app_on(tmp_path / "replica-instance", postgres_database, INSTANCE_NAME="replica")


def status(client, token):
    response = client.get("/jwt/protected", headers=bearer(token))
    return response.status_code, response.json.get("error")


# --- Starting on PostgreSQL ------------------------------------------------------------------


def test_the_app_starts_on_postgresql_and_creates_its_tables(app, postgres_database):
    assert {"users", "server_sessions", "revocation_epoch", "throttle_counters"} <= tables_in(
        postgres_database, "public"
    )


def test_the_demo_accounts_are_made_on_postgresql_and_sign_in(app):
    assert login(app.test_client(), "alice")["access_token"]
    assert login(app.test_client(), "bob")["access_token"]


def test_the_jwt_lab_names_postgresql_as_its_store(app):
    token = login(app.test_client())["access_token"]
    assert app.test_client().get("/jwt/api/keys", headers=bearer(token)).json["store"] == "PostgreSQL"


def test_a_bare_postgresql_url_is_read_as_psycopg_3(tmp_path, postgres_database):
    # postgresql://, as PostgreSQL's own tools write it; SQLAlchemy alone would want psycopg2.
    bare = postgres_database.replace("postgresql+psycopg://", "postgresql://")
    app = app_on(tmp_path / "instance", bare)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert login(app.test_client())["access_token"]


def test_a_second_start_on_the_same_database_keeps_what_the_first_made(tmp_path, postgres_database):
    sign_up(app_on(tmp_path / "first", postgres_database).test_client(), STRONG)
    again = app_on(tmp_path / "second", postgres_database).test_client()
    response = again.post("/jwt/login", json={"username": "carol", "password": STRONG})
    assert response.status_code == 200


def start_app(folder, url, overrides):
    app_on(folder, url, **overrides)


def start_provider(folder, url):
    create_provider(provider_config(folder, SQLALCHEMY_DATABASE_URI=url))


def released(barrier, results, start, args):
    """One start in a process of its own, once every start is ready; what it raised, or None."""
    barrier.wait()
    try:
        start(*args)
    except Exception as exc:  # noqa: BLE001 (the test reports whatever a start raised)
        results.put(repr(exc))
    else:
        results.put(None)


def at_once(*starts):
    """Run each (function, *arguments) in its own process, released together, as `make run`
    starts the app and its replica; what the starts raised.

    Processes, not threads: that is how the two start, and Werkzeug builds each route with
    ast.parse, which two threads at once can break on CPython 3.11 (gh-106905).
    """
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(starts)), context.Queue()
    processes = [context.Process(target=released, args=(barrier, results, start, args)) for start, *args in starts]
    for process in processes:
        process.start()
    try:
        return [error for error in (results.get(timeout=120) for _ in processes) if error is not None]
    finally:
        for process in processes:
            process.join(timeout=30)


def test_the_app_and_its_replica_starting_at_the_same_moment_both_start(tmp_path, postgres_database):
    # make run starts both on a new database: PostgreSQL would let both CREATE TABLE at once.
    errors = at_once(
        (start_app, tmp_path / "app", postgres_database, {}),
        (start_app, tmp_path / "replica", postgres_database, {"INSTANCE_NAME": "replica"}),
    )
    assert errors == []


def test_two_providers_starting_at_the_same_moment_both_start(tmp_path, postgres_database):
    errors = at_once(*((start_provider, tmp_path / name, postgres_database) for name in ("one", "two")))
    assert errors == []


def test_sign_up_then_sign_in_works_on_postgresql(app):
    assert sign_up(app.test_client(), STRONG).status_code == 302
    client = app.test_client()
    assert client.post("/session/login", json={"username": "carol", "password": STRONG}).status_code == 200
    assert client.get("/session/protected").get_json()["message"] == "You are authenticated!"


def test_a_name_taken_on_postgresql_is_refused_at_sign_up(app):
    assert sign_up(app.test_client(), STRONG).status_code == 302
    assert sign_up(app.test_client(), STRONG).status_code == 400


def test_the_session_lab_names_postgresql_as_its_store(app):
    client = app.test_client()
    session_login(client, "alice")
    assert client.get("/session/lab/record").json["store"] == "PostgreSQL (Flask-SQLAlchemy)"


# --- Two instances, one database: what one does, the other honours at once ------------------


def test_a_session_made_on_the_app_is_honoured_by_the_replica(app, replica):
    cookie = cookie_value(session_login(app.test_client(), "alice"))
    client = replica.test_client()
    client.set_cookie("session", cookie)
    response = client.get("/session/admin")
    assert response.status_code == 200


def test_a_session_ended_on_the_app_is_refused_by_the_replica(app, replica):
    signed_in = app.test_client()
    cookie = cookie_value(session_login(signed_in, "alice"))
    other = replica.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/session/admin").status_code == 200
    assert signed_in.post("/session/logout").status_code == 200
    assert other.get("/session/admin").status_code == 401


def test_a_jwt_revoked_on_the_app_is_refused_by_the_next_request_on_the_replica(app, replica):
    pair = login(app.test_client())
    # The replica answers first, so what it holds in memory would let the token through.
    assert status(replica.test_client(), pair["access_token"]) == (200, None)
    app.test_client().post("/jwt/logout", headers=bearer(pair["access_token"]))
    assert status(replica.test_client(), pair["access_token"]) == (401, "token revoked: logged out")


def test_a_key_made_on_the_app_verifies_on_the_replica_at_once(app, replica):
    client = app.test_client()
    old = login(client)["access_token"]
    assert status(replica.test_client(), old) == (200, None)  # the replica now holds the keyring
    assert client.post("/jwt/api/keys/rotate", headers=bearer(old), json={"alg": "RS256"}).status_code == 200
    new = login(client)["access_token"]
    assert pyjwt.get_unverified_header(new)["kid"] != pyjwt.get_unverified_header(old)["kid"]
    assert status(replica.test_client(), new) == (200, None)


def test_a_key_retired_on_the_app_verifies_nothing_on_the_replica_at_once(app, replica):
    client = app.test_client()
    old = login(client)["access_token"]
    old_kid = pyjwt.get_unverified_header(old)["kid"]
    assert client.post("/jwt/api/keys/rotate", headers=bearer(old), json={"alg": "HS256"}).status_code == 200
    new = login(client)["access_token"]
    assert status(replica.test_client(), old) == (200, None)
    assert client.post("/jwt/api/keys/retire", headers=bearer(new), json={"kid": old_kid}).status_code == 200
    assert status(replica.test_client(), old) == (401, f"key {old_kid} has been retired")


def test_the_app_reads_committed_data_where_the_server_defaults_to_repeatable_read(tmp_path, postgres_database):
    # A request's older snapshot could predate a revocation the epoch already announced.
    name = make_url(postgres_database).database
    with psycopg.connect(libpq(postgres_database), autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE \"{name}\" SET default_transaction_isolation = 'repeatable read'")
    app = app_on(tmp_path / "instance", postgres_database)
    with app.app_context():
        assert db.session.execute(text("SHOW transaction_isolation")).scalar() == "read committed"


# --- Schemas: one database, a sandbox each ----------------------------------------------------


def test_an_app_in_a_schema_makes_its_tables_there_and_nowhere_else(tmp_path, postgres_database):
    create_schema(postgres_database, "sb_one")
    app_on(tmp_path / "one", in_schema(postgres_database, "sb_one"))
    assert "users" in tables_in(postgres_database, "sb_one")
    assert tables_in(postgres_database, "public") == set()


def test_apps_in_two_schemas_see_none_of_each_others_users(tmp_path, postgres_database):
    for name in ("sb_one", "sb_two"):
        create_schema(postgres_database, name)
    one = app_on(tmp_path / "one", in_schema(postgres_database, "sb_one"))
    two = app_on(tmp_path / "two", in_schema(postgres_database, "sb_two"))
    assert sign_up(one.test_client(), STRONG).status_code == 302
    assert one.test_client().post("/jwt/login", json={"username": "carol", "password": STRONG}).status_code == 200
    assert two.test_client().post("/jwt/login", json={"username": "carol", "password": STRONG}).status_code == 401


def test_a_token_revoked_in_one_schema_leaves_the_other_schemas_tokens_alone(tmp_path, postgres_database):
    for name in ("sb_one", "sb_two"):
        create_schema(postgres_database, name)
    one = app_on(tmp_path / "one", in_schema(postgres_database, "sb_one"))
    two = app_on(tmp_path / "two", in_schema(postgres_database, "sb_two"))
    mine, theirs = login(one.test_client())["access_token"], login(two.test_client())["access_token"]
    one.test_client().post("/jwt/logout", headers=bearer(mine))
    assert status(one.test_client(), mine) == (401, "token revoked: logged out")
    assert status(two.test_client(), theirs) == (200, None)


def test_a_provider_in_a_schema_makes_its_tables_there_and_nowhere_else(tmp_path, postgres_database):
    create_schema(postgres_database, "sb_provider")
    url = in_schema(postgres_database, "sb_provider")
    create_provider(provider_config(tmp_path / "provider", SQLALCHEMY_DATABASE_URI=url))
    assert "provider_users" in tables_in(postgres_database, "sb_provider")
    assert tables_in(postgres_database, "public") == set()


def test_a_schema_that_does_not_exist_is_refused_at_start_up(tmp_path, postgres_database):
    with pytest.raises(CannotStart, match="has no schema on its search_path") as refusal:
        app_on(tmp_path / "instance", in_schema(postgres_database, "sb_missing"))
    assert "\n" not in str(refusal.value)


# --- The provider on PostgreSQL ----------------------------------------------------------------


@pytest.fixture
def provider_app(tmp_path, postgres_database):
    return create_provider(provider_config(tmp_path / "provider", SQLALCHEMY_DATABASE_URI=postgres_database))


def test_the_provider_on_postgresql_completes_a_code_grant(provider_app):
    flow = ProviderFlow(provider_app.test_client())
    flow.login()
    tokens = flow.tokens()
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
    userinfo = flow.userinfo(tokens["access_token"])
    assert userinfo.status_code == 200 and userinfo.get_json()["preferred_username"] == "alice"


def test_the_provider_on_postgresql_refuses_a_code_used_twice(provider_app):
    flow = ProviderFlow(provider_app.test_client())
    flow.login()
    code, _params = flow.code()
    assert flow.token(code).status_code == 200
    assert flow.token(code).status_code == 400


def test_the_provider_on_postgresql_rotates_refresh_tokens_and_refuses_a_reused_one(provider_app):
    flow = ProviderFlow(provider_app.test_client())
    flow.login()
    first = flow.tokens()["refresh_token"]
    assert flow.refresh(first).status_code == 200
    assert flow.refresh(first).status_code == 400


def test_two_concurrent_code_exchanges_on_postgresql_cannot_both_win(provider_app):
    # PostgreSQL runs the two side by side (SQLite would take them in turn): the code is claimed
    # in one statement, and the token's grant is read under a row lock (oauth2.save_token).
    flow = ProviderFlow(provider_app.test_client())
    flow.login()
    code, _params = flow.code()
    start, answers = threading.Barrier(2), []

    def exchange():
        client = ProviderFlow(provider_app.test_client())
        client.verifier = flow.verifier
        start.wait()
        answers.append(client.token(code))

    race(exchange)
    assert_no_live_token(flow, answers)


def test_concurrent_guesses_at_the_provider_on_postgresql_cannot_slip_under_the_limit(tmp_path, postgres_database):
    # PW-6: twenty guesses at once, a limit of five. Without a lock per key each transaction
    # would count only its own uncommitted row, and all twenty would be let through.
    config = provider_config(
        tmp_path / "provider",
        SQLALCHEMY_DATABASE_URI=postgres_database,
        RATELIMIT_ENABLED=True,
        LOGIN_FAILURES_PER_ACCOUNT="5 per minute",
    )
    app = create_provider(config)
    start, statuses = threading.Barrier(20), []

    def guess():
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        start.wait()
        data = {"csrf_token": token, "username": "alice", "password": "guess"}
        statuses.append(client.post("/login", data=data).status_code)

    race(guess, runners=20)
    assert sorted(statuses) == [401] * 5 + [429] * 15


def test_the_provider_reads_provider_database_url(tmp_path, postgres_database, monkeypatch):
    monkeypatch.setenv("PROVIDER_DATABASE_URL", postgres_database.replace("postgresql+psycopg://", "postgresql://"))
    provider = create_provider(provider_config(tmp_path / "provider"))
    assert provider.config["SQLALCHEMY_DATABASE_URI"] == postgres_database
    assert "provider_users" in tables_in(postgres_database, "public")
    assert not (tmp_path / "provider" / "provider.sqlite").exists()


# --- Text PostgreSQL cannot hold: a NUL character is bad input, a 400 ----------------------------


def test_a_username_with_a_nul_character_is_a_400_on_postgresql(app):
    response = app.test_client().post("/jwt/login", json={"username": "ali\x00ce", "password": "x"})
    assert response.status_code == 400


def test_a_session_sign_in_with_a_nul_character_is_a_400_on_postgresql(app):
    response = app.test_client().post("/session/login", json={"username": "b\x00ob", "password": "x"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


# The provider never imports the app (whose storage.py answers this for the app): run it alone.
PROVIDER_ALONE = """
import sys
from provider import create_app
client = create_app({"TESTING": True}).test_client()
answer = client.get("/authorize", query_string={"client_id": "authlab\\x00app", "response_type": "code"})
print(answer.status_code, "storage" in sys.modules)
"""


def test_the_provider_alone_answers_a_nul_character_with_a_400(tmp_path, postgres_database):
    env = dict(os.environ) | {"PROVIDER_DATABASE_URL": postgres_database, "PROVIDER_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROVIDER_ALONE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["400", "False"], done.stderr[-2000:]


# --- A database that cannot be used: one line, never a traceback ------------------------------


def wrong_password(url):
    return make_url(url).set(password="not-the-password").render_as_string(hide_password=False)


def closed_port(url):
    return make_url(url).set(port=free_port()).render_as_string(hide_password=False)


def test_a_wrong_database_password_is_refused_in_one_line(tmp_path, postgres_database):
    with pytest.raises(CannotStart, match="password authentication failed") as refusal:
        app_on(tmp_path / "instance", wrong_password(postgres_database))
    assert "\n" not in str(refusal.value)
    assert "not-the-password" not in str(refusal.value)


def test_a_database_port_nobody_listens_on_is_refused_in_one_line(tmp_path, postgres_database):
    with pytest.raises(CannotStart, match="cannot reach the database .*Connection refused") as refusal:
        app_on(tmp_path / "instance", closed_port(postgres_database))
    assert "\n" not in str(refusal.value)


def test_a_user_who_may_not_create_the_tables_is_refused_in_one_line(tmp_path, postgres_database):
    # PostgreSQL 15 lets only a database's owner create tables in its public schema.
    with psycopg.connect(libpq(postgres_database), autocommit=True) as connection:
        connection.execute("CREATE ROLE visitor LOGIN PASSWORD 'visitor-password'")
    visitor = make_url(postgres_database).set(username="visitor", password="visitor-password")
    try:
        with pytest.raises(CannotStart, match="visitor may not create them in schema public") as refusal:
            app_on(tmp_path / "instance", visitor.render_as_string(hide_password=False))
    finally:
        with psycopg.connect(libpq(postgres_database), autocommit=True) as connection:
            connection.execute("DROP ROLE visitor")  # roles belong to the whole server
    assert "\n" not in str(refusal.value)


@pytest.mark.parametrize("url", ["mysql://root@localhost/authlab", "postgresql+psycopg2://u@localhost/db", "nonsense"])
def test_a_database_url_the_app_cannot_use_is_refused_by_name(tmp_path, url):
    with pytest.raises(CannotStart, match="DATABASE_URL"):
        app_on(tmp_path / "instance", url)


def test_the_provider_refuses_a_wrong_database_password_in_one_line(tmp_path, postgres_database):
    config = provider_config(tmp_path / "provider", SQLALCHEMY_DATABASE_URI=wrong_password(postgres_database))
    with pytest.raises(ProviderCannotStart, match="password authentication failed") as refusal:
        create_provider(config)
    assert "\n" not in str(refusal.value)
    assert "not-the-password" not in str(refusal.value)


def test_the_provider_refuses_a_schema_that_does_not_exist_in_one_line(tmp_path, postgres_database):
    config = provider_config(tmp_path / "provider", SQLALCHEMY_DATABASE_URI=in_schema(postgres_database, "sb_none"))
    with pytest.raises(ProviderCannotStart, match="has no schema on its search_path") as refusal:
        create_provider(config)
    assert "\n" not in str(refusal.value)


def test_run_py_prints_the_refusal_as_one_line_without_a_traceback(tmp_path, postgres_database):
    env = dict(os.environ) | {
        "AUTHLAB_CHILD": "1",
        "APP_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": wrong_password(postgres_database).replace("postgresql+psycopg://", "postgresql://"),
    }
    done = subprocess.run(
        [sys.executable, "run.py", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("app: cannot reach the database postgresql+psycopg://authlab:***@")
