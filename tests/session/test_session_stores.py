"""The three Flask-Session stores: SQLite (SQLAlchemy), files (cachelib) and Redis (a real redis-server)."""

import pytest

import session_store
from app import create_app
from tests.conftest import PASSWORDS, app_config
from tests.session_flow import cookie_value, login

STORES = ["sqlalchemy", "cachelib", pytest.param("redis", marks=pytest.mark.redis)]


@pytest.fixture(params=STORES)
def store_app(request, tmp_path):
    overrides = {"SESSION_TYPE": request.param}
    if request.param == "redis":
        redis_url = request.getfixturevalue("redis_url")
        overrides["REDIS_URL"] = redis_url
        # A private key prefix per test: the redis-server is shared by the whole run.
        overrides["SESSION_KEY_PREFIX"] = f"session:{tmp_path.name}:"
    return create_app(app_config(tmp_path / "instance", **overrides))


def test_each_store_serves_the_contract(store_app):
    client = store_app.test_client()
    sid = cookie_value(login(client))
    assert client.get("/session/admin").get_json() == {"message": "Welcome, admin!"}
    assert client.post("/session/logout").status_code == 200
    client.set_cookie("session", sid)
    assert client.get("/session/admin").status_code == 401


def test_each_store_keeps_the_record_under_the_prefixed_id(store_app):
    client = store_app.test_client()
    sid = cookie_value(login(client, "bob"))
    with store_app.test_request_context():
        record = store_app.session_interface.inspect(sid)
    assert record["key"] == store_app.config["SESSION_KEY_PREFIX"] + sid
    assert record["data"]["_user_id"]  # the login_id, not the password, not the role
    assert record["expires"] and record["raw"]
    assert PASSWORDS["bob"] not in bytes.fromhex(record["raw"]).decode("latin-1")


def test_each_store_deletes_the_record_at_logout(store_app):
    client = store_app.test_client()
    sid = cookie_value(login(client))
    client.post("/session/logout")
    with store_app.test_request_context():
        assert store_app.session_interface.inspect(sid) is None


def test_ses_1_each_store_refuses_unknown_ids(store_app):
    client = store_app.test_client()
    client.set_cookie("session", "B" * 43)
    assert client.get("/session/admin").status_code == 401
    assert cookie_value(login(client)) != "B" * 43


def test_the_lab_page_names_the_active_store(store_app):
    page = store_app.test_client().get("/session/").get_data(as_text=True)
    assert session_store.STORE_NAMES[store_app.config["SESSION_TYPE"]] in page


def test_the_record_endpoint_never_shows_the_whole_id(store_app):
    client = store_app.test_client()
    sid = cookie_value(login(client))
    body = client.get("/session/lab/record").get_data(as_text=True)
    assert sid not in body and sid[:6] in body


def test_an_unknown_store_type_refuses_to_start(tmp_path):
    with pytest.raises(ValueError, match="SESSION_TYPE"):
        create_app(app_config(tmp_path / "i", SESSION_TYPE="memory"))
