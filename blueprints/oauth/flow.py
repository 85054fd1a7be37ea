"""The authorization code flow, hop by hop: the protocol only, no page.

begin → (the provider) → check_callback → exchange_code → verify_id_token → call_userinfo →
sign_in. routes.py runs them for /oauth/login and /oauth/callback; dance.py runs the same
hops one at a time in pause mode and shows what each left behind. Every hop writes what it
saw into this attempt's record (attempt.py, in the user's server-side session); the back
channel arrives already redacted by the wire panel's one path (client.py,
wire.exchange_from_requests). What comes after the sign-in (refresh, revoke) is
after_sign_in.py.
"""

import hashlib
from urllib.parse import parse_qsl, urlsplit

from authlib.integrations.base_client import OAuthError
from flask import current_app, session
from joserfc.errors import JoseError
from requests import RequestException

import b64url
from came_from import inside_app

from . import issuers, providers, step_up
from .attempt import DanceError, current, record_step, save
from .client import remote, take_recorded
from .id_token import check_id_token, checks_in_words, peek


# OC-1: PKCE with S256, written once for the app. authlib computes the challenge it sends;
# the dance page recomputes it here (and the browser once more, oauth-dance.js) so a learner
# sees the provider will be checking a hash of a secret that never left the server.
def challenge_of(verifier):
    """RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), no padding."""
    return b64url.encode(hashlib.sha256(verifier.encode("ascii")).digest())


# Step 1. The app builds the authorization URL. authlib makes a fresh `state`, PKCE verifier
# (OC-1) and nonce for this attempt and keeps them in this user's session (OC-2): the
# callback will accept only what this browser session started. A silent sign-in or a step-up
# adds prompt and max_age (step_up.py); max_age is kept with the state, for step 5.
def begin(name, paused, next_url=None, options=None):
    """A new attempt with provider `name`; returns the provider's authorization URL."""
    options = options or step_up.Options()
    client = remote(name)
    provider = providers.all_providers(current_app)[name]
    # OC-5: where to go after signing in is kept only if it is a path on this site, and below
    # the app's mount point when it is served under one (a classroom sandbox's /s/<key>).
    next_url = next_url if inside_app(next_url) else None
    save(
        {
            "provider": name,
            "paused": paused,
            "steps": {},
            "failed": None,
            "extra": [],
            "next": next_url,
            "options": {"prompt": options.prompt, "max_age": options.max_age},
        }
    )
    session.pop("oauth_pending", None)
    issuers.check_discovery(client, provider)
    redirect_uri = providers.redirect_uri(current_app)
    authorization = client.create_authorization_url(redirect_uri, **step_up.authorization_params(provider, options))
    client.save_authorize_data(redirect_uri=redirect_uri, max_age=options.max_age, **authorization)
    url = authorization["url"]
    params = parse_qsl(urlsplit(url).query)
    step = {
        "url": url,
        "endpoint": url.split("?", 1)[0],
        "params": params,
        "code_verifier": authorization.get("code_verifier"),
        "code_challenge": dict(params).get("code_challenge"),
        "wire": take_recorded(),
    }
    record_step("authorize", step)
    return url


# Step 3. The browser is back with `code` and `state`. The state must be one this session
# issued, and is used up now: a missing, foreign or replayed state is a forged callback
# (OC-2, login CSRF: an attacker's code landing in your session). RFC 9207: `iss` must name
# the provider this attempt was started with (issuers.py). Only then is the code looked at.
def check_callback(args):
    """Check the callback's state, issuer, error and code; keep what step 4 needs."""
    dance = current()
    if not dance or "authorize" not in dance["steps"]:
        raise DanceError(
            "callback",
            "No sign-in was started in this browser session, so there is no state to match: "
            "this callback was not asked for here (login CSRF?) and is refused.",
        )
    provider = providers.all_providers(current_app)[dance["provider"]]
    client = remote(provider.name)
    if client is None:
        raise DanceError("callback", f"{provider.label} is no longer configured.")
    state, checks = args.get("state", ""), []
    dance["steps"]["provider"] = {"done": True}
    dance["steps"]["callback"] = {"code": args.get("code"), "state": state, "iss": args.get("iss"), "checks": checks}
    saved = check_state(client, state, checks, dance)
    issuers.check_response_iss(client, provider, args.get("iss"), checks, dance)
    if args.get("error"):
        refused(dance, args)
    code = args.get("code", "")
    if not 0 < len(code) <= 512:
        raise DanceError("callback", "The callback carries no usable code.")
    checks.append(("code", True, "present; it is single-use and expires within minutes"))
    save(dance)
    session["oauth_pending"] = {
        "code": code,
        "redirect_uri": saved["redirect_uri"],
        "code_verifier": saved.get("code_verifier"),
        "nonce": saved.get("nonce"),
        "max_age": saved.get("max_age"),
    }


