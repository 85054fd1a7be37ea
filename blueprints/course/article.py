"""The article side by side: its code as given, a corrected Express version, and this app's Flask.

The article's code is read from docs/article.md (the single quoted copy); the Flask column is
read from the app's own modules at render time, so the page can never drift from the code.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import abort, render_template
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JavascriptLexer, PythonLexer

from blueprints.source import ROOT, source_url, symbol_lines

from . import bp

HERE = Path(__file__).parent


# The errata are docs/article.md's, one for one, and in its order: that copy is the authoritative
# list, which the labs repeat. Each names the start of its bullet there (`copy`), so the page
# and the copy cannot drift apart unnoticed (tests/course/test_walk_findings.py). What the app
# corrects beyond that list is shown apart, as "also corrected here", not counted as an erratum.


@dataclass(frozen=True)
class Erratum:
    where: str  # a fragment of the article's code line it concerns
    title: str
    reason: str
    fix: str
    lab: str  # where the app demonstrates it
    copy: str = ""  # the start of its bullet in docs/article.md's errata; "" for "also corrected"


@dataclass(frozen=True)
class AdviceErratum:
    """An erratum about the article's advice (its prose), not a line of its code."""

    said: str  # the article's words, quoted
    title: str
    reason: str
    fix: str
    lab: str
    copy: str


@dataclass(frozen=True)
class Mapping:
    express: str  # a fragment of the corrected Express line
    flask: tuple  # (module path, symbol) in this app
    note: str


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    index: int  # which code block of docs/article.md
    errata: tuple  # Erratum: on a line of the article's code
    mappings: tuple
    advice: tuple = ()  # AdviceErratum: in the article's prose
    also: tuple = ()  # Erratum without `copy`: corrected here, not in the errata list

    @property
    def errata_count(self):
        return len(self.errata) + len(self.advice)


