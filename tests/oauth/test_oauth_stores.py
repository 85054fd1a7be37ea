"""The whole dance with each server-side session store: the tokens and the dance's records
live in the store (SQLite, files or Redis), the browser holds only the session id."""

import pytest

from tests.conftest import start_live_servers
from tests.oauth_flow import LiveDance


@pytest.fixture(params=["cachelib", "redis"])
def store_servers(request, tmp_path):
    overrides = {"SESSION_TYPE": request.param}
    if request.param == "redis":
        overrides["REDIS_URL"] = request.getfixturevalue("redis_url")
    servers, threads = start_live_servers(tmp_path, **overrides)
    yield servers
    for thread in threads:
        thread.stop()


def test_the_dance_works_with_each_session_store(store_servers):
    dance = LiveDance(store_servers)
    assert dance.sign_in().status_code == 302
    page = dance.page("/oauth/dance").text
    assert "data-oauth-identity>alice<" in page
    assert dance.post("/oauth/refresh").status_code == 302
    assert "A new access token" in dance.page("/oauth/dance").text
    cookie = dance.http.cookies.get("session")
    assert cookie and len(cookie) == 43  # an id, not the data
