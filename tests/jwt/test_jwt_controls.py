"""The JWT controls of docs/security-checklist.md (JWT-1 to JWT-8) and PW-4, one behaviour a test."""

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC

import jwt as pyjwt
import pytest

from app import create_app
from blueprints.jwt import blocklist, keys, tokens
from blueprints.jwt.models import RevokedToken
from extensions import db
from models import find_user
from tests.conftest import app_config
from tests.jwt_flow import PASSWORDS, bearer, login


def refused_because(client, token, path="/jwt/protected"):
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 401, response.json
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    return response.json["error"]


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(token):
    return pyjwt.decode(token, options={"verify_signature": False})


def sign(app, headers=None, **changes):
    """A token signed with the app's real signing key, with some claims changed or removed."""
    with app.app_context():
        user = find_user("bob")
        _, claims = tokens.issue(user, "access", "fam-test")
        key = keys.signing_key()
        claims.update(changes)
        claims = {k: v for k, v in claims.items() if v is not None}
        return pyjwt.encode(claims, keys.signing_material(key), key.alg, headers={"kid": key.kid, **(headers or {})})


# -- JWT-1: one algorithm per key, signature first, no key from the header ------------------


def test_jwt_1_alg_none_rejected(client):
    claims = claims_of(login(client, "bob")["access_token"])
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({**claims, 'role': 'admin'})}."
    assert refused_because(client, token, "/jwt/admin") == "algorithm not allowed: none"


@pytest.mark.parametrize("alg", ["None", "NONE", "HS384", "HS512", "ES256", "PS256"])
def test_jwt_1_other_algorithms_rejected(client, alg):
    access = login(client, "bob")["access_token"]
    header, payload, signature = access.split(".")
    token = f"{b64({**json.loads(base64.urlsafe_b64decode(header + '==')), 'alg': alg})}.{payload}.{signature}"
    assert refused_because(client, token).startswith("algorithm")


def test_jwt_1_edited_payload_rejected(client):
    header, _, signature = login(client, "bob")["access_token"].split(".")
    claims = claims_of(login(client, "bob")["access_token"])
    token = f"{header}.{b64({**claims, 'role': 'admin'})}.{signature}"
    assert refused_because(client, token, "/jwt/admin") == "Signature verification failed"


def test_jwt_1_stripped_signature_rejected(client):
    header, payload, _ = login(client, "bob")["access_token"].split(".")
    assert refused_because(client, f"{header}.{payload}.") == "Signature verification failed"


@pytest.mark.parametrize("name", ["jwk", "jku", "x5u", "x5c"])
def test_jwt_1_keys_named_in_the_header_rejected(app, client, name):
    value = {"jwk": {"kty": "oct", "k": "AA"}, "jku": "http://127.0.0.1:1/jwks.json"}.get(name, "http://127.0.0.1:1/x")
    token = sign(app, headers={name: value})
    assert refused_because(client, token) == f"key named in the header ({name}): refused, never fetched"


def hs256(header, claims, key):
    """Sign by hand, as an attacker would (PyJWT refuses some of these headers and keys)."""
    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = base64.urlsafe_b64encode(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())
    return f"{signing_input}.{signature.rstrip(b'=').decode()}"


@pytest.mark.parametrize(
    ("kid", "reason"),
    [
        ("nope", "unknown key id (kid)"),
        ("../../../../dev/null", "unknown key id (kid)"),
        ("", "unknown key id (kid)"),
        ("x" * 500, "unknown key id (kid)"),
        (7, "Key ID header parameter must be a string"),
        (None, "Key ID header parameter must be a string"),
        ({"$ne": 1}, "Key ID header parameter must be a string"),
    ],
)
def test_jwt_1_unknown_kid_rejected(app, client, kid, reason):
    with app.app_context():
        _, claims = tokens.issue(find_user("bob"), "access", "f")
    assert refused_because(client, hs256({"alg": "HS256", "kid": kid}, claims, b"")) == reason


def test_jwt_1_missing_kid_rejected(app, client):
    with app.app_context():
        _, claims = tokens.issue(find_user("bob"), "access", "f")
        material = keys.signing_material(keys.signing_key())
    assert refused_because(client, hs256({"alg": "HS256"}, claims, material)) == "unknown key id (kid)"


def test_jwt_1_hs256_signed_with_the_rs256_public_key_rejected(tmp_path):
    app = create_app(app_config(tmp_path / "rs", JWT_ALGORITHM="RS256"))
    client = app.test_client()
    access = login(client, "bob")["access_token"]
    with app.app_context():
        key = keys.signing_key()
        pem = keys.public_pem(key).encode()
    token = hs256({"alg": "HS256", "typ": "JWT", "kid": key.kid}, {**claims_of(access), "role": "admin"}, pem)
    assert refused_because(client, token, "/jwt/admin") == f"algorithm HS256 does not match key {key.kid} (RS256)"


