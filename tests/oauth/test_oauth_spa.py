"""The SPA lab's pages over HTTP: a public client's settings only, a page-scoped CSP, no CORS.

The flow itself runs in the browser (tests/oauth/test_oauth_flows_browser.py); what the server
must get right is what it hands the page and the headers it answers with.
"""

import json
from pathlib import Path

import pytest

import security
from blueprints.oauth.lab_clients import lab_setting
from tests.conftest import CLIENT_SECRET

SPA_PAGES = ["/oauth/spa", "/oauth/spa/callback"]


@pytest.fixture
def spa_app(app):
    app.config["SPA_CLIENT_ID"] = "authlab-spa"
    return app


@pytest.fixture
def spa_client(spa_app):
    return spa_app.test_client()


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", SPA_PAGES)
def test_hdr_2_the_spa_pages_may_connect_to_the_provider_origin_only(spa_client, spa_app, path):
    response = spa_client.get(path)
    assert response.status_code == 200
    assert directives(response)["connect-src"] == f"'self' {spa_app.config['PROVIDER_URL']}"


@pytest.mark.parametrize("path", SPA_PAGES)
def test_hdr_2_the_spa_pages_keep_the_rest_of_the_csp(spa_client, path):
    policy = directives(spa_client.get(path))
    baseline = dict(part.strip().split(" ", 1) for part in security.CONTENT_SECURITY_POLICY.split(";"))
    assert {k: v for k, v in policy.items() if k != "connect-src"} == {
        k: v for k, v in baseline.items() if k != "connect-src"
    }
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"


@pytest.mark.parametrize("path", ["/oauth/", "/oauth/dance", "/oauth/device", "/jwt/", "/"])
def test_hdr_2_every_other_page_keeps_connect_src_self(spa_client, path):
    assert directives(spa_client.get(path))["connect-src"] == "'self'"


def test_hdr_2_the_connect_src_origin_is_the_configured_one_whatever_the_request(spa_client):
    response = spa_client.get("/oauth/spa", headers={"Origin": "http://evil.example", "Host": "localhost"})
    assert "evil.example" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url, origin",
    [
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("https://id.example.edu/tenant/a", "https://id.example.edu"),
        ("https://user@id.example.edu:8443/", "https://id.example.edu:8443"),
    ],
)
def test_hdr_2_origin_of_a_configured_url(url, origin):
    assert security.origin_of(url) == origin


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://a.example; script-src *", "https://a.example'"])
def test_hdr_2_a_url_that_would_add_csp_sources_is_refused(url):
    with pytest.raises(ValueError):
        security.origin_of(url)


@pytest.mark.parametrize("path", SPA_PAGES)
def test_hdr_4_the_spa_pages_answer_no_cors(spa_client, path):
    response = spa_client.get(path, headers={"Origin": "http://127.0.0.1:8001"})
    assert not [name for name in response.headers.keys() if name.lower().startswith("access-control-")]


def spa_settings(response):
    html = response.get_data(as_text=True)
    start = html.index("<div data-spa ")
    return html[start : html.index(">", start)]


def test_the_page_hands_the_script_public_settings_only(spa_client, spa_app):
    tag = spa_settings(spa_client.get("/oauth/spa"))
    assert 'data-client-id="authlab-spa"' in tag
    assert f'data-redirect-uri="{spa_app.config["APP_URL"]}/oauth/spa/callback"' in tag
    assert f'data-issuer="{spa_app.config["PROVIDER_URL"]}"' in tag
    assert 'data-scope="openid profile email"' in tag
    assert CLIENT_SECRET not in spa_client.get("/oauth/spa").get_data(as_text=True)


def test_the_callback_page_is_in_callback_mode(spa_client):
    assert 'data-mode="callback"' in spa_settings(spa_client.get("/oauth/spa/callback?code=abc&state=xyz"))
    assert 'data-mode="start"' in spa_settings(spa_client.get("/oauth/spa"))


def test_oc_4_the_callback_never_writes_the_code_into_the_page(spa_client):
    code = "c0de-" + "x" * 40
    html = spa_client.get(f"/oauth/spa/callback?code={code}&state=s").get_data(as_text=True)
    assert code not in html


@pytest.mark.parametrize(
    "query",
    ["code=<script>alert(1)</script>&state=\"'><b>", "code=" + "a" * 6000, "state=%00%ff&iss=%zz", "error=x&error=y"],
)
def test_hdr_7_any_callback_query_gets_the_same_page_never_a_500(spa_client, query):
    response = spa_client.get(f"/oauth/spa/callback?{query}")
    assert response.status_code in (200, 400, 414)
    assert "<script>alert(1)" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", SPA_PAGES)
def test_hdr_3_the_spa_pages_are_never_cached(spa_client, path):
    assert spa_client.get(path).headers["Cache-Control"] == "no-store"


def test_the_page_says_when_no_spa_client_is_configured(client):
    html = client.get("/oauth/spa").get_data(as_text=True)
    assert "client is not configured" in html and "SPA_CLIENT_ID" in html
    assert "data-spa " not in html


def test_the_spa_client_id_comes_from_the_providers_handover_file(app, client, tmp_path):
    handover = Path(app.config["PROVIDER_REGISTRATION_FILE"]).with_name("lab-clients.json")
    handover.parent.mkdir(parents=True, exist_ok=True)
    handover.write_text(json.dumps({"SPA_CLIENT_ID": "handed-over-spa"}))
    assert 'data-client-id="handed-over-spa"' in spa_settings(client.get("/oauth/spa"))


def test_the_apps_own_setting_wins_over_the_handover_file(spa_app, spa_client):
    handover = Path(spa_app.config["PROVIDER_REGISTRATION_FILE"]).with_name("lab-clients.json")
    handover.parent.mkdir(parents=True, exist_ok=True)
    handover.write_text(json.dumps({"SPA_CLIENT_ID": "handed-over-spa"}))
    assert 'data-client-id="authlab-spa"' in spa_settings(spa_client.get("/oauth/spa"))


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"SPA_CLIENT_ID": 7}', ""])
def test_a_broken_handover_file_means_no_client_never_a_500(app, client, content):
    handover = Path(app.config["PROVIDER_REGISTRATION_FILE"]).with_name("lab-clients.json")
    handover.parent.mkdir(parents=True, exist_ok=True)
    handover.write_text(content)
    response = client.get("/oauth/spa")
    assert response.status_code == 200
    assert "client is not configured" in response.get_data(as_text=True)


def test_hdr_6_production_reads_no_handover_file(production_app):
    handover = Path(production_app.config["PROVIDER_REGISTRATION_FILE"]).with_name("lab-clients.json")
    handover.parent.mkdir(parents=True, exist_ok=True)
    handover.write_text(json.dumps({"SPA_CLIENT_ID": "handed-over-spa"}))
    assert lab_setting(production_app, "SPA_CLIENT_ID") is None


def test_the_spa_page_links_to_the_code_of_each_hop(spa_client):
    html = spa_client.get("/oauth/spa").get_data(as_text=True)
    assert html.count("/source/static/js/oauth-spa-protocol.js#L") >= 7
    assert "/source/security.py#L" in html
