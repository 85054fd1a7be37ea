"""Helpers for the OAuth tests: drive the provider in-process, or the whole dance over HTTP."""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from tests.conftest import PASSWORDS

CLIENT_ID = "authlab-app"
CLIENT_SECRET = "test-client-secret-0123456789abcdef0123456789"
REDIRECT_URI = "http://localhost:8000/oauth/callback"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def csrf_token(html):
    return CSRF_FIELD.search(html).group(1)


def challenge_of(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def query(location):
    """The query parameters of a redirect's Location, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class ProviderFlow:
    """A browser (the provider's test client) and a client app, talking to one provider app."""

    def __init__(self, client, client_id=CLIENT_ID, secret=CLIENT_SECRET, redirect_uri=REDIRECT_URI):
        self.client = client
        self.client_id, self.secret, self.redirect_uri = client_id, secret, redirect_uri

    def login(self, username="alice", password=PASSWORDS["alice"]):
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        return self.client.post("/login", data={"csrf_token": token, "username": username, "password": password})

    def params(self, **overrides):
        self.verifier = secrets.token_urlsafe(48)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid profile email",
            "state": secrets.token_urlsafe(16),
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge_of(self.verifier),
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def consent(self, params, decision="approve"):
        """Show the consent page for these parameters, then press a button on it."""
        page = self.client.get("/authorize", query_string=params)
        assert page.status_code == 200, page.get_data(as_text=True)[:500]
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post("/authorize", query_string=params, data={"csrf_token": token, decision: decision})

    def code(self, **overrides):
        """A fresh code (signing in first if needed) and the parameters it was asked with."""
        params = self.params(**overrides)
        response = self.consent(params)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return query(response.headers["Location"])["code"], params

    def token(self, code, verifier=None, auth=True, **overrides):
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier or self.verifier,
        }
        data.update(overrides)
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post("/token", data=data, auth=(self.client_id, self.secret) if auth else None)

    def tokens(self, **overrides):
        """A full exchange: code, then tokens (asserting success)."""
        code, params = self.code(**overrides)
        response = self.token(code)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def refresh(self, refresh_token):
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.client.post("/token", data=data, auth=(self.client_id, self.secret))

    def userinfo(self, access_token):
        return self.client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"})


class LiveDance:
    """The whole dance over real HTTP, as a browser with no JavaScript would do it."""

    def __init__(self, live):
        self.live = live
        self.http = requests.Session()

    def start(self, **params):
        """GET /oauth/login; returns the 302 towards the provider."""
        return self.http.get(f"{self.live.app_url}/oauth/login", params=params, allow_redirects=False)

    def at_provider(self, authorize_url, username="alice", password=PASSWORDS["alice"], decision="approve"):
        """Sign in and decide at the provider; returns the provider's redirect back to the app."""
        response = self.http.get(authorize_url, allow_redirects=False)
        if response.status_code == 302 and "/login" in response.headers["Location"]:
            login_url = urljoin(authorize_url, response.headers["Location"])
            token = csrf_token(self.http.get(login_url).text)
            data = {"csrf_token": token, "username": username, "password": password}
            response = self.http.post(login_url, data=data, allow_redirects=False)
            assert response.status_code == 302, response.text[:300]
            response = self.http.get(urljoin(authorize_url, response.headers["Location"]), allow_redirects=False)
        assert response.status_code == 200, response.text[:500]
        token = csrf_token(response.text)
        response = self.http.post(response.url, data={"csrf_token": token, decision: decision}, allow_redirects=False)
        assert response.status_code == 302, response.text[:500]
        return response

    def callback_url(self, username="alice", **start_params):
        """Everything up to (not including) the callback: its URL, with code, state and iss."""
        start = self.start(**start_params)
        password = PASSWORDS[username]
        return self.at_provider(start.headers["Location"], username, password).headers["Location"]

    def sign_in(self, username="alice", **start_params):
        """The whole dance; returns the callback's response (not followed)."""
        return self.http.get(self.callback_url(username, **start_params), allow_redirects=False)

    def page(self, path):
        return self.http.get(f"{self.live.app_url}{path}")

    def post(self, path, **data):
        page = self.page("/oauth/dance")
        data.setdefault("csrf_token", csrf_token(page.text))
        return self.http.post(
            f"{self.live.app_url}{path}", data=data, allow_redirects=False, headers={"Origin": self.live.app_url}
        )


def register_client(provider_client, name="Another app", uris="https://other.example/cb"):
    """Register a client through the console (signed in); returns its id and the one-time secret."""
    ProviderFlow(provider_client).login()
    token = csrf_token(provider_client.get("/console/clients/new").get_data(as_text=True))
    data = {"csrf_token": token, "client_name": name, "redirect_uris": uris, "scope_openid": "y"}
    page = provider_client.post("/console/clients/new", data=data).get_data(as_text=True)
    return {
        "client_id": re.search(r"data-client-id>([^<]+)<", page).group(1),
        "secret": re.search(r"data-client-secret>([^<]+)<", page).group(1),
    }
