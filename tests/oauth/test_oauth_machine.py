"""The machine page and the inventory API: client credentials (RFC 6749 §4.4) against the provider.

The machine client, the JWT machine client and the inventory API's own client are the
provider's seeded lab clients (provider/lab_clients.py); the live provider hands their values
over in its own instance folder, copied here into the live app's configuration as a developer
would (lab_clients.lab_setting reads the configuration first).
"""

import json
from pathlib import Path

import pytest
import requests

from tests.oauth_flow import csrf_token

SETTINGS = (
    "MACHINE_CLIENT_ID",
    "MACHINE_CLIENT_SECRET",
    "MACHINE_JWT_CLIENT_ID",
    "MACHINE_JWT_CLIENT_SECRET",
    "RESOURCE_SERVER_CLIENT_ID",
    "RESOURCE_SERVER_CLIENT_SECRET",
    "API_AUDIENCE",
)


@pytest.fixture
def lab(live, monkeypatch):
    """The live servers, the app knowing the provider's lab clients; their values."""
    handed = json.loads((Path(live.provider.instance_path) / "lab-clients.json").read_text())
    for name in SETTINGS:
        monkeypatch.setitem(live.app.config, name, handed[name])
    return live, handed


class MachinePage:
    """A browser with no JavaScript on the machine page: it reads the page and presses buttons."""

    def __init__(self, live, path="/oauth/machine"):
        self.live, self.path = live, path
        self.http = requests.Session()

    def get(self):
        return self.http.get(f"{self.live.app_url}{self.path}", timeout=30)

    def press(self, action):
        token = csrf_token(self.get().text)
        return self.http.post(
            f"{self.live.app_url}{self.path}/{action}",
            data={"csrf_token": token},
            headers={"Origin": self.live.app_url},
            timeout=30,
        )


