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
        f"{client_id} asked for its own registered URI {uri} and got {response.status_code} "
        f"{response.headers.get('Location', 'with no redirect')}: the registered URIs must still get the code."
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
def test_a_uri_that_merely_starts_with_a_registered_one_is_refused(ex, client, client_id, uri):
    response = authorize(client, client_id, uri)
    assert response.status_code == 400 and "Location" not in response.headers, (
        f"The provider sent {client_id}'s code to {uri} ({response.status_code}), a URI the client never "
        f"registered (it registered {ex.CLIENTS[client_id]}): whoever controls the rest of that URI "
        "now holds the code."
    )


def test_a_case_variant_is_refused(client):
    response = authorize(client, "notes-app", NOTES.upper())
    assert response.status_code == 400, (
        f"{NOTES.upper()} got {response.status_code} for notes-app, which registered {NOTES}: a URI that "
        "differs from the registered one got the code (RFC 9700 compares them as strings)."
    )


def test_another_clients_uri_is_refused(client):
    response = authorize(client, "notes-app", "https://photos.example")
    assert response.status_code == 400, (
        f"notes-app asked for photo-app's redirect URI and got {response.status_code}: one client's code went to "
        "another client's address."
    )


def test_an_unknown_client_gets_an_error_page_not_a_redirect(client):
    response = authorize(client, "nobody", NOTES)
    assert response.status_code == 400 and "Location" not in response.headers, (
        f"An unknown client_id got {response.status_code} {response.headers.get('Location', '')}: with no "
        "registered URI to trust, the provider must show the error on its own page (400), never redirect "
        "(RFC 6749 §4.1.2.1)."
    )


def test_the_check_itself_is_exact(ex):
    assert ex.redirect_uri_allowed("notes-app", NOTES) is True, (
        "redirect_uri_allowed('notes-app', its registered URI) did not return True."
    )
    assert not ex.redirect_uri_allowed("notes-app", NOTES + "/"), (
        "redirect_uri_allowed() said yes to notes-app's registered URI with a '/' added: that is another URI."
    )
