"""The resource-server page: introspection (RFC 7662) beside a JWT access token (RFC 9068).

One job, two tokens: the opaque one is checked by the inventory API asking the provider, the
at+jwt by the JWT lab's API alone. Revoked at the provider (RFC 7009), the first is refused at
once and the second still accepted until its exp: the page shows both.
"""

import json
import re

import pytest

from tests.oauth.test_oauth_machine import MachinePage, lab  # noqa: F401  (the fixture)


def rows(html, hop):
    """(kind, status) of each row of the newest event table for `hop`."""
    table = html.split(f'data-resource-event="{hop}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-kind="(\w+)">.*?<span class="verdict \w+">(\d+)</span>', table, re.S)


def recorded_hops(html):
    """The hop names of every exchange embedded for the wire panels."""
    blocks = [block.split("</script>", 1)[0] for block in html.split("data-wire-records>")[1:]]
    return [record["hop"] for block in blocks for record in json.loads(block)]


@pytest.fixture
def page(lab):  # noqa: F811
    live, _handed = lab
    page = MachinePage(live, "/oauth/resource")
    response = page.press("tokens")
    assert response.status_code == 200 and "data-resource-error" not in response.text, response.text[:2000]
    return page


def test_rfc9068_the_page_gets_an_opaque_token_and_an_at_jwt(page):
    html = page.get().text
    header = html.split("data-resource-jwt-header>", 1)[1].split("</pre>", 1)[0]
    assert "at+jwt" in header and "RS256" in header
    assert "Accepted: a valid access token of the provider, for this API" in html


def test_rfc7662_rfc9068_both_tokens_are_accepted_each_its_way(page):
    html = page.press("call").text
    assert rows(html, "call") == [("opaque", "200"), ("jwt", "200")]
    # The opaque token's call made a hop to the provider; the JWT's made none.
    assert recorded_hops(html).count("API → provider") == 1
    assert recorded_hops(html).count("machine → API") == 2


def test_rfc7009_after_revocation_introspection_refuses_and_local_verification_does_not(page):
    page.press("call")
    page.press("revoke")
    html = page.press("call").text
    assert rows(html, "after") == [("opaque", "401"), ("jwt", "200")]
    assert "data-resource-revoked" in html
    assert "nothing here can know" in html  # the inspector still passes every check


def test_rfc7662_the_jwt_introspected_after_revocation_is_refused(page):
    page.press("revoke")
    html = page.press("introspect-jwt").text
    assert rows(html, "after") == [("jwt", "401")]


def test_rfc7662_before_revocation_the_introspected_jwt_is_accepted(page):
    assert rows(page.press("introspect-jwt").text, "call") == [("jwt", "200")]


def test_the_sequence_diagram_fills_in(page):
    done = re.compile(r'class="hop [^"]* done" data-hop="(\w+)"')
    assert set(done.findall(page.get().text)) == {"tokens"}
    page.press("call")
    page.press("revoke")
    assert set(done.findall(page.press("call").text)) == {"tokens", "call", "revoke", "after"}


def test_steps_before_the_tokens_say_so_and_unknown_steps_are_404(lab):  # noqa: F811
    live, _handed = lab
    page = MachinePage(live, "/oauth/resource")
    assert "Get the two tokens first (step 1)." in page.press("call").text
    assert page.press("nope").status_code == 404


def test_the_page_keeps_a_bounded_history(page):
    for _ in range(10):
        page.press("introspect-jwt")
    assert page.get().text.count("data-resource-event=") == 8


def test_without_the_clients_the_page_says_how_to_get_them(client):
    page = client.get("/oauth/resource")
    assert page.status_code == 200
    assert "The machine clients are not configured" in page.get_data(as_text=True)