def token_for(live, handed, kind="MACHINE", scope="inventory:read"):
    response = requests.post(
        f"{live.provider_url}/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(handed[f"{kind}_CLIENT_ID"], handed[f"{kind}_CLIENT_SECRET"]),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def inventory(live, token, method="GET", **headers):
    return requests.request(
        method,
        f"{live.app_url}/oauth/api/inventory",
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=10,
    )


# -- the page, hop by hop -------------------------------------------------------------------


def test_rfc6749_4_4_the_page_gets_a_token_with_no_refresh_token_and_no_id_token(lab):
    live, handed = lab
    page = MachinePage(live)
    response = page.press("token")
    assert response.status_code == 200
    html = response.text
    assert "data-machine-answer" in html and "data-machine-no-refresh" in html
    assert "<code>inventory:read</code>" in html
    assert handed["MACHINE_CLIENT_SECRET"] not in html  # LAB-2: masked on the wire panel
    records = json.loads(html.split("data-wire-records>", 1)[1].split("</script>", 1)[0])
    sent = dict(records[0]["request"]["headers"])
    assert records[0]["request"]["url"].endswith("/token") and sent["Authorization"].startswith("Basic")
    assert "grant_type=client_credentials" in records[0]["request"]["body"]
    answer = json.loads(records[0]["response"]["body"])
    assert "refresh_token" not in answer and "id_token" not in answer


def test_rfc7662_the_api_call_shows_the_introspection_hop_and_no_user(lab):
    live, _handed = lab
    page = MachinePage(live)
    page.press("token")
    html = page.press("call").text
    assert "The API answered <strong>200</strong>" in html
    assert "<strong data-machine-username>none</strong>" in html
    blocks = html.split("data-wire-records>")[1:]
    api_records = json.loads(blocks[1].split("</script>", 1)[0])
    hops = [(record["hop"], record["request"]["url"].rsplit("/", 1)[-1]) for record in api_records]
    assert hops == [("API → provider", "introspect"), ("machine → API", "inventory")]  # in the order they ended
    introspected = json.loads(api_records[0]["response"]["body"])
    assert introspected["active"] is True and "username" not in introspected


def test_the_sequence_diagram_fills_in(lab):
    live, _handed = lab
    page = MachinePage(live)
    assert page.get().text.count('class="hop span-') == 6
    assert page.get().text.count(' done" data-hop=') == 0
    page.press("token")
    assert page.get().text.count(' done" data-hop=') == 2
    page.press("call")
    assert page.get().text.count(' done" data-hop=') == 6


@pytest.mark.parametrize(
    ("action", "outcome"),
    [
        ("scope-write", "invalid_scope: This client is not registered for: inventory:write."),
        ("scope-openid", "invalid_scope: openid: no user takes part in client credentials."),
        ("userinfo", 'The provider answered 403: Bearer realm="'),
        ("restock", "The API answered 403: This needs the inventory:write scope."),
    ],
)
def test_rfc6749_5_2_a_wrong_scope_and_no_user_are_refused(lab, action, outcome):
    live, _handed = lab
    page = MachinePage(live)
    page.press("token")
    html = page.press(action).text
    assert outcome in html.replace("&#34;", '"').replace("&quot;", '"')


def test_calling_before_a_token_says_so(lab):
    live, _handed = lab
    html = MachinePage(live).press("call").text
    assert "Ask for a token first (step 1)." in html


def test_an_unknown_step_is_a_404_and_a_forged_post_is_a_400(lab):
    live, _handed = lab
    page = MachinePage(live)
    url = f"{live.app_url}/oauth/machine/token"
    assert page.press("steal-the-secret").status_code == 404
    assert page.http.post(url, data={"x": "1"}, timeout=10).status_code == 400  # a form without the CSRF token
    assert page.http.post(url, headers={"Origin": live.attacker_url}, timeout=10).status_code == 400
    assert requests.get(url, timeout=10).status_code == 405


def test_without_the_machine_client_the_page_says_how_to_get_one(client):
    page = client.get("/oauth/machine")
    assert page.status_code == 200
    assert "The machine client is not configured" in page.get_data(as_text=True)


# -- the inventory API: a resource server that introspects (RFC 7662, RFC 6750) ---------------


def test_rfc7662_the_api_accepts_an_active_token_with_the_scope(lab):
    live, handed = lab
    response = inventory(live, token_for(live, handed))
    assert response.status_code == 200
    assert response.json()["token"]["client_id"] == handed["MACHINE_CLIENT_ID"]
    assert response.json()["token"]["username"] is None


def test_rfc7662_the_api_accepts_a_jwt_access_token_by_introspection_too(lab):
    live, handed = lab
    assert inventory(live, token_for(live, handed, "MACHINE_JWT")).status_code == 200


def test_rfc6750_3_1_no_token_is_a_bare_challenge(lab):
    live, _handed = lab
    response = requests.get(f"{live.app_url}/oauth/api/inventory", timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authlab-inventory"'


@pytest.mark.parametrize("token", ["garbage-that-is-not-a-token", "x" * 5000, "a b", "é"])
def test_rfc7662_an_unknown_or_malformed_token_is_invalid_token(lab, token):
    live, _handed = lab
    response = inventory(live, token)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_rfc7662_a_revoked_token_is_refused_at_once(lab):
    live, handed = lab
    token = token_for(live, handed)
    assert inventory(live, token).status_code == 200
    revoked = requests.post(
        f"{live.provider_url}/revoke",
        data={"token": token},
        auth=(handed["MACHINE_CLIENT_ID"], handed["MACHINE_CLIENT_SECRET"]),
        timeout=10,
    )
    assert revoked.status_code == 200
    response = inventory(live, token)
    assert response.status_code == 401
    assert response.json()["description"] == "The provider says this token is not active."


def test_rfc6750_3_1_a_token_without_the_scope_is_insufficient_scope(lab):
    live, handed = lab
    response = inventory(live, token_for(live, handed), method="POST")
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert 'scope="inventory:write"' in response.headers["WWW-Authenticate"]


def test_rfc7662_a_users_token_has_no_inventory_scope(lab):
    """A token from the code flow (a person's openid profile email) is active but not for stock."""
    from tests.oauth_flow import ProviderFlow

    live, _handed = lab
    flow = ProviderFlow(live.provider.test_client(), redirect_uri=f"{live.app_url}/oauth/callback")
    flow.login()
    response = inventory(live, flow.tokens()["access_token"])
    assert response.status_code == 403 and 'scope="inventory:read"' in response.headers["WWW-Authenticate"]


def test_hdr_7_an_api_that_cannot_introspect_fails_closed_with_a_401(lab, monkeypatch):
    live, handed = lab
    token = token_for(live, handed)
    monkeypatch.setitem(live.app.config, "RESOURCE_SERVER_CLIENT_SECRET", None)
    monkeypatch.setitem(live.app.config, "RESOURCE_SERVER_CLIENT_ID", None)
    monkeypatch.setitem(live.app.config, "PROVIDER_REGISTRATION_FILE", "/nonexistent/builtin-client.json")
    response = inventory(live, token)
    assert response.status_code == 401
    assert "could not be checked: This API has no credentials at the provider" in response.json()["description"]


def test_lab_1_the_api_names_its_hops_only_when_asked(lab):
    live, handed = lab
    token = token_for(live, handed)
    assert "X-Wire-Hops" not in inventory(live, token).headers
    asked = inventory(live, token, **{"X-Wire": "hops"})
    ids = asked.headers["X-Wire-Hops"].split(",")
    assert len(ids) == 1 and len(ids[0]) >= 40
    record = requests.get(f"{live.app_url}/wire/{ids[0]}", timeout=10).json()
    assert record["hop"] == "API → provider"
    assert handed["RESOURCE_SERVER_CLIENT_SECRET"] not in json.dumps(record)  # LAB-2
    assert token not in json.dumps(record)
