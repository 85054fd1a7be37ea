"""The provider's configuration: its own environment names, secrets and signing key."""

import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent


class UnsafeProviderConfiguration(RuntimeError):
    """Raised when production settings would be insecure; the provider refuses to start."""


def instance_path(test_config=None):
    """instance/provider/: deleting the project's instance folder resets the provider too."""
    return (
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("PROVIDER_INSTANCE_PATH")
        or str(ROOT / "instance" / "provider")
    )


DEFAULTS = {
    "ENV_NAME": "development",
    "PROVIDER_URL": "http://127.0.0.1:8001",
    "APP_URL": "http://localhost:8000",
    "REPLICA_URL": "http://localhost:8002",
    # The provider's own session cookie: a different name and host from the app's.
    "SESSION_COOKIE_NAME": "provider_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "HSTS_SECONDS": 0,
    # The app's client registration (see seed()); from the environment when set.
    "BUILTIN_CLIENT_ID": "authlab-app",
    "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 15}},
    # Access tokens live ten minutes; refresh tokens a day, rotated at every use (AS-5).
    "OAUTH2_TOKEN_EXPIRES_IN": {"authorization_code": 600, "refresh_token": 600},  # nosec B105
    "OAUTH2_REFRESH_TOKEN_LIFETIME": 24 * 3600,
    # Flask-WTF's tokens expire with the page after an hour; the rate limiter counts in memory.
    "WTF_CSRF_TIME_LIMIT": 3600,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute",
    "TOKEN_RATE_LIMIT": "60 per minute",  # nosec B105
    # The deliberately naive twin of this provider (provider/naive_provider.py) exists for the
    # attack bench only; production never routes it.
    "ENABLE_ATTACK_DEMOS": True,
}


def load(app, test_config=None):
    config = app.config
    config.update(DEFAULTS)
    config["BUILTIN_CLIENT_SECRET"] = None  # from the environment, or generated in development
    config["ENV_NAME"] = os.environ.get("APP_ENV", "development")
    for name in ("PROVIDER_URL", "APP_URL", "REPLICA_URL", "BUILTIN_CLIENT_ID", "BUILTIN_CLIENT_SECRET"):
        if os.environ.get(name):
            config[name] = os.environ[name]
    config["SECRET_KEY"] = os.environ.get("PROVIDER_SECRET_KEY")
    config["SIGNING_KEY_PEM"] = os.environ.get("PROVIDER_SIGNING_KEY")
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'provider.sqlite'}"
    config["REGISTRATION_FILE"] = str(Path(app.instance_path) / "builtin-client.json")
    config.update(test_config or {})
    for name in ("PROVIDER_URL", "APP_URL", "REPLICA_URL"):
        config[name] = config[name].rstrip("/")
    # Tests switch throttling on only where they test it (as the app's TestConfig does).
    config.setdefault("RATELIMIT_ENABLED", config["ENV_NAME"] != "test")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if config["ENV_NAME"] == "production":
        refuse_unsafe_production(config)
        config["ENABLE_ATTACK_DEMOS"] = False
        config["SESSION_COOKIE_SECURE"] = True
        config["HSTS_SECONDS"] = 365 * 24 * 3600
        return
    config["SECRET_KEY"] = config["SECRET_KEY"] or own_secret(app, "secret-key.txt", new_secret)
    config["SIGNING_KEY_PEM"] = config["SIGNING_KEY_PEM"] or own_secret(app, "signing-key.pem", new_signing_key)


def own_secret(app, filename, make):
    """Read a development secret from instance/provider/, creating it (0600) on first run."""
    path = Path(app.instance_path) / filename
    if not path.exists():
        tmp = path.with_name(f".{filename}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
        try:
            os.link(tmp, path)  # fails if another process created it first; theirs wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()


def new_secret():
    return secrets.token_urlsafe(32)


def new_signing_key():
    """A 2048-bit RSA key: id_tokens are signed asymmetrically (AS-8) so clients verify them
    with the public half published in the JWKS, and no client can forge one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def write_registration(app, client_id, client_secret):
    """Hand the app its client credentials in development, as a developer would copy them."""
    path = Path(app.config["REGISTRATION_FILE"])
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"client_id": client_id, "client_secret": client_secret}, fh, indent=2)


def refuse_unsafe_production(config):
    problems = []
    if not config.get("SECRET_KEY") or len(config["SECRET_KEY"]) < 32:
        problems.append("PROVIDER_SECRET_KEY is missing or shorter than 32 characters")
    if not config.get("SIGNING_KEY_PEM"):
        problems.append("PROVIDER_SIGNING_KEY (a PEM private key) is missing")
    if not config.get("BUILTIN_CLIENT_SECRET") or len(config["BUILTIN_CLIENT_SECRET"]) < 32:
        problems.append("BUILTIN_CLIENT_SECRET is missing or shorter than 32 characters")
    if os.environ.get("AUTHLIB_INSECURE_TRANSPORT"):
        problems.append("AUTHLIB_INSECURE_TRANSPORT is for development only")
    if not config["PROVIDER_URL"].startswith("https://"):
        problems.append("PROVIDER_URL must be an https:// origin")
    if problems:
        raise UnsafeProviderConfiguration("refusing to start in production: " + "; ".join(problems))
