"""The dance, step by step: each hop of the authorization code flow, done for real and recorded.

The callback (routes.py) runs the hops below in order. In "pause" mode it stops after each
one and the learner presses Continue. Every hop leaves a record in the user's server-side
session: the page at /oauth/dance shows them, with the back channel as it was sent, through
the wire panel's redaction (wire.py: the client secret masked, bearer, access and refresh
tokens shortened).
"""

import base64
import hashlib
import json
from urllib.parse import parse_qsl, urlsplit

from authlib.integrations.base_client import OAuthError
from flask import current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from requests import RequestException

from security import is_safe_redirect

from . import bp, providers
from .client import back_channel_session, remote, take_recorded

# The six steps of the page, in order, with the hops of the sequence diagram they fill in.
STEPS = (
    ("authorize", "The authorization request"),
    ("provider", "At the provider: sign-in and consent"),
    ("callback", "The callback: code and state"),
    ("token", "The back channel: the code for tokens"),
    ("id_token", "The id_token, decoded and verified"),
    ("userinfo", "The API call with the bearer token"),
)

REFRESH_HINT = "refresh_token"  # noqa: S105  (a token_type_hint, RFC 7009 §2.1, not a secret)

# id_token clock tolerance: the provider's clock and ours may differ a little (Google's).
ID_TOKEN_LEEWAY = 30

# What a field of the authorization request is for, shown beside its value.
PARAMETER_NOTES = {
    "response_type": "code: the authorization code flow, the only one this app uses (no implicit tokens in URLs).",
    "client_id": "Which registered application is asking. Public: it is in every URL.",
    "redirect_uri": "Where the provider sends the browser back. Must equal a registered URI exactly.",
    "scope": "What the app asks for: the least that identifies you (openid profile email).",
    "state": "A random value bound to your session here. The callback must bring it back (login CSRF defence).",
    "code_challenge": "BASE64URL(SHA-256(code_verifier)). The verifier itself stays on the server until step 4.",
    "code_challenge_method": "S256: the provider stores the hash and later checks the verifier against it.",
    "nonce": "A random value the provider must copy into the id_token: ties the token to this attempt.",
}


class DanceError(Exception):
    """A hop failed a check; nobody is signed in. Rendered as a 400 page (502: unreachable)."""

    def __init__(self, step, reason, status=400):
        super().__init__(reason)
        self.step = step
        self.reason = reason
        self.status = status


def current():
    return session.get("oauth_dance")


def save(dance):
    session["oauth_dance"] = dance  # reassigned, so the session store sees the change


def challenge_of(verifier):
    """RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), no padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def shorten(value):
    """Enough of a token to recognise it, never enough to use it (OC-4)."""
    value = str(value)
    return f"{value[:6]}… ({len(value)} characters, kept on the server)" if len(value) > 10 else value


def recorded():
    """This request's back-channel exchanges, already redacted by wire.exchange_from_requests."""
    return take_recorded()


# Step 1. The app builds the authorization URL. authlib makes a fresh `state`, PKCE verifier
# (OC-1) and nonce for this attempt and keeps them in this user's session (OC-2): the
# callback will accept only what this browser session started.
def begin(name, paused, next_url=None):
    client = remote(name)
    redirect_uri = providers.redirect_uri(current_app)
    authorization = client.create_authorization_url(redirect_uri)
    client.save_authorize_data(redirect_uri=redirect_uri, **authorization)
    params = parse_qsl(urlsplit(authorization["url"]).query)
    session.pop("oauth_pending", None)
    step = {
        "url": authorization["url"],
        "endpoint": authorization["url"].split("?", 1)[0],
        "params": [(key, value, PARAMETER_NOTES.get(key, "")) for key, value in params],
        "code_verifier": authorization.get("code_verifier"),
        "code_challenge": dict(params).get("code_challenge"),
        "wire": take_recorded(),
    }
    # OC-5: where to go after signing in is kept only if it is a path on this site.
    next_url = next_url if is_safe_redirect(next_url) else None
    save(
        {
            "provider": name,
            "paused": paused,
            "steps": {"authorize": step},
            "failed": None,
            "extra": [],
            "next": next_url,
        }
    )
    return authorization["url"]


