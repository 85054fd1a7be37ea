"""Checks for exercise 11: single-use refresh tokens, one family per sign-in, a family revoked on reuse."""

import re

import pytest

DAY = 24 * 3600
IDLE, ABSOLUTE = 14 * DAY, 90 * DAY


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
    return ex.RefreshTokenStore(idle=IDLE, absolute=ABSOLUTE, clock=clock)


def refused(ex, store, token):
    """The exception refresh() raised for this token (an InvalidGrant), or None if it worked."""
    try:
        store.refresh(token)
    except ex.InvalidGrant as error:
        return error
    return None


def chain(store, user="alice", length=3):
    """A sign-in and `length - 1` refreshes: every token of the family, oldest first."""
    tokens = [store.sign_in(user)]
    for _ in range(length - 1):
        tokens.append(store.refresh(tokens[-1])[1])
    return tokens


def test_a_sign_in_gives_a_token_that_refreshes_to_its_user(store):
    token = store.sign_in("alice")
    got = store.refresh(token)
    assert isinstance(got, tuple) and len(got) == 2 and got[0] == "alice", (
        f"Refreshing alice's first token returned {got!r}: it must return ('alice', the next token)."
    )
    assert isinstance(got[1], str) and got[1] != token, (
        f"Refreshing a token returned {got[1]!r} as the next token: it must be a new token (a str), not the same."
    )


def test_each_refreshed_token_works_in_its_turn(store):
    tokens = chain(store, length=6)
    assert len(set(tokens)) == 6, "Five refreshes in a row handed out a token that had been handed out before."


def test_tokens_are_long_random_and_url_safe(store):
    tokens = [store.sign_in(f"user{n}") for n in range(20)]
    short = min(tokens, key=len)
    assert len(short) >= 43, f"A refresh token of {len(short)} characters ({short!r}): 256 random bits need 43."
    odd = [token for token in tokens if not re.fullmatch(r"[A-Za-z0-9_-]+", token)]
    assert not odd, f"A refresh token with characters that need escaping in a URL or a form: {odd[0]!r}."
    assert len(set(tokens)) == 20, "Twenty sign-ins got fewer than twenty different tokens."


def test_a_spent_token_presented_again_raises_reuse_detected(ex, store):
    first = store.sign_in("alice")
    store.refresh(first)
    error = refused(ex, store, first)
    assert error is not None, "A refresh token that had already been spent worked a second time."
    assert isinstance(error, ex.ReuseDetected), (
        f"A spent token presented again was refused as {type(error).__name__}({error}), not ReuseDetected: the "
        "provider cannot tell a stolen copy from an expired token, and would raise no alarm."
    )


def test_reuse_revokes_the_thiefs_newest_token(ex, store):
    # The thief copies alice's token and refreshes first; alice's own copy is now spent.
    stolen = store.sign_in("alice")
    _, thiefs = store.refresh(stolen)
    refused(ex, store, stolen)  # alice's client tries its copy: reuse
    assert refused(ex, store, thiefs) is not None, (
        "After a spent token came back, the newest token of its sign-in (the thief's: they refreshed first) "
        "still worked. The thief keeps alice's session."
    )


def test_reuse_revokes_every_token_of_the_family(ex, store):
    tokens = chain(store, length=4)
    refused(ex, store, tokens[1])  # the second token, spent, comes back
    alive = [n + 1 for n, token in enumerate(tokens) if refused(ex, store, token) is None]
    assert not alive, (
        f"After the second token of a four-token chain came back, token(s) {alive} of that chain still worked: "
        "reuse must end the whole sign-in."
    )


def test_reuse_leaves_the_users_other_sign_ins_alone(ex, store):
    laptop, phone = store.sign_in("alice"), store.sign_in("alice")
    store.refresh(laptop)
    refused(ex, store, laptop)
    error = refused(ex, store, phone)
    assert error is None, (
        f"Reuse on alice's laptop also refused her phone's own sign-in ({error}): one stolen token logged her "
        "out everywhere, which sign_out() is for."
    )


