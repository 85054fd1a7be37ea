"""Checks for exercise 9: each refresh token works once; a replayed one revokes its whole family."""

import pytest


@pytest.fixture
def store(ex):
    return ex.RefreshTokens()


def spend_again(ex, store, token):
    """Replay a spent token: it must be refused."""
    try:
        store.rotate(token)
    except ex.InvalidGrant:
        return
    raise AssertionError(
        "A refresh token that had already been spent worked a second time: whoever holds a copy can go on "
        "refreshing for as long as they like."
    )


def test_a_refresh_gives_the_user_and_a_new_token(store):
    first = store.sign_in("alice")
    user, second = store.rotate(first)
    assert user == "alice" and second != first, (
        f"rotate() of alice's first token returned user {user!r} and "
        + ("the same token again" if second == first else "a new token")
        + ": it must return alice and a new refresh token."
    )
    assert store.rotate(second)[0] == "alice", "The refresh token that rotate() handed out did not work in its turn."


def test_a_spent_refresh_token_is_refused(ex, store):
    first = store.sign_in("alice")
    store.rotate(first)
    spend_again(ex, store, first)


def test_a_replayed_token_raises_reuse_detected(ex, store):
    first = store.sign_in("alice")
    store.rotate(first)
    try:
        store.rotate(first)
    except ex.ReuseDetected:
        return
    except ex.InvalidGrant as error:
        raise AssertionError(
            f"Replaying a spent refresh token was refused as {type(error).__name__}({error}), not as ReuseDetected: "
            "the server's alerting cannot tell a stolen token from an expired one."
        ) from error
    raise AssertionError("Replaying a spent refresh token worked: it must be refused with ReuseDetected.")


def test_reuse_kills_the_thiefs_newest_token(ex, store):
    # The thief steals the token and refreshes first; the real user's copy is now "spent".
    stolen = store.sign_in("alice")
    _, thiefs = store.rotate(stolen)
    spend_again(ex, store, stolen)  # the real user tries: reuse detected
    with pytest.raises(ex.InvalidGrant):
        store.rotate(thiefs)
        raise AssertionError(
            "After a spent token was replayed, the newest token of its sign-in still worked: that one is the "
            "thief's (they refreshed first), so the thief keeps the session."
        )


def test_reuse_kills_the_family_however_long_the_chain(ex, store):
    first = store.sign_in("alice")
    _, second = store.rotate(first)
    _, third = store.rotate(second)
    spend_again(ex, store, first)
    with pytest.raises(ex.InvalidGrant):
        store.rotate(third)
        raise AssertionError(
            "Replaying the first token of a three-token chain left the newest token of that chain working."
        )


def test_other_sign_ins_survive_a_reuse(ex, store):
    laptop, phone = store.sign_in("alice"), store.sign_in("alice")
    store.rotate(laptop)
    spend_again(ex, store, laptop)
    try:
        user = store.rotate(phone)[0]
    except ex.InvalidGrant as error:
        raise AssertionError(
            f"Reuse on the laptop's sign-in also ended the phone's own sign-in ({error}): one stolen token "
            "logged out every device."
        ) from error
    assert user == "alice", f"The phone's refresh token came back as user {user!r}, not alice."


def test_an_unknown_token_is_refused(ex, store):
    with pytest.raises(ex.InvalidGrant):
        store.rotate("made-up-token")
        raise AssertionError("A refresh token the store never issued was accepted.")


def test_an_expired_token_is_refused(ex):
    now = [1_000_000.0]
    store = ex.RefreshTokens(lifetime=60, clock=lambda: now[0])
    token = store.sign_in("alice")
    now[0] += 61
    with pytest.raises(ex.InvalidGrant):
        store.rotate(token)
        raise AssertionError("A refresh token one second past its 60-second lifetime was accepted.")


def test_the_store_keeps_no_usable_token(store):
    token = store.sign_in("alice")
    assert token not in repr(store.records), (
        "The store holds the raw refresh token: anyone who reads the store (a backup, a leaked database) can "
        "use every token in it."
    )
