"""A class whose sandboxes share one real Redis: each sandbox's keys are its own."""

import pytest
import redis

from tests.classroom.conftest import join, jwt_sign_in, start_class


@pytest.fixture(scope="module")
def redis_class(tmp_path_factory, redis_url, resolving_localhost_names):
    running = start_class(tmp_path_factory.mktemp("redis-class"), redis_url=redis_url, most_per_address=1000)
    yield running
    running.stop()


def wrong_password(student):
    return student.http.post(
        student.url("app", "/jwt/login"), json={"username": "alice", "password": "not hers"}, timeout=30
    )


def test_failed_sign_ins_in_one_sandbox_do_not_lock_alice_out_of_another(redis_class):
    ada, bea = join(redis_class, "Ada"), join(redis_class, "Bea")
    statuses = [wrong_password(ada).status_code for _ in range(6)]
    assert statuses[-1] == 429
    assert jwt_sign_in(bea)  # the same alice, the same address, another sandbox: not throttled


def test_every_key_a_sandbox_writes_to_redis_carries_its_own_prefix(redis_class, redis_url):
    ada, bea = join(redis_class, "Cy"), join(redis_class, "Di")
    for student in (ada, bea):
        token = jwt_sign_in(student)["access_token"]
        student.http.post(student.url("app", "/jwt/logout"), headers={"Authorization": f"Bearer {token}"}, timeout=30)
        wrong_password(student)
    client = redis.Redis.from_url(redis_url)
    keys = [name.decode() for name in client.scan_iter(count=1000)]
    client.close()
    prefixes = {name.split(":")[1] for name in keys if name.startswith("sb:")}
    assert keys and all(name.startswith("sb:") for name in keys)
    rows = [redis_class.origins["app"].registry.find(s.key) for s in (ada, bea)]
    assert {row.digest[:24] for row in rows} <= prefixes