# The provider said no, with the state this session sent: an honest answer, shown as the
# step's outcome. After prompt=none, login_required or consent_required is the expected
# answer of a provider that would have to show a page (OIDC Core §3.1.2.6), not a failure.
def refused(dance, args):
    error = str(args.get("error"))[:64]
    description = str(args.get("error_description") or "")[:300]
    explanation = step_up.explain(error)
    step = dance["steps"]["callback"]
    step.update(error=error, error_description=description, explanation=explanation)
    step["checks"].append(("error", False, f"the provider answered error={error}"))
    save(dance)
    reason = f"The provider answered {error}{': ' + description if description else ''}."
    raise DanceError("callback", f"{reason} {explanation}" if explanation else reason)


def check_state(client, state, checks, dance):
    """OC-2: the state this session issued (then forgotten: single use), or DanceError."""
    saved = client.framework.get_state_data(session, state) if 0 < len(state) <= 256 else None
    if saved:
        client.framework.clear_state_data(session, state)
    checks.append(("state", bool(saved), "matches the one this session sent, and is now used up"))
    save(dance)
    if not saved:
        raise DanceError("callback", "The state is missing or was not issued to this browser session (login CSRF?).")
    return saved


# Step 4. The back channel: the app (not the browser) sends the code with its client secret
# and the PKCE verifier. Only the party that started the flow knows the verifier, so a stolen
# code is useless (OC-1). The tokens stay in the server-side session (OC-4).
def exchange_code():
    pending, name = session["oauth_pending"], current()["provider"]
    client = remote(name)
    try:
        token = client.fetch_access_token(
            redirect_uri=pending["redirect_uri"], code=pending["code"], code_verifier=pending["code_verifier"]
        )
    except OAuthError as exc:
        record_step("token", {"wire": take_recorded()})
        raise DanceError("token", f"The provider refused the code: {exc.error}: {exc.description or ''}") from exc
    except (RequestException, ValueError) as exc:
        record_step("token", {"wire": take_recorded()})
        raise DanceError("token", "The provider could not be reached or sent no JSON.", status=502) from exc
    session["oauth_tokens"] = dict(token)
    record_step("token", {"wire": take_recorded(), "expires_in": token.get("expires_in"), "scope": token.get("scope")})


# Step 5. The id_token is a JWT signed by the provider. It counts only once check_id_token
# holds (OC-3, id_token.py): a signature by a key from the provider's JWKS, the pinned issuer,
# this client as its audience, an exp in the future, this attempt's nonce, an at_hash that
# matches the access token of step 4, and a fresh enough auth_time when max_age was asked.
# Until then it is only decoded for the page, and nothing in it is believed.
def verify_id_token():
    pending, dance = session["oauth_pending"], current()
    provider = providers.all_providers(current_app)[dance["provider"]]
    token = session.get("oauth_tokens") or {}
    if not provider.openid:
        skipped = f"{provider.label} is OAuth 2.0 only: there is no id_token. Step 6 names you."
        record_step("id_token", {"skipped": skipped})
        return
    if "id_token" not in token:
        raise DanceError("id_token", "The provider sent no id_token although openid was asked for.")
    client = remote(dance["provider"])
    header, payload = peek(token["id_token"])
    max_age = pending.get("max_age")
    checks = checks_in_words(header, client, provider, payload, token.get("access_token"), max_age)
    step = {"raw": token["id_token"], "header": header, "payload": payload, "checks": checks}
    try:
        claims = check_id_token(client, provider, token, pending["nonce"], max_age=max_age)
    except (JoseError, ValueError, RequestException) as exc:
        step["error"] = str(exc)
        record_step("id_token", step)
        raise DanceError("id_token", f"The id_token failed verification: {exc}") from exc
    step.update(verified=True, jwks_uri=client.load_server_metadata().get("jwks_uri"))
    record_step("id_token", step)
    pending["claims"] = dict(claims)
    session["oauth_pending"] = pending


# Step 6. The API call: the access token as a bearer credential (RFC 6750) to the provider's
# user API. With OpenID Connect, its `sub` must match the id_token's (OIDC Core §5.3.2).
def call_userinfo():
    pending, dance = session["oauth_pending"], current()
    client = remote(dance["provider"])
    try:
        info = dict(client.userinfo(token=bearer(session["oauth_tokens"])))
    except (RequestException, OAuthError, ValueError) as exc:
        record_step("userinfo", {"wire": take_recorded()})
        raise DanceError("userinfo", f"The user API refused the token or failed: {exc}") from exc
    record_step("userinfo", {"wire": take_recorded(), "claims": info})
    claims = pending.get("claims")
    if claims and str(info.get("sub")) != str(claims.get("sub")):
        raise DanceError("userinfo", "The user API names another user than the id_token.")
    sign_in(dance["provider"], info)


def bearer(tokens):
    """Only the access token: authlib would otherwise refresh an expired one on its own, and
    the rotated refresh token would never reach the session (its next use would be a replay)."""
    return {"access_token": tokens["access_token"], "token_type": tokens.get("token_type", "Bearer")}


def sign_in(provider, info):
    """The OAuth identity goes into the session, under a fresh session id (fixation defence)."""
    name = info.get("preferred_username") or info.get("login") or info.get("email") or info.get("name")
    subject = info.get("sub") or info.get("id")
    interface = current_app.session_interface
    if hasattr(interface, "regenerate"):
        interface.regenerate(session)
    session["oauth_identity"] = {"name": str(name or subject), "sub": str(subject), "provider": provider}
    session.pop("oauth_pending", None)