# Step 3. The browser is back with `code` and `state`. The state must be one this session
# issued, and is used up now: a missing, foreign or replayed state is a forged callback
# (login CSRF: an attacker's code landing in your session). RFC 9207: `iss` must name the
# provider this attempt was started with.
def check_callback(args):
    dance = current()
    if not dance or "authorize" not in dance["steps"]:
        raise DanceError(
            "callback",
            "No sign-in was started in this browser session, so there is no state to match: "
            "this callback was not asked for here (login CSRF?) and is refused.",
        )
    name = dance["provider"]
    provider = providers.all_providers(current_app)[name]
    client = remote(name)
    if client is None:
        raise DanceError("callback", f"{provider.label} is no longer configured.")
    state = args.get("state", "")
    saved = client.framework.get_state_data(session, state) if 0 < len(state) <= 256 else None
    if saved:
        client.framework.clear_state_data(session, state)
    checks = [("state", bool(saved), "matches the one this session sent, and is now used up")]
    step = {"code": args.get("code"), "state": state, "iss": args.get("iss"), "checks": checks}
    dance["steps"]["provider"] = {"done": True}
    dance["steps"]["callback"] = step
    save(dance)
    if not saved:
        raise DanceError("callback", "The state is missing or was not issued to this browser session (login CSRF?).")
    metadata = client.load_server_metadata()
    if provider.openid and metadata.get("issuer") != provider.issuer:
        raise DanceError("callback", f"The discovery document names {metadata.get('issuer')}, not {provider.issuer}.")
    if metadata.get("authorization_response_iss_parameter_supported") or args.get("iss"):
        checks.append(("iss", args.get("iss") == provider.issuer, f"names {provider.issuer} (RFC 9207)"))
        save(dance)
        if args.get("iss") != provider.issuer:
            raise DanceError("callback", f"The response's iss is {args.get('iss')!r}, not {provider.issuer!r}.")
    if args.get("error"):
        raise DanceError("callback", f"The provider answered {args['error']}: {args.get('error_description', '')}")
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
    }


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
        store("token", {"wire": recorded()})
        raise DanceError("token", f"The provider refused the code: {exc.error}: {exc.description or ''}") from exc
    except (RequestException, ValueError) as exc:
        store("token", {"wire": recorded()})
        raise DanceError("token", "The provider could not be reached or sent no JSON.", status=502) from exc
    session["oauth_tokens"] = dict(token)
    store("token", {"wire": recorded(), "expires_in": token.get("expires_in"), "scope": token.get("scope")})


# Step 5. The id_token is a JWT signed by the provider. It counts only after its signature
# verifies against a key from the provider's JWKS (by `kid`), and its claims hold: iss is the
# pinned issuer, aud is this client, exp is in the future, nonce is this attempt's (OC-3).
def verify_id_token():
    pending, dance = session["oauth_pending"], current()
    provider = providers.all_providers(current_app)[dance["provider"]]
    token = session.get("oauth_tokens") or {}
    if not provider.openid:
        store("id_token", {"skipped": f"{provider.label} is OAuth 2.0 only: there is no id_token. Step 6 names you."})
        return
    if "id_token" not in token:
        raise DanceError("id_token", "The provider sent no id_token although openid was asked for.")
    client = remote(dance["provider"])
    header, payload = peek(token["id_token"])
    checks = [
        ("signature", f"{header.get('alg')} with key {header.get('kid')} from {provider.label}'s JWKS"),
        ("iss", f"equals {provider.issuer} (pinned)"),
        ("aud", f"is this client, {client.client_id}"),
        ("exp", "is in the future"),
        ("nonce", "equals the nonce sent in step 1"),
    ]
    try:
        claims = check_id_token(client, provider, token, pending["nonce"])
    except (JoseError, ValueError, RequestException) as exc:
        store("id_token", {"raw": token["id_token"], "header": header, "payload": payload, "checks": checks})
        raise DanceError("id_token", f"The id_token failed verification: {exc}") from exc
    step = {"raw": token["id_token"], "header": header, "payload": payload, "checks": checks, "verified": True}
    step["jwks_uri"] = client.load_server_metadata().get("jwks_uri")
    store("id_token", step)
    pending["claims"] = dict(claims)
    session["oauth_pending"] = pending


def check_id_token(client, provider, token, nonce):
    """The id_token's claims, once its signature (by `kid`, from the JWKS) and claims hold."""
    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": client.client_id},
        "exp": {"essential": True},
    }
    return client.parse_id_token(token, nonce=nonce, claims_options=options, leeway=ID_TOKEN_LEEWAY)


def peek(jwt_text):
    """The header and payload of a JWT, decoded for display only (never trusted from here)."""
    try:
        parts = jwt_text.split(".")
        return tuple(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in parts[:2])
    except (ValueError, AttributeError):
        return {}, {}


# Step 6. The API call: the access token as a bearer credential (RFC 6750) to the provider's
# user API. With OpenID Connect, its `sub` must match the id_token's (OIDC Core §5.3.2).
def call_userinfo():
    pending, dance = session["oauth_pending"], current()
    client = remote(dance["provider"])
    try:
        info = dict(client.userinfo(token=bearer(session["oauth_tokens"])))
    except (RequestException, OAuthError, ValueError) as exc:
        store("userinfo", {"wire": recorded()})
        raise DanceError("userinfo", f"The user API refused the token or failed: {exc}") from exc
    store("userinfo", {"wire": recorded(), "claims": info})
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


def store(step, data):
    dance = current()
    dance["steps"][step] = data
    save(dance)


