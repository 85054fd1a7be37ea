"""authlib's Flask client, one per provider, with its back channel recorded for the dance page.

State is kept in the user's own session (OC-2: no `cache=`, GHSA-fg6f-75jq-6523), PKCE uses
S256 (OC-1), OpenID Connect requests carry a nonce and the id_token is verified against the
provider's JWKS with the issuer pinned (OC-3).
"""

from authlib.integrations.flask_client import OAuth
from flask import current_app, g

import wire

from . import providers


def init_app(app):
    # One registry per app, made here rather than once at module level: one process may hold
    # several apps (the tests; the app beside its replica), each with its own provider address,
    # and authlib's registry remembers one app and caches its clients by name. No `cache=`:
    # state stays in the user's session (OC-2).
    app.extensions["oauth_registry"] = {"registry": OAuth(app), "settings": {}}


def remote(name):
    """authlib's client for a configured provider (registered on first use), or None.

    Registered when first needed, not at start-up: the provider may start after the app,
    and in development hands the app its credentials only then (providers.builtin_client).
    """
    settings = providers.client_settings(current_app, name)
    if not (settings["client_id"] and settings["client_secret"]):
        return None
    holder = current_app.extensions["oauth_registry"]
    if holder["settings"].get(name) != settings:
        # New or changed credentials (a reset provider): register afresh.
        if name in holder["settings"]:
            holder["registry"] = OAuth(current_app._get_current_object())
            holder["settings"] = {}
        holder["registry"].register(name, compliance_fix=record_back_channel, **settings)
        holder["settings"][name] = settings
    return holder["registry"].create_client(name)


def record_back_channel(session):
    """Hook authlib's requests session: every exchange with the provider is recorded."""
    session.hooks["response"].append(record_response)


# The record reaches the dance page, so it goes through the wire panel's one redaction path
# (LAB-2, wire/redact.py): the client secret (form field or Basic header) is masked, the bearer,
# access and refresh tokens are shortened; the code and the PKCE verifier, spent by then, stay.
def record_response(response, *args, **kwargs):
    g.setdefault("oauth_wire", []).append(wire.exchange_from_requests(response, hop="app → provider (back channel)"))


def take_recorded():
    """The back-channel exchanges recorded during this request, oldest first."""
    return g.pop("oauth_wire", [])


def back_channel_session(client):
    """authlib's own requests session for a client, authenticated as it authenticates at the
    token endpoint, for the calls its Flask client has no method for (refresh, revocation)."""
    return client._get_oauth_client(**client.load_server_metadata())
