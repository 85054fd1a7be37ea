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
        f"An admin's token got {response.status_code} at /admin instead of 200: compare the role claim "
        "with `role` (==), and let the view run when they match."
    )


def test_a_user_token_gets_403_at_admin(app):
    response = app.test_client().get("/admin", headers=bearer(app, "user"))
    assert response.status_code == 403, (
        f"A token with role 'user' got {response.status_code} at /admin: a valid token with the wrong role "
        "must get 403 Forbidden (you are known, but not allowed)."
    )


def test_the_403_says_why_in_json(app):
    response = app.test_client().get("/admin", headers=bearer(app, "user"))
    body = response.get_json(silent=True)
    assert response.status_code == 403 and isinstance(body, dict) and body.get("error"), (
        'The refusal should be JSON with an "error" key, e.g. return jsonify(error="admins only"), 403.'
    )


def test_a_token_without_a_role_claim_gets_403_not_a_crash(app):
    response = app.test_client().get("/admin", headers=bearer(app, role=None))
    assert response.status_code == 403, (
        f"A token with no 'role' claim got {response.status_code}: use get_jwt().get('role') so a missing "
        "claim is a 403, not a KeyError (which Flask answers with 500)."
    )


def test_a_role_that_merely_contains_admin_gets_403(app):
    response = app.test_client().get("/admin", headers=bearer(app, "not-admin"))
    assert response.status_code == 403, (
        "A role of 'not-admin' was let in: compare the whole string (role == 'admin'), never a substring "
        "('admin' in role) or a prefix."
    )


def test_no_token_still_gets_401(app):
    response = app.test_client().get("/admin")
    assert response.status_code == 401, (
        f"A request with no token got {response.status_code}: keep verify_jwt_in_request() first, so "
        "no token is 401 (who are you?) before any role check (403)."
    )


def test_a_forged_token_still_gets_401(app):
    header = bearer(app, "admin")["Authorization"]
    forged = header[:-4] + ("AAAA" if not header.endswith("AAAA") else "BBBB")
    response = app.test_client().get("/admin", headers={"Authorization": forged})
    assert response.status_code == 401, (
        f"A token with a broken signature got {response.status_code}: check the role only after "
        "verify_jwt_in_request() has checked the signature."
    )


def test_the_decorator_keeps_the_view_name(ex):
    assert ex.role_required("admin")(lambda: None).__name__ == "<lambda>", (
        "The wrapper hides the view's name: keep @wraps(view) on it, or Flask sees every protected "
        "view as 'wrapper' and refuses to register a second one."
    )
