"""Walk finding 3 (issue 14): refusal pages tell the truth, and link back to the lab that sent you.

The walk met a refused cross-site logout whose header said "Session signed out" while the
student was still signed in (the browser had kept the SameSite=Lax cookie back, so the server
saw nobody), and an OAuth refusal saying "Nobody was signed in" under a header saying "OAuth
bob". Both pages explained nothing and linked only home.
"""

import re

import pytest

from tests.conftest import PASSWORDS

ATTACKER = "http://attacker.localhost:8003"
# What Chromium sends with a form another site submits.
FROM_THE_ATTACKER = {"Origin": ATTACKER, "Sec-Fetch-Site": "cross-site", "Referer": ATTACKER + "/"}


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def part(response, attribute):
    """The text of the element that carries `attribute` (data-standing, id="error-title"...)."""
    html = response.get_data(as_text=True)
    match = re.search(rf"<(\w+)\s[^>]*?{re.escape(attribute)}[^>]*>(.*?)</\1>", html, re.S)
    assert match, f"no element with {attribute}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(2))).strip()


def badge(response, mechanism):
    return re.search(rf'data-whoami="{mechanism}">([^<]*)<', response.get_data(as_text=True)).group(1)


def links(response):
    return re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', response.get_data(as_text=True))


def signed_in_client(app):
    client = app.test_client()
    assert client.post("/session/login", json={"username": "alice", "password": PASSWORDS["alice"]}).status_code == 200
    return client


def test_a_cross_site_post_that_brought_no_cookie_says_the_page_cannot_see_who_you_are(app):
    # The browser sent no cookie: SameSite=Lax stays home when another site posts a form.
    refused = app.test_client().post("/session/logout", headers=FROM_THE_ATTACKER)
    assert refused.status_code == 400
    assert "did not send this app's cookies" in part(refused, "data-standing")
    assert "If you were signed in, you still are" in part(refused, "data-standing")


def test_a_cross_site_post_that_brought_no_cookie_never_shows_signed_out_badges(app):
    refused = app.test_client().post("/session/logout", headers=FROM_THE_ATTACKER)
    assert [badge(refused, m) for m in ("jwt", "session", "oauth")] == ["cookie not sent"] * 3
    assert 'data-whoami-recheck="/whoami"' in refused.get_data(as_text=True)


def test_a_refused_cross_site_logout_names_the_request_and_the_site_that_sent_it(app):
    refused = app.test_client().post("/session/logout", headers=FROM_THE_ATTACKER)
    assert part(refused, "data-refused") == f"POST /session/logout, sent by a page on {ATTACKER}, another site"
    assert "400 Cross-site request refused" in part(refused, 'id="error-title"')


def test_a_refused_cross_site_request_explains_the_defence_and_that_nothing_changed(app):
    refused = app.test_client().post("/session/logout", headers=FROM_THE_ATTACKER)
    assert "Origin header must name this app" in part(refused, "data-why")
    assert part(refused, "data-standing").startswith("Nothing was changed")


def test_a_refusal_that_did_see_the_session_says_who_is_still_signed_in(app):
    client = signed_in_client(app)
    refused = client.post("/session/logout", headers={"Origin": ATTACKER})  # a browser that sent the cookie
    assert refused.status_code == 400
    assert "You are signed in: the session lab as alice." in part(refused, "data-standing")
    assert badge(refused, "session") == "alice"
    assert client.get("/session/whoami").get_json()["user"] == "alice"  # and it is true


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("/session/logout", ("/session/", "Back to the session lab")),
        ("/session/note", ("/session/", "Back to the session lab")),
        ("/oauth/logout", ("/oauth/", "Back to the OAuth lab")),
        ("/vulnerable/oauth/run/login-csrf", ("/vulnerable/oauth/", "Back to the OAuth attack bench")),
        ("/account/password", ("/account", "Back to your account")),
    ],
)
def test_a_refusal_links_first_to_the_lab_that_sent_you(app, path, back):
    refused = app.test_client().post(path, headers=FROM_THE_ATTACKER)
    assert refused.status_code == 400
    assert links(refused)[0] == back
    assert links(refused)[-1] == ("/", "Home")


def test_a_refusal_links_back_to_the_page_of_this_app_you_came_from(client):
    page = client.get("/jwt/admin", headers={"Accept": "text/html", "Referer": "http://localhost:8000/compare"})
    assert page.status_code == 401
    assert ("/compare", "Back to the page you came from") in links(page)


@pytest.mark.parametrize(
    "referer",
    [
        "http://localhost:8000//evil.example/x",
        "http://localhost:8000/\\evil.example",
        "http://localhost:8000/\t/evil.example",
        "http://evil.example/compare",
    ],
)
def test_a_refusal_never_links_back_to_another_host(client, referer):
    page = client.get("/jwt/admin", headers={"Accept": "text/html", "Referer": referer})
    assert all(href.startswith("/") and not href.startswith(("//", "/\\")) for href, _label in links(page))
    assert "evil.example" not in " ".join(href for href, _label in links(page))


@pytest.mark.parametrize("header", ["Origin", "Referer"])
@pytest.mark.parametrize("value", ["http://[", "http://[::1", "not a url at all", "http://" + "a" * 4000])
def test_a_refusal_page_survives_any_origin_or_referer(client, header, value):
    refused = client.post("/session/note", data={"note": "x"}, headers={header: value, "Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 400
    assert "Where you stand" in text_of(refused)


def test_a_signed_out_refusal_says_nobody_is_signed_in(client):
    page = client.get("/jwt/admin", headers={"Accept": "text/html"})
    assert part(page, "data-standing") == "You are not signed in under any of the three mechanisms in this browser."


def test_whoami_answers_who_each_mechanism_names(app):
    assert app.test_client().get("/whoami").get_json() == {"jwt": None, "session": None, "oauth": None}
    assert signed_in_client(app).get("/whoami").get_json() == {"jwt": None, "session": "alice", "oauth": None}


def test_the_json_answer_to_a_cross_site_post_keeps_the_apps_one_error_shape(app):
    refused = app.test_client().post("/session/logout", headers={**FROM_THE_ATTACKER, "Accept": "application/json"})
    assert refused.status_code == 400
    assert set(refused.get_json()) == {"error", "description"}
    assert refused.get_json()["description"].startswith("Cross-site request refused")


def test_a_refused_oauth_callback_says_an_earlier_oauth_sign_in_still_stands(client):
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "bob", "sub": "2", "provider": "builtin"}
    refused = client.get("/oauth/callback?state=forged&code=x", headers={"Referer": ATTACKER + "/"})
    assert refused.status_code == 400
    assert part(refused, "data-oauth-standing").startswith("You are still signed in with OAuth as bob")
    assert badge(refused, "oauth") == "bob"  # the header and the page agree


def test_a_refused_oauth_callback_with_nobody_signed_in_says_so(client):
    refused = client.get("/oauth/callback?state=forged&code=x")
    assert part(refused, "data-oauth-standing") == "You are not signed in with OAuth in this browser."
    assert badge(refused, "oauth") == "signed out"


def test_a_refused_oauth_callback_opened_from_the_attacker_site_links_back_to_the_bench(client):
    refused = client.get("/oauth/callback?state=forged&code=x", headers={"Referer": ATTACKER + "/"})
    assert "Back to the OAuth attack bench" in text_of(refused)
    assert 'href="/vulnerable/oauth/#login-csrf"' in refused.get_data(as_text=True)
