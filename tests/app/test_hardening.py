"""Production hardening: no demo accounts (HDR-6), bad input of any shape (HDR-7), private files (HDR-8)."""

import base64
import os
import stat
from pathlib import Path

import pytest

import bodies
from app import create_app
from extensions import db
from models import User
from tests.conftest import PASSWORDS, PRODUCTION, app_config
from tests.jwt_flow import bearer, login

ALICE = {"username": "alice", "password": PASSWORDS["alice"]}
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options")


def assert_security_headers(response):
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{response.status_code} without {name}"
    assert response.headers["Cache-Control"] == "no-store"


# --- HDR-6: production never creates the demo accounts -----------------------------------


def test_hdr_6_production_has_no_demo_accounts(production_app):
    with production_app.app_context():
        assert db.session.execute(db.select(User)).scalars().all() == []


def test_hdr_6_production_refuses_the_demo_password_at_jwt_login(production_app):
    response = production_app.test_client().post("/jwt/login", json=ALICE, base_url=PRODUCTION["APP_URL"])
    assert response.status_code == 401
    assert "access_token" not in response.json


def test_hdr_6_production_refuses_the_demo_password_at_session_login(production_app):
    response = production_app.test_client().post("/session/login", json=ALICE, base_url=PRODUCTION["APP_URL"])
    assert response.status_code == 401


def test_hdr_6_production_retires_demo_passwords_an_older_version_created(tmp_path, monkeypatch):
    instance = str(tmp_path / "upgraded")
    create_app(app_config(instance))  # a start that seeded alice, as every start once did
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    app = create_app({**PRODUCTION, "INSTANCE_PATH": instance})
    response = app.test_client().post("/jwt/login", json=ALICE, base_url=PRODUCTION["APP_URL"])
    assert response.status_code == 401


def test_hdr_6_create_admin_makes_an_admin_who_reaches_jwt_admin(production_app, production_admin):
    username, password = production_admin
    client = production_app.test_client()
    tokens = client.post(
        "/jwt/login", json={"username": username, "password": password}, base_url=PRODUCTION["APP_URL"]
    )
    assert tokens.status_code == 200
    response = client.get("/jwt/admin", headers=bearer(tokens.json["access_token"]), base_url=PRODUCTION["APP_URL"])
    assert response.status_code == 200
    assert response.json["message"] == "Welcome, admin!"


