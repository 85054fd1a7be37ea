"""DELIBERATELY VULNERABLE demos: the OAuth attack bench's scripted browser. Development only.

The victim and the attacker of vulnerable/oauth_attacks.py are browsers (requests sessions
with their own cookie jars) that go where a person would: a client's sign-in link, the
provider's sign-in page and consent, the callback. A few helpers redeem codes as a client does.

LAB-3: it reaches the real side only as a browser or a client would, over HTTP and through the
front doors (the real sign-in page and its throttle, the real token endpoint).
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from flask import current_app

from blueprints.oauth import providers

from . import oauth_wire

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
PASSWORDS = {"alice": "wonderland", "bob": "thebuilder"}


class Browser:
    """A scripted browser: its own cookie jar, redirects shown rather than followed."""

    def __init__(self):
        self.http = requests.Session()
        self.http.hooks["response"].append(oauth_wire.recorder(oauth_wire.BROWSER))  # the bench's wire panel

    def get(self, url):
        return self.http.get(url, allow_redirects=False, timeout=10)

    def sign_in_and_approve(self, authorize_url, username):
        """At the provider: sign in, then press Allow. Returns the provider's answer."""
        response = self.get(authorize_url)
        if response.status_code == 302 and "/login" in response.headers["Location"]:
            login = urljoin(authorize_url, response.headers["Location"])
            data = {"csrf_token": csrf(self.get(login).text), "username": username, "password": PASSWORDS[username]}
            response = self.http.post(login, data=data, allow_redirects=False, timeout=10)
            response = self.get(urljoin(authorize_url, response.headers["Location"]))
        if response.status_code != 200:
            return response
        data = {"csrf_token": csrf(response.text), "approve": "Allow"}
        return self.http.post(response.url, data=data, allow_redirects=False, timeout=10)

    def signed_in_as(self):
        """Whom the real app's OAuth sign-in names in this browser (its /oauth/protected), or None."""
        return self.whoami("/oauth/protected")

    def naive_client_believes(self):
        """Whom the naive client believes this browser to be (its own sign-in), or None."""
        return self.whoami("/vulnerable/oauth/protected")

    def whoami(self, path):
        response = self.get(app_url(path))
        return response.json().get("user") if response.status_code == 200 else None


def csrf(html):
    match = CSRF_FIELD.search(html)
    return match.group(1) if match else ""


def app_url(path):
    return current_app.config["APP_URL"] + path


def provider_url(path):
    return current_app.config["PROVIDER_URL"] + path


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def location(response):
    return response.headers.get("Location", "")


def stolen_naive_callback(username="alice", victim=None, **login_params):
    """The naive client's flow, stopped at the callback URL (which carries the code)."""
    victim = victim or Browser()
    start = victim.get(app_url("/vulnerable/oauth/login?" + urlencode(login_params)))
    return location(victim.sign_in_and_approve(location(start), username))


def stolen_real_callback(username="alice", victim=None, **login_params):
    """The real client's flow, stopped at the callback URL (code, state, iss)."""
    victim = victim or Browser()
    start = victim.get(app_url("/oauth/login?" + urlencode(login_params)))
    return location(victim.sign_in_and_approve(location(start), username))


# ### As a client would: PKCE, a code from the real provider, a code redeemed

CLIENT_HOOKS = {"response": oauth_wire.recorder(oauth_wire.CLIENT)}  # the bench's wire panel


def s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def redeem(endpoint, code, redirect_uri, verifier=None):
    client_id, secret = providers.builtin_client(current_app)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier:
        data["code_verifier"] = verifier
    return requests.post(endpoint, data=data, auth=(client_id, secret), timeout=10, hooks=CLIENT_HOOKS)


def real_code(username="alice", **overrides):
    """A code from the real provider for the app's client, and the verifier it needs."""
    client_id, _ = providers.builtin_client(current_app)
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": providers.redirect_uri(current_app),
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    answer = Browser().sign_in_and_approve(provider_url("/authorize?") + urlencode(params), username)
    return query(location(answer)), verifier


def genuine_id_token():
    """A real id_token for this app, from a sign-in of alice's that was not this attempt.

    Obtained as the app would obtain it (code, PKCE, client secret at the real /token); the
    grant is revoked at once, so the bench leaves no live token of alice's behind.
    """
    answer, verifier = real_code(scope="openid profile")
    client_id, secret = providers.builtin_client(current_app)
    tokens = redeem(provider_url("/token"), answer.get("code", ""), providers.redirect_uri(current_app), verifier)
    tokens = tokens.json() if tokens.ok else {}
    if tokens.get("refresh_token"):
        requests.post(
            provider_url("/revoke"),
            data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
            auth=(client_id, secret),
            timeout=10,
            hooks=CLIENT_HOOKS,
        )
    return tokens.get("id_token")