def test_a_spent_token_that_has_expired_since_is_still_reuse(ex, clock):
    store = ex.RefreshTokenStore(idle=60, absolute=3600, clock=clock)
    first = store.sign_in("alice")
    clock.now += 10
    _, second = store.refresh(first)  # second lives until +70
    clock.now += 55  # +65: first is past its idle lifetime, second is not
    error = refused(ex, store, first)
    assert isinstance(error, ex.ReuseDetected), (
        f"A spent token replayed after its own expiry was refused as {type(error).__name__}, not ReuseDetected: "
        "a thief who waits a little is never noticed."
    )
    assert refused(ex, store, second) is not None, (
        "A spent token replayed after its own expiry left the family's newest token working."
    )


def test_a_token_works_until_its_idle_lifetime_ends(ex, clock):
    store = ex.RefreshTokenStore(idle=60, absolute=3600, clock=clock)
    early, late = store.sign_in("alice"), store.sign_in("bob")
    clock.now += 59.5
    assert refused(ex, store, early) is None, "A token 59.5 s old, with a 60 s idle lifetime, was refused."
    clock.now += 0.5
    assert refused(ex, store, late) is not None, (
        "A token exactly 60 s old, with a 60 s idle lifetime, still worked: it works while clock() < issued + idle."
    )


def test_refreshing_never_extends_the_familys_absolute_lifetime(ex, clock):
    store = ex.RefreshTokenStore(idle=14 * DAY, absolute=90 * DAY, clock=clock)
    token = store.sign_in("alice")
    for _ in range(89):  # a refresh a day, every day
        clock.now += DAY
        token = store.refresh(token)[1]
    clock.now += DAY  # day 90 since the sign-in
    assert refused(ex, store, token) is not None, (
        "A family refreshed every day still worked 90 days after its sign-in, with a 90-day absolute lifetime: a "
        "thief who refreshes daily would keep the session for ever."
    )


def test_sign_out_revokes_every_family_of_that_user_and_no_one_elses(ex, store):
    laptop, phone, bobs = store.sign_in("alice"), store.sign_in("alice"), store.sign_in("bob")
    _, laptop = store.refresh(laptop)
    store.sign_out("alice")
    alive = [name for name, token in (("laptop", laptop), ("phone", phone)) if refused(ex, store, token) is None]
    assert not alive, f"After sign_out('alice'), her {' and '.join(alive)} token still worked."
    assert refused(ex, store, bobs) is None, "sign_out('alice') also signed bob out."


NOT_TOKENS = {
    "empty": "",
    "made up": "a" * 43,
    "None": None,
    "a number": 42,
    "bytes": b"x" * 43,
    "a list": ["x"],
    "a lone surrogate": "\ud800" * 43,
    "huge": "x" * 100_000,
}


@pytest.mark.parametrize("token", NOT_TOKENS.values(), ids=NOT_TOKENS.keys())
def test_anything_that_is_not_a_token_raises_invalid_grant(ex, store, token):
    store.sign_in("alice")
    try:
        error = refused(ex, store, token)
    except Exception as crash:
        raise AssertionError(
            f"refresh({token!r:.40}) crashed with {type(crash).__name__}: the token endpoint would answer 500 to "
            "whoever sends it, where RFC 6749 expects invalid_grant."
        ) from crash
    assert error is not None, f"refresh({token!r:.40}) worked, for a token the store never issued."


def strings_inside(value, seen=None, depth=0):
    """Every str and bytes reachable from value: attributes, containers, dataclasses, slots."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 20:
        return []
    seen.add(id(value))
    if isinstance(value, str | bytes):
        return [value]
    found = []
    if isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        children = list(value)
    else:
        children = list(getattr(value, "__dict__", {}).values())
        children += [getattr(value, name) for name in getattr(type(value), "__slots__", ()) if hasattr(value, name)]
    for child in children:
        found += strings_inside(child, seen, depth + 1)
    return found


def test_nothing_the_store_holds_works_as_a_token(ex, store):
    tokens = chain(store, length=3)
    held = [value.decode("latin-1") if isinstance(value, bytes) else value for value in strings_inside(store)]
    raw = [token for token in tokens if any(token in value for value in held)]
    assert not raw, (
        "The store holds the refresh tokens as they were handed out: a copy of it (a backup, a leaked "
        "database) is a bag of working tokens."
    )
    working = [value for value in held if refused(ex, store, value) is None]
    assert not working, (
        f"A value the store keeps ({working[0]!r:.50}) works as a refresh token by itself: a leaked copy of the "
        "store is as good as the tokens."
    )
