"""Checks for exercise 6: a redirect_uri must equal a registered one exactly; errors never redirect."""

from urllib.parse import urlencode

import pytest

NOTES = "http://localhost:8000/oauth/callback"


@pytest.fixture
def client(ex):
    return ex.create_app().test_client()


def authorize(client, client_id, redirect_uri):
    return client.get("/authorize?" + urlencode({"client_id": client_id, "redirect_uri": redirect_uri, "state": "s"}))


@pytest.mark.parametrize(
    ("client_id", "uri"),
    [
        ("notes-app", NOTES),
        ("photo-app", "https://photos.example"),
        ("photo-app", "https://photos.example/mobile/callback"),
    ],
    ids=["notes callback", "photos root", "photos mobile callback"],
)
def test_a_registered_redirect_uri_gets_the_code(client, client_id, uri):
    response = authorize(client, client_id, uri)
    assert response.status_code == 302 and response.headers["Location"].startswith(uri + "?code="), (
        f"The registered URI {uri} was refused ({response.status_code}): exact matches must still work."
    )


# Each of these starts with a registered URI, and each would send the code to somebody else.
LOOKALIKES = {
    "host extended": ("photo-app", "https://photos.example.evil.com/steal"),
    "userinfo trick": ("photo-app", "https://photos.example@evil.com/steal"),
    "port added": ("photo-app", "https://photos.example:8443/steal"),
    "path extended": ("notes-app", NOTES + "-evil"),
    "dot-dot path": ("notes-app", NOTES + "/../../open-redirect?to=https://evil.com"),
    "query added": ("notes-app", NOTES + "?next=https://evil.com"),
    "fragment added": ("notes-app", NOTES + "#evil"),
    "subpath": ("photo-app", "https://photos.example/uploads/attacker-page"),
}


@pytest.mark.parametrize(("client_id", "uri"), LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_a_uri_that_merely_starts_with_a_registered_one_is_refused(client, client_id, uri):
    response = authorize(client, client_id, uri)
    assert response.status_code == 400 and "Location" not in response.headers, (
        f"{uri} was accepted ({response.status_code}) because it starts with a registered URI. Prefix "
        "matching hands the code to whoever controls the rest of that URI: compare whole strings."
    )


def test_a_case_variant_is_refused(client):
    response = authorize(client, "notes-app", NOTES.upper())
    assert response.status_code == 400, (
        "An upper-cased variant was accepted: RFC 9700 asks for exact string comparison."
    )


def test_another_clients_uri_is_refused(client):
    response = authorize(client, "notes-app", "https://photos.example")
    assert response.status_code == 400, "notes-app was allowed to use photo-app's redirect URI: match per client."


def test_an_unknown_client_gets_an_error_page_not_a_redirect(client):
    response = authorize(client, "nobody", NOTES)
    assert response.status_code == 400 and "Location" not in response.headers, (
        "An unknown client got a redirect: with no verified redirect URI the error must be shown on "
        "the provider's own page (RFC 6749 §4.1.2.1)."
    )


def test_the_check_itself_is_exact(ex):
    assert ex.redirect_uri_allowed("notes-app", NOTES) is True, (
        "redirect_uri_allowed() should return True for a registered URI, given exactly."
    )
    assert not ex.redirect_uri_allowed("notes-app", NOTES + "/"), (
        "redirect_uri_allowed() accepts the registered URI with a '/' added: exact means exact."
    )
