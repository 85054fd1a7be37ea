"""Loading the configuration: the settings of config.py, filled in and judged at start-up.

load(app) runs once, in the factory, in this order: the class for APP_ENV; the instance folder
(kept 0700); the environment; the test values; the secrets (generated into the instance folder
in development, never in production); the Host headers this app answers; and last, production's
refusals to start. Each refusal is a CannotStart or UnsafeConfiguration (refusals.py), which
run.py prints as one line.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import storage
from config import APP_SECRETS, CLIENT_SECRETS, CONFIGS, FROM_ENVIRONMENT
from instance_secrets import NotWritten, read_or_create_secrets, secret_problem
from refusals import CannotStart, UnsafeConfiguration


def instance_path(test_config=None):
    """Where this instance keeps its SQLite file and generated secrets (None: ./instance)."""
    return (test_config or {}).get("INSTANCE_PATH") or os.environ.get("APP_INSTANCE_PATH") or None


def load(app, test_config=None):
    """Fill app.config: class defaults, then the environment and instance, then test_config."""
    env_name = (test_config or {}).get("ENV_NAME") or os.environ.get("APP_ENV", "development")
    if env_name not in CONFIGS:
        raise UnsafeConfiguration(f"APP_ENV must be one of {sorted(CONFIGS)}, not {env_name!r}")
    app.config.from_object(CONFIGS[env_name])
    # HDR-8: the instance folder holds the databases, the session files and the secrets: 0700.
    instance = Path(app.instance_path)
    try:
        storage.private_folder(instance)
    except OSError as exc:
        raise CannotStart(f"cannot create the instance folder {instance}: {exc.strerror}") from exc
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'app.sqlite'}"
    app.config["SESSION_FILE_DIR"] = str(instance / "sessions")
    app.config["PROVIDER_REGISTRATION_FILE"] = str(instance / "provider" / "builtin-client.json")
    for name, key in FROM_ENVIRONMENT.items():
        if os.environ.get(name):
            app.config[key] = os.environ[name]
    for name in ("APP_URL", "PROVIDER_URL", "REPLICA_URL", "ATTACKER_URL"):
        app.config[name] = app.config[name].rstrip("/")
    if test_config:
        app.config.update(test_config)
    # DATABASE_URL=postgresql://... is read as psycopg 3 (storage.database_url); anything but
    # SQLite or PostgreSQL is refused by name.
    app.config["SQLALCHEMY_DATABASE_URI"] = storage.database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # `timeout` is SQLite's wait for a busy file; PostgreSQL's driver refuses the option.
        # A connection the server dropped (a restart) is noticed at checkout, not mid-request.
        # READ COMMITTED whatever the server's default: the revocation epoch needs each query to
        # see every commit made before it (revocation_epoch.py), never an older snapshot.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "isolation_level": "READ COMMITTED",
            "connect_args": {"connect_timeout": storage.CONNECT_TIMEOUT},
        }
    load_secrets(app.config, instance, env_name)
    if app.config.get("TRUSTED_HOSTS") is None:  # Flask's default is None: trust any Host
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config, env_name)
    app.config["JWT_ENCODE_ISSUER"] = app.config["JWT_DECODE_ISSUER"] = app.config["APP_URL"]
    # Every cookie of the app belongs to the path it is served under, as Flask's own session
    # cookie does (APPLICATION_ROOT: "/", or a classroom sandbox's /s/<key>): two sandboxes in
    # one browser never send each other their cookies, nor overwrite them.
    for kind in ("SESSION", "REMEMBER", "JWT_ACCESS", "JWT_ACCESS_CSRF"):
        app.config[f"{kind}_COOKIE_PATH"] = app.config.get(f"{kind}_COOKIE_PATH") or app.config["APPLICATION_ROOT"]
    if env_name == "production":
        refuse_unsafe_production(app.config)


def trusted_hosts(config, env_name):
    """Host headers this app answers: its own origins (and loopback in development).

    Anything else is refused with a 400 before a view runs, so no link or redirect is ever
    built from a forged Host header (host header injection).
    """
    hosts = {urlsplit(config[name]).hostname for name in ("APP_URL", "REPLICA_URL")}
    if env_name != "production":
        hosts |= {"localhost", "127.0.0.1"}
    return sorted(hosts)


def load_secrets(config, instance, env_name):
    """Secrets come from the environment; development keeps generated ones on disk.

    The file and the generator are instance_secrets.py's; what happens when it cannot be
    written or lacks a secret is decided here, with the other refusals to start.
    """
    for name in APP_SECRETS + CLIENT_SECRETS:
        if not config.get(name) and os.environ.get(name):
            config[name] = os.environ[name]
    if env_name == "production":
        return  # never invent a production secret: refuse_unsafe_production() reports it
    if any(not config.get(name) for name in APP_SECRETS):
        path = instance / "app-secrets.json"
        try:
            stored = read_or_create_secrets(path, APP_SECRETS)
        except NotWritten as exc:
            # A full disk or a read-only folder: say what and where, not a traceback.
            raise CannotStart(
                f"cannot write {path}: {exc.strerror}. Free some space or make the folder writable "
                "(or set the secrets in the environment)."
            ) from exc.__cause__
        missing = [name for name in APP_SECRETS if not stored.get(name)]
        if missing:
            raise UnsafeConfiguration(f"{path} lacks {missing}: delete it to start fresh")
        for name in APP_SECRETS:
            config[name] = config.get(name) or stored[name]


def refuse_unsafe_production(config):
    """HDR-5: production refuses to start with missing, default or weak secrets, or debug on."""
    problems = []
    # The built-in provider's client secret is checked only when a client id is configured:
    # a classroom server may sign in with GitHub or Google alone.
    required = APP_SECRETS + (("BUILTIN_CLIENT_SECRET",) if config.get("BUILTIN_CLIENT_ID") else ())
    for name in required:
        problem = secret_problem(name, config.get(name) or "")
        if problem:
            problems.append(problem)
    if config.get("SECRET_KEY") and config.get("SECRET_KEY") == config.get("JWT_SECRET_KEY"):
        problems.append("JWT_SECRET_KEY must differ from SECRET_KEY (JWT-2)")
    if config.get("DEBUG") or env_flag("FLASK_DEBUG"):
        problems.append("debug must be off")
    if config.get("CREATE_DEMO_ACCOUNTS"):
        problems.append("the demo accounts' passwords are public: CREATE_DEMO_ACCOUNTS is for development only (HDR-6)")
    if os.environ.get("AUTHLIB_INSECURE_TRANSPORT"):
        problems.append("AUTHLIB_INSECURE_TRANSPORT is for development only")
    for name in ("APP_URL", "PROVIDER_URL"):
        if not str(config.get(name, "")).startswith("https://"):
            problems.append(f"{name} must be an https:// origin")
    if problems:
        raise UnsafeConfiguration("refusing to start in production: " + "; ".join(problems))


def env_flag(name, default=False):
    """An environment variable read as on or off (1, true, yes, on), or `default` when unset."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
