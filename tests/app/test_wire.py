"""The wire panel (wire/): LAB-1 bounds, LAB-2 redaction, and HDR-7 for the capture itself."""

import base64
import io
import json
from datetime import timedelta

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from urllib3 import HTTPHeaderDict, HTTPResponse
from werkzeug.test import EnvironBuilder, run_wsgi_app

import wire
from extensions import db
from tests.conftest import PASSWORDS
from wire import exchange, store

CAPTURE = {"X-Wire": "capture"}
# A password nobody else in the app uses: the HTML footer names the demo accounts' passwords.
SECRET = "Tr0ub4dor-and-3-never-stored"
LONG_COOKIE = "c00k1e-" + "s" * 40


def record_of(client, response):
    assert "X-Wire-Id" in response.headers, response.headers.get("X-Wire-Skipped")
    return client.get(f"/wire/{response.headers['X-Wire-Id']}").get_json()


def stored_rows(app):
    """(client, size, length of data) of every stored record."""
    with app.app_context():
        record = wire.WireRecord
        return db.session.execute(select(record.client, record.size, func.length(record.data))).all()


def stored_text(app):
    with app.app_context():
        return "\n".join(db.session.execute(select(wire.WireRecord.data)).scalars())


def capture(client, address="127.0.0.1", path="/healthz"):
    return client.get(path, headers=CAPTURE, environ_overrides={"REMOTE_ADDR": address})


def raw_capture(app, **environ):
    """A captured GET /healthz with environ values the test client would rewrite (its cookie jar)."""
    request = EnvironBuilder(path="/healthz", headers=CAPTURE).get_environ()
    _, status, headers = run_wsgi_app(app, {**request, **environ}, buffered=True)
    assert status.startswith("200")
    return app.test_client().get(f"/wire/{headers['X-Wire-Id']}").get_json()


def later(monkeypatch, delta):
    now = store.utcnow()
    monkeypatch.setattr(store, "utcnow", lambda: now + delta)


# --- LAB-1: a record is bounded, capture is throttled ----------------------------------------


def test_lab_1_a_record_of_huge_headers_is_bounded(app, client):
    """The attack as filed: one GET /healthz, 20 headers of 60 KB, stored 1.2 MB before."""
    padding = {f"X-Pad-{i}": "a" * 60_000 for i in range(20)}
    response = client.get("/healthz", headers={**CAPTURE, **padding})
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [(_, size, length)] = stored_rows(app)
    assert size == length <= store.MAX_RECORD_BYTES
    headers = record_of(client, response)["request"]["headers"]
    assert all(len(value) < 2 * store.MAX_VALUE_BYTES for _, value in headers)
    assert headers[-1][0] == "…" and "more header lines not recorded" in headers[-1][1]


def test_lab_1_many_small_headers_are_bounded_in_number(app, client):
    response = client.get("/healthz", headers={**CAPTURE, **{f"X-H-{i}": "v" for i in range(500)}})
    assert response.status_code == 200
    headers = record_of(client, response)["request"]["headers"]
    assert len(headers) == store.MAX_HEADERS + 1


@pytest.mark.parametrize(
    "body",
    [b"x" * 900_000, b"\x00" * 900_000, "é€😀".encode() * 100_000, b'{"a": "' + b"\\u0000" * 100_000 + b'"}'],
    ids=["ascii", "nul-bytes", "non-ascii", "json-escapes"],
)
def test_lab_1_a_huge_body_and_a_long_url_are_bounded(app, client, body):
    response = client.post("/healthz?q=" + "u" * 50_000, data=body, content_type="text/plain", headers=CAPTURE)
    assert response.status_code == 400  # text/plain is a form type: the CSRF check refuses it
    [(_, size, length)] = stored_rows(app)
    assert size == length <= store.MAX_RECORD_BYTES
    record = record_of(client, response)
    assert len(record["request"]["url"]) <= store.MAX_URL_BYTES
    assert record["request"]["body"].endswith("the rest is not recorded)")


