"""The OAuth demo: the article's OAuth example, corrected, as an authlib client.

providers.py  which providers exist, their settings, and this app's built-in client
issuers.py    any OpenID Connect provider by its issuer URL (OIDC_PROVIDERS); every issuer held to exactly
client.py     authlib's Flask client per provider, its back channel recorded
attempt.py    one sign-in attempt, as the server-side session remembers it
flow.py       the protocol, hop by hop: begin, check the callback, exchange, verify, sign in
after_sign_in.py what comes after: refresh, revoke the grant, call the API again
id_token.py   what makes an id_token count (OC-3, at_hash, max_age), shared by flow.py and the bench
end_session.py sign-out everywhere: RP-initiated logout at the provider, and its return
routes.py     the lab page and the article's routes: login, callback, protected, admin, logout
dance.py      the step-by-step page, its pause mode, and its buttons after the dance
raw_hops.py   every hop of the dance as raw HTTP, in order, the provider's side included
lab_clients.py the provider's demo clients of the lab pages (SPA, TV, machine), as the app learns them
spa.py        the browser app (SPA) as a public client, beside the BFF: the page, its CSP
device.py     the "TV" page: the device authorization grant (RFC 8628); device_grant.py its hops
machine.py    the machine page: client credentials (RFC 6749 §4.4); client_credentials.py its hops
api.py        the inventory API, a resource server whose guard introspects (introspection.py, RFC 7662)
resource.py   the resource-server page: introspection beside a JWT access token (RFC 9068)
"""

from flask import Blueprint, session

bp = Blueprint("oauth", __name__, url_prefix="/oauth")


def init_app(app):
    from . import api, client, dance, device, issuers, machine, resource, routes, spa  # noqa: F401  (registers the routes on bp)

    # Any other OpenID Connect providers, read once: a bad entry stops the start, saying why.
    production = app.config["ENV_NAME"] == "production"
    app.extensions["oidc_issuers"] = issuers.read(app.config.get("OIDC_PROVIDERS"), production)
    client.init_app(app)
    app.register_blueprint(bp)


def signed_in_user():
    """Who the OAuth sign-in names (kept in the app's session), for the header."""
    identity = session.get("oauth_identity")
    return identity.get("name") if identity else None