def test_hdr_6_create_admin_never_shows_the_password(production_app):
    result = production_app.test_cli_runner().invoke(
        args=["create-admin", "carol"], input="a long passphrase nobody else knows\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "a long passphrase" not in result.output


def test_hdr_6_create_admin_refuses_an_existing_name(production_app, production_admin):
    username, _ = production_admin
    result = production_app.test_cli_runner().invoke(
        args=["create-admin", username], input="another long passphrase\n" * 2
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_hdr_6_create_admin_refuses_a_password_the_policy_refuses(production_app):
    result = production_app.test_cli_runner().invoke(args=["create-admin", "carol"], input="password\npassword\n")
    assert result.exit_code != 0
    with production_app.app_context():
        assert db.session.execute(db.select(User)).scalars().all() == []


# --- HDR-7: bad input of any shape is a 4xx with the security headers, never a 5xx ---------

# The endpoints that read a JSON body (finding 7 of the red team: each was a 500).
JSON_ENDPOINTS = [
    "/jwt/login",
    "/jwt/cookie/login",
    "/session/login",
    "/jwt/api/inspect",
    "/session/lab/client-cookie/verify",
    "/session/scaleout/jwt",
]
DEEP = {
    "arrays": "[" * 1000 + "]" * 1000,
    "objects": '{"a":' * 1000 + "1" + "}" * 1000,
    "in a field": '{"username": ' + "[" * 1000 + "]" * 1000 + ', "password": "x"}',
}


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
@pytest.mark.parametrize("shape", DEEP)
def test_hdr_7_json_nested_a_thousand_deep_is_a_400_that_says_so(client, path, shape):
    response = client.post(path, data=DEEP[shape], content_type="application/json")
    assert response.status_code == 400
    assert response.json["description"] == "the JSON body is malformed or nested too deep"
    assert_security_headers(response)


def test_hdr_7_json_nested_within_the_bound_is_read(client):
    body = {**ALICE, "extra": [[[[{"a": [1]}]]]]}
    assert client.post("/jwt/login", json=body).status_code == 200


def test_hdr_7_a_json_body_larger_than_the_bound_is_a_413(client):
    body = '{"username": "alice", "password": "' + "x" * bodies.MAX_BYTES + '"}'
    response = client.post("/jwt/login", data=body, content_type="application/json")
    assert response.status_code == 413
    assert_security_headers(response)


@pytest.mark.parametrize(
    "raw", [b'{"username": "\xc0\xafalice"}', b'\xff\xfe{\x00"\x00}\x00', b'{"username": "\xed\xa0\x80"}']
)
def test_hdr_7_json_that_is_not_utf_8_is_a_400(client, raw):
    response = client.post("/session/login", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json["description"] == "the JSON body is malformed or nested too deep"


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_hdr_7_json_with_an_escaped_lone_surrogate_is_a_400(client, path):
    body = '{"username": "\\ud800", "password": "x", "token": "\\udfff", "cookie": "\\ud800"}'
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["description"] == "the JSON body is malformed or nested too deep"


def test_hdr_7_json_with_an_escaped_surrogate_pair_is_read(client):
    body = '{"username": "alice", "password": "wonderland", "note": "\\ud83d\\udd11"}'
    assert client.post("/jwt/login", data=body, content_type="application/json").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/source/%00",
        "/source/app.py%00.txt",
        "/source/app.py%0a",
        "/source/" + "a" * 300 + ".py",
        "/source/" + "a/" * 3000 + "app.py",
        "/source/..%2fconfig.py",
        "/source/blueprints/../app.py",
        "/source/instance/app-secrets.json",
        "/source/.env",
        "/source/%c0%ae%c0%ae/etc/passwd",
        "/source/app.py%5c",
        "/source/requirements.txt%20",
    ],
)
def test_hdr_7_source_viewer_answers_a_bad_path_with_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/source/app.py", "/source/blueprints/jwt/routes.py", "/source/static/js/wire.js"])
def test_hdr_7_source_viewer_still_shows_the_projects_files(client, path):
    assert client.get(path).status_code == 200


def fail(*_args, **_kwargs):
    raise RuntimeError("a bug outside any view")


def wrap_below_the_last_resort(app):
    """A WSGI middleware that crashes (as the wire capture did on deep nesting)."""
    app.wsgi_app.wsgi_app = fail


# Every place outside a view where a bug can raise: each still answers a 500 with the headers.
FAILURES = {
    "a before_request hook": lambda app: app.before_request_funcs.setdefault(None, []).insert(0, fail),
    "the session store opening the session": lambda app: setattr(app.session_interface, "open_session", fail),
    "the session store saving the session": lambda app: setattr(app.session_interface, "save_session", fail),
    "an after_request hook that runs first": lambda app: app.after_request_funcs.setdefault(None, []).append(fail),
    "the error page itself": lambda app: (
        app.before_request_funcs.setdefault(None, []).insert(0, fail),
        app.jinja_env.globals.update(url_for=fail),
    ),
    "a WSGI middleware": wrap_below_the_last_resort,
}


@pytest.mark.parametrize("where", FAILURES)
def test_hdr_7_a_500_raised_outside_a_view_carries_the_security_headers(app, where):
    FAILURES[where](app)
    response = app.test_client().get("/", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert_security_headers(response)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_hdr_7_bearer_scheme_is_case_insensitive(client, scheme):
    token = login(client)["access_token"]
    response = client.get("/jwt/protected", headers={"Authorization": f"{scheme} {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "bearer ",
        "Basic " + base64.b64encode(f"alice:{PASSWORDS['alice']}".encode()).decode(),
        "Token abc",
        "bearerx abc",
    ],
)
def test_hdr_7_another_scheme_or_no_token_is_a_401_with_a_challenge(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/jwt/protected", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


# --- HDR-8: databases, sessions, keys and secrets on disk are the owner's alone -----------


@pytest.fixture
def permissive_umask():
    """The most permissive umask a process can have: nothing is left to it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path):
    return stat.S_IMODE(Path(path).stat().st_mode)


def signed_in_app(instance, **settings):
    """An app that has started and served a JWT and a session sign-in (keys, sessions written)."""
    app = create_app(app_config(instance, **settings))
    client = app.test_client()
    assert client.post("/jwt/login", json=ALICE).status_code == 200
    assert client.post("/session/login", json=ALICE).status_code == 200
    return app


DATABASE_FILES = ("app.sqlite", "app.sqlite-wal", "app.sqlite-shm")


def test_hdr_8_database_and_its_wal_files_are_0600(tmp_path, permissive_umask):
    app = signed_in_app(tmp_path / "instance")  # kept open: SQLite removes its -wal on the last close
    files = [Path(app.instance_path) / name for name in DATABASE_FILES]
    assert all(path.exists() for path in files)
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_hdr_8_instance_folder_is_0700(tmp_path, permissive_umask):
    signed_in_app(tmp_path / "instance")
    assert mode(tmp_path / "instance") == 0o700


def test_hdr_8_secrets_file_is_0600(tmp_path, permissive_umask):
    create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(tmp_path / "instance")})
    assert mode(tmp_path / "instance" / "app-secrets.json") == 0o600


def test_hdr_8_session_files_are_0600_in_a_0700_folder(tmp_path, permissive_umask):
    signed_in_app(tmp_path / "instance", SESSION_TYPE="cachelib")
    folder = tmp_path / "instance" / "sessions"
    files = list(folder.iterdir())
    assert files, "the sign-in wrote no session file"
    assert mode(folder) == 0o700
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_hdr_8_files_an_older_version_left_readable_are_made_private(tmp_path):
    instance = tmp_path / "instance"
    _older = signed_in_app(instance)  # still open, so its -wal and -shm are still there
    instance.chmod(0o755)
    for name in DATABASE_FILES:
        (instance / name).chmod(0o644)
    create_app(app_config(instance))
    assert mode(instance) == 0o700
    assert {name: mode(instance / name) for name in DATABASE_FILES} == {name: 0o600 for name in DATABASE_FILES}
