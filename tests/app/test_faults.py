"""Faults: a store that does not answer, an instance folder that cannot be written."""

import pytest

from app import create_app
from refusals import CannotStart
from tests.conftest import app_config, free_port


@pytest.fixture
def app_with_dead_redis(tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    return create_app(app_config(tmp_path / "instance", REDIS_URL=dead, SESSION_TYPE="redis"))


def client_with_session_cookie(app):
    client = app.test_client()
    client.set_cookie("session", "a" * 43)  # the store must be asked about it
    return client


def test_redis_down_answers_a_clear_503_page_not_a_500(app_with_dead_redis):
    response = client_with_session_cookie(app_with_dead_redis).get("/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "Redis is configured (REDIS_URL) but is not answering" in response.get_data(as_text=True)


def test_redis_down_tells_clients_when_to_retry(app_with_dead_redis):
    response = client_with_session_cookie(app_with_dead_redis).get("/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"] == "Store unavailable"


def test_an_instance_folder_that_cannot_be_created_stops_start_up_with_a_clear_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the instance folder should be")
    with pytest.raises(CannotStart, match="cannot create the instance folder"):
        create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(blocker / "instance")})


def test_a_provider_that_does_not_answer_is_a_clear_502(tmp_path):
    app = create_app(app_config(tmp_path / "instance", PROVIDER_URL=f"http://127.0.0.1:{free_port()}"))
    response = app.test_client().get("/oauth/login", headers={"Accept": "text/html"})
    assert response.status_code == 502
    assert "did not answer" in response.get_data(as_text=True)


def test_a_full_disk_at_first_start_stops_with_a_clear_message(tmp_path, monkeypatch):
    import errno
    import os

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "open", full_disk)
    with pytest.raises(CannotStart, match="No space left on device"):
        create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(tmp_path)})


def test_a_database_that_cannot_be_written_stops_start_up_with_a_clear_message(tmp_path):
    unreachable = f"sqlite:///{tmp_path}/no-such-folder/app.sqlite"
    with pytest.raises(CannotStart, match="cannot prepare the database"):
        create_app(app_config(tmp_path / "instance", SQLALCHEMY_DATABASE_URI=unreachable))
