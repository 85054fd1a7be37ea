"""Configuration: generated development secrets, and production's refusals (JWT-2, HDR-5)."""

import secrets
import stat
from pathlib import Path

import pytest

import instance_secrets
from app import create_app
from refusals import UnsafeConfiguration
from tests.conftest import PRODUCTION


def dev_app(instance):
    return create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(instance)})


def test_development_generates_secrets_on_first_run_with_mode_0600(tmp_path):
    app = dev_app(tmp_path)
    secrets_file = tmp_path / "app-secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert len(app.config["SECRET_KEY"]) >= 43  # 256 bits, base64url


def test_jwt_2_signing_key_is_distinct_from_secret_key(tmp_path):
    app = dev_app(tmp_path)
    assert app.config["JWT_SECRET_KEY"] != app.config["SECRET_KEY"]


def test_starting_twice_keeps_the_same_secrets(tmp_path):
    first = dev_app(tmp_path).config
    second = dev_app(tmp_path).config
    assert (first["SECRET_KEY"], first["JWT_SECRET_KEY"]) == (second["SECRET_KEY"], second["JWT_SECRET_KEY"])


def test_starting_twice_keeps_the_same_users(tmp_path):
    from models import User

    app = dev_app(tmp_path)
    with app.app_context():
        ids = sorted((u.username, u.id) for u in User.query.all())
    app = dev_app(tmp_path)
    with app.app_context():
        assert sorted((u.username, u.id) for u in User.query.all()) == ids


def test_deleting_the_instance_folder_starts_fresh(tmp_path):
    import shutil

    old = dev_app(tmp_path).config["SECRET_KEY"]
    shutil.rmtree(tmp_path)
    assert dev_app(tmp_path).config["SECRET_KEY"] != old


def production(tmp_path, monkeypatch, **values):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    settings = {
        "ENV_NAME": "production",
        "INSTANCE_PATH": str(tmp_path),
        "APP_URL": PRODUCTION["APP_URL"],
        "PROVIDER_URL": PRODUCTION["PROVIDER_URL"],
    }
    settings.update(values)
    return create_app(settings)


STRONG = {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "JWT_SECRET_KEY": PRODUCTION["JWT_SECRET_KEY"]}


def test_hdr_5_production_refuses_missing_secrets(tmp_path, monkeypatch):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY is missing"):
        production(tmp_path, monkeypatch)


def test_hdr_5_production_refuses_the_articles_placeholder_secret(tmp_path, monkeypatch):
    with pytest.raises(UnsafeConfiguration, match="known default"):
        production(tmp_path, monkeypatch, SECRET_KEY="YOUR_STRONG_SECRET_KEY", JWT_SECRET_KEY=STRONG["JWT_SECRET_KEY"])


# Long enough, and no secret at all: what people type when asked for "a long random string".
PATTERNED = {
    "one character": "a" * 32,
    "two alternating": "ab" * 16,
    "hex digits repeated": "0123456789abcdef" * 4,
    "a word repeated": "wonderland" * 4,
    "a sequence": "abcdefghijklmnopqrstuvwxyz012345",
    "a keyboard row": "qwertyuiopasdfghjklzxcvbnm123456",
    "a phrase made to look long": "MySuperSecretJWTKeyForProduction2024",
}


@pytest.mark.parametrize("secret", PATTERNED.values(), ids=PATTERNED)
def test_hdr_5_production_refuses_a_long_secret_with_a_pattern(tmp_path, monkeypatch, secret):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY has a pattern"):
        production(tmp_path, monkeypatch, SECRET_KEY=secret, JWT_SECRET_KEY=STRONG["JWT_SECRET_KEY"])


@pytest.mark.parametrize("generate", [secrets.token_urlsafe, secrets.token_hex], ids=["token_urlsafe", "token_hex"])
def test_hdr_5_production_starts_with_generated_secrets(tmp_path, monkeypatch, generate):
    app = production(tmp_path, monkeypatch, SECRET_KEY=generate(32), JWT_SECRET_KEY=generate(32))
    assert app.config["ENV_NAME"] == "production"


def test_hdr_5_generated_secrets_always_pass_the_estimate():
    """A thousand generated secrets of 256 bits: the estimate refuses none (no false alarm)."""
    lowest = min(
        instance_secrets.estimated_bits(make(32))
        for make in (secrets.token_urlsafe, secrets.token_hex)
        for _ in range(500)
    )
    assert lowest >= instance_secrets.MIN_ESTIMATED_BITS


def test_hdr_5_production_refuses_a_jwt_key_equal_to_the_secret_key(tmp_path, monkeypatch):
    with pytest.raises(UnsafeConfiguration, match="must differ"):
        production(tmp_path, monkeypatch, SECRET_KEY=STRONG["SECRET_KEY"], JWT_SECRET_KEY=STRONG["SECRET_KEY"])


def test_hdr_5_production_refuses_insecure_transport_for_authlib(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    with pytest.raises(UnsafeConfiguration, match="AUTHLIB_INSECURE_TRANSPORT"):
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path)})


def test_hdr_5_production_refuses_debug(tmp_path, monkeypatch):
    with pytest.raises(UnsafeConfiguration, match="debug"):
        production(tmp_path, monkeypatch, DEBUG=True, **STRONG)


def test_hdr_5_production_does_not_generate_secrets_on_disk(production_app):
    assert not (Path(production_app.instance_path) / "app-secrets.json").exists()


def test_hdr_1_production_cookies_are_secure(production_app):
    config = production_app.config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["JWT_COOKIE_SECURE"]


def test_hdr_1_production_sends_hsts_for_at_least_a_year(production_app):
    response = production_app.test_client().get("/", base_url=PRODUCTION["APP_URL"])
    max_age = int(response.headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 3600
