"""panva's oidc-provider (tests/interop/op.mjs) as a real third-party OP for the app's client.

The OP is a node process on a free loopback port; the app is served on another, configured
with the OP as generic OpenID Connect providers (OIDC_PROVIDERS). OPBrowser drives both over
real HTTP, as a browser without JavaScript would: the app's redirects, the OP's sign-in and
consent forms (devInteractions), the OP's sign-out confirmation.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.conftest import ServerThread, app_config, free_port
from tests.oauth_flow import csrf_token

INTEROP = Path(__file__).resolve().parents[1] / "interop"
CLIENT_ID = "authlab-app"
START_TIMEOUT = 20


def need_node():
    """Skip (fail in CI) when Node or the interop packages are missing."""
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "oidc-provider").is_dir():
        reason = "needs Node 20+ and tests/interop/node_modules (npm ci --prefix tests/interop)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    return node


class OP:
    """One oidc-provider process: its issuer, and the switch that makes it misbehave."""

    def __init__(self, app_url, trailing_slash=False, alg="RS256"):
        node = need_node()
        self.client_secret = secrets.token_urlsafe(32)
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop(), after the process)
        args = [node, str(INTEROP / "op.mjs"), "--app-url", app_url, "--alg", alg]
        env = {**os.environ, "OP_CLIENT_ID": CLIENT_ID, "OP_CLIENT_SECRET": self.client_secret}
        self.process = subprocess.Popen(  # noqa: S603  (our own script, fixed arguments)
            [*args, *(["--trailing-slash"] if trailing_slash else [])],
            cwd=INTEROP,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        line = self.first_line()
        ready = json.loads(line)
        self.issuer, self.port = ready["issuer"], ready["port"]
        self.origin = f"http://127.0.0.1:{self.port}"

    def first_line(self):
        box = []
        reader = threading.Thread(target=lambda: box.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not box or not box[0]:
            self.stop()
            self.log.seek(0)
            pytest.fail(f"oidc-provider did not start: {self.log.read().decode(errors='replace')[-2000:]}")
        return box[0].decode()

    def tamper(self, mode):
        """Make the OP misbehave (op.mjs lists the modes); "none" to behave again."""
        response = requests.get(f"{self.origin}/__interop/tamper", params={"mode": mode}, timeout=5)
        assert response.json() == {"tamper": mode}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                # Seen once on a loaded CI machine, after a test had paused the OP with SIGSTOP
                # and resumed it: SIGTERM's handler never ran. A test's OP must not outlive it.
                self.process.kill()
                self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.log):
            stream.close()


@dataclass
class Setup:
    op: OP
    app_url: str
    app: object
    alg: str = "RS256"


def providers_for(op, **extra):
    """The app's OIDC_PROVIDERS for this OP: several at once, one issuer spelt wrongly."""
    look_alike = op.issuer[:-1] if op.issuer.endswith("/") else op.issuer + "/"
    entries = [
        # offline_access: a refresh token (OIDC Core §11).
        {"name": "op", "label": "oidc-provider", "scope": "openid profile email offline_access"},
        # The same OP asked for less: no offline_access, so no refresh token, and no profile.
        {"name": "op-plain", "label": "oidc-provider, openid email only", "scope": "openid email"},
        # The issuer with its trailing "/" added or dropped: not the issuer the OP publishes.
        {"name": "op-lookalike", "label": "oidc-provider, issuer mistyped", "issuer": look_alike},
        # An issuer with a path where the OP publishes nothing: its discovery is a 404.
        {"name": "op-nowhere", "label": "oidc-provider, wrong path", "issuer": f"{op.origin}/tenant"},
    ]
    common = {"issuer": op.issuer, "client_id": CLIENT_ID, "client_secret": op.client_secret}
    return [{**common, **entry, **extra} for entry in entries]


def start(tmp_path, trailing_slash=False, alg="RS256", **config):
    """The OP and an app configured with it; returns (Setup, stop)."""
    port = free_port()
    app_url = f"http://localhost:{port}"
    op = OP(app_url, trailing_slash=trailing_slash, alg=alg)
    from app import create_app

    # PROVIDER_URL points at nothing: these tests never use the built-in provider.
    config = app_config(
        tmp_path / "instance",
        APP_URL=app_url,
        PROVIDER_URL=f"http://127.0.0.1:{free_port()}",
        OIDC_PROVIDERS=json.dumps(providers_for(op)),
        **config,
    )
    app = create_app(config)
    server = ServerThread(app, port)
    server.start()

    def stop():
        server.stop()
        op.stop()

    return Setup(op, app_url, app, alg), stop


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
PROMPT = re.compile(r'name="prompt" value="(\w+)"')


class OPBrowser:
    """A browser without JavaScript, at the app and at the OP."""

    def __init__(self, setup):
        self.setup = setup
        self.http = requests.Session()
        self.prompts = []  # the OP pages this browser was shown (login, consent), in order

    def login_redirect(self, provider="op", **params):
        """GET /oauth/login; returns the app's response (a 302 to the OP, or a refusal)."""
        url = f"{self.setup.app_url}/oauth/login"
        return self.http.get(url, params={"provider": provider, **params}, allow_redirects=False)

    def at_op(self, url, login="alice"):
        """Follow the OP's redirects and fill its forms until it sends the browser back to the app."""
        response = self.http.get(url, allow_redirects=False)
        for _ in range(12):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if location.startswith(self.setup.app_url):
                    return location
                response = self.http.get(location, allow_redirects=False)
                continue
            assert response.status_code == 200, response.text[:800]
            prompt = PROMPT.search(response.text)
            assert prompt, response.text[:800]
            self.prompts.append(prompt.group(1))
            data = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                data.update(login=login, password="not checked by devInteractions")
            action = urljoin(response.url, FORM_ACTION.search(response.text).group(1).replace("&amp;", "&"))
            response = self.http.post(action, data=data, allow_redirects=False)
        raise AssertionError("the OP never sent the browser back to the app")

    def callback_url(self, provider="op", login="alice", **params):
        start = self.login_redirect(provider, **params)
        assert start.status_code == 302, start.text[:500]
        return self.at_op(start.headers["Location"], login)

    def sign_in(self, provider="op", login="alice", **params):
        """The whole dance; returns the app's answer to the callback (not followed)."""
        return self.http.get(self.callback_url(provider, login, **params), allow_redirects=False)

    def page(self, path):
        return self.http.get(f"{self.setup.app_url}{path}")

    def post(self, path, **data):
        data.setdefault("csrf_token", csrf_token(self.page("/oauth/dance").text))
        origin = {"Origin": self.setup.app_url}
        return self.http.post(f"{self.setup.app_url}{path}", data=data, allow_redirects=False, headers=origin)

    def confirm_sign_out(self, end_session_url):
        """At the OP's end_session_endpoint: press "Yes, sign me out"; returns where it sends the browser."""
        page = self.http.get(end_session_url, allow_redirects=False)
        assert page.status_code == 200, page.text[:800]
        action = urljoin(page.url, FORM_ACTION.search(page.text).group(1))
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
        response = self.http.post(action, data={**fields, "logout": "yes"}, allow_redirects=False)
        assert response.is_redirect, response.text[:800]
        return urljoin(response.url, response.headers["Location"])
