"""Scale-out: the app and its replica, with a store per instance, the shared store, and JWTs."""

import pytest
import requests

from tests.conftest import PASSWORDS, start_live_servers


def signed_in(base_url, username="alice", password=PASSWORDS["alice"]):
    browser = requests.Session()
    response = browser.post(f"{base_url}/session/login", json={"username": username, "password": password}, timeout=5)
    assert response.status_code == 200
    return browser


def run(browser, base_url, case, **body):
    response = browser.post(f"{base_url}/session/scaleout/{case}", json=body, timeout=20)
    assert response.status_code == 200, response.text
    return response.json()["steps"]


def test_a_store_per_instance_the_replica_does_not_know_the_session(live):
    steps = run(signed_in(live.app_url), live.app_url, "per-instance")
    (app_step, replica_step) = steps
    assert (app_step["status"], app_step["body"]["user"]) == (200, "alice")
    assert replica_step["status"] == 401
    assert all(step["expected"] for step in steps)
    assert replica_step["record"]["request"]["url"].startswith(live.replica_url)


def test_a_shared_store_both_instances_know_the_session(live):
    steps = run(signed_in(live.app_url, "bob", PASSWORDS["bob"]), live.app_url, "shared")
    assert [(s["status"], s["body"]["user"], s["body"]["instance"]) for s in steps] == [
        (200, "bob", "app"),
        (200, "bob", "replica"),
    ]


def test_the_same_session_cookie_works_on_the_replica_directly(live):
    browser = signed_in(live.app_url)
    cookie = {"session": browser.cookies.get("session")}
    answer = requests.get(f"{live.replica_url}/session/admin", cookies=cookie, timeout=5)
    assert answer.status_code == 200
    browser.post(f"{live.app_url}/session/logout", timeout=5)
    # A logout on the app reaches the replica too: they share the store.
    assert requests.get(f"{live.replica_url}/session/admin", cookies=cookie, timeout=5).status_code == 401


def test_the_shared_store_can_be_redis(tmp_path, redis_url):
    servers, threads = start_live_servers(tmp_path, SESSION_TYPE="redis", REDIS_URL=redis_url)
    try:
        steps = run(signed_in(servers.app_url), servers.app_url, "shared")
        assert [s["body"]["store"] for s in steps] == ["Redis", "Redis"]
        assert all(s["status"] == 200 for s in steps)
    finally:
        for thread in threads:
            thread.stop()


def test_replay_after_logout_is_refused(live):
    browser = signed_in(live.app_url)
    response = browser.post(f"{live.app_url}/session/lab/replay", json={}, timeout=20)
    statuses = [step["status"] for step in response.json()["steps"]]
    assert statuses == [200, 200, 401]
    assert browser.get(f"{live.app_url}/session/admin", timeout=5).status_code == 401


@pytest.mark.slow
def test_jwt_both_instances_verify_and_revocation_reaches_the_replica(live):
    steps = run(requests.Session(), live.app_url, "jwt", username="alice", password=PASSWORDS["alice"])
    assert [s["status"] for s in steps] == [200, 200, 200, 200, 401], [(s["label"], s["body"]) for s in steps]
    assert PASSWORDS["alice"] not in str(steps[0]["record"]["request"]["body"])


def test_jwt_wrong_credentials_stop_at_the_first_step(live):
    steps = run(requests.Session(), live.app_url, "jwt", username="alice", password="wrong")
    assert len(steps) == 1 and steps[0]["status"] == 401


def test_a_200_that_knows_nobody_does_not_count_as_a_shared_session(live):
    from blueprints.session.scaleout import step

    response = requests.get(f"{live.replica_url}/session/whoami", timeout=5)
    assert response.status_code == 200 and response.json()["user"] is None
    assert step("whoami", response, None, 200, "alice")["expected"] is False
    assert step("whoami", response, None, 200)["expected"] is True


def test_a_user_agent_http_cannot_carry_is_reported_not_a_500(client):
    response = client.post("/session/scaleout/jwt", environ_overrides={"HTTP_USER_AGENT": "\u0100"})
    assert response.status_code < 500
