"""The providers a learner can sign in with: the built-in one, GitHub and Google.

Each is shown only when its client id and secret are configured; otherwise the lab page shows
how to register an application there and which redirect URI to give.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    scope: str
    # The issuer an id_token must name (OC-3). None: OAuth only, there is no id_token.
    issuer: str | None = None
    server_metadata_url: str | None = None
    endpoints: dict = field(default_factory=dict)
    console_url: str = ""
    steps: tuple = ()

    @property
    def openid(self):
        return self.issuer is not None


def builtin_issuer(app):
    return app.config["PROVIDER_URL"]


# GitHub's OAuth apps are OAuth 2.0 only (no OpenID Connect, no id_token): identity comes from
# its user API. The article's erratum: these are GitHub's endpoints, not Google's client.
# GitHub has no `user:full` scope; `read:user user:email` is the least that names the user.
GITHUB = Provider(
    name="github",
    label="GitHub",
    scope="read:user user:email",
    endpoints={
        "authorize_url": "https://github.com/login/oauth/authorize",
        "access_token_url": "https://github.com/login/oauth/access_token",  # nosec B105
        "userinfo_endpoint": "https://api.github.com/user",
    },
    console_url="https://github.com/settings/applications/new",
    steps=(
        "Open GitHub → Settings → Developer settings → OAuth Apps → New OAuth App.",
        'Application name: anything ("Auth Lab"). Homepage URL: the app\'s address below.',
        "Authorization callback URL: exactly the redirect URI below.",
        "Register, then generate a client secret and copy both values.",
        "Put them in .env as GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET and restart `make run`.",
    ),
)

# Google is an OpenID Connect provider: its endpoints and keys come from its discovery
# document, and its id_token must name https://accounts.google.com as issuer.
GOOGLE = Provider(
    name="google",
    label="Google",
    scope="openid email profile",
    issuer="https://accounts.google.com",
    server_metadata_url="https://accounts.google.com/.well-known/openid-configuration",
    console_url="https://console.cloud.google.com/apis/credentials",
    steps=(
        "Open Google Cloud Console → APIs & Services → Credentials (create a project if asked).",
        "Configure the OAuth consent screen (External, testing; add yourself as a test user).",
        "Create credentials → OAuth client ID → Web application.",
        "Authorized redirect URIs: exactly the redirect URI below.",
        "Put the client ID and secret in .env as GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET and restart.",
    ),
)


def builtin(app):
    """The built-in provider: OpenID Connect, configured from its own discovery document."""
    base = app.config["PROVIDER_URL"]
    return Provider(
        name="builtin",
        label="Lab Identity Provider (built in)",
        scope="openid profile email",
        issuer=base,
        server_metadata_url=f"{base}/.well-known/openid-configuration",
        console_url=f"{base}/console/",
    )


def all_providers(app):
    return {"builtin": builtin(app), "github": GITHUB, "google": GOOGLE}


def builtin_client(app):
    """(client_id, client_secret) of this app at the built-in provider, or (None, None).

    Read when needed, not at start-up: the provider may start after the app, and outside
    production it hands the app this registration (PROVIDER_REGISTRATION_FILE) only then.
    In production the credentials come from the environment alone.
    """
    config = app.config
    if config.get("BUILTIN_CLIENT_ID") and config.get("BUILTIN_CLIENT_SECRET"):
        return config["BUILTIN_CLIENT_ID"], config["BUILTIN_CLIENT_SECRET"]
    if config["ENV_NAME"] == "production":
        return None, None
    path = Path(config["PROVIDER_REGISTRATION_FILE"])
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError):
        return None, None
    return values.get("client_id"), values.get("client_secret")


def credentials(app, name):
    """(client_id, client_secret) for a provider, or (None, None) when not configured."""
    if name == "builtin":
        return builtin_client(app)
    prefix = name.upper()
    return app.config.get(f"{prefix}_CLIENT_ID"), app.config.get(f"{prefix}_CLIENT_SECRET")


def configured(app):
    """The providers with credentials, in the order the lab page lists them."""
    providers = all_providers(app)
    return [providers[name] for name in providers if all(credentials(app, name))]


def redirect_uri(app):
    """This instance's callback, as registered at every provider (the replica has its own)."""
    base = app.config["REPLICA_URL"] if app.config["INSTANCE_NAME"] == "replica" else app.config["APP_URL"]
    return f"{base}/oauth/callback"


def client_settings(app, name):
    """What authlib's client needs for one provider: credentials, endpoints, PKCE and scope."""
    provider = all_providers(app)[name]
    client_id, client_secret = credentials(app, name)
    settings = {
        "client_id": client_id,
        "client_secret": client_secret,
        # OC-1: PKCE with S256 on every attempt (authlib makes a fresh verifier each time).
        # OC-3: the least scope that identifies the user.
        "client_kwargs": {"scope": provider.scope, "code_challenge_method": "S256"},
    }
    if provider.server_metadata_url:
        settings["server_metadata_url"] = provider.server_metadata_url
    settings.update(provider.endpoints)
    return settings
