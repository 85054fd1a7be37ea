"""Records a view asks for (wire.ask_to_record) and records another party made of its side
(wire.exchange_from_party): the same bounds (LAB-1) and the same redaction (LAB-2) as a capture."""

import base64

import pytest
from flask import session
from sqlalchemy import func, select

import wire
from extensions import db
from wire import store

LONG_COOKIE = "c00k1e-" + "s" * 40


@pytest.fixture
def asked(app):
    """A GET route that asks for its own record (as the OAuth dance's login and callback do)."""
    ids = []

    def view():
        session["seen"] = True  # a session cookie is set as the answer leaves
        ids.append(wire.ask_to_record())
        return "asked", 302, {"Location": "/elsewhere"}

    app.add_url_rule("/asked", "asked", view, methods=["GET", "POST"])
    return ids


def stored(app, record_id):
    with app.app_context():
        return wire.load(record_id)


def rows(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(wire.WireRecord)).scalar()


def test_a_view_that_asks_has_its_exchange_recorded_under_the_id_it_reserved(app, client, asked):
    response = client.get("/asked")
    assert response.status_code == 302
    record = stored(app, asked[0])
    assert record["request"]["method"] == "GET" and record["request"]["url"].endswith("/asked")
    assert ["Location", "/elsewhere"] in record["response"]["headers"]


def test_the_record_has_the_set_cookie_the_answer_left_with_shortened(app, client, asked):
    client.get("/asked")
    set_cookie = dict(stored(app, asked[0])["response"]["headers"])["Set-Cookie"]
    cookie = client.get_cookie("session").value
    assert set_cookie.startswith("session=") and "HttpOnly" in set_cookie
    assert cookie not in set_cookie and "shortened on this page" in set_cookie


def test_the_reserved_id_never_reaches_the_browser(client, asked):
    response = client.get("/asked")
    assert "X-Wire-Id" not in response.headers
    assert asked[0] not in response.get_data(as_text=True) + str(response.headers)


def test_only_a_get_may_ask(app, client, asked):
    client.post("/asked", headers={"Origin": "http://localhost"})
    assert asked == [None]
    assert rows(app) == 0


def test_an_exchange_nobody_asked_for_is_not_recorded(app, client):
    assert client.get("/healthz").status_code == 200
    assert rows(app) == 0


def test_lab_1_an_asked_record_over_the_bounds_is_not_kept_and_the_answer_still_goes_out(
    app, client, asked, monkeypatch
):
    monkeypatch.setattr(store, "CAPTURES_PER_MINUTE", 0)
    assert client.get("/asked").status_code == 302
    assert stored(app, asked[0]) is None


def test_hdr_7_an_asked_record_that_cannot_be_made_leaves_the_answer_whole(app, client, asked, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no record today")

    monkeypatch.setattr("wire.capture.bounded", broken)
    response = client.get("/asked")
    assert response.status_code == 302 and response.headers["Location"] == "/elsewhere"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- Another party's record, shown through this app's own path ------------------------------


def foreign(request_headers=(), body="", response_headers=()):
    return {
        "request": {"method": "POST", "url": "http://id.example/login", "headers": list(request_headers), "body": body},
        "response": {"status": "302 FOUND", "headers": list(response_headers), "body": ""},
    }


def shown(app, record):
    with app.test_request_context():
        return wire.exchange_from_party(record, "browser → provider")


def test_lab_2_a_password_another_party_left_in_its_record_is_masked_here(app):
    record = foreign([("Content-Type", "application/x-www-form-urlencoded")], "username=alice&password=hunter2hunter2")
    body = shown(app, record)["request"]["body"]
    assert "username=alice" in body and "hunter2" not in body and wire.MASKED in body


def test_lab_2_a_cookie_another_party_left_whole_is_shortened_here(app):
    headers = shown(app, foreign([("Cookie", f"provider_session={LONG_COOKIE}")]))["request"]["headers"]
    assert LONG_COOKIE not in str(headers) and "shortened on this page" in str(headers)


def test_lab_2_basic_credentials_another_party_left_are_masked_here(app):
    basic = "Basic " + base64.b64encode(b"client:the-client-secret").decode()
    headers = shown(app, foreign([("Authorization", basic)]))["request"]["headers"]
    assert "the-client-secret" not in str(headers) and wire.MASKED in str(headers)


def test_a_value_another_party_already_shortened_is_kept_as_it_is(app):
    value = "provider_session=XhVuxU… (43 characters shortened by the provider: not recorded)"
    assert shown(app, foreign([("Cookie", value)]))["request"]["headers"] == [["Cookie", value]]


def test_lab_1_another_partys_record_is_bounded_here(app):
    huge = foreign([(f"X-{n}", "v" * 5000) for n in range(100)])
    record = shown(app, huge)
    assert len(record["request"]["headers"]) <= store.MAX_HEADERS + 1
    assert all(len(value) <= 2 * store.MAX_VALUE_BYTES for _, value in record["request"]["headers"])


@pytest.mark.parametrize(
    "record",
    [None, [], "text", {}, {"request": {}, "response": {}}, {"request": [], "response": []}, foreign([("only-one",)])],
    ids=["none", "list", "text", "empty", "empty-sides", "list-sides", "bad-header"],
)
def test_a_record_of_another_shape_is_shown_as_unreadable_never_passed_on(app, record):
    result = shown(app, record)
    assert result["request"]["headers"] == [] and "cannot read" in result["request"]["body"]
