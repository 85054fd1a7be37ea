"""The OAuth challenges' last steps: the same attack, sent to the real client or the real provider.

The real client is this app, so its attempts go in-process (real.send, or the test client when
the answer lives in the session). The real provider is another party, in another process: its
attempts are HTTP requests to PROVIDER_URL, as a browser or a client would send them (the
sign-in page and its throttle, the token endpoint), made by the OAuth bench's scripted browser.
Nothing here reads the provider's tables or holds its keys.
"""

import html
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import requests
from flask import current_app

from blueprints.oauth.flow import challenge_of
from blueprints.oauth.providers import builtin_client
from blueprints.oauth.spa import spa_settings
from vulnerable.oauth_browser import Browser, location, query

from . import real

FAILURE = re.compile(r"data-oauth-failure>(.*?)</p>", re.S)
PROVIDER_ERROR = re.compile(r'<h1>(.*?)</h1>\s*<p class="lead">(.*?)</p>', re.S)


@dataclass(frozen=True)
class Dropped(real.Attempt):
    """An attempt the real code answered without an error status, and without doing what was asked."""

    @property
    def refused(self):
        return True


def unreachable(request_text, exc):
    """The provider did not answer: the page says so, and that nothing was tried."""
    return real.Attempt(request_text, 503, f"The real provider could not be reached ({type(exc).__name__}): start it.")


# --- oauth-open-redirect: the real /oauth/login with the same `next` -----------------------------


def real_login_with_next(target):
    """The real sign-in, started with the same `next`: what it keeps for after the callback."""
    client = current_app.test_client()
    path = f"/oauth/login?next={quote(target, safe='')}"
    response = client.get(path, base_url=current_app.config["APP_URL"])
    with client.session_transaction() as session:
        kept = (session.get("oauth_dance") or {}).get("next")
    request_text = real.request_line("GET", path)
    if response.status_code >= 400:
        return real.Attempt(request_text, response.status_code, response.get_data(as_text=True)[:600])
    answer = (
        f"Location: {response.headers.get('Location', '')[:160]}…\n\n"
        f"Kept for after the sign-in: next = {kept!r}. "
        + (
            "The address you sent is not a path on this site, so it was dropped: after the callback the browser "
            "goes to the dance page (/oauth/dance), never to your site."
            if kept is None
            else "A path on this site: the callback may go there."
        )
    )
    attempt = Dropped if kept is None else real.Attempt
    return attempt(request_text, response.status_code, answer)


# --- oauth-login-csrf: bob's code at the real callback -----------------------------------------


def real_callback_with(code):
    """bob's code, opened at the real callback by a browser that started no sign-in."""
    path = f"/oauth/callback?code={quote(code, safe='')}"
    response = current_app.test_client().get(path, base_url=current_app.config["APP_URL"])
    page = response.get_data(as_text=True)
    reason = FAILURE.search(page)
    answer = html.unescape(reason.group(1)).strip() if reason else page[:600]
    return real.Attempt(real.request_line("GET", path), response.status_code, answer)


# --- provider-lax-redirect-uri: the same authorization request at the real provider -------------


def real_authorize_with(redirect_uri):
    """The same authorization request, with the redirect_uri that stole her code, at the real /authorize."""
    client_id, _ = builtin_client(current_app)
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid profile",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge_of(secrets.token_urlsafe(48)),
        "code_challenge_method": "S256",
    }
    url = f"{current_app.config['PROVIDER_URL']}/authorize?{urlencode(params)}"
    request_text = real.request_line("GET", f"/authorize?{urlencode(params)}", "PROVIDER_URL")
    request_text += f"\nHost: {urlsplit(url).netloc}"
    try:
        response = requests.get(url, allow_redirects=False, timeout=5)
    except requests.RequestException as exc:
        return unreachable(request_text, exc)
    return real.Attempt(request_text, response.status_code, provider_answer(response))


def provider_answer(response):
    """What the real provider said, in words: its error page's heading and reason, or where it redirected."""
    if response.is_redirect:
        return f"Location: {response.headers.get('Location', '')}"
    found = PROVIDER_ERROR.search(response.text)
    if found:
        heading, reason = (html.unescape(part).strip() for part in found.groups())
        return f"{heading}: {reason}\nNo redirect: the browser stays at the provider, and no code was issued."
    return response.text[:600]


# --- provider-no-pkce: a public client's code, redeemed without its verifier --------------------


def alice_authorizes(params):
    """alice, in a browser of her own, signs in at the real provider and allows: the redirect's parameters."""
    url = f"{current_app.config['PROVIDER_URL']}/authorize?{urlencode(params)}"
    browser = Browser()
    try:
        return query(location(browser.sign_in_and_approve(url, "alice")))
    finally:
        browser.http.close()  # its connections to the provider, closed at once


def real_public_client_without_verifier(evidence):
    """The real provider's public client: no challenge is refused at /authorize; no verifier at /token."""
    spa = spa_settings()
    if not spa["client_id"]:
        return real.Attempt(
            "(nothing sent)", 503, "This app does not know the real provider's public client (set SPA_CLIENT_ID)."
        )
    provider = current_app.config["PROVIDER_URL"]
    params = {
        "response_type": "code",
        "client_id": spa["client_id"],
        "redirect_uri": spa["redirect_uri"],
        "scope": "openid profile",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
    }
    form = {"grant_type": "authorization_code", "client_id": spa["client_id"], "redirect_uri": spa["redirect_uri"]}
    request_text = real.request_line("POST", "/token", "PROVIDER_URL") + "\nHost: " + urlsplit(provider).netloc
    try:
        # First as the notes app asked, without code_challenge: the real provider issues no code.
        unprotected = alice_authorizes(params)
        # Then as a real public client must ask, with an S256 challenge; the code is caught, the verifier is not.
        verifier = secrets.token_urlsafe(48)
        caught = alice_authorizes({**params, "code_challenge": challenge_of(verifier), "code_challenge_method": "S256"})
        form["code"] = caught.get("code", "")
        response = requests.post(f"{provider}/token", data=form, timeout=5)
    except requests.RequestException as exc:
        return unreachable(request_text, exc)
    # The code shortened, as the wire panel shows codes; the rest exactly as sent.
    shown = urlencode({name: value for name, value in form.items() if name != "code"}) + f"&code={form['code'][:8]}…"
    request_text += f"\nContent-Type: application/x-www-form-urlencoded\n\n{shown}  (no code_verifier)"
    answer = (
        f"{response.text.strip()[:600]}\n\n"
        f"Before that, the same request without code_challenge, as the notes app sent it: "
        f"error={unprotected.get('error')}: {unprotected.get('error_description', '')}"
    )
    return real.Attempt(request_text, response.status_code, answer)
