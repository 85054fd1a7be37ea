"""The client credentials grant (RFC 6749 §4.4) and the lab's demo clients: a machine gets a
token in its own name, for its registered scopes only; the demo clients exist outside
production only, and their settings reach the app in one file (provider/lab_clients.py)."""

import os
import secrets
import stat
from pathlib import Path

import pytest

from provider import create_app
from provider.issued import Token
from provider.lab_clients import DEFAULT_IDS, LabClientClash
from provider.models import Client, db
from tests.conftest import provider_config
from tests.oauth_flow import CLIENT_ID, CLIENT_SECRET
from tests.provider.lab_flows import credentials, lab_settings, machine_token
from tests.provider.test_provider_security import production_environment


@pytest.fixture(scope="module")
def settings(provider_app):
    return lab_settings(provider_app)


# --- RFC 6749 §4.4: what a machine gets ---------------------------------------------------------


def test_rfc6749_4_4_3_a_machine_gets_an_access_token_and_no_refresh_token(provider_client, settings):
    response = machine_token(provider_client, settings, scope="inventory:read")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["scope"] == "inventory:read"
    assert "refresh_token" not in body  # §4.4.3: "A refresh token SHOULD NOT be included"
    assert "id_token" not in body  # nobody signed in
    assert response.headers["Cache-Control"] == "no-store"  # RFC 6749 §5.1


def test_rfc6749_4_4_3_a_machine_token_lives_ten_minutes_not_authlibs_ten_days(provider_client, settings):
    assert machine_token(provider_client, settings).get_json()["expires_in"] == 600


def test_as_6_a_machine_token_is_256_random_bits(provider_client, settings):
    tokens = {machine_token(provider_client, settings).get_json()["access_token"] for _ in range(3)}
    assert len(tokens) == 3 and all(len(token) == 43 for token in tokens)


def test_rfc6749_3_3_no_scope_means_the_clients_registered_scope(provider_client, settings):
    assert machine_token(provider_client, settings).get_json()["scope"] == "inventory:read"


