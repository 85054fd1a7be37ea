"""The dance page: each hop of the authorization code flow, done for real and shown.

flow.py does the hops; this module is the page that shows what each one left in the attempt's
record (attempt.py), and its pause mode: the callback stops after checking the state, and
each Continue runs one more back-channel hop. The back channel is shown as it was sent,
through the wire panel's redaction (wire/redact.py: the client secret masked, bearer, access and
refresh tokens shortened). Under the diagram, every hop raw, the provider's side included
(raw_hops.py). After the dance: refresh, revoke and call the API again (after_sign_in.py).
"""

from authlib.integrations.base_client import OAuthError
from flask import current_app, redirect, render_template, request, session, url_for
from requests import RequestException

from errors import error_response

from . import after_sign_in, bp, flow, providers, raw_hops
from .attempt import DanceError, abandon, current, save
from .client import remote, take_recorded

# The six steps of the page, in order, with the hops of the sequence diagram they fill in.
STEPS = (
    ("authorize", "The authorization request"),
    ("provider", "At the provider: sign-in and consent"),
    ("callback", "The callback: code and state"),
    ("token", "The back channel: the code for tokens"),
    ("id_token", "The id_token, decoded and verified"),
    ("userinfo", "The API call with the bearer token"),
)

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

# What a parameter of the sign-out request is for (RP-Initiated Logout 1.0 §2).
LOGOUT_NOTES = {
    "id_token_hint": "The id_token this app received: names whose session to end, and for which client.",  # nosec B105
    "post_logout_redirect_uri": "Where the provider sends the browser back. Must equal a registered URI exactly.",
    "state": "A random value bound to your session here; /oauth/logged-out accepts only this one, once.",
    "client_id": "Which registered application asks: lets the provider check the URI above even if the hint expired.",
}

# The hops after the callback, in order. `advance()` runs the next one (pause mode) or all.
HOPS = (("token", flow.exchange_code), ("id_token", flow.verify_id_token), ("userinfo", flow.call_userinfo))


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


def fail(error):
    """The page for a hop that failed: why, and the steps so far. Nobody is signed in."""
    dance = abandon(error)
    return render_template("oauth/failed.html", error=error, dance=dance), error.status


# The dance's two browser hops at the app: top-level navigations, which cannot ask for a
# capture, so each is recorded as it leaves, for the page's raw hops (raw_hops.py).
BROWSER_HOPS = {"oauth.login": "login", "oauth.callback": "callback"}


@bp.after_request
def record_browser_hop(response):
    if request.endpoint in BROWSER_HOPS:
        raw_hops.record(BROWSER_HOPS[request.endpoint])
    return response


@bp.get("/dance")
def dance_page():
    """The step-by-step page: every hop done so far, what comes next, and each hop raw."""
    dance = current()
    raw_note = raw_hops.provider_side(dance) if dance else None
    return render_template(
        "oauth/dance.html",
        dance=dance,
        steps=STEPS,
        notes=PARAMETER_NOTES,
        next_step=next_step(dance) if dance else None,
        provider=providers.all_providers(current_app).get(dance["provider"]) if dance else None,
        identity=session.get("oauth_identity"),
        tokens=session.get("oauth_tokens"),
        metadata=advertised(dance),
        logout_notes=LOGOUT_NOTES,
        challenge_of=flow.challenge_of,
        raw_hops=raw_hops.sequence(dance) if dance else [],
        raw_note=raw_note,
    )


def advertised(dance):
    """The provider's metadata, for what it offers after the dance (None: not known now)."""
    client = remote(dance["provider"]) if dance and session.get("oauth_tokens") else None
    if client is None:
        return None
    try:
        return client.load_server_metadata()
    except (RequestException, ValueError):
        return None  # the page still renders with the provider down


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


# After the dance: refresh (a new access token, and perhaps a new refresh token), revoke (the
# provider forgets the token and, usually, the grant), and the API call again to see each
# one's effect. Each outcome says what the provider did, read from its answer.
def after_dance_call(title, call):
    dance, tokens = current(), session.get("oauth_tokens")
    if not dance or not tokens:
        return redirect(url_for("oauth.dance_page"))
    client = remote(dance["provider"])
    try:
        outcome = call(client, tokens)
    except after_sign_in.NoRefreshToken:
        return no_refresh_token(dance)
    except (OAuthError, RequestException, ValueError) as exc:
        outcome = f"Refused: {exc}"
    dance = current()
    dance["extra"].append({"title": title, "outcome": outcome, "wire": take_recorded()})
    save(dance)
    return redirect(url_for("oauth.dance_page", _anchor="after"))


def no_refresh_token(dance):
    """409: this sign-in brought no refresh token, and the provider's own reason why."""
    provider = providers.all_providers(current_app).get(dance["provider"])
    why = provider.refresh_note if provider else ""
    return error_response(409, "No refresh token", f"The provider issued no refresh token in this sign-in. {why}")


ROTATION = {
    "rotated": "A new access token and a new refresh token (rotated): the old refresh token is retired.",
    "same": "A new access token; the provider sent the same refresh token back (not rotated): it stays in use.",
    "kept": "A new access token; the provider sent no new refresh token (not rotated): the old one stays in use.",
}


def refreshed(client, tokens):
    result = after_sign_in.refresh(client, tokens)
    words = ROTATION[result["refresh_token"]]
    if result["id_token"]:
        words += " A new id_token came too, verified, naming the same user (OIDC Core §12.2)."
    return words


def revoked(client, tokens):
    result = after_sign_in.revoke_grant(client, tokens)
    if result is None:
        return "This provider advertises no revocation_endpoint (RFC 7009): revoke the app in its own settings."
    kind, response = result
    what = "the access token"
    if kind == "refresh_token":
        what = "the refresh token, and with it the grant at most providers"
    return f"The provider answered {response.status_code} at its revocation_endpoint: {what} revoked."


def called(client, tokens):
    return f"The user API answered {after_sign_in.call_api(client, tokens).status_code}."


@bp.post("/refresh")
def refresh_tokens():
    """Use the refresh token (RFC 6749 §6); 409 when the provider issued none."""
    return after_dance_call("Refresh the tokens", refreshed)


@bp.post("/revoke")
def revoke_tokens():
    """Revoke the refresh token (or the access token) at the advertised endpoint (RFC 7009)."""
    return after_dance_call("Revoke the grant", revoked)


@bp.post("/api")
def call_api_again():
    """Call the user API again with the current access token."""
    return after_dance_call("Call the user API again", called)