def test_lab_1_a_flood_of_captures_from_one_address_stops_being_recorded(app, client):
    answers = [capture(client) for _ in range(store.CAPTURES_PER_MINUTE + 5)]
    assert all(answer.status_code == 200 for answer in answers)
    assert sum("X-Wire-Id" in answer.headers for answer in answers) == store.CAPTURES_PER_MINUTE
    assert {answer.headers.get("X-Wire-Skipped") for answer in answers[store.CAPTURES_PER_MINUTE :]} == {"throttled"}
    assert len(stored_rows(app)) == store.CAPTURES_PER_MINUTE
    # Another client is not throttled by the first one's flood.
    assert "X-Wire-Id" in capture(client, "192.0.2.7").headers


def test_lab_1_the_throttle_counts_one_minute(client, monkeypatch):
    for _ in range(store.CAPTURES_PER_MINUTE):
        capture(client)
    assert capture(client).headers["X-Wire-Skipped"] == "throttled"
    later(monkeypatch, timedelta(seconds=61))
    assert "X-Wire-Id" in capture(client).headers


def test_lab_1_live_records_per_address_are_capped(app, client, monkeypatch):
    monkeypatch.setattr(store, "RECORDS_PER_CLIENT", 5)
    answers = [capture(client) for _ in range(7)]
    assert [answer.headers.get("X-Wire-Skipped") for answer in answers[5:]] == ["client-limit"] * 2
    assert "X-Wire-Id" in capture(client, "192.0.2.8").headers
    assert [row.client for row in stored_rows(app)].count("127.0.0.1") == 5


