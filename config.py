"""Configuration: every setting in one place, with what development, tests and production change.

The classes below are the settings and their defaults; FROM_ENVIRONMENT names the ones the
environment may set. config_loader.py fills app.config from them at start-up and refuses to
start production with unsafe values.
"""

# Secrets the app needs. Each is 256 random bits; JWT_SECRET_KEY is deliberately a
# different value from SECRET_KEY (JWT-2): a leak of one must not forge the other.
APP_SECRETS = ("SECRET_KEY", "JWT_SECRET_KEY")

# The built-in provider's registration of this app (RFC 6749 §2). In a real deployment a
# developer copies these from the provider's console into the app's environment. In
# development the provider writes them to instance/provider/builtin-client.json when it
# seeds the client, and the app reads that file, as if the copy had been made.
CLIENT_SECRETS = ("BUILTIN_CLIENT_ID", "BUILTIN_CLIENT_SECRET")


class Config:
    """Settings shared by every environment. Subclasses change only what differs."""

    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    # Where the four parties of the contract live (docs/contract.md, "Origins").
    APP_URL = "http://localhost:8000"
    PROVIDER_URL = "http://127.0.0.1:8001"
    REPLICA_URL = "http://localhost:8002"
    ATTACKER_URL = "http://attacker.localhost:8003"
    INSTANCE_NAME = "app"  # "replica" for the second instance (scale-out demo)

    # The embedded store: a real SQLite file in the instance folder (set in config_loader.load()),
    # or PostgreSQL when DATABASE_URL names one (below, and storage.database_url).
    SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 15}}
    REDIS_URL = None
    # Put before every key this app writes to Redis (sessions take SESSION_KEY_PREFIX too): a
    # classroom sandbox sets its own, so sandboxes sharing one Redis never read each other's keys.
    REDIS_KEY_PREFIX = ""

    # Refuse request bodies larger than 1 MiB with a 413 instead of reading them.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024

    # The session cookie (SES-3): HttpOnly so script cannot read it, SameSite=Lax so
    # other sites' forms and fetches do not carry it. Secure is switched on in production.
    SESSION_COOKIE_NAME = "session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_TYPE = "sqlalchemy"  # or "cachelib" (files) or "redis"
    SESSION_PERMANENT = False  # True would turn flask-login's "strong" protection into "basic"
    SESSION_KEY_PREFIX = "session:"
    SESSION_SQLALCHEMY_TABLE = "server_sessions"

    # flask-login's remember-me cookie (SES-6): same flags, at most 14 days.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600

    # --- Session lab (blueprints/session/) -------------------------------------------------
    # The remember-me cookie's name (blueprints/session/remember.py issues it; the flags
    # and the lifetime are the REMEMBER_COOKIE_* settings above).
    REMEMBER_COOKIE_NAME = "remember_token"
    # flask-login's "strong" protection (a session presented by another browser, another
    # User-Agent or address, is ended) runs in blueprints/session/binding.py, for signed-in
    # sessions only; flask-login's own check would also rewrite every anonymous session.
    SESSION_PROTECTION = None
    # SES-4: a session unused for this long ends (idle timeout), and every session ends this
    # long after sign-in whatever happens (absolute timeout). Both are checked on the server.
    SESSION_IDLE_TIMEOUT = 30 * 60
    SESSION_ABSOLUTE_TIMEOUT = 8 * 3600
    # The short pair a learner may pick on the lab page, to watch a timeout happen in class.
    SESSION_DEMO_IDLE_TIMEOUT = 20
    SESSION_DEMO_ABSOLUTE_TIMEOUT = 60
    # The store forgets a record this long after its last write: no record outlives the
    # absolute timeout of the session it holds.
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    # Write a session to the store only when it changed (the idle clock is moved forward in
    # steps, see blueprints/session/timeouts.py), not on every request that reads it.
    SESSION_REFRESH_EACH_REQUEST = False
    # --- end of the session lab's settings ---------------------------------------------------

    # Flask-WTF issues the CSRF tokens for forms (PW-5); csrf.py decides when to check.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = 3600

    # PW-3, PW-6: the throttle (throttle.py) counts failures only: a wrong password, an unknown
    # user, a refused refresh token. A correct password is never counted, and never refused
    # unless its account or address is locked. A limit reached locks until its window ends.
    # Per account from one address: 5 failures in 5 minutes, so one address gets at most 60
    # guesses an hour at an account (NIST 800-63B allows 100). It locks that address out of
    # that account only: a stranger failing as `bob` does not lock bob out of his own laptop.
    RATELIMIT_FAILURES_PER_ACCOUNT_AND_ADDRESS = "5 per 5 minutes"
    # Per account, from all addresses together: guesses spread over many addresses. Higher,
    # since only a guesser with several addresses reaches it; such a guesser can still lock the
    # account for 10 minutes (the price Keycloak and OWASP accept for a per-account limit).
    RATELIMIT_FAILURES_PER_ACCOUNT = "20 per 10 minutes"
    # Per client address, over all accounts (password spraying). High, because a class behind
    # one NAT shares one address: 30 students with 3 typos each in 5 minutes still fit. It
    # gives a sprayer 100 guesses per 5 minutes, spread over accounts whose passwords the
    # policy (passwords.py, PW-7) made at least 10^8 guesses deep.
    RATELIMIT_FAILURES_PER_ADDRESS = "100 per 5 minutes"
    # Sign-ups per address, counting accounts created and names found taken (each costs or
    # tells something); a password refused by the policy is not counted: trying again is the
    # point. A class of 40 signing up in its first lesson fits.
    RATELIMIT_SIGN_UPS_PER_ADDRESS = "60 per hour"
    # Device sign-ins started from the OAuth lab's TV page (blueprints/oauth/device.py): each
    # makes the provider keep a code for ten minutes; a student starts a handful.
    RATELIMIT_DEVICE_STARTS_PER_ADDRESS = "60 per 10 minutes"
    # Where the counts live. Unset: a store every worker and instance shares (the app's
    # database, or Redis when REDIS_URL is set). memory:// counts in each process alone, so
    # production refuses it when more than one process serves the app.
    RATELIMIT_STORAGE_URI = None
    RATELIMIT_ENABLED = True

    # JWT (flask-jwt-extended). One pinned algorithm (JWT-1), 15-minute access tokens
    # (JWT-3), issuer and audience issued and checked, no leeway.
    # The algorithm of the first key and of keys made by rotation: HS256, or RS256 (set
    # JWT_ALGORITHM=RS256) to publish the public keys as a JWKS. Each key of the keyring is bound
    # to exactly one of the decode algorithms, and a token is only verified with its key's own
    # algorithm (blueprints/jwt/keys.py), so the pin is per key (RFC 8725 §3.1).
    JWT_ALGORITHM = "HS256"
    JWT_DECODE_ALGORITHMS = ["HS256", "RS256"]
    JWT_ACCESS_TOKEN_EXPIRES = 15 * 60
    JWT_REFRESH_TOKEN_EXPIRES = 7 * 24 * 3600
    JWT_ENCODE_ISSUER = None  # set from APP_URL in config_loader.load()
    JWT_DECODE_ISSUER = None
    JWT_ENCODE_AUDIENCE = "authlab-api"
    JWT_DECODE_AUDIENCE = "authlab-api"
    JWT_DECODE_LEEWAY = 0
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_COOKIE_SECURE = False
    JWT_COOKIE_SAMESITE = "Lax"
    JWT_COOKIE_CSRF_PROTECT = True

    # The deliberately naive twins and the attacker site exist only to be attacked in
    # class. Production never routes them (HDR-5, style.md).
    ENABLE_ATTACK_DEMOS = True
    # The challenges' victim bot drives this Chromium or Chrome (blueprints/challenges/victim.py);
    # unset, the first of chromium, chromium-browser or google-chrome on the PATH, else Playwright's own.
    VICTIM_BROWSER = None

    # The demo accounts (alice / wonderland, bob / thebuilder) are created at first start. Their
    # passwords are public, so production never creates them (HDR-6, models.first_start).
    CREATE_DEMO_ACCOUNTS = True

    # Security headers (HDR-1/HDR-2); HSTS only means something over HTTPS.
    HSTS_SECONDS = 0

    # Real providers appear only when their credentials are configured.
    GITHUB_CLIENT_ID = GITHUB_CLIENT_SECRET = None
    GOOGLE_CLIENT_ID = GOOGLE_CLIENT_SECRET = None
    # Any other OpenID Connect provider, by its issuer URL (blueprints/oauth/issuers.py): a
    # JSON list, one object per provider, set in the environment only since it holds secrets:
    # OIDC_PROVIDERS='[{"name": "okta", "issuer": "https://dev-1.okta.com", "client_id": "...",
    #                   "client_secret": "...", "scope": "openid profile email offline_access"}]'
    # The issuer is compared exactly as written (a trailing "/" counts): copy it from the
    # provider's discovery document. Start-up refuses an entry it cannot use, and says why.
    OIDC_PROVIDERS = None
    # Seconds the app waits for a provider on the back channel (discovery, token, userinfo,
    # revocation): a provider that hangs gets a 502 page, not a worker held forever.
    OAUTH_BACK_CHANNEL_TIMEOUT = 10


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    # Tests see what users see: an unexpected error becomes the 500 (or 503) page through the
    # app's own handlers, instead of Flask re-raising it into the test.
    PROPAGATE_EXCEPTIONS = False
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    # HDR-1: production is served over HTTPS only; every cookie is Secure, HSTS for a year.
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    JWT_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600
    PREFERRED_URL_SCHEME = "https"
    ENABLE_ATTACK_DEMOS = False
    CREATE_DEMO_ACCOUNTS = False


