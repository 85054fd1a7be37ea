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
        "A spent refresh token worked a second time. Rotation means each one is spent on use: mark it "
        "used, and refuse it (ReuseDetected) when it comes back."
    )


def test_a_refresh_gives_the_user_and_a_new_token(store):
    first = store.sign_in("alice")
    user, second = store.rotate(first)
    assert user == "alice" and second != first, "rotate() should return the user and a NEW refresh token."
    assert store.rotate(second)[0] == "alice", "The new refresh token should work in its turn."


def test_a_spent_refresh_token_is_refused(ex, store):
    first = store.sign_in("alice")
    store.rotate(first)
    with pytest.raises(ex.InvalidGrant):
        store.rotate(first)
        raise AssertionError(
            "The same refresh token worked twice. Rotation means each one is spent on use: mark it used, "
            "and refuse it when it comes back."
        )


def test_a_replayed_token_raises_reuse_detected(ex, store):
    first = store.sign_in("alice")
    store.rotate(first)
    with pytest.raises(ex.ReuseDetected):
        store.rotate(first)
        raise AssertionError("Replaying a spent refresh token did not raise ReuseDetected.")


def test_reuse_kills_the_thiefs_newest_token(ex, store):
    # The thief steals the token and refreshes first; the real user's copy is now "spent".
    stolen = store.sign_in("alice")
    _, thiefs = store.rotate(stolen)
    spend_again(ex, store, stolen)  # the real user tries: reuse detected
    with pytest.raises(ex.InvalidGrant):
        store.rotate(thiefs)
        raise AssertionError(
            "After reuse was detected, the newest token of the family still works: that is the thief's. "
            "The server cannot tell who replayed, so revoke the whole family (every token since the sign-in)."
        )


def test_reuse_kills_the_family_however_long_the_chain(ex, store):
    first = store.sign_in("alice")
    _, second = store.rotate(first)
    _, third = store.rotate(second)
    spend_again(ex, store, first)
    with pytest.raises(ex.InvalidGrant):
        store.rotate(third)
        raise AssertionError("Replaying the FIRST token of a chain left the newest one alive: revoke by family.")


def test_other_sign_ins_survive_a_reuse(ex, store):
    laptop, phone = store.sign_in("alice"), store.sign_in("alice")
    store.rotate(laptop)
    spend_again(ex, store, laptop)
    assert store.rotate(phone)[0] == "alice", (
        "Reuse on the laptop's sign-in also killed the phone's: revoke only that token's family."
    )


def test_an_unknown_token_is_refused(ex, store):
    with pytest.raises(ex.InvalidGrant):
        store.rotate("made-up-token")
        raise AssertionError("A made-up refresh token was accepted.")


def test_an_expired_token_is_refused(ex):
    now = [1_000_000.0]
    store = ex.RefreshTokens(lifetime=60, clock=lambda: now[0])
    token = store.sign_in("alice")
    now[0] += 61
    with pytest.raises(ex.InvalidGrant):
        store.rotate(token)
        raise AssertionError("A refresh token past its lifetime was accepted.")


def test_the_store_keeps_no_usable_token(store):
    token = store.sign_in("alice")
    assert token not in repr(store.records), (
        "The store holds the raw refresh token: keep a hash (fingerprint()) so a leaked store is useless."
    )