def test_lab_1_live_bytes_per_address_are_capped(app, client, monkeypatch):
    capture(client)
    [(_, size, _)] = stored_rows(app)
    monkeypatch.setattr(store, "CLIENT_BYTES", 2 * size + size // 2)
    assert "X-Wire-Id" in capture(client).headers
    assert capture(client).headers["X-Wire-Skipped"] == "client-limit"
    assert sum(row.size for row in stored_rows(app)) <= store.CLIENT_BYTES


def test_lab_1_an_ipv6_network_counts_as_one_client(app, client, monkeypatch):
    monkeypatch.setattr(store, "CAPTURES_PER_MINUTE", 2)
    assert "X-Wire-Id" in capture(client, "2001:db8::1").headers
    assert "X-Wire-Id" in capture(client, "2001:db8::2:3").headers
    assert capture(client, "2001:db8::ffff").headers["X-Wire-Skipped"] == "throttled"
    assert {row.client for row in stored_rows(app)} == {"2001:db8::/64"}


def test_lab_1_the_total_row_count_never_exceeds_the_cap(app, client, monkeypatch):
    monkeypatch.setattr(store, "MAX_RECORDS", 10)
    answers = [capture(client, f"198.51.100.{n}") for n in range(15) for _ in range(2)]
    assert all(answer.status_code == 200 for answer in answers)
    assert len(stored_rows(app)) == 10
    assert {answer.headers.get("X-Wire-Skipped") for answer in answers[10:]} == {"store-full"}


def test_lab_1_the_total_bytes_never_exceed_the_cap(app, client, monkeypatch):
    capture(client, "198.51.100.1")
    [(_, size, _)] = stored_rows(app)
    monkeypatch.setattr(store, "MAX_STORE_BYTES", 3 * size + size // 2)
    answers = [capture(client, f"198.51.100.{n}") for n in range(2, 8)]
    assert sum(row.size for row in stored_rows(app)) <= store.MAX_STORE_BYTES
    assert len(stored_rows(app)) == 3
    assert answers[-1].headers["X-Wire-Skipped"] == "store-full"


def test_lab_1_expired_records_are_gone(app, client, monkeypatch):
    old = capture(client).headers["X-Wire-Id"]
    later(monkeypatch, store.KEEP_FOR + timedelta(seconds=1))
    assert client.get(f"/wire/{old}", headers={"Accept": "application/json"}).status_code == 404
    capture(client, "192.0.2.9")  # the next capture purges what expired
    with app.app_context():
        assert db.session.get(wire.WireRecord, old) is None
    assert len(stored_rows(app)) == 1


def test_lab_1_a_capture_over_a_bound_tells_the_page_and_the_panel_says_why(client, monkeypatch):
    monkeypatch.setattr(store, "MAX_RECORDS", 0)
    response = capture(client)
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert response.headers["X-Wire-Skipped"] == "store-full" and "X-Wire-Id" not in response.headers
    script = client.get("/static/js/wire.js").get_data(as_text=True)
    assert "X-Wire-Skipped" in script and '"store-full"' in script


# --- LAB-2: a record never holds a secret in full --------------------------------------------


def test_lab_2_a_multipart_password_is_masked(app, client):
    form = {"username": "alice", "password": SECRET}
    response = client.post("/session/login", data=form, content_type="multipart/form-data", headers=CAPTURE)
    assert response.status_code == 400  # no CSRF token: refused, and still recorded
    body = record_of(client, response)["request"]["body"]
    assert 'name="username"\n\nalice' in body
    assert f'name="password"\n\n{wire.MASKED}' in body
    assert SECRET not in stored_text(app)


def test_lab_2_a_nested_json_password_is_masked(app, client):
    sent = {"username": "alice", "creds": {"password": SECRET}, "list": [{"deeper": {"new_password": SECRET}}]}
    response = client.post("/jwt/login", json=sent, headers=CAPTURE)
    assert response.status_code in (400, 401)
    body = json.loads(record_of(client, response)["request"]["body"])
    assert body["creds"] == {"password": wire.MASKED}
    assert body["list"] == [{"deeper": {"new_password": wire.MASKED}}]
    assert body["username"] == "alice"
    assert SECRET not in stored_text(app)


@pytest.mark.parametrize(
    "name",
    ["pass%77ord", "PassWord", "PASS%57ORD", "pass%2577ord", "user%5Bpassword%5D", "new-password", "Client%5FSecret"],
)
def test_lab_2_percent_encoded_and_mixed_case_form_fields_are_masked(app, client, name):
    body = f"username=alice&{name}={SECRET}"
    response = client.post(
        "/session/login", data=body, content_type="application/x-www-form-urlencoded", headers=CAPTURE
    )
    assert response.status_code == 400
    assert record_of(client, response)["request"]["body"] == f"username=alice&{name}={wire.MASKED}"
    assert SECRET not in stored_text(app)


def test_lab_2_a_password_in_the_query_string_is_masked(app, client):
    response = client.get(f"/healthz?user=alice&Pass%77ord={SECRET}", headers=CAPTURE)
    url = record_of(client, response)["request"]["url"]
    assert url.endswith(f"/healthz?user=alice&Pass%77ord={wire.MASKED}")
    assert SECRET not in stored_text(app)


def test_lab_2_basic_credentials_are_masked_and_the_scheme_kept(app, client):
    credentials = base64.b64encode(f"alice:{SECRET}".encode()).decode()
    response = client.get("/", headers={**CAPTURE, "Authorization": f"Basic {credentials}"})
    headers = dict(record_of(client, response)["request"]["headers"])
    assert headers["Authorization"] == f'Basic {wire.MASKED} (base64 of "alice:…")'
    assert credentials not in stored_text(app) and SECRET not in stored_text(app)


BASIC = base64.b64encode(f"alice:{SECRET}".encode()).decode()


@pytest.mark.parametrize(
    "name,value",
    [
        ("Authorization", f"basic {BASIC}"),
        ("Authorization", f"Basic{BASIC}"),
        ("Authorization", f'Digest username="alice", response="{SECRET}"'),
        ("Authorization", f"Bearer x, Basic {BASIC}"),
        ("Proxy-Authorization", f"Basic {BASIC}"),
        ("X-Api-Key", SECRET),
        ("X-Client-Secret", SECRET),
    ],
)
def test_lab_2_a_credential_in_any_authorization_or_secret_header_is_masked(app, client, name, value):
    response = client.get("/healthz", headers={**CAPTURE, name: value})
    assert response.status_code == 200
    assert dict(record_of(client, response)["request"]["headers"])[name] != value
    assert SECRET not in stored_text(app) and BASIC not in stored_text(app)


def test_lab_2_a_bearer_token_keeps_its_claims_never_its_signature(app, client):
    login = client.post("/jwt/login", json={"username": "alice", "password": PASSWORDS["alice"]}, headers=CAPTURE)
    tokens = login.get_json()
    header, payload, signature = tokens["access_token"].split(".")
    response = client.get("/jwt/protected", headers={**CAPTURE, "Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 200
    sent = dict(record_of(client, response)["request"]["headers"])["Authorization"]
    assert sent.startswith(f"Bearer {header}.{payload}.… (signature")
    answer = json.loads(record_of(client, login)["response"]["body"])
    assert answer["refresh_token"].endswith("not recorded)")
    for token in (tokens["access_token"], tokens["refresh_token"], signature):
        assert token not in stored_text(app)


def test_lab_2_cookies_are_shortened_except_the_csrf_double_submit_halves(app):
    cookies = f"csrf_access_token=readable-by-script-on-purpose; mystery={LONG_COOKIE}, session={LONG_COOKIE}"
    cookie = dict(raw_capture(app, HTTP_COOKIE=cookies)["request"]["headers"])["Cookie"]
    assert "csrf_access_token=readable-by-script-on-purpose" in cookie
    assert f"mystery={LONG_COOKIE[:6]}…" in cookie and f"session={LONG_COOKIE[:6]}…" in cookie
    assert LONG_COOKIE not in stored_text(app)


def test_lab_2_an_httponly_set_cookie_keeps_its_flags_and_loses_its_value(app, client):
    response = client.post("/session/login", json={"username": "bob", "password": PASSWORDS["bob"]}, headers=CAPTURE)
    sid = client.get_cookie("session").value
    [line] = [v for k, v in record_of(client, response)["response"]["headers"] if v.startswith("session=")]
    assert line.startswith(f"session={sid[:6]}…") and "HttpOnly" in line and "SameSite=Lax" in line
    assert sid not in stored_text(app)


def signed_in(base_url, username="bob", password=PASSWORDS["bob"]):
    browser = requests.Session()
    response = browser.post(f"{base_url}/session/login", json={"username": username, "password": password}, timeout=5)
    assert response.status_code == 200
    return browser


def test_lab_2_the_scaleout_relay_never_returns_the_session_cookie_whole(live):
    """Finding 8: POST /session/scaleout/shared handed page script the caller's live session id."""
    browser = signed_in(live.app_url)
    sid = browser.cookies.get("session")
    response = browser.post(f"{live.app_url}/session/scaleout/shared", json={}, headers=CAPTURE, timeout=20)
    assert response.status_code == 200
    assert sid not in response.text
    for step in response.json()["steps"]:
        assert step["status"] == 200
        cookie = dict(step["record"]["request"]["headers"])["Cookie"]
        assert cookie == f"session={sid[:6]}… ({len(sid)} characters, shortened on this page)"
    # The browser's own capture of that answer holds no more than the answer did.
    recorded = browser.get(f"{live.app_url}/wire/{response.headers['X-Wire-Id']}", timeout=5)
    assert recorded.status_code == 200 and sid not in recorded.text


def test_lab_2_the_per_instance_relay_never_returns_its_cookie_whole(live):
    browser = signed_in(live.app_url)
    response = browser.post(f"{live.app_url}/session/scaleout/per-instance", json={}, timeout=20)
    assert response.status_code == 200
    instance_sid = browser.cookies.get("instance_session", path="/session/scaleout")
    assert instance_sid and instance_sid not in response.text
    assert browser.cookies.get("session") not in response.text


def hop(method, url, body_fields=None, auth=None, answer=b"", answer_headers=()):
    """A `requests` exchange as authlib's or the relay's session gets it back, without a network."""
    prepared = requests.Request(method, url, data=body_fields, auth=auth).prepare()
    raw = HTTPResponse(
        body=io.BytesIO(answer),
        headers=HTTPHeaderDict(list(answer_headers)),
        status=200,
        reason="OK",
        preload_content=False,
    )
    return HTTPAdapter().build_response(prepared, raw)


def test_lab_2_back_channel_secrets_are_masked_and_spent_values_shown(app):
    verifier = "v" * 43
    answer = {
        "access_token": "A" * 40,
        "refresh_token": "R" * 40,
        "id_token": "header.payload.sig",
        "token_type": "Bearer",
    }
    response = hop(
        "POST",
        "http://provider.test/token",
        {"grant_type": "authorization_code", "code": "c0de-spent", "code_verifier": verifier, "client_secret": SECRET},
        auth=("authlab-app", SECRET),
        answer=json.dumps(answer).encode(),
        answer_headers=[
            ("Content-Type", "application/json"),
            ("Set-Cookie", f"provider_session={LONG_COOKIE}; HttpOnly; Path=/"),
            ("Set-Cookie", f"other={LONG_COOKIE}; Secure; HttpOnly"),
        ],
    )
    with app.test_request_context():
        record = wire.exchange_from_requests(response, hop="app → provider (back channel)")
    sent = record["request"]
    assert f"client_secret={wire.MASKED}" in sent["body"]
    assert f"code=c0de-spent&code_verifier={verifier}" in sent["body"]
    assert dict(sent["headers"])["Authorization"].startswith(f"Basic {wire.MASKED}")
    got = json.loads(record["response"]["body"])
    assert got["access_token"].startswith("AAAAAA…") and got["refresh_token"].startswith("RRRRRR…")
    assert got["id_token"] == "header.payload.sig" and got["token_type"] == "Bearer"
    set_cookies = [v for k, v in record["response"]["headers"] if k.lower() == "set-cookie"]
    assert len(set_cookies) == 2 and all(v.split("=", 1)[1].startswith(LONG_COOKIE[:6] + "…") for v in set_cookies)
    assert not [s for s in (SECRET, "A" * 40, "R" * 40, LONG_COOKIE) if s in json.dumps(record)]


def test_lab_2_a_refresh_and_a_revocation_keep_no_token_whole(app):
    for fields in ({"grant_type": "refresh_token", "refresh_token": "R" * 40}, {"token": "R" * 40}):
        with app.test_request_context():
            record = wire.exchange_from_requests(hop("POST", "http://provider.test/token", fields))
        assert "R" * 40 not in json.dumps(record) and "RRRRRR…" in record["request"]["body"]


def test_lab_2_a_browser_capture_and_a_server_hop_redact_alike(app):
    """One redaction path: the same credentials come out the same whichever way they travel."""
    headers = {"Cookie": f"session={LONG_COOKIE}", "Authorization": f"Bearer {LONG_COOKIE}"}
    environ = {"HTTP_COOKIE": headers["Cookie"], "HTTP_AUTHORIZATION": headers["Authorization"]}
    browser = dict(raw_capture(app, **environ)["request"]["headers"])
    response = hop("GET", "http://instance.test/whoami")
    response.request.headers.update(headers)
    with app.test_request_context():
        server = dict(wire.exchange_from_requests(response)["request"]["headers"])
    for name in ("Cookie", "Authorization"):
        assert browser[name] == server[name] and LONG_COOKIE not in browser[name]


BOUNDARY = "a'()+_,-./:=? b"  # every character RFC 2046 allows in a boundary, quoted for the space

ODD_BODIES = {
    "json-duplicate-keys-first": ("application/json", f'{{"password": "{SECRET}", "password": "x"}}'),
    "json-duplicate-keys-last": ("application/json", f'{{"password": "x", "password": "{SECRET}"}}'),
    "json-escaped-key": ("application/json", f'{{"pass\\u0077ord": "{SECRET}"}}'),
    "json-utf16": ("application/json", json.dumps({"password": SECRET}).encode("utf-16")),
    "json-invalid": ("application/json", f'{{"password": "{SECRET}",'),
    "json-deeper-than-the-parser-allows": ("application/json", '{"a":' * 40 + f'{{"password": "{SECRET}"}}' + "}" * 40),
    "json-over-64-kb": ("application/json", f'{{"password": "{SECRET}", "pad": "{"x" * 70_000}"}}'),
    "json-as-text-plain": ("text/plain", json.dumps({"creds": {"password": SECRET}})),
    "json-inside-a-json-string": ("application/json", json.dumps({"body": json.dumps({"password": SECRET})})),
    "url-inside-json": ("application/json", json.dumps({"next": f"/x?user=a&password={SECRET}"})),
    "form-as-text-plain": ("text/plain", f"password={SECRET}"),
    "form-percent-as-text-plain": ("text/plain", f"pass%77ord={SECRET}"),
    "form-without-content-type": ("", f"password={SECRET}"),
    "form-nul-in-name": ("application/x-www-form-urlencoded", f"pass%00word={SECRET}"),
    "form-semicolons": ("application/x-www-form-urlencoded", f"a=1;password={SECRET}"),
    "form-long-with-secret-last": ("application/x-www-form-urlencoded", "a=" + "x" * 40_000 + f"&password={SECRET}"),
    "octet-stream": ("application/octet-stream", f"password={SECRET}"),
    "xml": ("application/xml", f"<login><password>{SECRET}</password></login>"),
    "multipart-rfc2231-name": (
        "multipart/form-data; boundary=b",
        f"--b\r\nContent-Disposition: form-data; name*=UTF-8''pass%77ord\r\n\r\n{SECRET}\r\n--b--\r\n",
    ),
    "multipart-odd-quoted-boundary": (
        f'multipart/form-data; boundary="{BOUNDARY}"',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="PassWord"\r\n\r\n{SECRET}\r\n--{BOUNDARY}--\r\n',
    ),
    "multipart-without-boundary": (
        "multipart/form-data",
        f'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\n{SECRET}\r\n--b--\r\n',
    ),
    "multipart-truncated": (
        "multipart/form-data; boundary=b",
        f'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\n{SECRET}',
    ),
    "multipart-mixed-case-type": (
        "Multipart/Form-Data; boundary=b",
        f'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\n{SECRET}\r\n--b--\r\n',
    ),
    "multipart-file": (
        "multipart/form-data; boundary=b",
        f'--b\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\npassword={SECRET}\r\n--b--\r\n',
    ),
    "multipart-preamble": (
        "multipart/form-data; boundary=b",
        f'password={SECRET}\r\n--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
    ),
}


@pytest.mark.parametrize("content_type,body", ODD_BODIES.values(), ids=ODD_BODIES.keys())
@pytest.mark.parametrize("path", ["/healthz", "/session/login"])
def test_lab_2_a_secret_in_an_odd_encoding_is_never_stored(app, client, path, content_type, body):
    data = body.encode() if isinstance(body, str) else body
    response = client.post(path, data=data, headers={**CAPTURE, "Content-Type": content_type})
    assert response.status_code < 500
    assert response.headers["Content-Security-Policy"]
    assert "X-Wire-Id" in response.headers
    assert SECRET not in stored_text(app)


def test_lab_2_a_chunked_body_is_served_and_not_recorded(app, client):
    response = client.post(
        "/session/login",
        input_stream=io.BytesIO(f"password={SECRET}".encode()),
        headers={**CAPTURE, "Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded"},
        # As a server hands a chunked body over: no length, a stream that ends by itself.
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    assert response.status_code == 400
    assert "without a length" in record_of(client, response)["request"]["body"]
    assert SECRET not in stored_text(app)


# --- HDR-7: recording never breaks the response ----------------------------------------------


@pytest.mark.parametrize(
    "method,path,status", [("GET", "/healthz", 200), ("POST", "/healthz", 405), ("POST", "/jwt/login", 400)]
)
@pytest.mark.parametrize("deep", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000])
def test_hdr_7_deep_json_with_capture_gets_the_endpoints_own_answer(client, method, path, status, deep):
    response = client.open(path, method=method, data=deep, content_type="application/json", headers=CAPTURE)
    assert response.status_code == status
    assert response.headers["Content-Security-Policy"] and response.headers["X-Content-Type-Options"] == "nosniff"
    body = record_of(client, response)["request"]["body"]
    assert body.startswith(deep[:20]) and len(body) < store.MAX_BODY_BYTES


def test_hdr_7_a_record_that_cannot_be_made_leaves_the_answer_intact(client, monkeypatch):
    def broken(*args):
        raise RuntimeError("a shape nobody foresaw")

    monkeypatch.setattr(exchange, "redacted_body", broken)
    response = client.get("/healthz", headers=CAPTURE)
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert response.headers["Content-Security-Policy"]
    assert response.headers["X-Wire-Skipped"] == "unrecordable" and "X-Wire-Id" not in response.headers


def test_hdr_7_a_store_that_fails_leaves_the_answer_intact(client, monkeypatch):
    def locked(*args):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(store, "refusal", locked)
    response = client.get("/healthz", headers=CAPTURE)
    assert response.status_code == 200
    assert response.headers["X-Wire-Skipped"] == "store-unavailable"


def test_hdr_7_a_hop_that_cannot_be_recorded_does_not_break_the_caller(app, monkeypatch):
    monkeypatch.setattr(exchange, "redacted_body", lambda *args: 1 / 0)
    with app.test_request_context():
        record = wire.exchange_from_requests(hop("GET", f"http://instance.test/?password={SECRET}"))
    assert record["request"]["body"] == "(this exchange could not be recorded)"
    assert SECRET not in json.dumps(record)