def test_jwt_1_signature_is_checked_before_claims(app, client):
    # A token both expired and badly signed is refused for its signature: its exp was never read.
    token = sign(app, exp=int(time.time()) - 60)
    header, payload, _ = token.split(".")
    assert refused_because(client, f"{header}.{payload}.AAAA") == "Signature verification failed"


# -- JWT-2: the key --------------------------------------------------------------------------


def test_jwt_2_hmac_keys_are_256_bits_derived_from_jwt_secret_key_not_secret_key(app, client):
    access = login(client)["access_token"]
    with app.app_context():
        key = keys.signing_key()
        material = keys.signing_material(key)
        assert len(material) == 32
        assert material not in (app.config["SECRET_KEY"].encode(), app.config["JWT_SECRET_KEY"].encode())
        assert keys.hmac_key(app.config["JWT_SECRET_KEY"], "other") != material
    pyjwt.decode(access, material, ["HS256"], audience="authlab-api")
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(access, app.config["SECRET_KEY"], ["HS256"], audience="authlab-api")


def test_jwt_2_jwt_secret_key_differs_from_secret_key(app):
    assert app.config["JWT_SECRET_KEY"] != app.config["SECRET_KEY"]
    assert len(app.config["JWT_SECRET_KEY"]) >= 32


# -- JWT-3: exp, iss, aud, no leeway -----------------------------------------------------------


def test_jwt_3_access_tokens_live_at_most_15_minutes(client):
    claims = claims_of(login(client)["access_token"])
    assert claims["exp"] - claims["iat"] <= 15 * 60


def test_jwt_3_lab_lifetime_is_clamped(client):
    assert login(client, lifetime=10)["expires_in"] == 10
    assert login(client, lifetime=1)["expires_in"] == 5
    assert login(client, lifetime=10**9)["expires_in"] == 900


def test_jwt_3_expired_token_rejected_without_leeway(app, client):
    assert refused_because(client, sign(app, exp=int(time.time()) - 1)).startswith("token expired")


def test_jwt_3_every_token_names_issuer_audience_jti_and_type(app, client):
    claims = claims_of(login(client)["access_token"])
    assert claims["iss"] == app.config["APP_URL"]
    assert claims["aud"] == "authlab-api"
    assert claims["sub"] == "1" and claims["role"] == "admin"
    assert claims["type"] == "access" and claims["jti"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "http://evil.example"}, "Invalid issuer"),
        ({"aud": "another-api"}, "Audience doesn't match"),
        ({"nbf": 60}, "The token is not yet valid (nbf)"),
        ({"iat": 60}, "The token is not yet valid (iat)"),
        ({"iss": None}, "missing claim: iss"),
        ({"aud": None}, "missing claim: aud"),
        ({"exp": None}, "missing claim: exp"),
        ({"jti": None}, "missing claim: jti"),
        ({"type": None}, "missing claim: type"),
        ({"sub": None}, "missing claim: sub"),
    ],
)
def test_jwt_3_wrong_or_missing_claims_rejected(app, client, change, reason):
    # nbf and iat are given as seconds from now (the parameters are made at collection time).
    change = {k: int(time.time()) + v if k in ("nbf", "iat") else v for k, v in change.items()}
    assert refused_because(client, sign(app, **change)) == reason


# -- JWT-4: token kinds are not swappable -------------------------------------------------------


def test_jwt_4_refresh_token_rejected_as_access_token(client):
    refresh = login(client)["refresh_token"]
    assert refused_because(client, refresh) == "a refresh token cannot be used as an access token"


def test_jwt_4_unknown_token_type_rejected(app, client):
    assert refused_because(client, sign(app, type="id_token")) == "claims refused: type must be access or refresh"


def test_jwt_4_provider_id_token_rejected(client, provider_app, provider_client):
    """An id_token signed by the provider's key, named by its JWKS kid, is not an API token."""
    kid = provider_client.get("/.well-known/jwks.json").json["keys"][0]["kid"]
    now = int(time.time())
    claims = {
        "iss": provider_app.config["PROVIDER_URL"],
        "aud": provider_app.config["BUILTIN_CLIENT_ID"],
        "sub": "1",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-0S6_WzA2Mj",
    }
    id_token = pyjwt.encode(claims, provider_app.config["SIGNING_KEY_PEM"], "RS256", headers={"kid": kid})
    assert refused_because(client, id_token) == "unknown key id (kid)"
    assert client.get("/jwt/admin", headers=bearer(id_token)).status_code == 401


