"""The JWT challenges' moving parts: the victim's steps, and each last step against the real code.

The victim, alice, uses the naive notes app (vulnerable/naive_jwt_notes.py) in her own browser:
she signs in there, and her tokens go to localStorage. Each last step sends the real JWT demo
the same attack, made with what anyone may have: bob's own sign-in at the real /jwt/login (his
demo password, through its throttle, like any student's), the published JWKS, the solving
token itself. Nothing here reads a real key or mints a real token for anyone.
"""

import dataclasses
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

from extensions import db
from models import DEMO_ACCOUNTS
from vulnerable import naive_jwt_notes
from vulnerable.accounts import NAIVE_ACCOUNTS
from vulnerable.jwt_attacks import WORDLIST, crack, parts
from vulnerable.naive_jwt import WEAK_SECRET, encode, unb64

from . import real
from .models import VictimVisit

NOTES = "/vulnerable/jwt/notes"
ACCESS_KEY, REFRESH_KEY = "naive_jwt_token", "naive_jwt_refresh"  # where the notes app keeps them


# ### The victim, in the naive notes app


def alice_signs_in(victim):
    """alice signs in on the board's escaped view (no note runs there): her tokens go to localStorage."""
    victim.goto(victim.url("APP_URL", NOTES + "?view=escaped"))
    victim.page.fill("#notes-username", "alice")
    victim.page.fill("#notes-password", NAIVE_ACCOUNTS["alice"][0])
    victim.page.click("text=Sign in to the naive notes")
    victim.page.wait_for_selector("[data-notes-signed-in]:not([hidden])")


def stored(victim, key):
    return victim.page.evaluate("key => localStorage.getItem(key)", key)


def alice_keeps_her_refresh_token(victim):
    """Refresh story, before: alice signs in; her first refresh token is what will leak."""
    alice_signs_in(victim)
    victim.hold("naive_refresh", stored(victim, REFRESH_KEY))


def alice_refreshes(victim):
    """Refresh story, after: she refreshes once, and the naive server logs that request."""
    victim.page.click("text=Refresh the access token")
    victim.page.wait_for_selector("[data-notes-status]:has-text('Refreshed')")


def visiting_player(challenge_id):
    """Whose victim this is: the player of the challenge's newest visit (visits run one at a time, victim.BUSY)."""
    newest = db.select(VictimVisit.player).filter_by(challenge=challenge_id).order_by(VictimVisit.started_at.desc())
    return db.session.scalar(newest.limit(1))


def alice_may_read_your_board(victim):
    """XSS story, before: a pass to this player's board in her browser only, then she signs in."""
    app = urlsplit(victim.url("APP_URL"))
    visit_pass = naive_jwt_notes.admit(visiting_player("jwt-xss-token-theft"))
    cookie = {"name": naive_jwt_notes.VISIT_COOKIE, "value": visit_pass, "domain": app.hostname}
    path = app.path + "/vulnerable/jwt/"  # below the app's mount point, if it has one
    victim.page.context.add_cookies([{**cookie, "path": path, "httpOnly": True, "sameSite": "Lax"}])
    alice_signs_in(victim)
    victim.hold("naive_jwt_token", stored(victim, ACCESS_KEY))


def alice_reads_your_board(victim):
    """XSS story, after: she opens the board as the app shows it, and its notes run."""
    victim.goto(victim.url("APP_URL", NOTES))
    victim.settle()


# ### The last steps, against the real code


def real_client():
    return current_app.test_client()


def after_steps(attempt, *steps):
    """The attempt as the page shows it, with the steps that led to it above the request."""
    return dataclasses.replace(attempt, request="\n".join(f"# {step}" for step in steps) + "\n" + attempt.request)


def real_admin(token):
    """The solving token itself at the real /jwt/admin."""
    return real.send("GET", "/jwt/admin", {"Authorization": f"Bearer {token}"})


