"""The demo clients of the app's lab pages, one per flow: development and tests only, never
production (HDR-6 style: their purpose is a public demo, and a production provider starts with
only the app's own registration).

- SPA_CLIENT_ID, "Browser app": public (none); code + PKCE and refresh; redirect
  <APP_URL>/oauth/spa/callback; CORS from APP_URL's origin (HDR-4).
- DEVICE_CLIENT_ID, "TV": public (none); the device grant (RFC 8628) and refresh.
- MACHINE_CLIENT_ID and MACHINE_CLIENT_SECRET, "Inventory job": client_secret_basic; client
  credentials for inventory:read; opaque access tokens.
- MACHINE_JWT_CLIENT_ID and MACHINE_JWT_CLIENT_SECRET: the same, with JWT access tokens (RFC 9068).
- RESOURCE_SERVER_CLIENT_ID and RESOURCE_SERVER_CLIENT_SECRET, "Inventory API": client_secret_basic;
  no grant at all: it only calls /introspect, as the resource server for API_AUDIENCE.

The one place both sides read is these setting names, the same on both sides, as
BUILTIN_CLIENT_ID and BUILTIN_CLIENT_SECRET are. Each comes from the provider's configuration
or the environment; otherwise the id is the default below and the secret is generated once.
In development the provider then hands the app every value (and API_AUDIENCE, the audience of
its access tokens, access_tokens.api_audience) in instance/provider/lab-clients.json
(LAB_CLIENTS_FILE, 0600), as it hands the built-in client's in builtin-client.json: the app
reads a setting from its own configuration first, then from that file.
"""

import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from .access_tokens import api_audience
from .models import Client, db, new_token

# The ids when no setting names them: none can be the built-in client's (checked at start),
# and the console's ids are 24 random characters, so none of these can be taken by a console
# registration either.
DEFAULT_IDS = {
    "SPA_CLIENT_ID": "authlab-spa",
    "DEVICE_CLIENT_ID": "authlab-tv",
    "MACHINE_CLIENT_ID": "authlab-machine",
    "MACHINE_JWT_CLIENT_ID": "authlab-machine-jwt",
    "RESOURCE_SERVER_CLIENT_ID": "authlab-inventory-api",
}

USER_SCOPES = "openid profile email"


def registrations(config):
    """Each demo client: (id setting, secret setting or None, its metadata)."""
    # One table of five clients, read top to bottom: longer than 40 lines, and clearer whole.
    app_url = config["APP_URL"]
    machine = {
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
        "scope": "inventory:read",
        "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
    }
    return [
        (
            "SPA_CLIENT_ID",
            None,
            {
                "client_name": "Browser app (the SPA lab)",
                "client_uri": app_url,
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "redirect_uris": [f"{app_url}/oauth/spa/callback"],
                # An origin as the browser's Origin header names it: APP_URL without the mount
                # point it may end in (a classroom sandbox's /s/<key>).
                "allowed_cors_origins": [origin_of(app_url)],
                "scope": USER_SCOPES,
                "token_endpoint_auth_method": "none",  # nosec B105
            },
        ),
        (
            "DEVICE_CLIENT_ID",
            None,
            {
                "client_name": "TV (the device lab)",
                "client_uri": app_url,
                "grant_types": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
                "response_types": [],
                "redirect_uris": [],
                "scope": USER_SCOPES,
                "token_endpoint_auth_method": "none",  # nosec B105
            },
        ),
        ("MACHINE_CLIENT_ID", "MACHINE_CLIENT_SECRET", {"client_name": "Inventory job (the machine lab)", **machine}),
        (
            "MACHINE_JWT_CLIENT_ID",
            "MACHINE_JWT_CLIENT_SECRET",
            {"client_name": "Inventory job, JWT tokens (the resource lab)", **machine, "access_token_format": "jwt"},  # nosec B105,
        ),
        (
            "RESOURCE_SERVER_CLIENT_ID",
            "RESOURCE_SERVER_CLIENT_SECRET",
            {
                "client_name": "Inventory API (the resource lab)",
                "client_uri": app_url,
                "grant_types": [],
                "response_types": [],
                "redirect_uris": [],
                "scope": "",
                "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
                "resource_server_for": [api_audience()],
            },
        ),
    ]


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class LabClientClash(RuntimeError):
    """Two clients would share an id: the provider refuses to start rather than merge them."""


def setting(config, name):
    return config.get(name) or os.environ.get(name)


def seed_lab_clients(app):
    """Register (or update) every demo client, then hand their settings to the app (development)."""
    config = app.config
    handed = previously_handed(handover_file(app))
    values = {"API_AUDIENCE": api_audience()}
    for id_name, secret_name, metadata in registrations(config):
        client_id = setting(config, id_name) or DEFAULT_IDS[id_name]
        if client_id == config["BUILTIN_CLIENT_ID"] or client_id in values.values():
            raise LabClientClash(f"{id_name}={client_id!r} is already another client's id.")
        values[id_name] = client_id
        client = db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()
        if client is not None and client.owner_id is not None:
            raise LabClientClash(f"{id_name}={client_id!r} is a client registered in the console.")
        if client is None:
            client = Client(client_id=client_id, client_id_issued_at=int(time.time()))
            db.session.add(client)
        if secret_name:
            secret = setting(config, secret_name) or handed.get(secret_name) or new_token()
            client.set_secret(secret)
            values[secret_name] = secret
        client.set_client_metadata(metadata)
    db.session.commit()
    write_handover(handover_file(app), values)


def handover_file(app):
    return Path(app.config.get("LAB_CLIENTS_FILE") or Path(app.instance_path) / "lab-clients.json")


def previously_handed(path):
    """The values handed over before, so a restart keeps the generated secrets."""
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


def write_handover(path, values):
    """instance/provider/lab-clients.json, readable by this account only (0600, HDR-8)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh, indent=2, sort_keys=True)
