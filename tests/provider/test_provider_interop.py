"""Certified clients against the built-in provider, over real HTTP (issue 13 §1; AS-13).

panva's openid-client v6 and oauth4webapi run tests/interop/*.mjs with their default settings:
discovery, the code flow with PKCE, state and nonce (signing in and consenting as alice),
id_token validation, userinfo, refresh with rotation and revocation; once for each client
authentication method the metadata advertises (RFC 6749 §2.3.1, RFC 8414 §2): client_secret_post
(their default), client_secret_basic, and none for a public client (PKCE only), each client
registered in the developer console over HTTP as a developer would. Each script prints one JSON
line per step; one test here per (library, method, step), so a failure names the step and shows
what went over the wire and what the library said.

Python clients' defaults are here too: a userinfo token in a form body (pyoidc, RFC 6750 §2.2) and
requests-oauthlib's `include_client_id` (client_secret_post).
"""

import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORDS
from tests.oauth_flow import challenge_of, csrf_token, query

INTEROP = Path(__file__).resolve().parents[1] / "interop"
NODE = shutil.which("node")

# What the metadata advertises and each library is run with: its --auth, and the method the
# client is registered with (RFC 7591 §2 token_endpoint_auth_method).
METHODS = {"post": "client_secret_post", "basic": "client_secret_basic", "none": "none"}

# The steps of tests/interop/scenario.mjs, in order. openid-client checks the callback inside
# its code exchange, so it has no separate "callback" step.
STEPS = [
    "discovery",
    "authorization_url",
    "login_and_consent",
    "callback",
    "code_exchange",
    "id_token_claims",
    "id_token_signature",
    "userinfo",
    "refresh",
    "userinfo_after_refresh",
    "revoke_access_token",
    "revoked_access_token_refused",
    "rotated_refresh_token_refused",
    "second_grant",
    "revoke_refresh_token",
    "revoked_refresh_token_refused",
    "revoked_grant_access_token_refused",
]
LIBRARIES = {
    "openid_client": [step for step in STEPS if step != "callback"],
    "oauth4webapi": STEPS,
}
CASES = [
    pytest.param(library, method, step, id=f"{library}-{METHODS[method]}-{step}")
    for library, steps in LIBRARIES.items()
    for method in METHODS
    for step in steps
]


def require_node():
    """Skip without Node or the pinned packages, but never in CI: there these tests must run."""
    if NODE is None:
        reason = "node is not installed (.ci/run installs it; apt-get install nodejs npm)"
    elif not (INTEROP / "node_modules" / "openid-client").is_dir():
        reason = "tests/interop/node_modules is missing (make test runs `npm ci` there)"
    else:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: the interop tests must run, but {reason}")
    pytest.skip(reason)


