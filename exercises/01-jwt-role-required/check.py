"""Checks for exercise 1: the role-required decorator (401 without a token, 403 with the wrong role)."""

import pytest
from flask_jwt_extended import create_access_token


@pytest.fixture
def app(ex):
    return ex.create_app()


def bearer(app, role="admin", **claims):
    """An Authorization header for a token with this role (role=None: no role claim at all)."""
    if role is not None:
        claims["role"] = role
    with app.app_context():
        token = create_access_token(identity="alice", additional_claims=claims)
    return {"Authorization": f"Bearer {token}"}


def test_an_admin_token_opens_admin(app):
    response = app.test_client().get("/admin", headers=bearer(app, "admin"))
    assert response.status_code == 200, (
        f"A valid token with role 'admin' got {response.status_code} at /admin: an admin must get 200 and "
        "the view's own answer."
    )


def test_a_user_token_gets_403_at_admin(app):
    response = app.test_client().get("/admin", headers=bearer(app, "user"))
    assert response.status_code == 403, (
        f"A valid token with role 'user' got {response.status_code} at /admin: the API knows who this is, "
        "and the answer to a known user without the role is 403 Forbidden."
    )


def test_the_403_says_why_in_json(app):
    response = app.test_client().get("/admin", headers=bearer(app, "user"))
    body = response.get_json(silent=True)
    assert response.status_code == 403 and isinstance(body, dict) and body.get("error"), (
        f"The refusal of role 'user' came back as {response.status_code} {response.content_type} "
        f"{response.get_data(as_text=True)[:60]!r}: an API client expects a 403 whose JSON body has an "
        "'error' saying why."
    )


def test_a_token_without_a_role_claim_gets_403_not_a_crash(app):
    response = app.test_client().get("/admin", headers=bearer(app, role=None))
    assert response.status_code == 403, (
        f"A valid token with no 'role' claim at all got {response.status_code} at /admin (a 500 means the "
        "code crashed on the missing claim): no role is not the admin role, so 403."
    )


def test_a_role_that_merely_contains_admin_gets_403(app):
    response = app.test_client().get("/admin", headers=bearer(app, "not-admin"))
    assert response.status_code == 403, (
        f"A token with role 'not-admin' got {response.status_code} at /admin: it was let in as if it were an admin's."
    )


def test_no_token_still_gets_401(app):
    response = app.test_client().get("/admin")
    assert response.status_code == 401, (
        f"A request with no token at all got {response.status_code} at /admin: a caller nobody knows gets "
        "401 (who are you?) before any question of roles."
    )


def test_a_forged_token_still_gets_401(app):
    header = bearer(app, "admin")["Authorization"]
    forged = header[:-4] + ("AAAA" if not header.endswith("AAAA") else "BBBB")
    response = app.test_client().get("/admin", headers={"Authorization": forged})
    assert response.status_code == 401, (
        f"An admin token with a broken signature got {response.status_code} at /admin: a forged token "
        "must get 401, whatever role it claims."
    )


def test_the_decorator_keeps_the_view_name(ex):
    name = ex.role_required("admin")(lambda: None).__name__
    assert name == "<lambda>", (
        f"role_required('admin') turned a view named '<lambda>' into one named {name!r}: Flask registers "
        "views by name, so a second protected view would clash with the first."
    )