EXAMPLES = (
    Example(
        "jwt",
        "JWT: the express-jwt example",
        0,
        (
            Erratum(
                "const jwt = require('express-jwt');",
                "The import changed in express-jwt v7",
                "Since v7 the package exports a named function; the default import is undefined.",
                "const { expressjwt } = require('express-jwt');",
                "/jwt/",
                "since express-jwt v7 the import is",
            ),
            Erratum(
                "app.use(jwt({",
                "The middleware guards every route, login included",
                "Mounted with app.use() before all routes, it demands a token on the route that should"
                " hand one out: nobody can ever sign in.",
                "Verify per route (or mount after a login route that stays public).",
                "/jwt/",
                "`app.use(jwt(...))` before every route protects the whole app",
            ),
        ),
        (
            Mapping(
                "app.post('/login'", ("blueprints/jwt/routes.py", "login"), "a public login route issues the tokens"
            ),
            Mapping("app.get('/protected'", ("blueprints/jwt/routes.py", "protected"), "the article's route"),
            Mapping("app.get('/admin'", ("blueprints/jwt/routes.py", "admin"), "role checked from the claim"),
            Mapping("app.post('/logout'", ("blueprints/jwt/routes.py", "logout"), "revocation by jti"),
            Mapping("app.use((err, req, res, next)", ("blueprints/jwt/tokens.py", None), "401 + WWW-Authenticate"),
        ),
        advice=(
            AdviceErratum(
                "Never store tokens in client-side storage (e.g., localStorage) without proper HTTPS",
                "HTTPS does not protect localStorage",
                "HTTPS protects the token on the wire; in localStorage any script that runs on the page"
                " (an injected one too) reads it.",
                "Keep the token in memory, or in an HttpOnly cookie with CSRF protection.",
                "/jwt/#storage",
                "HTTPS does not protect a token in localStorage",
            ),
            AdviceErratum(
                "Rotate secrets frequently (e.g., every 24 hours)",
                "Rotation without a key id logs everyone out",
                "With one secret, every token in circulation was signed with the old one: each rotation"
                " refuses them all at once.",
                "Several keys live at once, each named by a kid; new tokens use the newest (JWT-2).",
                "/jwt/#keys",
                "rotating an HMAC secret every 24 hours",
            ),
            AdviceErratum(
                "Implement token revocation via short expiration windows",
                "A short expiry is not revocation",
                "A stolen token keeps working until its exp, however soon the theft is noticed.",
                "A jti blocklist checked on every request, each entry kept until its token's exp (JWT-5).",
                "/jwt/#revocation",
                '"short expiry" limits damage but is not revocation',
            ),
        ),
        also=(
            Erratum(
                "secret: 'YOUR_STRONG_SECRET_KEY'",
                "A placeholder secret in the code",
                "The article's own comment says it must come from the environment; a literal in the source"
                " ends up in every clone, and a short or dictionary secret is cracked offline from one token.",
                "256 random bits from the environment; refuse to start without them (JWT-2, HDR-5).",
                "/jwt/#attacks",
            ),
            Erratum(
                "algorithms: ['HS256']",
                "Right to pin the algorithm; iss and aud are never checked",
                "Pinning stops alg:none and HS/RS confusion; without iss and aud a token minted for"
                " another service is accepted.",
                "Check issuer and audience on every token (JWT-3, JWT-4).",
                "/jwt/#inspector",
            ),
        ),
    ),
    Example(
        "session",
        "Sessions: the express-session example",
        1,
        (
            Erratum(
                "store: new (require('express-session').Store)()",
                "Store is an abstract class",
                "new Store() is not a working store; without a store option express-session uses its"
                " memory store, which leaks and is per process.",
                "A real shared store (Redis, or a database) for every instance.",
                "/session/#scale-out",
                "`express-session`'s `Store` is an abstract base class",
            ),
            Erratum(
                "req.session.user = user;",
                "No new session id at login",
                "An id planted before login (session fixation) stays valid after it: the hole the"
                " article's own table warns about.",
                "req.session.regenerate() before storing the user (SES-2).",
                "/session/#attacks",
                "the login route never regenerates the session id",
            ),
            Erratum(
                "saveUninitialized: true",
                "A stored session for every anonymous visitor",
                "Every bot and crawler creates a server record; it also hands out ids before login.",
                "saveUninitialized: false.",
                "/session/",
                "`saveUninitialized: true` creates and stores a session",
            ),
            Erratum(
                "const user = { id: 123, role: 'admin' };",
                "The login checks no credentials",
                "Anyone who posts to /login becomes user 123, an admin.",
                "Check the password against an Argon2id hash; same answer and time for unknown users.",
                "/session/",
                "the login accepts no credentials at all",
            ),
        ),
        (
            Mapping("app.post('/login'", ("blueprints/session/routes.py", "login"), "password checked, id regenerated"),
            Mapping("app.get('/admin'", ("blueprints/session/routes.py", "admin"), "401 signed out, 403 wrong role"),
            Mapping("app.post('/logout'", ("blueprints/session/routes.py", "logout"), "server record deleted"),
            Mapping("app.use(session({", ("session_store.py", "init_app"), "the store and its cookie"),
        ),
        advice=(
            AdviceErratum(
                "Always use HTTP-only cookies for session IDs to prevent XSS attacks.",
                "HttpOnly does not prevent XSS",
                "It stops an injected script from reading the cookie; the script still runs, and its"
                " requests carry the cookie all the same.",
                "HttpOnly, and against XSS itself: output escaping and a Content-Security-Policy (HDR-2).",
                "/session/#attacks",
                "HttpOnly does not prevent XSS",
            ),
        ),
        also=(
            Erratum(
                "secret: 'SESSION_SECRET_KEY'",
                "A placeholder secret in the code",
                "Whoever knows the secret can forge signed session ids.",
                "A secret from the environment; production refuses to start without one.",
                "/session/",
            ),
            Erratum(
                "if (req.session.user) {",
                "/admin admits anyone signed in",
                "The route checks that somebody is signed in, not that they are an admin.",
                "Check the role: 403 for other roles (the contract's /session/admin).",
                "/session/",
            ),
        ),
    ),
    Example(
        "oauth",
        "OAuth: the “GitHub” client example",
        2,
        (
            Erratum(
                "const { OAuth2Client } = require('googleapis').google;",
                "A Google client for a GitHub flow",
                "The class lives at google.auth.OAuth2, and a Google client's getToken() posts to"
                " Google's token endpoint: a GitHub code can never be exchanged there.",
                "GitHub's endpoints: github.com/login/oauth/authorize and /access_token.",
                "/oauth/",
                'the example is titled "GitHub OAuth client" but builds Google\'s client',
            ),
            Erratum(
                "'https://example.com/callback' // Redirect URI",
                "No authorization URL, no state, no PKCE",
                "The example never builds the authorization request, so it never sends or checks"
                " state (login CSRF) and uses no PKCE, which RFC 9700 requires for every client.",
                "A fresh state and PKCE verifier per attempt, bound to the session, checked once.",
                "/oauth/",
                "the example never builds the authorization URL",
            ),
        ),
        (
            Mapping("app.get('/login'", ("blueprints/oauth/routes.py", "login"), "the route"),
            Mapping("const state = b64url", ("blueprints/oauth/flow.py", "begin"), "state, PKCE S256, nonce"),
            Mapping("req.query.state !== expected.state", ("blueprints/oauth/flow.py", "check_callback"), "state"),
            Mapping("async function getTokens", ("blueprints/oauth/flow.py", "exchange_code"), "code + verifier"),
            Mapping("async function getUserInfo", ("blueprints/oauth/flow.py", "call_userinfo"), "bearer call"),
            Mapping("app.get('/callback'", ("blueprints/oauth/routes.py", "callback"), "the callback route"),
        ),
        advice=(
            AdviceErratum(
                "Scope Management: Request specific permissions (e.g., user:email vs user:full)",
                "GitHub has no user:full scope",
                "GitHub's full-profile scope is user; and GitHub OAuth-app tokens do not expire by"
                " default, so the article's 1-2 hours is the provider's choice, not OAuth's.",
                "Ask for the narrowest scope the provider defines; read expires_in, do not assume it.",
                "/oauth/",
                "GitHub has no `user:full` scope",
            ),
            AdviceErratum(
                "Unlike JWTs (which handle user identity), OAuth focuses on access delegation",
                "JWT and OAuth are not alternatives",
                "A JWT is a token format; identity on top of OAuth is OpenID Connect, whose id_token is itself a JWT.",
                "OAuth for delegated access, OpenID Connect for sign-in; either may carry JWTs.",
                "/jwt/#inspector",
                '"JWTs handle user identity, OAuth handles delegation" mixes layers',
            ),
        ),
        also=(
            Erratum(
                "const { tokens } = await oauth2Client.getToken(code);",
                "The code exchange trusts whatever comes back",
                "Nothing checks that the code was requested by this browser, or verifies an id_token.",
                "Check state first; with OpenID Connect verify the id_token (iss, aud, exp, nonce).",
                "/oauth/",
            ),
        ),
    ),
)