def bobs_real_pair():
    """bob signs in at the real /jwt/login with his own demo password: his pair, or None."""
    password = next((p for username, p, _role in DEMO_ACCOUNTS if username == "bob"), None)
    response = real_client().post(
        "/jwt/login", json={"username": "bob", "password": password}, base_url=current_app.config["APP_URL"]
    )
    return response.get_json() if response.status_code == 200 else None


NO_BOB = "bob could not sign in at the real app (his demo password was changed?): so the solving token itself:"


def real_weak_secret(evidence):
    """bob's real token, cracked with the same word list (in vain), then signed as admin with the naive secret."""
    pair = bobs_real_pair()
    if pair is None:
        return after_steps(real_admin(evidence), NO_BOB)
    token = pair["access_token"]
    word, tried, ms = crack(token, WORDLIST.read_text().splitlines())
    header, claims, _ = parts(token)
    forged = encode(header, {**claims, "role": "admin"}, (word or WEAK_SECRET).encode())
    cracked = f"cracked?! {word!r}" if word else "none of them is its key"
    return after_steps(
        real_admin(forged),
        "POST /jwt/login as bob (his own password): his real access token.",
        f"The same word list against it: {tried} words in {ms:.0f} ms, {cracked}.",
        f"His claims with role admin, signed HS256 with {WEAK_SECRET!r}, the naive server's secret:",
    )


def published_rsa_pem():
    """(kid, PEM) of an RSA key in the real app's published JWKS, or None (HS256 mode publishes none)."""
    jwks = real_client().get("/jwt/.well-known/jwks.json", base_url=current_app.config["APP_URL"]).get_json()
    for jwk in (jwks or {}).get("keys", []):
        if jwk.get("kty") == "RSA":
            e, n = (int.from_bytes(unb64(jwk[name]), "big") for name in ("e", "n"))
            pem = (
                rsa.RSAPublicNumbers(e, n)
                .public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            )
            return jwk["kid"], pem
    return None


def real_alg_confusion(evidence):
    """HS256 keyed by the real app's published RSA key, naming it; the solving token when none is published."""
    published = published_rsa_pem()
    if published is None:
        return after_steps(
            real_admin(evidence),
            "GET /jwt/.well-known/jwks.json: no public key (the keyring holds HS256 keys only): nothing to confuse.",
            "Rotate the JWT lab's keyring to RS256 to see that key's algorithm refuse it. Here, the solving token:",
        )
    kid, pem = published
    forged = encode({"alg": "HS256", "typ": "JWT", "kid": kid}, parts(evidence)[1], pem)
    return after_steps(
        real_admin(forged),
        f"GET /jwt/.well-known/jwks.json: the public key {kid}, written as PEM.",
        f"The solving claims, signed HS256 with that PEM as the HMAC secret, naming kid {kid}:",
    )


def real_refresh_replay(evidence):
    """bob's real refresh token, used once, then replayed: the real server revokes the family."""
    pair = bobs_real_pair()
    if pair is None:
        attempt = real.send("POST", "/jwt/refresh", {"Authorization": f"Bearer {evidence}"})
        return after_steps(attempt, NO_BOB)
    first = {"Authorization": f"Bearer {pair['refresh_token']}"}
    rotated = real_client().post("/jwt/refresh", headers=first, base_url=current_app.config["APP_URL"])
    return after_steps(
        real.send("POST", "/jwt/refresh", first),
        "POST /jwt/login as bob (his own password): a real pair.",
        f"POST /jwt/refresh with his refresh token: {rotated.status_code}, rotated (the old one is now used).",
        "The first refresh token again, as a thief who copied it would send it:",
    )


def real_stolen_token(evidence):
    """What a stored script meets on the real pages (their CSP), then the stolen token at the real admin."""
    page = real_client().get("/jwt/", base_url=current_app.config["APP_URL"])
    return after_steps(
        real_admin(evidence),
        f"GET /jwt/ answers Content-Security-Policy: {page.headers.get('Content-Security-Policy')}",
        "script-src 'self': no inline script runs on a real page, so a stored <script> would never run there.",
        "And the real JWT lab keeps its token in page memory or an HttpOnly cookie. alice's stolen naive token:",
    )
