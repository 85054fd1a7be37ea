"""The machine and resource-server pages in a real browser: each hop pressed, the page filling in."""

import pytest
from playwright.sync_api import expect

from tests.oauth.test_oauth_machine import lab  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_rfc6749_4_4_the_machine_page_hop_by_hop(page, lab):  # noqa: F811
    live, handed = lab
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("link", name="Machine to machine").click()
    expect(page.locator("h1")).to_contain_text("client credentials")
    expect(page.locator(".hop.done")).to_have_count(0)

    page.get_by_role("button", name="Ask for a token").click()
    expect(page.locator("[data-machine-answer]")).to_contain_text("inventory:read")
    expect(page.locator("[data-machine-no-refresh]")).to_contain_text("SHOULD NOT")
    expect(page.locator(".hop.done")).to_have_count(2)
    # The wire panel (static/js/wire.js) shows the token request with the secret masked (LAB-2).
    panel = page.locator("#wire-machine-token")
    expect(panel.locator(".wire-list .hl-auth")).to_contain_text("Basic *** (masked)")
    expect(panel).not_to_contain_text(handed["MACHINE_CLIENT_SECRET"])

    page.get_by_role("button", name="Call GET /oauth/api/inventory with the token").click()
    expect(page.locator("[data-machine-api-status]")).to_contain_text("200")
    expect(page.locator("[data-machine-username]")).to_have_text("none")
    expect(page.locator(".hop.done")).to_have_count(6)
    # In the order they ended (the panel draws the newest on top): the API's hop, then the call.
    expect(page.locator("#wire-machine-api .wire-hop")).to_have_text(["API → provider", "machine → API"])

    page.get_by_role("button", name="Ask for openid, a person's scope").click()
    expect(page.locator("[data-machine-limit-outcome]").last).to_contain_text("invalid_scope")


def test_rfc7662_rfc9068_the_resource_page_shows_a_revocation_land(page, lab):  # noqa: F811
    live, _handed = lab
    page.goto(f"{live.app_url}/oauth/")
    page.get_by_role("link", name="The resource server").click()
    page.get_by_role("button", name="Get the two tokens").click()
    expect(page.locator("[data-resource-jwt-header]")).to_contain_text("at+jwt")
    expect(page.locator("[data-resource-inspected] [data-final]")).to_contain_text("Accepted")

    page.get_by_role("button", name="Call both APIs").click()
    calls = page.locator('[data-resource-event="call"]').first
    expect(calls.locator('[data-kind="opaque"] .verdict')).to_have_text("200")
    expect(calls.locator('[data-kind="jwt"] .verdict')).to_have_text("200")

    page.get_by_role("button", name="Revoke both at the provider").click()
    expect(page.locator("[data-resource-revoked]")).to_be_visible()
    page.get_by_role("button", name="Call both APIs").click()
    after = page.locator('[data-resource-event="after"]').first
    expect(after.locator('[data-kind="opaque"] .verdict')).to_have_text("401")
    expect(after.locator('[data-kind="jwt"] .verdict')).to_have_text("200")
    expect(page.locator(".hop.done")).to_have_count(7)

    page.get_by_role("button", name="Send the JWT to the introspecting API").click()
    expect(page.locator('[data-resource-event="after"]').first.locator(".verdict")).to_have_text("401")
