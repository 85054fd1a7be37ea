"""The providers a learner can sign in with: the built-in one, any OpenID Connect provider
configured by its issuer URL (issuers.py), GitHub and Google.

Each is shown only when its client id and secret are configured; otherwise the lab page shows
how to register an application there and which redirect URI to give.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from .issuers import discovery_url


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
    # Why this provider may issue no refresh token: the dance page says it when none came.
    refresh_note: str = ""

    @property
    def openid(self):
        return self.issuer is not None


def builtin_issuer(app):
    return app.config["PROVIDER_URL"]


# OIDC Core §11: a refresh token that outlives the sign-in is "offline access", asked for with
# the offline_access scope and prompt=consent (step_up.authorization_params adds the prompt).
OIDC_REFRESH_NOTE = (
    "An OpenID Connect provider issues a refresh token when the offline_access scope is asked for "
    "with prompt=consent and granted (OIDC Core §11), or by its own policy. Add offline_access to this "
    "provider's scope in OIDC_PROVIDERS to get one."
)


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
    refresh_note=(
        "GitHub's OAuth app tokens do not expire, so GitHub sends no refresh token (only GitHub Apps "
        "that opt in to expiring user tokens get one)."
    ),
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
    refresh_note=(
        "Google sends a refresh token only when the authorization request says access_type=offline, "
        "and then only at the first consent (or with prompt=consent); this app asks for no offline access."
    ),
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
        server_metadata_url=discovery_url(base),
        console_url=f"{base}/console/",
        refresh_note="The built-in provider issues a refresh token with every code it exchanges for this app.",
    )


def generic(issuer):
    """A provider configured by its issuer URL: everything else from its discovery document."""
    return Provider(
        name=issuer.name,
        label=issuer.label,
        scope=issuer.scope,
        issuer=issuer.issuer,
        server_metadata_url=discovery_url(issuer.issuer),
        refresh_note=OIDC_REFRESH_NOTE,
    )


def configured_issuers(app):
    """The OpenID Connect providers of OIDC_PROVIDERS, read at start-up (oauth.init_app)."""
    return app.extensions.get("oidc_issuers", ())


def all_providers(app):
    generics = {issuer.name: generic(issuer) for issuer in configured_issuers(app)}
    return {"builtin": builtin(app), **generics, "github": GITHUB, "google": GOOGLE}


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
    for issuer in configured_issuers(app):
        if issuer.name == name:
            return issuer.client_id, issuer.client_secret
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
        "client_kwargs": {
            "scope": provider.scope,
            "code_challenge_method": "S256",
            "default_timeout": app.config["OAUTH_BACK_CHANNEL_TIMEOUT"],
        },
    }
    for issuer in configured_issuers(app):
        if issuer.name == name:
            # How this app authenticates at the provider's token and revocation endpoints,
            # as registered there (RFC 6749 §2.3).
            method = issuer.token_endpoint_auth_method
            settings["client_kwargs"].update(token_endpoint_auth_method=method, revocation_endpoint_auth_method=method)
    if provider.server_metadata_url:
        settings["server_metadata_url"] = provider.server_metadata_url
    settings.update(provider.endpoints)
    return settings