def signed_in(live, username="bob"):
    """A browser session signed in at the live provider."""
    http = requests.Session()
    login = f"{live.provider_url}/login"
    form = {"csrf_token": csrf_token(http.get(login, timeout=10).text), "username": username}
    answer = http.post(login, data={**form, "password": PASSWORDS[username]}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    return http


def register(live, name, method, redirect_uri):
    """Register a client as a developer does, in the console over HTTP, choosing its
    authentication method (AS-13); returns its client_id and its secret (None when public)."""
    http = signed_in(live)
    page = f"{live.provider_url}/console/clients/new"
    form = {
        "csrf_token": csrf_token(http.get(page, timeout=10).text),
        "client_name": f"Interop test ({name})",
        "token_endpoint_auth_method": METHODS[method],
        "grant_types": "authorization_code",
        "redirect_uris": redirect_uri,
        "access_token_format": "opaque",
        **{f"scope_{scope}": "y" for scope in ("openid", "profile", "email")},
    }
    answer = http.post(page, data=form, timeout=10)
    registered = re.search(r"data-client-id>([^<]+)<", answer.text)
    assert answer.status_code == 200 and registered, errors_on(answer.text)
    secret = re.search(r"data-client-secret>([^<]+)<", answer.text)
    assert bool(secret) == (method != "none"), f"{METHODS[method]} client registered with secret={bool(secret)}"
    return registered.group(1), secret and secret.group(1)


def errors_on(page):
    """What a refused console form says, for a failure message."""
    return re.findall(r'class="error"[^>]*>([^<]+)<', page) or page[:500]


@pytest.fixture(scope="module")
def interop_runs(live):
    """Each (library, method) script run once, lazily; its JSON lines by step, and its output."""
    runs = {}

    def run(library, method):
        if (library, method) not in runs:
            name = f"{library}-{method}"
            redirect_uri = f"http://127.0.0.1/{name}/callback"  # never visited: the user stops at the 302
            client_id, secret = register(live, name, method, redirect_uri)
            # --name=value, never "--name value": a client id or secret may begin with "-" (it is
            # base64url), which node's parseArgs would read as another option.
            options = {"issuer": live.provider_url, "client-id": client_id, "redirect-uri": redirect_uri}
            options |= {"auth": method, "username": "alice", "password": PASSWORDS["alice"]}
            if secret:
                options["client-secret"] = secret
            command = [
                NODE,
                str(INTEROP / f"{library}.mjs"),
                *(f"--{option}={value}" for option, value in options.items()),
            ]
            try:
                done = subprocess.run(command, cwd=INTEROP, capture_output=True, text=True, timeout=60)
                out, err = done.stdout, done.stderr
            except subprocess.TimeoutExpired as timeout:
                out, err = timeout.stdout or "", f"timed out after 60 s\n{timeout.stderr or ''}"
            lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            runs[library, method] = ({line["step"]: line for line in lines}, lines, err)
        return runs[library, method]

    return run


# AS-13: every advertised client authentication method works for the clients registered with
# it, with a certified client's default settings (RFC 6749 §2.3.1; RFC 8414 §2; OIDC Core §3.1).
@pytest.mark.parametrize(("library", "method", "step"), CASES)
def test_as_13_certified_client_completes_the_step(interop_runs, library, method, step):
    require_node()
    by_step, lines, stderr = interop_runs(library, method)
    line = by_step.get(step)
    if line is None:
        last = lines[-1] if lines else None
        stopped = f"stopped after {last['step']}: {json.dumps(last['detail'], indent=1)}" if last else "printed nothing"
        pytest.fail(f"{library} ({METHODS[method]}) never reached {step}; {stopped}\n{stderr[-2000:]}")
    assert line["ok"], f"{library} ({METHODS[method]}) {step} failed:\n{json.dumps(line['detail'], indent=1)}"


@pytest.mark.parametrize("library", LIBRARIES)
def test_as_13_each_script_runs_the_steps_listed_here_in_order(interop_runs, library):
    """A step added, renamed or dropped in scenario.mjs is added, renamed or dropped here too."""
    require_node()
    _by_step, lines, stderr = interop_runs(library, "post")
    ran = [line["step"] for line in lines]
    assert ran, stderr[-2000:]
    assert ran == LIBRARIES[library][: len(ran)]


# --- Python clients' defaults ----------------------------------------------------------------


def code_for(live, client_id, redirect_uri):
    """A code for alice (signing in and consenting over HTTP), and its PKCE verifier."""
    http = signed_in(live, "alice")
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid profile email",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
    }
    page = http.get(f"{live.provider_url}/authorize", params=params, timeout=10)
    assert page.status_code == 200, page.text[:300]
    decision = {"csrf_token": csrf_token(page.text), "approve": "Allow"}
    answer = http.post(page.url, data=decision, allow_redirects=False, timeout=10)
    return query(answer.headers["Location"])["code"], verifier


@pytest.fixture(scope="module")
def post_client(live):
    redirect_uri = "http://127.0.0.1/interop-python/callback"
    return (*register(live, "python", "post", redirect_uri), redirect_uri)


def test_rfc_6750_2_2_userinfo_takes_the_token_in_a_form_body_as_pyoidc_sends_it(live, post_client):
    """pyoidc 1.7's default userinfo call (do_user_info_request): POST, access_token in the form body."""
    client_id, secret, redirect_uri = post_client
    code, verifier = code_for(live, client_id, redirect_uri)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    data.update(client_id=client_id, client_secret=secret)
    tokens = requests.post(f"{live.provider_url}/token", data=data, timeout=10)
    assert tokens.status_code == 200, tokens.text
    body = {"access_token": tokens.json()["access_token"]}
    answer = requests.post(f"{live.provider_url}/userinfo", data=body, timeout=10)
    assert answer.status_code == 200, (answer.status_code, answer.headers.get("WWW-Authenticate"), answer.text)
    assert answer.json()["preferred_username"] == "alice"


def test_as_13_requests_oauthlib_fetch_token_with_include_client_id(live, post_client, monkeypatch):
    """requests-oauthlib 2.0: fetch_token(include_client_id=True) sends client_id and client_secret
    in the body (client_secret_post, RFC 6749 §2.3.1)."""
    requests_oauthlib = pytest.importorskip("requests_oauthlib", reason="requests-oauthlib is not installed")
    # Its one non-default setting: oauthlib refuses plain http, and the lab runs on plain http on loopback.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    client_id, secret, redirect_uri = post_client
    code, verifier = code_for(live, client_id, redirect_uri)
    session = requests_oauthlib.OAuth2Session(client_id, redirect_uri=redirect_uri, scope="openid profile email")
    tokens = session.fetch_token(
        f"{live.provider_url}/token",
        code=code,
        client_secret=secret,
        include_client_id=True,
        code_verifier=verifier,
    )
    assert tokens["token_type"].lower() == "bearer" and tokens["refresh_token"]
    assert session.get(f"{live.provider_url}/userinfo").json()["preferred_username"] == "alice"
