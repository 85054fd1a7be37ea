"""Checks for exercise 7: logout revokes by jti; each entry lasts until that token's own exp."""

import time

import pytest
from flask_jwt_extended import decode_token


@pytest.fixture
def app(ex):
    return ex.create_app()


def tokens(app, username="alice"):
    return app.test_client().post(f"/login/{username}").get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def claims(app, token):
    with app.app_context():
        return decode_token(token, allow_expired=True)


def test_a_fresh_access_token_works(app):
    response = app.test_client().get("/protected", headers=bearer(tokens(app)["access_token"]))
    assert response.status_code == 200, (
        f"A fresh access token, never logged out, got {response.status_code} at /protected: only revoked tokens "
        "may be refused."
    )


def test_the_access_token_is_refused_after_logout(app):
    client, access = app.test_client(), tokens(app)["access_token"]
    client.post("/logout", headers=bearer(access))
    response = client.get("/protected", headers=bearer(access))
    assert response.status_code == 401, (
        f"After POST /logout with it, the same access token still got {response.status_code} at /protected: the "
        "logout answered 'revoked' and revoked nothing."
    )


def test_the_refresh_token_is_refused_after_its_logout(app):
    client, refresh = app.test_client(), tokens(app)["refresh_token"]
    client.post("/logout", headers=bearer(refresh))
    response = client.post("/refresh", headers=bearer(refresh))
    assert response.status_code == 401, (
        f"After POST /logout with the refresh token, it still got {response.status_code} at /refresh: it can go "
        "on minting access tokens for the rest of its 30 days."
    )


def test_revoking_one_token_leaves_other_tokens_alone(app):
    client = app.test_client()
    mine, theirs = tokens(app, "alice")["access_token"], tokens(app, "bob")["access_token"]
    client.post("/logout", headers=bearer(mine))
    status = client.get("/protected", headers=bearer(theirs)).status_code
    assert status == 200, (
        f"After alice's token was logged out, bob's token got {status} at /protected: one logout must revoke one "
        "token, not everyone's."
    )


def test_the_blocklist_entry_lasts_until_the_access_tokens_own_exp(app):
    access = tokens(app)["access_token"]
    app.test_client().post("/logout", headers=bearer(access))
    ttl = app.extensions["blocklist"].ttl(claims(app, access)["jti"])
    left = claims(app, access)["exp"] - time.time()
    assert ttl is not None, "After logout the blocklist holds no entry for the token's jti: nothing remembers it."
    assert abs(ttl - left) < 5, (
        f"The blocklist keeps the access token's entry for {ttl:.0f} s, and the token itself is valid for "
        f"{left:.0f} s more: "
        + ("it works again once the entry is gone." if ttl < left else "the entry outlives the token for nothing.")
    )


def test_a_revoked_refresh_token_stays_revoked_for_its_whole_life(app):
    refresh = tokens(app)["refresh_token"]
    app.test_client().post("/logout", headers=bearer(refresh))
    ttl = app.extensions["blocklist"].ttl(claims(app, refresh)["jti"])
    assert ttl is not None, "After the refresh token's logout the blocklist holds no entry for its jti."
    assert ttl > 29 * 24 * 3600, (
        f"The revoked 30-day refresh token is remembered for only {ttl:.0f} s: after that it works again, "
        "for the rest of its 30 days."
    )


def test_entries_are_forgotten_once_the_token_has_expired(app):
    access = tokens(app)["access_token"]
    app.test_client().post("/logout", headers=bearer(access))
    blocklist, jti = app.extensions["blocklist"], claims(app, access)["jti"]
    assert jti in blocklist, "After logout the blocklist holds no entry for the token's jti."
    blocklist.clock = lambda: time.time() + 16 * 60  # sixteen minutes later: the token is dead anyway
    assert jti not in blocklist, (
        "Sixteen minutes after logout, when the 15-minute token has expired anyway, the blocklist still "
        "holds its entry: a blocklist that keeps entries past their tokens grows forever."
    )