# -- JWT-5: logout revokes by jti, in the store, until the token's own exp -----------------------


def test_jwt_5_blocklist_entry_expires_with_the_tokens_own_exp(app, client):
    pair = login(client)
    client.post("/jwt/logout", headers=bearer(pair["access_token"]), json={"refresh_token": pair["refresh_token"]})
    with app.app_context():
        for token in (pair["access_token"], pair["refresh_token"]):
            claims = claims_of(token)
            entry = db.session.get(RevokedToken, claims["jti"])
            assert entry is not None
            assert entry.expires_at.replace(tzinfo=UTC).timestamp() == claims["exp"]


def test_jwt_5_revocation_survives_a_restart(tmp_path):
    config = app_config(tmp_path / "instance")
    client = create_app(config).test_client()
    pair = login(client)
    client.post("/jwt/logout", headers=bearer(pair["access_token"]))
    restarted = create_app(config).test_client()
    assert refused_because(restarted, pair["access_token"]) == "token revoked: logged out"


@pytest.mark.redis
def test_jwt_5_blocklist_in_redis_with_per_token_ttl(tmp_path, redis_url):
    import redis

    app = create_app(app_config(tmp_path / "instance", REDIS_URL=redis_url))
    client = app.test_client()
    pair = login(client)
    client.post("/jwt/logout", headers=bearer(pair["access_token"]), json={"refresh_token": pair["refresh_token"]})
    store = redis.Redis.from_url(redis_url)
    for token in (pair["access_token"], pair["refresh_token"]):
        claims = claims_of(token)
        assert store.expiretime(blocklist.PREFIX + claims["jti"]) == claims["exp"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(RevokedToken)).scalar_one() == 0
    ring = client.get("/jwt/api/keys").json
    assert ring["store"] == "Redis"
    assert ring["blocklist_size"] >= 3  # two jtis and the family (the Redis is shared by the session)
    assert refused_because(client, pair["access_token"]) == "token revoked: logged out"


def test_jwt_5_logout_also_ends_the_refresh_token_of_the_same_login(client):
    pair = login(client)
    client.post("/jwt/logout", headers=bearer(pair["access_token"]))
    response = client.post("/jwt/refresh", headers=bearer(pair["refresh_token"]))
    assert response.status_code == 401
    assert response.json["error"] == "token revoked: logged out"


# -- JWT-6: refresh rotation and reuse detection ------------------------------------------------


def test_jwt_6_reused_refresh_token_kills_the_family(client):
    first = login(client)
    second = client.post("/jwt/refresh", headers=bearer(first["refresh_token"])).json
    replay = client.post("/jwt/refresh", headers=bearer(first["refresh_token"]))
    assert replay.status_code == 401
    assert "reused" in replay.json["error"]
    # Everything of the family is dead now, including the tokens the legitimate refresh gave.
    assert "reused" in refused_because(client, second["access_token"])
    assert client.post("/jwt/refresh", headers=bearer(second["refresh_token"])).status_code == 401


def test_jwt_6_other_logins_survive_a_family_revocation(client):
    stolen, other = login(client), login(client)
    client.post("/jwt/refresh", headers=bearer(stolen["refresh_token"]))
    client.post("/jwt/refresh", headers=bearer(stolen["refresh_token"]))
    assert client.get("/jwt/protected", headers=bearer(other["access_token"])).status_code == 200


# -- PW-4: a password change revokes every token -----------------------------------------------


def test_pw_4_password_change_revokes_tokens(app, client):
    pair = login(client, "bob")
    with app.app_context():
        user = find_user("bob")
        user.set_password("a brand new passphrase")
        db.session.commit()
    assert "password was changed" in refused_because(client, pair["access_token"])
    assert client.post("/jwt/refresh", headers=bearer(pair["refresh_token"])).status_code == 401
    fresh = client.post("/jwt/login", json={"username": "bob", "password": "a brand new passphrase"}).json
    assert client.get("/jwt/protected", headers=bearer(fresh["access_token"])).status_code == 200


def test_deleted_user_tokens_rejected(app, client):
    pair = login(client, "bob")
    with app.app_context():
        db.session.delete(find_user("bob"))
        db.session.commit()
    assert refused_because(client, pair["access_token"]) == "token revoked: the user no longer exists"


# -- Key rotation and RS256 mode -----------------------------------------------------------------