BY_SLUG = {example.slug: example for example in EXAMPLES}


def article_code_blocks():
    """The article's three code examples, exactly as quoted in docs/article.md."""
    text = (ROOT / "docs" / "article.md").read_text()
    return re.findall(r"```javascript\n(.*?)```", text, re.S)


def line_of(code, fragment):
    """The 1-based line of `code` containing `fragment` (the page marks it)."""
    for number, line in enumerate(code.splitlines(), start=1):
        if fragment in line:
            return number
    raise LookupError(f"no line contains {fragment!r}")


@lru_cache(maxsize=64)
def highlight_lines(code, lexer_name, marks=frozenset()):
    """Highlighted code with line anchors; marked lines carry the erratum class (cached: the
    same code is highlighted once, and edited code is new code)."""
    lexer = PythonLexer() if lexer_name == "python" else JavascriptLexer()
    lines = highlight(code, lexer, HtmlFormatter(nowrap=True)).rstrip("\n").split("\n")
    out = []
    for number, line in enumerate(lines, start=1):
        css = "line erratum-line" if number in marks else "line"
        out.append(f'<span class="{css}"><span class="ln">{number}</span>{line}</span>')
    # Safe: Pygments escapes the source; the wrapping tags are ours.
    return Markup("".join(out))  # noqa: S704  # nosec B704


def flask_code(path, symbol):
    """The source of one function of this app (or a whole module), read now."""
    file = ROOT / path
    text = file.read_text()
    if symbol is None:
        return text
    first, last = symbol_lines(path, file.stat().st_mtime)[symbol]
    return "\n".join(text.splitlines()[first - 1 : last])


@bp.get("/article/")
def article_index():
    """The three examples and the count of errata in each."""
    return render_template("course/article_index.html", examples=EXAMPLES)


@bp.get("/article/<slug>")
def article(slug):
    """One example: the article's code, corrected Express, and this app's Flask, side by side."""
    example = BY_SLUG.get(slug)
    if example is None:
        abort(404)
    original = article_code_blocks()[example.index]
    corrected = (HERE / "express" / f"{slug}.corrected.js").read_text()
    errata = [(line_of(original, e.where), e) for e in example.errata]
    also = [(line_of(original, e.where), e) for e in example.also]
    rows = [
        (line_of(corrected, m.express), m, source_url(*m.flask) if m.flask[1] else source_url(m.flask[0]))
        for m in example.mappings
    ]
    flask_parts = []
    for _, mapping, url in rows:
        if (mapping.flask, url) not in [(p[0], p[1]) for p in flask_parts]:
            flask_parts.append((mapping.flask, url, highlight_lines(flask_code(*mapping.flask), "python")))
    return render_template(
        "course/article.html",
        example=example,
        original=highlight_lines(original, "javascript", frozenset(line for line, _ in errata)),
        corrected=highlight_lines(corrected, "javascript"),
        errata=errata,
        also=also,
        rows=rows,
        flask_parts=flask_parts,
    )
