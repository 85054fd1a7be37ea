"""Compare: the article's trade-off table turned into measured facts, then a decision guide."""

from dataclasses import dataclass

from flask import current_app, render_template, request

from . import bp
from .bench import load_results


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    choices: tuple  # (value, label)


QUESTIONS = (
    Question(
        "callers",
        "Who calls the protected resource?",
        (
            ("pages", "My own web pages, in a browser"),
            ("programs", "Other programs: mobile apps, scripts, other services"),
            ("both", "Both"),
        ),
    ),
    Question(
        "identity",
        "Where do users sign in?",
        (
            ("own", "With a password my app stores"),
            ("external", "With an account elsewhere (Google, GitHub, the school's single sign-on)"),
        ),
    ),
    Question(
        "delegation",
        "Must another application act on your users' behalf, with their consent?",
        (("no", "No"), ("yes", "Yes: third parties call my API for my users")),
    ),
    Question(
        "logout",
        "When a user signs out or is blocked, how soon must every credential stop working?",
        (("now", "At once, everywhere"), ("minutes", "Within a few minutes is acceptable")),
    ),
    Question(
        "instances",
        "How is the server deployed?",
        (
            ("one", "One instance"),
            ("shared", "Several instances that can share a database or Redis"),
            ("separate", "Separate services, owned by different teams, that share nothing"),
        ),
    ),
)


def recommend(answers):
    """(recommendation, reasons) for a set of answers; every reason names the answer behind it."""
    reasons, parts = [], []
    if answers.get("delegation") == "yes":
        parts.append("OAuth 2.0 for your API (you become an authorization server)")
        reasons.append("Third parties acting for your users need delegated, scoped, revocable access: that is OAuth.")
    if answers.get("identity") == "external":
        parts.append("OpenID Connect sign-in (authorization code + PKCE) at the provider")
        reasons.append("Users sign in elsewhere: let the provider authenticate them and verify its id_token.")
    callers = answers.get("callers")
    if callers in {"pages", "both"}:
        parts.append("a server-side session in an HttpOnly, SameSite=Lax cookie for your pages")
        reasons.append(
            "Browsers handle cookies for you; a session is revoked at once and keeps tokens out of page scripts."
        )
    if callers in {"programs", "both"}:
        if answers.get("instances") == "separate":
            parts.append("short-lived JWT access tokens, signed asymmetrically (RS256/ES256, JWKS), for programs")
            reasons.append("Services that share nothing can verify a signature with a public key, not share a store.")
        else:
            parts.append("opaque or JWT bearer tokens for programs, checked against your shared store")
            reasons.append("Programs cannot keep cookies well; with a shared store, revocation stays instant.")
    if answers.get("logout") == "now" and callers in {"programs", "both"}:
        reasons.append("Instant logout with JWTs needs a blocklist checked on every request: that is state again.")
    if answers.get("instances") in {"shared", "separate"} and callers in {"pages", "both"}:
        reasons.append("Several instances: put sessions in a store they all reach (Redis or the database).")
    if not parts:
        return None, []
    return "; ".join(parts) + ".", reasons


@bp.get("/compare")
def compare():
    """The same resource under each mechanism, in measured facts; then the decision guide."""
    results, origin = load_results()
    inprocess = (results or {}).get("inprocess", {})
    answers = {q.name: request.args.get(q.name) for q in QUESTIONS if request.args.get(q.name) in dict(q.choices)}
    recommendation, reasons = recommend(answers) if answers else (None, [])
    config = current_app.config
    return render_template(
        "course/compare.html",
        results=results,
        origin=origin,
        measured=inprocess,
        access_minutes=int(config["JWT_ACCESS_TOKEN_EXPIRES"]) // 60,
        questions=QUESTIONS,
        answers=answers,
        recommendation=recommendation,
        reasons=reasons,
    )