def fail(error):
    """Record why a hop failed; nothing it produced is kept, nobody is signed in by it."""
    dance = current()
    if dance:
        dance["failed"] = {"step": error.step, "reason": error.reason}
        save(dance)
    session.pop("oauth_pending", None)
    session.pop("oauth_tokens", None)
    return render_template("oauth/failed.html", error=error, dance=dance), error.status


# The hops after the callback, in order. `advance()` runs the next one (pause mode) or all.
HOPS = (("token", exchange_code), ("id_token", verify_id_token), ("userinfo", call_userinfo))


def advance(all_remaining):
    for step, hop in HOPS:
        if step not in current()["steps"]:
            hop()
            if not all_remaining:
                return


def next_step(dance):
    """The name of the step the learner is at (the first not done), or None when finished."""
    for name, _title in STEPS:
        if name not in dance["steps"]:
            return name
    return None


@bp.get("/dance")
def dance_page():
    """The step-by-step page: every hop done so far, and what comes next."""
    dance = current()
    return render_template(
        "oauth/dance.html",
        dance=dance,
        steps=STEPS,
        next_step=next_step(dance) if dance else None,
        provider=providers.all_providers(current_app).get(dance["provider"]) if dance else None,
        identity=session.get("oauth_identity"),
        tokens=session.get("oauth_tokens"),
        shorten=shorten,
        challenge_of=challenge_of,
    )


@bp.post("/dance/next")
def dance_next():
    """Pause mode: run the next back-channel hop, then show the page again."""
    dance = current()
    if not dance or "oauth_pending" not in session or dance.get("failed"):
        return redirect(url_for("oauth.dance_page"))
    try:
        advance(all_remaining=False)
    except DanceError as error:
        return fail(error)
    return redirect(url_for("oauth.dance_page", _anchor=f"step-{next_step(current()) or 'done'}"))


# After the dance: refresh (a new access token, and a new refresh token: rotation), revoke
# (the provider forgets the grant), and the API call again to see each one's effect.
def after_dance_call(title, call):
    dance, tokens = current(), session.get("oauth_tokens")
    if not dance or not tokens:
        return redirect(url_for("oauth.dance_page"))
    client = remote(dance["provider"])
    try:
        outcome = call(client, tokens)
    except (OAuthError, RequestException, ValueError) as exc:
        outcome = f"Refused: {exc}"
    dance = current()
    dance["extra"].append({"title": title, "outcome": outcome, "wire": recorded()})
    save(dance)
    return redirect(url_for("oauth.dance_page", _anchor="after"))


def refresh(client, tokens):
    with back_channel_session(client) as http:
        new = http.refresh_token(client.load_server_metadata()["token_endpoint"], refresh_token=tokens["refresh_token"])
    session["oauth_tokens"] = {**tokens, **dict(new)}
    return "A new access token and a new refresh token; the old refresh token is retired."


def revoke(client, tokens):
    response = revoke_grant(client, tokens)
    if response is None:
        return "This provider has no revocation endpoint (RFC 7009); revoke the app in its settings."
    return f"The provider answered {response.status_code}: the grant and its tokens are revoked."


def revoke_grant(client, tokens):
    """RFC 7009: revoking the refresh token revokes the grant and every token issued under it."""
    endpoint = client.load_server_metadata().get("revocation_endpoint")
    if not endpoint or not tokens.get("refresh_token"):
        return None
    with back_channel_session(client) as http:
        return http.revoke_token(endpoint, token=tokens["refresh_token"], token_type_hint=REFRESH_HINT)


def call_api(client, tokens):
    response = client.get(client.load_server_metadata()["userinfo_endpoint"], token=bearer(tokens))
    return f"The user API answered {response.status_code}."


@bp.post("/refresh")
def refresh_tokens():
    """Use the refresh token: rotation gives a new pair."""
    return after_dance_call("Refresh the tokens", refresh)


@bp.post("/revoke")
def revoke_tokens():
    """Revoke the refresh token, and with it the grant (RFC 7009)."""
    return after_dance_call("Revoke the grant", revoke)


@bp.post("/api")
def call_api_again():
    """Call the user API again with the current access token."""
    return after_dance_call("Call the user API again", call_api)


def start_redirect(name, paused, next_url=None):
    """Where /oauth/login sends the browser: the provider, or (pause mode) the dance page."""
    url = begin(name, paused, next_url)
    if paused:
        return redirect(url_for("oauth.dance_page", _anchor="step-authorize"))
    return redirect(url)


def finish_callback():
    """The callback's work: check, then every hop (or only the check, in pause mode)."""
    try:
        check_callback(request.args)
        if not current()["paused"]:
            advance(all_remaining=True)
    except DanceError as error:
        return fail(error)
    if current()["paused"]:
        return redirect(url_for("oauth.dance_page", _anchor="step-token"))
    return redirect(current().get("next") or url_for("oauth.dance_page", _anchor="step-userinfo"))
