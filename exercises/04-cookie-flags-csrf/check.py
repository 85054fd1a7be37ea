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
    header = set_cookie_header(app)
    assert flags(header).get("httponly"), (
        f"The login's Set-Cookie has no HttpOnly ({header!r}): any script in the page, an injected one "
        "too, can read the session cookie with document.cookie."
    )


def test_the_session_cookie_is_samesite_lax(app):
    samesite = flags(set_cookie_header(app)).get("samesite")
    assert samesite == "Lax", (
        f"The login's Set-Cookie says SameSite={samesite!r}: with that, a form posted from another site carries "
        "the session cookie (Lax leaves it off; Strict also drops it when someone follows a link to the site)."
    )


def test_the_session_cookie_is_secure_in_production(ex):
    header = set_cookie_header(ex.create_app(production=True))
    assert flags(header).get("secure"), (
        f"With production=True the login's Set-Cookie has no Secure ({header!r}): the browser would send the "
        "session cookie over plain http too, where anyone on the network can read it."
    )


def test_the_session_cookie_works_over_plain_http_in_development(app):
    assert not flags(set_cookie_header(app)).get("secure"), (
        "With production=False the login's Set-Cookie is Secure: a browser on http://localhost never sends "
        "it back, so nobody can stay signed in during development."
    )


def test_the_session_cookie_has_no_domain_attribute(app):
    header = set_cookie_header(app)
    assert "domain" not in flags(header), (
        f"The login's Set-Cookie names a Domain ({header!r}): the browser then sends the cookie to every "
        "subdomain as well."
    )


def test_a_transfer_with_the_right_token_goes_through(app):
    client, token = signed_in(app)
    response = client.post("/transfer", data={"amount": "10", "to": "bob", "csrf_token": token})
    assert response.status_code == 200, (
        f"A genuine transfer (this session's token, no foreign Origin) got {response.status_code}: the site's own "
        "forms must still work."
    )


def test_a_transfer_without_a_token_is_refused(app):
    client, _ = signed_in(app)
    response = client.post("/transfer", data={"amount": "1000", "to": "mallory"})
    assert response.status_code == 403, (
        f"A POST to /transfer with the session cookie and no CSRF token got {response.status_code}: a forged form "
        "on another site looks exactly like this request, and must get 403."
    )


def test_a_transfer_with_a_wrong_token_is_refused(app):
    client, token = signed_in(app)
    response = client.post("/transfer", data={"amount": "1000", "to": "mallory", "csrf_token": token[::-1]})
    assert response.status_code == 403, (
        f"A POST to /transfer with a wrong CSRF token (the right one, reversed) got {response.status_code}: if "
        "any token will do, the token protects nothing. 403."
    )


def test_a_transfer_from_another_origin_is_refused(app):
    client, token = signed_in(app)
    response = client.post(
        "/transfer",
        data={"amount": "1000", "to": "mallory", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403, (
        f"A POST to /transfer with the right token but Origin: https://evil.example got {response.status_code}: "
        "the browser said another site sent it, and the transfer went ahead. 403."
    )


def test_login_itself_needs_the_token(app):
    client = app.test_client()
    response = client.post("/login", data=ALICE)
    assert response.status_code == 403, (
        f"A login POST from a browser that never loaded the login form (no token in its session, none sent) "
        f"got {response.status_code}: an attacker's page can sign a victim into the attacker's account this "
        "way (login CSRF). 403."
    )
