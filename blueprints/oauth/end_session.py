"""Sign-out everywhere: OpenID Connect RP-Initiated Logout 1.0, the app's side.

The built-in provider's seeded client (provider/seed.py) registers this app's
post_logout_redirect_uris as exactly `<APP_URL>/oauth/logged-out` and
`<REPLICA_URL>/oauth/logged-out` (the replica signs out to its own origin), matched exactly.

Signing out of the app alone leaves the provider's session alive: the next "Sign in" there
comes straight back signed in, and so does anyone at this computer. When the provider
advertises an end_session_endpoint, the app's sign-out therefore sends the browser there too,
with id_token_hint (who is signing out, and from which client), post_logout_redirect_uri (where
to come back: registered exactly) and state (checked on the way back, like the sign-in's).
The provider ends its session and sends the browser to /oauth/logged-out.
"""

import hmac
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, session

from . import providers
from .attempt import DanceError, current, save

LOGGED_OUT_PATH = "/oauth/logged-out"


def post_logout_redirect_uri(app):
    """Where the provider sends the browser back after its sign-out (registered exactly)."""
    return providers.redirect_uri(app).removesuffix("/oauth/callback") + LOGGED_OUT_PATH


def begin(client, tokens):
    """The end_session_endpoint URL to send the browser to, or None when none is advertised.

    §2: id_token_hint names the session to end; client_id as well, so the provider can check
    post_logout_redirect_uri against this client's registration even if the hint has expired.
    The state is bound to this session and single-use: /oauth/logged-out accepts only it.
    """
    endpoint = client.load_server_metadata().get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None  # none advertised (or not a web address: never a redirect to it)
    id_token = (tokens or {}).get("id_token")
    logout = client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri(current_app),
        id_token_hint=id_token,
        client_id=client.client_id,
    )
    session["oauth_logout"] = {"state": logout["state"]}
    record({"url": logout["url"], "endpoint": logout["url"].split("?", 1)[0], "params": params_of(logout["url"])})
    return logout["url"]


def finish(args):
    """The provider's redirect back: the state must be the one this session sent (§3).

    A wrong state is ignored and the right one stays usable: a cross-site link to this URL
    cannot spoil the real return. The right one is used up.
    """
    pending = session.get("oauth_logout")
    state = args.get("state", "")
    if not pending or not 0 < len(state) <= 256 or not hmac.compare_digest(state.encode(), pending["state"].encode()):
        raise DanceError(
            "logout",
            "This sign-out return carries no state this browser session sent: it was not asked for here, "
            "and is ignored.",
        )
    session.pop("oauth_logout")
    dance = current()
    if dance and "logout" in dance["steps"]:
        checks = [("state", True, "matches the one sent, now used up")]
        dance["steps"]["logged_out"] = {"state": state, "checks": checks}
        save(dance)


def local_only(provider):
    """The provider advertises no end_session_endpoint: say so on the dance page."""
    record(
        {
            "local": True,
            "reason": f"{provider.label} advertises no end_session_endpoint: you are signed out of this app only, "
            "and still signed in at the provider.",
        }
    )


def record(step):
    dance = current()
    if dance:
        dance["steps"]["logout"] = step
        save(dance)


def params_of(url):
    return parse_qsl(urlsplit(url).query)