def test_rfc6749_4_4_a_machine_token_has_no_user(provider_client, provider_app, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    with provider_app.app_context():
        stored = Token.find(token)
        assert stored.user_id is None and stored.grant_id is None and stored.get_user() is None


@pytest.mark.parametrize("scope", ["openid", "inventory:read profile", "email"])
def test_rfc6749_4_4_a_machine_never_gets_a_scope_that_describes_a_person(provider_client, settings, scope):
    response = machine_token(provider_client, settings, scope=scope)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"
    assert "no user" in response.get_json()["error_description"]


@pytest.mark.parametrize("scope", ["inventory:write", "inventory:read admin", "INVENTORY:READ"])
def test_rfc6749_3_3_a_scope_the_client_was_not_registered_for_is_invalid_scope(provider_client, settings, scope):
    response = machine_token(provider_client, settings, scope=scope)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


def test_rfc6749_5_2_a_client_not_registered_for_the_grant_is_unauthorized_client(provider_client):
    response = provider_client.post(
        "/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "unauthorized_client"


def test_rfc6749_4_4_a_public_client_cannot_use_client_credentials(provider_client, settings):
    data = {"grant_type": "client_credentials", "client_id": settings["DEVICE_CLIENT_ID"]}
    response = provider_client.post("/token", data=data)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_rfc6749_4_4_2_a_wrong_secret_is_invalid_client(provider_client, settings):
    auth = (settings["MACHINE_CLIENT_ID"], "not-the-secret")
    response = provider_client.post("/token", data={"grant_type": "client_credentials"}, auth=auth)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_as_13_a_basic_machine_client_sending_its_secret_in_the_body_is_refused(provider_client, settings):
    client_id, secret = credentials(settings, "MACHINE")
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = provider_client.post("/token", data=data)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_rfc6750_3_1_a_machine_token_at_userinfo_is_insufficient_scope(provider_client, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    response = provider_client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_rfc7009_2_1_a_machine_revokes_its_own_token(provider_client, provider_app, settings):
    token = machine_token(provider_client, settings).get_json()["access_token"]
    revoked = provider_client.post("/revoke", data={"token": token}, auth=credentials(settings, "MACHINE"))
    assert revoked.status_code == 200
    with provider_app.app_context():
        assert Token.find(token).is_revoked()


def test_as_9_discovery_names_the_client_credentials_grant(provider_client):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert "client_credentials" in meta["grant_types_supported"]
    assert "inventory:read" in meta["scopes_supported"]


# --- The lab's demo clients: outside production only, their settings in one file ---------------


def test_hdr_6_development_seeds_each_lab_client_with_its_registration(provider_app, settings):
    with provider_app.app_context():
        clients = {c.client_id: c for c in db.session.execute(db.select(Client)).scalars()}
    spa, tv = clients[settings["SPA_CLIENT_ID"]], clients[settings["DEVICE_CLIENT_ID"]]
    assert spa.token_endpoint_auth_method == "none" and spa.client_secret is None
    assert spa.redirect_uris == ["http://localhost:8000/oauth/spa/callback"]
    assert spa.allowed_cors_origins == ["http://localhost:8000"]
    assert tv.token_endpoint_auth_method == "none"
    assert tv.grant_types == ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"]
    machine = clients[settings["MACHINE_CLIENT_ID"]]
    assert machine.grant_types == ["client_credentials"] and machine.scope == "inventory:read"
    assert clients[settings["MACHINE_JWT_CLIENT_ID"]].client_metadata["access_token_format"] == "jwt"
    assert clients[settings["RESOURCE_SERVER_CLIENT_ID"]].grant_types == []


def test_hdr_6_the_apps_client_registers_its_post_logout_redirect_uris_exactly(provider_app):
    with provider_app.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=CLIENT_ID)).scalar_one()
        assert client.client_metadata["post_logout_redirect_uris"] == [
            "http://localhost:8000/oauth/logged-out",
            "http://localhost:8002/oauth/logged-out",
        ]


def test_hdr_8_the_app_gets_every_lab_setting_in_one_private_file(provider_app, settings):
    path = Path(provider_app.instance_path) / "lab-clients.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {name: settings[name] for name in DEFAULT_IDS} == DEFAULT_IDS
    assert settings["API_AUDIENCE"] == "http://localhost:8000/api"
    with provider_app.app_context():
        for role in ("MACHINE", "MACHINE_JWT", "RESOURCE_SERVER"):
            client_id, secret = credentials(settings, role)
            client = db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one()
            assert client.client_secret != secret and client.check_client_secret(secret)  # a digest is kept


def test_a_restart_keeps_the_generated_lab_secrets(tmp_path, signing_key_pem):
    first = create_app(provider_config(tmp_path / "p", SIGNING_KEY_PEM=signing_key_pem))
    again = create_app(provider_config(tmp_path / "p", SIGNING_KEY_PEM=signing_key_pem))
    assert lab_settings(first)["MACHINE_CLIENT_SECRET"] == lab_settings(again)["MACHINE_CLIENT_SECRET"]


def test_lab_settings_come_from_the_configuration_first(tmp_path, signing_key_pem):
    secret = secrets.token_urlsafe(32)
    app = create_app(
        provider_config(
            tmp_path / "p",
            SIGNING_KEY_PEM=signing_key_pem,
            MACHINE_CLIENT_ID="inventory-cron",
            MACHINE_CLIENT_SECRET=secret,
        )
    )
    response = app.test_client().post(
        "/token", data={"grant_type": "client_credentials"}, auth=("inventory-cron", secret)
    )
    assert response.status_code == 200
    assert lab_settings(app)["MACHINE_CLIENT_ID"] == "inventory-cron"


def test_a_lab_client_id_that_is_the_builtin_clients_refuses_to_start(tmp_path, signing_key_pem):
    with pytest.raises(LabClientClash, match="SPA_CLIENT_ID"):
        create_app(provider_config(tmp_path / "p", SIGNING_KEY_PEM=signing_key_pem, SPA_CLIENT_ID=CLIENT_ID))


def test_hdr_6_production_seeds_no_lab_client_and_hands_over_nothing(tmp_path, monkeypatch, signing_key_pem):
    production_environment(monkeypatch, signing_key_pem)
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "production")})
    with app.app_context():
        ids = set(db.session.execute(db.select(Client.client_id)).scalars())
    assert ids == {CLIENT_ID}
    assert not (tmp_path / "production" / "lab-clients.json").exists()
    assert os.environ.get("MACHINE_CLIENT_SECRET") is None


# --- An instance folder from before these flows keeps working (provider/schema.py) -------------


def make_it_old(database):
    """Give the database the shape an earlier provider made: provider_tokens.user_id NOT NULL,
    no provider_codes.sid; with one token row in it."""
    import sqlite3

    connection = sqlite3.connect(database)
    (ddl,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'provider_tokens'").fetchone()
    assert "user_id INTEGER," in ddl
    connection.execute(
        ddl.replace("provider_tokens", "old_tokens").replace("user_id INTEGER,", "user_id INTEGER NOT NULL,")
    )
    connection.executescript(
        """
        DROP TABLE provider_tokens;
        ALTER TABLE old_tokens RENAME TO provider_tokens;
        CREATE INDEX ix_provider_tokens_refresh_token ON provider_tokens (refresh_token);
        INSERT INTO provider_tokens (user_id, client_id, token_type, access_token, scope, issued_at,
            access_token_revoked_at, refresh_token_revoked_at, expires_in)
            VALUES (1, 'authlab-app', 'Bearer', 'an-old-digest', 'openid', 0, 0, 0, 600);
        ALTER TABLE provider_codes DROP COLUMN sid;
        """
    )
    connection.commit()
    connection.close()


def test_an_older_database_is_upgraded_and_keeps_its_rows(tmp_path, signing_key_pem):
    import sqlite3

    config = provider_config(tmp_path / "p", SIGNING_KEY_PEM=signing_key_pem)
    create_app(config)
    database = tmp_path / "p" / "provider.sqlite"
    make_it_old(database)
    app = create_app(config)
    assert machine_token(app.test_client(), lab_settings(app)).status_code == 200  # a token with no user
    connection = sqlite3.connect(database)
    assert connection.execute(
        "SELECT user_id FROM provider_tokens WHERE access_token = 'an-old-digest'"
    ).fetchone() == (1,)
    assert "sid" in [row[1] for row in connection.execute("PRAGMA table_info(provider_codes)")]
    connection.close()
