"""Checks for exercise 4: HttpOnly, SameSite=Lax, Secure in production, and a CSRF check on POST."""

import pytest

ALICE = {"username": "alice", "password": "wonderland"}


@pytest.fixture
def app(ex):
    return ex.create_app()


def set_cookie_header(app):
    """The Set-Cookie the login answers with (read the header itself: the test client ignores flags)."""
    client = app.test_client()
    token = client.get("/login").get_json()["csrf_token"]
    response = client.post("/login", data={**ALICE, "csrf_token": token})
    return response.headers.get("Set-Cookie", "")


def flags(header):
    """{'httponly': True, 'samesite': 'Lax', ...} from one Set-Cookie header."""
    found = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        found[name.lower()] = value or True
    return found


def signed_in(app):
    """A client signed in as alice, and its current CSRF token."""
    client = app.test_client()
    token = client.get("/login").get_json()["csrf_token"]
    body = client.post("/login", data={**ALICE, "csrf_token": token}).get_json()
    return client, body["csrf_token"]


def test_the_session_cookie_is_httponly(app):
    assert flags(set_cookie_header(app)).get("httponly"), (
        "The session cookie is not HttpOnly: any script in the page (an XSS) can read it with "
        "document.cookie. Set SESSION_COOKIE_HTTPONLY = True."
    )


def test_the_session_cookie_is_samesite_lax(app):
    samesite = flags(set_cookie_header(app)).get("samesite")
    assert samesite == "Lax", (
        f"The session cookie's SameSite is {samesite!r}: set SESSION_COOKIE_SAMESITE = 'Lax' so the browser "
        "leaves it off cross-site POSTs (Strict would also drop it when a user follows a link to you)."
    )


def test_the_session_cookie_is_secure_in_production(ex):
    header = set_cookie_header(ex.create_app(production=True))
    assert flags(header).get("secure"), (
        "In production the session cookie must be Secure (HTTPS only): tie SESSION_COOKIE_SECURE to production."
    )


def test_the_session_cookie_works_over_plain_http_in_development(app):
    assert not flags(set_cookie_header(app)).get("secure"), (
        "In development (production=False) the cookie is Secure, so a browser on http://localhost would "
        "never send it back: Secure only when production=True."
    )


def test_the_session_cookie_has_no_domain_attribute(app):
    assert "domain" not in flags(set_cookie_header(app)), (
        "The cookie names a Domain: that shares it with every subdomain. Leave SESSION_COOKIE_DOMAIN unset."
    )


def test_a_transfer_with_the_right_token_goes_through(app):
    client, token = signed_in(app)
    response = client.post("/transfer", data={"amount": "10", "to": "bob", "csrf_token": token})
    assert response.status_code == 200, (
        f"A genuine transfer (right token, same site) got {response.status_code}: the check must let it through."
    )


def test_a_transfer_without_a_token_is_refused(app):
    client, _ = signed_in(app)
    response = client.post("/transfer", data={"amount": "1000", "to": "mallory"})
    assert response.status_code == 403, (
        f"A POST with no CSRF token got {response.status_code}: a forged form on another site looks exactly "
        "like this. Refuse it with 403."
    )


def test_a_transfer_with_a_wrong_token_is_refused(app):
    client, token = signed_in(app)
    response = client.post("/transfer", data={"amount": "1000", "to": "mallory", "csrf_token": token[::-1]})
    assert response.status_code == 403, (
        f"A POST with a wrong CSRF token got {response.status_code}: compare the sent token with session['csrf']."
    )


def test_a_transfer_from_another_origin_is_refused(app):
    client, token = signed_in(app)
    response = client.post(
        "/transfer",
        data={"amount": "1000", "to": "mallory", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403, (
        f"A POST whose Origin is https://evil.example got {response.status_code}: refuse any Origin that is "
        "not this site's own."
    )


def test_login_itself_needs_the_token(app):
    client = app.test_client()
    response = client.post("/login", data=ALICE)
    assert response.status_code == 403, (
        f"A login POST without a token got {response.status_code}: login CSRF signs the victim into the "
        "attacker's account. A session without any token yet must be refused too (no None == None)."
    )
