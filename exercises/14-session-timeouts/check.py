"""Checks for exercise 14: sessions end after inactivity and after a fixed lifetime, on the store's clock."""

import re

import pytest

MINUTE, HOUR = 60, 3600
IDLE, ABSOLUTE = 15 * MINUTE, 8 * HOUR


class Clock:
    """The time the store sees; the checks move it by hand."""

    def __init__(self):
        self.now = 1_750_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(ex, clock):
    return ex.SessionStore(idle_timeout=IDLE, absolute_timeout=ABSOLUTE, clock=clock)


def test_a_new_session_gives_its_user_back(store):
    session_id = store.create("alice")
    assert store.get(session_id) == "alice", (
        f"get() of a session just created for alice returned {store.get(session_id)!r}."
    )


def test_session_ids_are_long_random_and_url_safe(store):
    ids = [store.create("alice") for _ in range(20)]
    short = min(ids, key=lambda value: len(str(value)))
    assert all(isinstance(value, str) for value in ids), f"create() returned {short!r}: a session id is a str."
    assert len(short) >= 22, f"A session id of {len(short)} characters ({short!r}): 128 random bits need 22."
    odd = [value for value in ids if not re.fullmatch(r"[A-Za-z0-9_-]+", value)]
    assert not odd, f"A session id with characters that need escaping in a cookie or a URL: {odd[0]!r}."
    assert len(set(ids)) == 20, "Twenty sessions got fewer than twenty different ids."


def test_sessions_of_different_users_stay_apart(store):
    alices, bobs = store.create("alice"), store.create("bob")
    assert (store.get(alices), store.get(bobs)) == ("alice", "bob"), (
        f"Two sessions, alice's and bob's, gave back {store.get(alices)!r} and {store.get(bobs)!r}."
    )


def test_a_session_left_alone_ends_at_its_idle_timeout(store, clock):
    session_id = store.create("alice")
    clock.now += IDLE - 1
    assert store.get(session_id) == "alice", (
        "A session used 14 min 59 s ago was refused, with a 15-minute idle timeout."
    )
    clock.now += IDLE
    assert store.get(session_id) is None, (
        "A session left alone for exactly 15 minutes, the idle timeout, still worked: it is valid while "
        "t < last activity + idle_timeout."
    )


def test_each_use_restarts_the_idle_timeout(store, clock):
    session_id = store.create("alice")
    for _ in range(6):  # used every 14 minutes for well over an hour
        clock.now += 14 * MINUTE
        assert store.get(session_id) == "alice", (
            "A session used every 14 minutes ended although the idle timeout is 15: using it must count as activity."
        )


def test_activity_never_extends_the_absolute_timeout(store, clock):
    session_id = store.create("alice")
    for _ in range(47):  # used every 10 minutes, for 7 h 50 min
        clock.now += 10 * MINUTE
        store.get(session_id)
    clock.now += 10 * MINUTE  # 8 hours since it was created
    assert store.get(session_id) is None, (
        "A session kept busy every 10 minutes still worked 8 hours after it was created, with an 8-hour absolute "
        "timeout: a thief who keeps a stolen session busy keeps it for ever."
    )


def test_an_expired_session_is_not_revived_by_asking_again(store, clock):
    session_id = store.create("alice")
    clock.now += IDLE
    store.get(session_id)
    clock.now -= IDLE  # the clock stepped back (an NTP correction): the session is still over
    assert store.get(session_id) is None, (
        "A session that had been found expired came back to life when the clock stepped back: once over, it is over."
    )


def test_a_rotated_session_keeps_its_user_under_a_new_id(store):
    old = store.create("alice")
    new = store.rotate(old)
    assert isinstance(new, str) and new != old and store.get(new) == "alice", (
        f"rotate() of alice's session returned {new!r}: it must return a new id that gives alice back."
    )


def test_the_old_id_is_unknown_after_rotation(store):
    old = store.create("alice")
    store.rotate(old)
    assert store.get(old) is None, (
        "After rotate(), the old id still opened the session: a planted or stolen id survives the login (fixation)."
    )


def test_rotation_never_extends_the_absolute_timeout(store, clock):
    session_id = store.create("alice")
    for _ in range(47):  # a privilege change every 10 minutes, for 7 h 50 min
        clock.now += 10 * MINUTE
        session_id = store.rotate(session_id)
    clock.now += 10 * MINUTE  # 8 hours since the first create()
    assert session_id is not None and store.get(session_id) is None, (
        "A session rotated every 10 minutes still worked 8 hours after it was created: rotating restarted the "
        "absolute timeout."
    )


def test_rotation_counts_as_activity(store, clock):
    session_id = store.create("alice")
    clock.now += 14 * MINUTE
    session_id = store.rotate(session_id)
    clock.now += 14 * MINUTE
    assert store.get(session_id) == "alice", (
        "A session rotated 14 minutes ago was refused with a 15-minute idle timeout: rotating is activity."
    )


def test_rotating_an_expired_or_unknown_session_gives_none(store, clock):
    session_id = store.create("alice")
    clock.now += IDLE
    assert store.rotate(session_id) is None, "rotate() of a session past its idle timeout returned a new id."
    assert store.rotate("no-such-session") is None, "rotate() of an id the store never made returned a new id."
    assert len(store) == 0, f"After rotating an expired and an unknown id, the store holds {len(store)} session(s)."


def test_a_deleted_session_is_gone(store):
    session_id, bobs = store.create("alice"), store.create("bob")
    store.delete(session_id)
    assert store.get(session_id) is None, "After delete() (a logout), the session id still worked."
    assert store.get(bobs) == "bob", "Deleting alice's session also ended bob's."


def test_deleting_an_unknown_session_is_not_an_error(store):
    store.delete("no-such-session")
    store.delete(None)


def test_a_session_found_expired_is_removed(store, clock):
    session_id = store.create("alice")
    clock.now += IDLE
    store.get(session_id)
    assert len(store) == 0, f"A session found expired by get() is still in the store (it holds {len(store)})."


def test_purge_removes_the_expired_sessions_only(store, clock):
    for _ in range(3):
        store.create("idle user")
    clock.now += 10 * MINUTE
    fresh = store.create("alice")
    clock.now += 6 * MINUTE  # the first three are 16 minutes idle; alice's is 6
    removed = store.purge()
    assert removed == 3, f"purge() with three expired sessions and one valid one returned {removed!r}, not 3."
    assert len(store) == 1 and store.get(fresh) == "alice", (
        f"After purge() the store holds {len(store)} session(s): it must keep the one valid session, alice's."
    )


@pytest.mark.parametrize("session_id", [None, 42, b"abc", ["abc"], {"id": 1}, ""], ids=repr)
def test_anything_that_is_not_a_session_id_is_unknown(store, session_id):
    store.create("alice")
    for method in ("get", "rotate"):
        try:
            got = getattr(store, method)(session_id)
        except NotImplementedError:
            raise
        except Exception as error:
            raise AssertionError(
                f"{method}({session_id!r}) crashed with {type(error).__name__}: a cookie with a strange value would "
                "be a 500 for whoever sends it."
            ) from error
        assert got is None, f"{method}({session_id!r}) returned {got!r}, for something that is no session id."
