"""The wire panel reads a JSON body by its media type, whatever parameters follow it.

Google and oidc-provider answer `application/json; charset=utf-8` (RFC 8259 §11 defines no
parameters, but RFC 9110 §8.3.1 lets any media type carry them): the panel must still show the
body as JSON, redacted field by field (LAB-2), and not as text it cannot read.
"""

import json

import pytest
import requests

import wire
from wire.exchange import Message, bounded

TOKEN_ANSWER = {"access_token": "a-long-opaque-access-token-0123456789", "token_type": "Bearer", "expires_in": 600}
CONTENT_TYPES = [
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
    "Application/JSON ; charset=utf-8",
    'application/json; charset="utf-8"',
    "application/problem+json; charset=utf-8",
]


def requests_response(content_type, body):
    """A `requests` response as the OAuth back channel receives it."""
    response = requests.Response()
    response.status_code, response.reason = 200, "OK"
    response.headers["Content-Type"] = content_type
    response._content = body
    response.request = requests.Request("POST", "https://op.example/token", data={"grant_type": "x"}).prepare()
    return response


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_lab_2_a_back_channel_json_answer_with_parameters_is_shown_as_json(app, content_type):
    with app.test_request_context():
        record = wire.exchange_from_requests(requests_response(content_type, json.dumps(TOKEN_ANSWER).encode()))
    body = json.loads(record["response"]["body"])
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert body["access_token"].startswith("a-long") and body["access_token"].endswith("shortened on this page)")


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_lab_2_a_browser_json_request_with_parameters_is_redacted_as_json(app, content_type):
    sent = json.dumps({"username": "alice", "password": "wonderland"}).encode()
    with app.app_context():
        record = bounded(
            "browser",
            "POST",
            "http://localhost:8000/session/login",
            "200 OK",
            Message([("Content-Type", content_type)], sent),
            Message([("Content-Type", content_type)], b'{"message": "ok"}'),
        )
    assert json.loads(record["request"]["body"]) == {"username": "alice", "password": wire.MASKED}
    assert json.loads(record["response"]["body"]) == {"message": "ok"}
