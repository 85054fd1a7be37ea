"""The naive provider's phone app (a public client of the twin's own) and its keys, in-process;
the notes app's backend in the naive client, with bodies no phone app sends.

The challenges built on them (provider-no-pkce) are tested in tests/challenges/.
"""

import base64
import hashlib
import json

from app import create_app
from tests.conftest import app_config, free_port
from tests.oauth_flow import ProviderFlow, csrf_token, query

MOBILE = {"client_id": "authlab-notes-mobile", "redirect_uri": "com.authlab.notes:/oauth2redirect"}
SIGNIN = "/vulnerable/oauth/mobile/signin"


def mobile_code(provider_client, **overrides):
    """alice signs in to the notes app at the naive provider and allows: her code."""
    ProviderFlow(provider_client).login()
    params = {"response_type": "code", "scope": "openid profile", "state": "s-1", **MOBILE, **overrides}
    page = provider_client.get("/naive/authorize", query_string=params)
    token = csrf_token(page.get_data(as_text=True))
    answer = provider_client.post("/naive/authorize", query_string=params, data={"csrf_token": token, "approve": "1"})
    assert answer.headers["Location"].startswith(MOBILE["redirect_uri"] + "?")
    return query(answer.headers["Location"])["code"]


def redeem(provider_client, code, **extra):
    return provider_client.post(
        "/naive/token", data={"grant_type": "authorization_code", "code": code, **MOBILE, **extra}
    )


def segment(token, index):
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_the_naive_id_token_names_the_code_that_bought_it_in_c_hash(provider_client):
    code = mobile_code(provider_client)
    claims = segment(redeem(provider_client, code).get_json()["id_token"], 1)
    expected = base64.urlsafe_b64encode(hashlib.sha256(code.encode()).digest()[:16]).rstrip(b"=").decode()
    assert claims["c_hash"] == expected and claims["aud"] == [MOBILE["client_id"]]


def test_the_phone_app_with_a_secret_it_never_had_is_refused(provider_client):
    assert redeem(provider_client, mobile_code(provider_client), client_secret="guessed").status_code == 401


def test_the_apps_own_client_still_needs_its_secret_at_the_naive_token_endpoint(provider_client):
    code = mobile_code(provider_client)
    form = {"grant_type": "authorization_code", "code": code, "client_id": "authlab-app"}
    assert provider_client.post("/naive/token", data=form).status_code == 401


def test_lab_3_the_phone_app_is_written_nowhere_in_the_real_providers_tables(provider_app, provider_client):
    from provider.models import Client, db

    redeem(provider_client, mobile_code(provider_client))
    with provider_app.app_context():
        assert db.session.scalar(db.select(Client).filter_by(client_id=MOBILE["client_id"])) is None


def test_lab_3_the_naive_jwks_holds_the_twins_public_key_only_and_the_real_jwks_never_does(provider_client):
    token = redeem(provider_client, mobile_code(provider_client)).get_json()["id_token"]
    naive = provider_client.get("/naive/jwks.json").get_json()["keys"]
    published = provider_client.get("/.well-known/jwks.json").get_json()["keys"]
    kid = segment(token, 0)["kid"]
    assert [key["kid"] for key in naive] == [kid] and kid not in {key["kid"] for key in published}
    assert not {"d", "p", "q"} & set(naive[0])


def test_the_notes_backend_answers_a_deeply_nested_body_with_400(client):
    answer = client.post(SIGNIN, data="[" * 5000 + "]" * 5000, content_type="application/json")
    assert answer.status_code == 400


def test_the_notes_backend_takes_no_form_a_page_could_post(client):
    assert client.post(SIGNIN, data={"id_token": "a.b.c"}).status_code == 400


def test_the_notes_backend_says_so_when_the_naive_provider_is_not_running(tmp_path):
    nobody = f"http://127.0.0.1:{free_port()}"  # a port no provider listens on
    client = create_app(app_config(tmp_path / "instance", PROVIDER_URL=nobody)).test_client()
    answer = client.post(SIGNIN, json={"id_token": "a.b.c"})
    assert answer.status_code == 502 and "could not be fetched" in answer.get_json()["error"]
