"""`iat` is a whole-second NumericDate, and PW-4 still orders a token and a password change of
the same second: the token names the change it came after (`gen`), and the next change refuses it."""

import time
from datetime import UTC

import jwt as pyjwt

from blueprints.jwt import keys, tokens
from extensions import db
from models import find_user
from tests.jwt_flow import bearer, login


def claims_of(token):
    return pyjwt.decode(token, options={"verify_signature": False})


def test_iat_is_a_whole_number_of_seconds(client):
    claims = claims_of(login(client)["access_token"])
    assert type(claims["iat"]) is int and type(claims["exp"]) is int
    assert abs(claims["iat"] - time.time()) < 5


def around_a_password_change(app):
    """(token issued before, token issued after, their iat) of one password change, all three in
    the same second: tried again until the clock agrees (each try takes a few milliseconds)."""
    with app.app_context():
        for attempt in range(20):
            user = find_user("bob")
            before, _ = tokens.issue(user, "access", "fam-before")
            user.set_password(f"a brand new passphrase {attempt}")
            db.session.commit()
            after, _ = tokens.issue(find_user("bob"), "access", "fam-after")
            seconds = {claims_of(before)["iat"], claims_of(after)["iat"]}
            changed = int(find_user("bob").tokens_valid_after.replace(tzinfo=UTC).timestamp())
            if len(seconds) == 1 and seconds == {changed}:
                return before, after
    raise AssertionError("no try fell within one second")


def test_pw_4_a_token_issued_just_before_a_password_change_is_refused_even_in_the_same_second(app, client):
    before, _ = around_a_password_change(app)
    response = client.get("/jwt/protected", headers=bearer(before))
    assert response.status_code == 401
    assert response.json["error"] == "token revoked: issued before the password was changed (all tokens revoked)"


def test_pw_4_a_token_issued_just_after_a_password_change_is_accepted_even_in_the_same_second(app, client):
    _, after = around_a_password_change(app)
    assert client.get("/jwt/protected", headers=bearer(after)).status_code == 200


def test_pw_4_a_token_without_its_generation_is_refused(app, client):
    with app.app_context():
        _, claims = tokens.issue(find_user("bob"), "access", "fam")
        key = keys.signing_key()
        del claims["gen"]
        token = pyjwt.encode(claims, keys.signing_material(key), key.alg, headers={"kid": key.kid})
    assert client.get("/jwt/protected", headers=bearer(token)).status_code == 401
