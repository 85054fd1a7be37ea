"""The security checklist page: every control, its source, where it is enforced, and the proof.

The controls and their sources are read from docs/security-checklist.md (a copy of the
project's checklist). The tests are found by name: a test proves control JWT-1 when its name
starts with `test_jwt_1_`. tests/app/test_controls.py fails when a control has no test or no code.
"""

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache

from flask import render_template

from blueprints.source import ROOT

from . import bp

CHECKLIST = ROOT / "docs" / "security-checklist.md"
TESTS = ROOT / "tests"

# Where each control is enforced: (module, symbol) pairs for the source viewer, and what the
# development and production configurations do about it.
ENFORCED_IN = {
    "JWT-1": [
        ("blueprints/jwt/checks.py", None),
        ("blueprints/jwt/tokens.py", None),
        ("blueprints/jwt/keys.py", None),
        ("blueprints/jwt/provider_keys.py", "find"),
    ],
    "JWT-2": [("config_loader.py", "refuse_unsafe_production"), ("config_loader.py", "load_secrets")],
    "JWT-3": [("config.py", "Config"), ("blueprints/jwt/checks.py", None)],
    "JWT-4": [
        ("blueprints/jwt/checks.py", None),
        ("blueprints/jwt/provider_tokens.py", "rules"),
        ("blueprints/jwt/provider_checks.py", None),
        ("blueprints/jwt/guards.py", "verified_access_token"),
        ("provider/logout.py", "LabEndSessionEndpoint._validate_id_token_hint"),
    ],
    "JWT-5": [("blueprints/jwt/blocklist.py", None), ("revocation_epoch.py", "bump_with_the_change")],
    "JWT-6": [("blueprints/jwt/families.py", None)],
    "JWT-7": [("static/js/jwt-state.js", None), ("blueprints/jwt/cookies.py", None)],
    "JWT-8": [("blueprints/jwt/cookies.py", None), ("config.py", "Config")],
    "SES-1": [("session_store.py", "Hardened"), ("session_store.py", "init_app")],
    "SES-2": [("blueprints/session/routes.py", "login"), ("blueprints/session/signin.py", "sign_in")],
    "SES-3": [("config.py", "Config"), ("config.py", "ProductionConfig")],
    "SES-4": [("blueprints/session/timeouts.py", None)],
    "SES-5": [("blueprints/session/routes.py", "logout")],
    "SES-6": [
        ("blueprints/session/remember.py", None),
        ("blueprints/session/models.py", "RememberToken"),
        ("models.py", "User.revoke_everything"),
    ],
    "OC-1": [
        ("blueprints/oauth/providers.py", "client_settings"),
        ("blueprints/oauth/flow.py", "challenge_of"),
        ("static/js/oauth-spa-protocol.js", None),
    ],
    "OC-2": [
        ("blueprints/oauth/client.py", "init_app"),
        ("blueprints/oauth/flow.py", "check_state"),
        ("static/js/oauth-spa-protocol.js", None),
    ],
    "OC-3": [
        ("blueprints/oauth/flow.py", "verify_id_token"),
        ("blueprints/oauth/id_token.py", "check_id_token"),
        ("blueprints/oauth/id_token.py", "check_at_hash"),
        ("blueprints/oauth/device_grant.py", "verify_id_token"),
        ("static/js/oauth-spa-protocol.js", None),
        ("blueprints/oauth/issuers.py", "check_discovery"),
        ("blueprints/oauth/issuers.py", "check_issuer"),
    ],
    "OC-4": [("blueprints/oauth/routes.py", "callback")],
    "OC-5": [("security.py", "is_safe_redirect"), ("came_from.py", "inside_app")],
    "AS-1": [
        ("provider/models.py", "Client.check_redirect_uri"),
        ("provider/views.py", "authorize"),
        ("provider/logout.py", "LabEndSessionEndpoint"),
    ],
    "AS-2": [("provider/grants.py", "S256CodeChallenge")],
    "AS-3": [("provider/grants.py", "AuthorizationCodeGrant"), ("provider/device.py", "DeviceCodeGrant")],
    "AS-4": [("provider/oauth2.py", "config_oauth")],
    "AS-5": [("provider/grants.py", "RefreshTokenGrant")],
    "AS-6": [
        ("provider/grants.py", None),
        ("provider/oauth2.py", "config_oauth"),
        ("provider/models.py", "new_token"),
        ("provider/access_tokens.py", "LabTokenGenerator"),
        ("provider/machine.py", "ClientCredentialsGrant"),
        ("provider/introspection.py", "LabIntrospectionEndpoint"),
    ],
    "AS-7": [
        ("provider/web.py", "harden"),
        ("provider/flow_views.py", "device_page"),
        ("provider/flow_views.py", "end_session"),
    ],
    "AS-8": [
        ("provider/settings.py", "new_signing_key"),
        ("provider/identity.py", "LabOpenIDCode"),
        ("provider/identity.py", "public_jwks"),
        ("provider/access_tokens.py", "at_jwt"),
    ],
    "AS-9": [
        ("provider/oauth2.py", "metadata"),
        ("provider/identity.py", "LabIssuerParameter"),
        ("provider/views.py", "authorization_error"),
    ],
    "AS-10": [
        ("provider/sessions.py", "ServerSideSessions"),
        ("provider/views.py", "logout"),
        ("provider/logout.py", "LabEndSessionEndpoint.end_session"),
    ],
    "AS-11": [("provider/views.py", "safe_next")],
    "AS-12": [("provider/grants.py", "RefreshTokenGrant")],
    "AS-13": [
        ("provider/client_auth.py", "authenticate_client"),
        ("provider/oauth2.py", "AuthorizationServer"),
        ("provider/models.py", "Client.check_endpoint_auth_method"),
        ("provider/forms.py", "ClientForm"),
    ],
    "AS-14": [
        ("provider/prompt.py", "next_step"),
        ("provider/sessions.py", "sign_in"),
        ("provider/grants.py", "AuthorizationCodeGrant.save_authorization_code"),
        ("provider/views.py", "authorize"),
    ],
    "PW-1": [("passwords.py", None)],
    "PW-2": [("passwords.py", "password_problems")],
    "PW-3": [("models.py", "authenticate"), ("blueprints/session/routes.py", None)],
    "PW-4": [("models.py", "User.set_password"), ("blueprints/pages/account.py", None)],
    "PW-5": [("security.py", "check_cross_site_request")],
    "PW-6": [
        ("throttle.py", "Throttle"),
        ("throttle_store.py", "DatabaseStorage"),
        ("provider/throttle.py", "counts_failures"),
        ("provider/flow_views.py", "device_page"),
    ],
    "PW-7": [("passwords.py", "password_problems")],
    "HDR-1": [("config.py", "ProductionConfig"), ("security.py", "set_security_headers")],
    "HDR-2": [("security.py", "set_security_headers"), ("security.py", "connects_to")],
    "HDR-3": [("security.py", "set_security_headers")],
    "HDR-4": [
        ("security.py", "set_security_headers"),
        ("provider/cors.py", "answer_cors"),
        ("provider/cors.py", "origin_problem"),
    ],
    "HDR-5": [
        ("config_loader.py", "refuse_unsafe_production"),
        ("instance_secrets.py", "secret_problem"),
        ("provider/settings.py", "refuse_unsafe_production"),
    ],
    "HDR-6": [
        ("models.py", "first_start"),
        ("models.py", "create_admin_command"),
        ("provider/seed.py", "seed"),
        ("provider/lab_clients.py", "seed_lab_clients"),
    ],
    "HDR-7": [("bodies.py", None), ("blueprints/source/__init__.py", "resolve"), ("wire/capture.py", "WireCapture")],
    "HDR-8": [
        ("storage.py", "private_sqlite_file"),
        ("provider/settings.py", "make_private"),
        ("provider/lab_clients.py", "write_handover"),
    ],
    "LAB-1": [("wire/store.py", "refusal"), ("wire/exchange.py", "bounded"), ("wire/store.py", "save")],
    "LAB-2": [("wire/redact.py", None), ("wire/headers.py", None), ("wire/exchange.py", "redacted")],
    "LAB-3": [
        ("vulnerable/accounts.py", None),
        ("vulnerable/naive_oauth.py", "callback"),
        ("provider/naive_provider.py", "NaiveStore"),
    ],
    "LAB-4": [("run.py", None), ("config.py", "Config")],
}