def test_rotation_keeps_old_tokens_valid_until_the_key_is_retired(client):
    admin = login(client)["access_token"]
    old_kid = pyjwt.get_unverified_header(admin)["kid"]
    rotated = client.post("/jwt/api/keys/rotate", headers=bearer(admin), json={"alg": "HS256"})
    assert rotated.status_code == 200
    new = login(client)["access_token"]
    assert pyjwt.get_unverified_header(new)["kid"] != old_kid
    assert client.get("/jwt/protected", headers=bearer(admin)).status_code == 200
    retired = client.post("/jwt/api/keys/retire", headers=bearer(new), json={"kid": old_kid})
    assert retired.status_code == 200
    assert refused_because(client, admin) == f"key {old_kid} has been retired"
    assert client.get("/jwt/protected", headers=bearer(new)).status_code == 200


def test_only_admins_rotate_and_the_signing_key_cannot_be_retired(client):
    bob = login(client, "bob")["access_token"]
    assert client.post("/jwt/api/keys/rotate", headers=bearer(bob), json={}).status_code == 403
    alice = login(client)["access_token"]
    kid = pyjwt.get_unverified_header(alice)["kid"]
    assert client.post("/jwt/api/keys/retire", headers=bearer(alice), json={"kid": kid}).status_code == 400
    assert client.post("/jwt/api/keys/rotate", headers=bearer(alice), json={"alg": "none"}).status_code == 400


def test_rs256_mode_publishes_a_jwks_that_verifies_without_the_private_key(tmp_path):
    app = create_app(app_config(tmp_path / "rs", JWT_ALGORITHM="RS256"))
    client = app.test_client()
    access = login(client)["access_token"]
    header = pyjwt.get_unverified_header(access)
    assert header["alg"] == "RS256"
    jwks = client.get("/jwt/.well-known/jwks.json").json
    assert [k["kid"] for k in jwks["keys"]] == [header["kid"]]
    assert all(set(k) == {"kty", "kid", "alg", "use", "n", "e"} for k in jwks["keys"])  # no private part
    public = pyjwt.PyJWK(jwks["keys"][0]).key
    claims = pyjwt.decode(access, public, ["RS256"], audience="authlab-api", issuer=app.config["APP_URL"])
    assert claims["sub"] == "1"


def test_hs256_mode_publishes_no_keys(client):
    login(client)
    assert client.get("/jwt/.well-known/jwks.json").json == {"keys": []}


def test_switching_to_rs256_keeps_hs256_tokens_until_retired(client):
    admin = login(client)["access_token"]
    client.post("/jwt/api/keys/rotate", headers=bearer(admin), json={"alg": "RS256"})
    rs = login(client)["access_token"]
    assert pyjwt.get_unverified_header(rs)["alg"] == "RS256"
    assert client.get("/jwt/protected", headers=bearer(admin)).status_code == 200
    assert client.get("/jwt/protected", headers=bearer(rs)).status_code == 200


# -- JWT-7 / JWT-8: cookie mode, double submit ----------------------------------------------------