# Environment variables (also read from .env, see .env.example); each fills the setting
# of the same name, except DATABASE_URL, which fills SQLALCHEMY_DATABASE_URI:
#   unset                                  instance/app.sqlite, the embedded store
#   postgresql://user:password@host/name   PostgreSQL through psycopg 3 (postgresql+psycopg://);
#                                          the app and its replica share it, as they share the file
#   ...?options=-csearch_path%3Dname       every table and query in that schema (it must exist)
# Start-up refuses, in one line, a server it cannot reach or sign in to (storage.check_reachable).
# The provider, another party, has its own: PROVIDER_DATABASE_URL (provider/settings.py).
FROM_ENVIRONMENT = {
    name: name
    for name in (
        "APP_URL",
        "PROVIDER_URL",
        "REPLICA_URL",
        "ATTACKER_URL",
        "INSTANCE_NAME",
        "VICTIM_BROWSER",
        "REDIS_URL",
        "RATELIMIT_STORAGE_URI",
        "JWT_ALGORITHM",
        "SESSION_TYPE",
        "PROVIDER_REGISTRATION_FILE",
        "GITHUB_CLIENT_ID",
        "GITHUB_CLIENT_SECRET",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "OIDC_PROVIDERS",
        # The provider's clients for the other flows' lab pages (blueprints/oauth/lab_clients.py):
        # handed over by the provider in development; in production only these say what they are.
        "SPA_CLIENT_ID",
        "DEVICE_CLIENT_ID",
        "MACHINE_CLIENT_ID",
        "MACHINE_CLIENT_SECRET",
        "MACHINE_JWT_CLIENT_ID",
        "MACHINE_JWT_CLIENT_SECRET",
        "RESOURCE_SERVER_CLIENT_ID",
        "RESOURCE_SERVER_CLIENT_SECRET",
        "API_AUDIENCE",
    )
} | {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}

CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
