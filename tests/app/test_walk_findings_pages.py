"""Walk findings 8, 10 and 11 (issue 14), as the pages answer them.

8: /account was a 404 and nothing linked an account page. 10: after a revocation at the
provider, the OAuth lab said little about why the app's sign-in stands. 11: axe found an empty
table header on the home page.
"""

import re
from html.parser import HTMLParser

from tests.conftest import PASSWORDS

ALICE = {"username": "alice", "password": PASSWORDS["alice"]}


def html_of(response):
    return response.get_data(as_text=True)


def header_links(response):
    header = html_of(response).split("</header>")[0]
    return dict((label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', header))


def test_account_is_a_page_not_a_404(client):
    assert client.get("/account").status_code == 200


def test_the_account_page_names_the_signed_in_account_and_its_role(client):
    client.post("/session/login", json=ALICE)
    page = html_of(client.get("/account"))
    assert "data-account-username>alice<" in page and "data-account-role>admin<" in page
    assert 'href="/account/password"' in page


def test_the_account_page_signed_out_says_how_to_sign_in(client):
    page = html_of(client.get("/account"))
    assert "data-account-signed-out" in page
    assert 'href="/session/">Sign in at the session lab' in page


def test_the_header_links_the_account_page_when_signed_in(client):
    client.post("/session/login", json=ALICE)
    assert header_links(client.get("/"))["Account"] == "/account"


def test_the_header_offers_sign_up_and_no_account_link_when_signed_out(client):
    links = header_links(client.get("/"))
    assert links["Sign up"] == "/signup" and "Account" not in links


def test_the_account_page_shows_each_mechanism_independently(client):
    client.post("/session/login", json=ALICE)  # a fresh session (SES-2): sign in first, then OAuth
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "bob", "sub": "2", "provider": "builtin"}
    listed = html_of(client.get("/account")).split("data-account-mechanisms>")[1].split("</ul>")[0]
    mechanisms = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", listed))
    assert "Session: alice" in mechanisms and "OAuth: bob" in mechanisms and "JWT: no JWT cookie" in mechanisms


def signed_in_with_oauth(client, revoke_outcome=None):
    with client.session_transaction() as session:
        session["oauth_identity"] = {"name": "alice", "sub": "1", "provider": "builtin"}
        session["oauth_tokens"] = {"access_token": "a", "refresh_token": "r", "token_type": "Bearer"}
        extra = [{"title": "Revoke the grant", "outcome": revoke_outcome, "wire": []}] if revoke_outcome else []
        session["oauth_dance"] = {"provider": "builtin", "paused": False, "steps": {}, "extra": extra}


REVOKED = (
    "The provider answered 200 at its revocation_endpoint: "
    "the refresh token, and with it the grant at most providers revoked."
)


def test_after_a_revocation_the_oauth_lab_says_you_are_still_signed_in_here_and_why(client):
    signed_in_with_oauth(client, REVOKED)
    page = html_of(client.get("/oauth/"))
    assert "data-revoked-note" in page and "still signed in here as <strong>alice</strong>" in page
    assert "Only the app ends it" in re.sub(r"\s+", " ", page)


def test_a_refused_revocation_is_not_reported_as_a_revocation(client):
    signed_in_with_oauth(client, "Refused: the provider did not answer")
    assert "data-revoked-note" not in html_of(client.get("/oauth/"))


def test_the_oauth_lab_offers_the_next_actions_while_signed_in(client):
    signed_in_with_oauth(client, REVOKED)
    page = html_of(client.get("/oauth/"))
    assert 'action="/oauth/api"' in page  # ask the provider again: the user API's 401 shows the revocation
    assert "Sign out here, and at the provider</button>" in page
    assert "Back-Channel Logout" in page and "end_session_endpoint" in page


def test_the_oauth_lab_signed_out_has_no_revocation_section(client):
    assert "data-what-revocation-ends" not in html_of(client.get("/oauth/"))


class HeaderCells(HTMLParser):
    """The text of every <th>, hidden-from-sight text included (a screen reader reads it)."""

    def __init__(self):
        super().__init__()
        self.cells, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.cells.append("")
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "th":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.cells[-1] += data


def test_every_table_header_on_the_home_page_has_text(client):
    parser = HeaderCells()
    parser.feed(html_of(client.get("/")))
    assert parser.cells and all(cell.strip() for cell in parser.cells), parser.cells
