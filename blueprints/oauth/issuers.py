"""Any OpenID Connect provider, configured by its issuer URL (OIDC_PROVIDERS in config.py),
and every provider held to its issuer exactly while a sign-in runs.

Each entry names a provider, its issuer, and this app's registration there (client id and
secret); the endpoints and keys come from the issuer's discovery document, fetched when first
needed. Read once at start-up, which refuses an entry it cannot use and says why, so a typo
is a one-line message at `make run`, not a 500 in class. During a sign-in (flow.py), the
discovery document and the callback's `iss` must name the configured issuer byte for byte.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from requests import ConnectionError, RequestException, Timeout

from refusals import CannotStart, UnsafeConfiguration

from .attempt import DanceError, save

# Names the lab already uses, and the shape of a name (it goes into /oauth/login?provider=).
RESERVED = {"builtin", "github", "google"}
NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
FIELDS = {"name", "issuer", "client_id", "client_secret", "scope", "label", "token_endpoint_auth_method"}
REQUIRED = ("name", "issuer", "client_id", "client_secret")
DEFAULT_SCOPE = "openid profile email"
AUTH_METHODS = {"client_secret_basic", "client_secret_post"}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Issuer:
    """One configured OpenID Connect provider and this app's registration there."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str = DEFAULT_SCOPE
    label: str = ""
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105  (a method name, RFC 7591)


def read(value, production=False):
    """The configured issuers, in order, from OIDC_PROVIDERS (JSON text, or a list in tests)."""
    if not value:
        return ()
    try:
        entries = json.loads(value) if isinstance(value, str) else value
    except ValueError as exc:
        raise CannotStart(f"OIDC_PROVIDERS is not valid JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise CannotStart("OIDC_PROVIDERS must be a JSON list of providers: [{...}, {...}]")
    issuers = tuple(read_entry(entry, index, production) for index, entry in enumerate(entries))
    names = [issuer.name for issuer in issuers]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CannotStart(f"OIDC_PROVIDERS names {duplicates} more than once")
    return issuers


def read_entry(entry, index, production):
    where = f"OIDC_PROVIDERS[{index}]"
    if not isinstance(entry, dict):
        raise CannotStart(f"{where} must be an object with {', '.join(REQUIRED)}")
    unknown = sorted(set(entry) - FIELDS)
    if unknown:
        raise CannotStart(f"{where} has unknown fields {unknown} (known: {sorted(FIELDS)})")
    missing = [key for key in REQUIRED if not isinstance(entry.get(key), str) or not entry[key].strip()]
    if missing:
        raise CannotStart(f"{where} lacks {missing}")
    name = entry["name"]
    if not NAME.fullmatch(name) or name in RESERVED:
        raise CannotStart(f"{where}: name {name!r} must be lowercase letters, digits and '-', not {sorted(RESERVED)}")
    check_issuer(entry["issuer"], f"{where} ({name})", production)
    scope = entry.get("scope", DEFAULT_SCOPE)
    # OC-3: an OpenID Connect provider is asked for openid, or there is no id_token to verify.
    if not isinstance(scope, str) or "openid" not in scope.split():
        raise CannotStart(f"{where} ({name}): scope must be a string that includes openid")
    method = entry.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise CannotStart(f"{where} ({name}): token_endpoint_auth_method must be one of {sorted(AUTH_METHODS)}")
    return Issuer(
        name=name,
        issuer=entry["issuer"],
        client_id=entry["client_id"],
        client_secret=entry["client_secret"],
        scope=" ".join(scope.split()),
        label=str(entry.get("label") or name),
        token_endpoint_auth_method=method,
    )


# OIDC Core §2 and Discovery §3: the issuer is a case-sensitive https URL with no query or
# fragment. It is kept exactly as written, trailing "/" and all: the discovery document and
# every id_token must name it byte for byte (Discovery §4.3), so nothing here normalises it.
# Plain http is allowed for loopback outside production only (a provider on this machine).
def check_issuer(issuer, where, production):
    try:
        parts = urlsplit(issuer)
        host = parts.hostname
    except ValueError as exc:
        raise CannotStart(f"{where}: issuer {issuer!r} is not a URL") from exc
    if parts.scheme not in {"https", "http"} or not host or parts.query or parts.fragment or "?" in issuer:
        raise CannotStart(f"{where}: issuer {issuer!r} must be an https:// URL with no query or fragment")
    if parts.scheme == "http" and (production or host not in LOOPBACK):
        raise UnsafeConfiguration(
            f"{where}: issuer {issuer!r} must be https:// (plain http only for a provider on this machine, "
            "outside production)"
        )


def discovery_url(issuer):
    """OIDC Discovery §4.1: a terminating "/" is removed, then /.well-known/openid-configuration
    is appended (https://tenant.auth0.com/ → https://tenant.auth0.com/.well-known/...)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


# --- During a sign-in: the issuer held to exactly (OC-3) ------------------------------------


# OIDC Discovery §4.3: the document fetched from <issuer>/.well-known/openid-configuration must
# name that issuer exactly, byte for byte (https://x/ is not https://x), or nothing in it is
# used: a look-alike document would hand the app another provider's endpoints and keys. This
# runs before the browser is sent anywhere.
def check_discovery(client, provider):
    if not provider.openid:
        return
    try:
        published = client.load_server_metadata().get("issuer")
    except (ConnectionError, Timeout) as exc:
        raise DanceError(
            "authorize",
            f"The provider did not answer at {provider.server_metadata_url} ({type(exc).__name__}).",
            status=502,
        ) from exc
    except (RequestException, ValueError) as exc:
        raise DanceError(
            "authorize", f"{provider.server_metadata_url} could not be read ({type(exc).__name__}).", status=502
        ) from exc
    if published != provider.issuer:
        raise DanceError(
            "authorize",
            f"{provider.server_metadata_url} names the issuer {published!r}, not {provider.issuer!r} as "
            "configured. Issuers are compared exactly (OIDC Discovery §4.3): nothing from this provider is used.",
            status=502,
        )


# RFC 9207, at the callback (step 3 of flow.py): the authorization response's `iss` names the
# provider that answered. A provider that advertises the parameter must send it, and it must be
# the issuer this attempt was started with: a code from another provider (a mix-up) is refused.
def check_response_iss(client, provider, iss, checks, dance):
    """The discovery document names the pinned issuer, and so does `iss` when sent (RFC 9207)."""
    metadata = client.load_server_metadata()
    if provider.openid and metadata.get("issuer") != provider.issuer:
        raise DanceError("callback", f"The discovery document names {metadata.get('issuer')}, not {provider.issuer}.")
    if metadata.get("authorization_response_iss_parameter_supported") or iss:
        checks.append(("iss", iss == provider.issuer, f"names {provider.issuer} (RFC 9207)"))
        save(dance)
        if iss != provider.issuer:
            raise DanceError("callback", f"The response's iss is {iss!r}, not {provider.issuer!r}.")
