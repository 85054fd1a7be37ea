"""Every response: security headers (HDR-2, HDR-3, HDR-4) and error answers without tracebacks."""

import pytest

from tests.conftest import PASSWORDS


def test_hdr_2_csp_forbids_inline_script_plugins_base_and_framing(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_hdr_2_nosniff_and_referrer_policy_on_every_page(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hdr_3_pages_are_not_stored_and_vary_on_cookie(client):
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Cookie" in response.headers["Vary"]


def test_hdr_3_static_files_may_be_cached(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"


def test_hdr_4_no_cors_headers_even_when_another_origin_asks(client):
    response = client.get("/", headers={"Origin": "http://attacker.localhost:8003"})
    assert not [h for h in response.headers.keys() if h.lower().startswith("access-control-")]


def test_hdr_1_development_does_not_send_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize("status,path,method", [(404, "/no/such/page", "get"), (405, "/signup", "put")])
def test_error_pages_are_html_for_browsers(client, status, path, method):
    response = getattr(client, method)(path, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"{status}" in response.get_data(as_text=True)


def test_error_answers_are_json_for_json_clients(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not found"


def test_405_lists_the_allowed_methods(client):
    response = client.put("/signup")
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_a_500_page_without_traceback(app):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internal detail" not in body


def test_a_body_over_one_mebibyte_is_refused_with_413(client):
    response = client.post("/signup", data=b"x" * (1024 * 1024 + 1), content_type="application/octet-stream")
    assert response.status_code == 413


def test_a_cross_site_form_post_is_refused(client):
    response = client.post(
        "/signup",
        data={"username": "mallory", "password": "x" * 12},
        headers={"Origin": "http://attacker.localhost:8003"},
    )
    assert response.status_code == 400
    assert "Cross-site request refused" in response.get_data(as_text=True)


def test_wire_records_are_unguessable_and_expire(client):
    assert client.get("/wire/not-a-real-id", headers={"Accept": "application/json"}).status_code == 404


def test_wire_capture_returns_what_the_server_saw(client):
    response = client.get("/", headers={"X-Wire": "capture", "Authorization": "Bearer abc"})
    record = client.get(f"/wire/{response.headers['X-Wire-Id']}").get_json()
    assert ["Authorization", "Bearer abc"] in record["request"]["headers"]
    assert record["response"]["status"].startswith("200")


def test_an_untrusted_host_header_is_refused_before_any_view_runs(client):
    response = client.get("/", environ_overrides={"HTTP_HOST": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")


def test_the_configured_host_is_served(client):
    assert client.get("/", environ_overrides={"HTTP_HOST": "localhost:8000"}).status_code == 200


def test_wire_capture_never_shows_an_httponly_cookie_whole(client):
    secret = "s3cr3t-" + "x" * 40
    client.set_cookie("access_token_cookie", secret)
    response = client.get("/", headers={"X-Wire": "capture"})
    record = client.get(f"/wire/{response.headers['X-Wire-Id']}").get_data(as_text=True)
    assert "access_token_cookie=s3cr3t" in record
    assert secret not in record


def test_wire_capture_keeps_the_request_body_for_the_app(client):
    response = client.post(
        "/jwt/login", json={"username": "alice", "password": PASSWORDS["alice"]}, headers={"X-Wire": "capture"}
    )
    assert response.status_code == 200
    record = client.get(f"/wire/{response.headers['X-Wire-Id']}").get_json()
    assert '"username": "alice"' in record["request"]["body"]


def test_wire_capture_never_stores_a_password(client):
    response = client.post(
        "/jwt/login", json={"username": "alice", "password": PASSWORDS["alice"]}, headers={"X-Wire": "capture"}
    )
    record = client.get(f"/wire/{response.headers['X-Wire-Id']}").get_data(as_text=True)
    assert PASSWORDS["alice"] not in record
    assert "not recorded" in record
