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
    assert response.status_code == 200, "A fresh access token was refused: only revoked tokens may be refused."


def test_the_access_token_is_refused_after_logout(app):
    client, access = app.test_client(), tokens(app)["access_token"]
    client.post("/logout", headers=bearer(access))
    response = client.get("/protected", headers=bearer(access))
    assert response.status_code == 401, (
        f"After logout the same access token still got {response.status_code} at /protected. A JWT stays valid "
        "until exp unless the server remembers it was revoked: add its jti to the blocklist at /logout, "
        "and look it up in is_revoked()."
    )


def test_the_refresh_token_is_refused_after_its_logout(app):
    client, refresh = app.test_client(), tokens(app)["refresh_token"]
    client.post("/logout", headers=bearer(refresh))
    response = client.post("/refresh", headers=bearer(refresh))
    assert response.status_code == 401, (
        f"A revoked refresh token still got {response.status_code} at /refresh: /logout must revoke whichever "
        "token it is given (its jti), and the check must apply to refresh tokens too."
    )


def test_revoking_one_token_leaves_other_tokens_alone(app):
    client = app.test_client()
    mine, theirs = tokens(app, "alice")["access_token"], tokens(app, "bob")["access_token"]
    client.post("/logout", headers=bearer(mine))
    assert client.get("/protected", headers=bearer(theirs)).status_code == 200, (
        "Logging alice out also locked bob out: revoke by the token's own jti, not everything."
    )


def test_the_blocklist_entry_lasts_until_the_access_tokens_own_exp(app):
    access = tokens(app)["access_token"]
    app.test_client().post("/logout", headers=bearer(access))
    ttl = app.extensions["blocklist"].ttl(claims(app, access)["jti"])
    left = claims(app, access)["exp"] - time.time()
    assert ttl is not None, "Nothing was stored in the blocklist at logout: blocklist.add(jti, ttl_seconds)."
    assert abs(ttl - left) < 5, (
        f"The blocklist keeps the access token's entry for {ttl:.0f} s, but the token itself is valid for "
        f"{left:.0f} s more. Use its own exp: ttl = claims['exp'] - time.time()."
    )


def test_a_revoked_refresh_token_stays_revoked_for_its_whole_life(app):
    refresh = tokens(app)["refresh_token"]
    app.test_client().post("/logout", headers=bearer(refresh))
    ttl = app.extensions["blocklist"].ttl(claims(app, refresh)["jti"])
    assert ttl is not None, "Nothing was stored in the blocklist when the refresh token was logged out."
    assert ttl > 29 * 24 * 3600, (
        f"The revoked 30-day refresh token is remembered for only {ttl:.0f} s: after that it would work "
        "again. Do not use the access-token lifetime (flask-jwt-extended's documented example does); use the "
        "token's own exp."
    )


def test_entries_are_forgotten_once_the_token_has_expired(app):
    access = tokens(app)["access_token"]
    app.test_client().post("/logout", headers=bearer(access))
    blocklist, jti = app.extensions["blocklist"], claims(app, access)["jti"]
    assert jti in blocklist, "Nothing was stored in the blocklist at logout."
    blocklist.clock = lambda: time.time() + 16 * 60  # sixteen minutes later: the token is dead anyway
    assert jti not in blocklist, (
        "The entry outlives its token: the blocklist would grow forever. Give it the token's remaining "
        "lifetime as its TTL."
    )