def cookie_login(client, username="alice"):
    response = client.post("/jwt/cookie/login", json={"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 200
    return response


def test_jwt_7_cookie_mode_token_is_httponly_samesite(client):
    response = cookie_login(client)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    access = cookies["access_token_cookie"]
    assert "HttpOnly" in access and "SameSite=Lax" in access and "Domain" not in access
    csrf = cookies["csrf_access_token"]
    assert "HttpOnly" not in csrf  # the page must read it to send it back in a header


def test_jwt_7_production_cookies_are_secure(tmp_path):
    from config import ProductionConfig

    assert ProductionConfig.JWT_COOKIE_SECURE is True


def test_jwt_8_cookie_post_without_csrf_header_rejected(client):
    cookie_login(client)
    response = client.post("/jwt/cookie/logout")
    assert response.status_code == 401
    assert response.json["error"] == "Missing CSRF token"
    assert client.get("/jwt/cookie/protected").status_code == 200  # nothing changed


def test_jwt_8_cookie_post_with_wrong_csrf_value_rejected(client):
    cookie_login(client)
    response = client.post("/jwt/cookie/logout", headers={"X-CSRF-TOKEN": "guess"})
    assert response.status_code == 401
    assert response.json["error"] == "CSRF double submit tokens do not match"


def test_jwt_8_cross_site_form_post_rejected_by_the_double_submit_check(client):
    cookie_login(client)
    response = client.post(
        "/jwt/cookie/logout", data={"anything": "1"}, headers={"Origin": "http://attacker.localhost:8003"}
    )
    assert response.status_code == 401
    assert response.json["error"] == "Missing CSRF token"


def test_jwt_8_cookie_post_with_the_double_submit_value_succeeds(client):
    cookie_login(client)
    csrf = client.get_cookie("csrf_access_token").value
    response = client.post("/jwt/cookie/logout", headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 200
    assert client.get_cookie("access_token_cookie") is None


def test_jwt_8_get_is_never_a_state_change(client):
    cookie_login(client)
    for _ in range(2):
        assert client.get("/jwt/cookie/protected").json["user"] == "alice"
    assert client.get("/jwt/cookie/logout").status_code == 405


def test_header_badge_names_the_cookie_mode_user(client):
    assert b'data-whoami="jwt">signed out' in client.get("/jwt/").data
    cookie_login(client, "bob")
    assert b'data-whoami="jwt">bob' in client.get("/jwt/").data


def test_header_badge_ignores_a_bad_cookie(client):
    client.set_cookie("access_token_cookie", "garbage.token.here")
    assert b'data-whoami="jwt">signed out' in client.get("/").data


def test_bearer_tokens_are_not_accepted_from_cookies_on_the_api(client):
    cookie_login(client)
    assert client.get("/jwt/protected").status_code == 401


def test_jwt_1_an_unknown_configured_algorithm_refuses_to_start(tmp_path):
    from refusals import UnsafeConfiguration

    with pytest.raises(UnsafeConfiguration, match="JWT_ALGORITHM"):
        create_app(app_config(tmp_path / "bad", JWT_ALGORITHM="none"))


def test_jwt_5_the_replica_verifies_tokens_and_honours_revocations(live):
    """Two instances, one store: a token of one works on the other, and so does its revocation."""
    import requests

    pair = requests.post(
        live.app_url + "/jwt/login", json={"username": "bob", "password": PASSWORDS["bob"]}, timeout=10
    ).json()
    on_replica = requests.get(live.replica_url + "/jwt/protected", headers=bearer(pair["access_token"]), timeout=10)
    assert on_replica.status_code == 200
    requests.post(live.app_url + "/jwt/logout", headers=bearer(pair["access_token"]), timeout=10)
    on_replica = requests.get(live.replica_url + "/jwt/protected", headers=bearer(pair["access_token"]), timeout=10)
    assert on_replica.status_code == 401
    assert on_replica.json()["error"] == "token revoked: logged out"


def test_jwt_6_refreshing_never_extends_a_sign_in_past_its_lifetime(app, client):
    first = login(client)
    signed_in = claims_of(first["refresh_token"])["auth_time"]
    second = client.post("/jwt/refresh", headers=bearer(first["refresh_token"])).json
    claims = claims_of(second["refresh_token"])
    assert claims["auth_time"] == signed_in
    assert claims["exp"] <= signed_in + app.config["JWT_REFRESH_TOKEN_EXPIRES"]


def test_jwt_6_two_racing_refreshes_with_one_token_cannot_both_win(live):
    """The single-use check is one atomic UPDATE: of two simultaneous refreshes, one wins."""
    import threading

    import requests

    pair = requests.post(
        live.app_url + "/jwt/login", json={"username": "bob", "password": PASSWORDS["bob"]}, timeout=10
    ).json()
    barrier, statuses = threading.Barrier(4), []

    def refresh():
        barrier.wait()
        response = requests.post(live.app_url + "/jwt/refresh", headers=bearer(pair["refresh_token"]), timeout=10)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 401, 401, 401]


def test_keyring_says_when_a_verifying_key_can_be_retired_without_logging_anyone_out(client):
    admin = login(client)["access_token"]
    client.post("/jwt/api/keys/rotate", headers=bearer(admin), json={"alg": "HS256"})
    ring = client.get("/jwt/api/keys").json
    signing, verifying = ring["keys"]
    assert (signing["state"], verifying["state"]) == ("signing", "verifying")
    assert signing["quiet_from"] is None and verifying["quiet_from"] > signing["created_at"]
    assert ring["blocklist_size"] == 0
    client.post("/jwt/logout", headers=bearer(admin))
    assert client.get("/jwt/api/keys").json["blocklist_size"] == 2  # the token's jti, and its family


def test_jwt_5_a_dead_blocklist_store_is_a_503_never_a_500_and_never_a_pass(tmp_path):
    """If Redis holds the blocklist and does not answer, no token is let through unchecked."""
    from tests.conftest import free_port

    app = create_app(app_config(tmp_path / "instance", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))
    client = app.test_client()
    pair = login(client)
    response = client.get("/jwt/protected", headers=bearer(pair["access_token"]))
    assert response.status_code == 503
    client.set_cookie("access_token_cookie", pair["access_token"])
    page = client.get("/jwt/", headers={"Accept": "text/html"})
    assert page.status_code in (200, 503)  # the header badge itself never raises
