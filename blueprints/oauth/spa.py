"""The browser app (SPA) as a public client, beside the app's own client as a BFF.

OAuth 2.0 for Browser-Based Apps: the page's own script (static/js/oauth-spa.js) runs the
authorization code flow with PKCE straight against the provider. This server only hands out
the page and its script: it holds no secret for this client (a public client has none, RFC
6749 §2.1), makes no hop of its own, and never sees a token. The tokens live in the page's
memory and die with the tab.

The code comes back through this server (the callback is a page of this origin), in the
query string. The server does nothing with it, and the page removes it from the address bar
at once: useless to anyone without the PKCE verifier, which never left the browser (OC-1).
"""

import re
from functools import lru_cache

from flask import current_app, render_template, session

from blueprints.source import ROOT, source_url
from security import connects_to

from . import bp
from .lab_clients import lab_setting

# The provider's seeded "Browser app" client (provider/lab_clients.py registers it outside
# production: public, `token_endpoint_auth_method: none`, this redirect URI exactly, this
# app's origin in its allowed_cors_origins); its id is SPA_CLIENT_ID (lab_clients.py).
SPA_SCOPE = "openid profile email"

# What each field of the authorization request is for, when a browser app sends it.
PARAMETER_NOTES = {
    "response_type": "code: the code flow. Never token (the implicit flow put tokens in URLs and history).",
    "client_id": 'The provider\'s public "Browser app" client. Public: it has no secret, so it proves nothing alone.',
    "redirect_uri": "This page, registered exactly: a look-alike URI gets no code (AS-1).",
    "scope": "What the script asks for; the consent page lists it.",
    "state": "256 random bits from crypto.getRandomValues; the callback must bring it back (login CSRF).",
    "nonce": "Random too; the provider copies it into the id_token, which ties the token to this attempt.",
    "code_challenge": "BASE64URL(SHA-256(code_verifier)) by WebCrypto. The verifier stays in this tab.",
    "code_challenge_method": "S256: without a client secret, PKCE is what makes a stolen code useless.",
}

# The sequence diagram: (hop, from, to, channel, label). A browser app has no back channel:
# every hop starts in the browser; the app's server only hands out files.
LANES = (("b", "Browser", "the page's script"), ("a", "App server", "static files only"), ("p", "Provider", ""))
HOPS = (
    ("page", "b", "a", "front", "GET /oauth/spa: this page and its script"),
    ("discovery", "b", "p", "front", "GET /.well-known/openid-configuration (CORS)"),
    ("authorize", "b", "p", "front", "GET /authorize?state, code_challenge, nonce (the address bar)"),
    ("provider", "p", "b", "front", "sign-in · consent · 302 → /oauth/spa/callback?code, state, iss"),
    ("callback", "b", "a", "front", "GET /oauth/spa/callback: the same page (the server ignores the code)"),
    ("token", "b", "p", "front", "POST /token: code + code_verifier + client_id, no secret (CORS)"),
    ("token-answer", "p", "b", "front", "access_token, refresh_token, id_token: into the page's memory"),
    ("jwks", "b", "p", "front", "GET jwks.json: the script verifies the id_token (WebCrypto)"),
    ("preflight", "b", "p", "front", "OPTIONS /userinfo: the browser's own preflight (Authorization header)"),
    ("userinfo", "b", "p", "front", "GET /userinfo, Authorization: Bearer"),
    ("refresh", "b", "p", "front", "POST /token, grant_type=refresh_token: rotated"),
)


@lru_cache(maxsize=64)
def script_lines(path, name, mtime):
    """(first, last) line of a page script's function or class `name`, with the comment block
    above it (that is its explanation), or None. Top-level definitions end at a `}` in column 0."""
    lines = (ROOT / path).read_text().splitlines()
    pattern = re.compile(rf"^(export )?(async )?(function|class) {re.escape(name)}\b")
    start = next((index for index, line in enumerate(lines) if pattern.match(line)), None)
    if start is None:
        return None
    first = start
    while first > 0 and lines[first - 1].startswith("//"):
        first -= 1
    end = next((index for index in range(start, len(lines)) if lines[index].startswith("}")), start)
    return first + 1, end + 1


def script_url(path, name=None):
    """source_url for a page script, at the lines that define `name` (the viewer's #L anchor)."""
    url = source_url(path)
    found = script_lines(path, name, (ROOT / path).stat().st_mtime) if name else None
    return f"{url}#L{found[0]}-L{found[1]}" if found else url


def spa_settings():
    """What the page's script needs to know: public values only (the client has no secret)."""
    config = current_app.config
    return {
        "issuer": config["PROVIDER_URL"],
        "client_id": lab_setting(current_app, "SPA_CLIENT_ID"),
        "redirect_uri": f"{config['APP_URL']}/oauth/spa/callback",
        "scope": SPA_SCOPE,
    }


def render_spa(callback):
    return render_template(
        "oauth/spa.html",
        spa=spa_settings(),
        callback=callback,
        notes=PARAMETER_NOTES,
        lanes=LANES,
        hops=HOPS,
        script_url=script_url,
        # The BFF side of the comparison: the app's own client, whose tokens stay here (OC-4).
        bff_identity=session.get("oauth_identity"),
        bff_holds_tokens=bool(session.get("oauth_tokens")),
    )


# HDR-2: this page's script talks to the provider itself, so its CSP names the provider's
# origin in connect-src (security.connects_to); every other page of the app keeps 'self'.
@bp.get("/spa")
@connects_to("PROVIDER_URL")
def spa():
    """The SPA lab: the code flow with PKCE run by page script, tokens in memory."""
    return render_spa(callback=False)


# The redirect URI registered for the SPA client. The same page, in callback mode: the script
# reads code, state and iss, checks them, and exchanges the code from the browser. The server
# answers the same static page whatever the query holds (no-store, like every page here).
@bp.get("/spa/callback")
@connects_to("PROVIDER_URL")
def spa_callback():
    """The SPA's redirect URI: the page's script finishes the flow."""
    return render_spa(callback=True)