# Controls that a plain-http laptop demo cannot enforce; production does (checklist preamble).
PRODUCTION_ONLY = {
    "HDR-1": "HTTPS and HSTS need TLS; over http://localhost the production settings are shown, not used.",
    "SES-3": "Secure cookies need HTTPS: development sets HttpOnly and SameSite=Lax, production adds Secure.",
}


@dataclass
class Control:
    id: str
    section: str
    text: str
    source: str
    code: list = field(default_factory=list)
    tests: list = field(default_factory=list)

    @property
    def slug(self):
        return self.id.lower().replace("-", "_")

    @property
    def development(self):
        return "production only" if self.id in PRODUCTION_ONLY else "enforced"


def parse_checklist(text):
    """(id, section, control, source) for every row of the checklist's tables."""
    section, rows = "", []
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = re.match(r"\|\s*([A-Z]+-\d+)\s*\|(.*)\|(.*)\|\s*$", line)
        if match:
            rows.append((match.group(1), section, match.group(2).strip(), match.group(3).strip()))
    return rows


def test_files():
    """The test modules, in the per-party folders of tests/ (not the npm packages of tests/interop)."""
    return sorted(p for p in TESTS.rglob("test_*.py") if "node_modules" not in p.parts)


def test_names():
    """Every test function in tests/, as (file, name)."""
    found = []
    for path in test_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.append((path.relative_to(ROOT).as_posix(), node.name, node.lineno))
    return found


@lru_cache(maxsize=1)
def _controls(checklist_mtime, tests_state):
    tests = test_names()
    controls = []
    for control_id, section, text, source in parse_checklist(CHECKLIST.read_text()):
        control = Control(control_id, section, text, source, ENFORCED_IN.get(control_id, []))
        prefix = f"test_{control.slug}_"
        control.tests = [(path, name, line) for path, name, line in tests if name.startswith(prefix)]
        controls.append(control)
    return controls


def controls():
    """The checklist with code and tests attached (cached until a file changes)."""
    state = tuple((p.as_posix(), p.stat().st_mtime) for p in test_files())
    return _controls(CHECKLIST.stat().st_mtime, state)


@bp.get("/checklist")
def checklist():
    """Every control with its source, where it is enforced, and the tests that prove it."""
    return render_template("course/checklist.html", controls=controls(), production_only=PRODUCTION_ONLY)
