"""AS-13: every client authentication method the provider advertises works for the clients
registered with it, and only for them, at the token and revocation endpoints (RFC 6749 §2.3,
§3.2.1, §5.2; RFC 7009 §2.1; RFC 8414 §2); public clients (`none`, PKCE only); and the
developer console that registers each kind of client."""

import base64
import re
from urllib.parse import quote

import pytest

from provider.models import Client, db
from tests.oauth_flow import CLIENT_ID, CLIENT_SECRET, ProviderFlow, csrf_token

SPA_ORIGIN = "http://localhost:5173"
ISSUER = "http://127.0.0.1:8001"


def register(flow, **fields):
    """Register an application in the console as the signed-in user; returns the answer page."""
    token = csrf_token(flow.client.get("/console/clients/new").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "client_name": "Notes",
        "redirect_uris": "https://notes.example/cb",
        "scope_openid": "y",
    }
    data.update(fields)
    return flow.client.post("/console/clients/new", data={k: v for k, v in data.items() if v is not None})


def registered(flow, **fields):
    """A ProviderFlow for a client registered with these fields (secret None for a public one)."""
    response = register(flow, **fields)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    secret = re.search(r"data-client-secret>([^<]+)<", page)
    uri = (fields.get("redirect_uris") or "https://notes.example/cb").splitlines()[0]
    client = ProviderFlow(flow.client, re.search(r"data-client-id>([^<]+)<", page).group(1), None, uri)
    client.secret = secret.group(1) if secret else None
    return client


def token_request(flow, data, method):
    """POST /token (or another endpoint via data["_path"]) authenticating the way `method` says."""
    path = data.pop("_path", "/token")
    auth = None
    if method == "client_secret_basic":
        auth = (flow.client_id, flow.secret)
    elif method == "client_secret_post":
        data = {**data, "client_id": flow.client_id, "client_secret": flow.secret}
    elif method == "none":
        data = {**data, "client_id": flow.client_id}
    return flow.client.post(path, data=data, auth=auth)


def exchange(flow, method, **overrides):
    code, _ = flow.code(scope="openid profile")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri}
    data["code_verifier"] = flow.verifier
    data.update(overrides)
    return token_request(flow, {k: v for k, v in data.items() if v is not None}, method)


@pytest.fixture
def post_client(flow):
    return registered(flow, token_endpoint_auth_method="client_secret_post")


@pytest.fixture
def public_client(flow):
    return registered(
        flow,
        token_endpoint_auth_method="none",
        redirect_uris=f"{SPA_ORIGIN}/callback",
        allowed_cors_origins=SPA_ORIGIN,
    )


def basic_header(value):
    return {"Authorization": "Basic " + base64.b64encode(value).decode()}


# --- Discovery says exactly what works (RFC 8414 §2) -------------------------------------------


@pytest.mark.parametrize("key", ["token_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported"])
def test_as_13_discovery_lists_exactly_the_three_methods(provider_client, key):
    meta = provider_client.get("/.well-known/openid-configuration").get_json()
    assert meta[key] == ["client_secret_basic", "client_secret_post", "none"]


def test_as_13_the_seeded_app_client_stays_client_secret_basic(provider_app):
    with provider_app.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=CLIENT_ID)).scalar_one()
        assert client.token_endpoint_auth_method == "client_secret_basic"


# --- client_secret_post (RFC 6749 §2.3.1) ---------------------------------------------------


def test_as_13_a_client_secret_post_client_redeems_its_code_with_the_secret_in_the_body(post_client):
    response = exchange(post_client, "client_secret_post")
    assert response.status_code == 200, response.get_json()
    assert post_client.userinfo(response.get_json()["access_token"]).status_code == 200


def test_as_13_a_client_secret_post_client_is_refused_with_basic(post_client):
    response = exchange(post_client, "client_secret_basic")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "client_secret_post" in response.get_json()["error_description"]
    # §5.2: it tried the Authorization header, so the 401 names the Basic scheme.
    assert response.headers["WWW-Authenticate"] == f'Basic realm="{ISSUER}", charset="UTF-8"'


def test_as_13_a_client_secret_basic_client_is_refused_with_post_and_gets_no_basic_challenge(flow):
    response = exchange(flow, "client_secret_post")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "client_secret_basic" in response.get_json()["error_description"]
    assert "WWW-Authenticate" not in response.headers


def test_as_13_a_wrong_basic_secret_gets_a_basic_challenge(flow):
    flow.secret = "not-the-secret"
    response = exchange(flow, "client_secret_basic")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="')


def test_as_13_a_wrong_post_secret_is_401_without_a_challenge(post_client):
    post_client.secret = "not-the-secret"
    response = exchange(post_client, "client_secret_post")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" not in response.headers


def test_as_13_no_client_authentication_at_all_is_401_without_a_challenge(flow):
    response = exchange(flow, "nothing")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" not in response.headers


def test_as_13_an_unknown_client_and_a_wrong_secret_read_the_same(flow):
    data = {"grant_type": "refresh_token", "refresh_token": "x"}
    wrong = flow.client.post("/token", data=data, auth=(CLIENT_ID, "not-the-secret"))
    unknown = flow.client.post("/token", data=data, auth=("nobody", "not-the-secret"))
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


# --- RFC 6749 §2.3: one method a request, and never in the URL -------------------------------


def test_as_13_two_methods_in_one_request_is_invalid_request(post_client):
    code, _ = post_client.code()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": post_client.redirect_uri}
    data.update(code_verifier=post_client.verifier, client_id=post_client.client_id, client_secret=post_client.secret)
    response = post_client.client.post("/token", data=data, auth=(post_client.client_id, post_client.secret))
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_as_13_a_client_secret_in_the_url_is_refused(post_client):
    code, _ = post_client.code()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": post_client.redirect_uri}
    data.update(code_verifier=post_client.verifier, client_id=post_client.client_id)
    response = post_client.client.post("/token", query_string={"client_secret": post_client.secret}, data=data)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_as_13_a_repeated_client_id_is_invalid_request(public_client):
    data = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": [public_client.client_id, CLIENT_ID]}
    response = public_client.client.post("/token", data=data)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_as_13_basic_and_a_body_client_id_must_name_the_same_client(flow):
    response = exchange(flow, "client_secret_basic", client_id="someone-else")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_as_13_basic_with_the_same_client_id_in_the_body_works(flow):
    """requests-oauthlib's include_client_id=True sends both (RFC 6749 §2.3.1 allows the header alone)."""
    assert exchange(flow, "client_secret_basic", client_id=CLIENT_ID).status_code == 200


def test_as_13_basic_credentials_are_form_urlencoded_first(flow):
    """RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded, then Basic."""
    code, _ = flow.code()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri}
    data["code_verifier"] = flow.verifier
    encoded = f"{quote(CLIENT_ID, safe='')}:{''.join(f'%{b:02X}' for b in CLIENT_SECRET.encode())}"
    assert flow.client.post("/token", data=data, headers=basic_header(encoded.encode())).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic"},
        basic_header(b"no-colon-here"),
        basic_header(b":secret-without-id"),
        basic_header(f"{CLIENT_ID}:".encode()),
        basic_header(b"\xff\xfe:\xff"),
        basic_header(b"x" * 5000 + b":y"),
    ],
)
def test_as_13_unreadable_basic_credentials_are_a_401_challenge_not_a_500(flow, header):
    code, _ = flow.code()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri}
    response = flow.client.post("/token", data={**data, "code_verifier": flow.verifier}, headers=header)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")


def test_as_13_another_authorization_scheme_is_refused_without_a_basic_challenge(flow):
    response = flow.client.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": "x"}, headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" not in response.headers


# --- Public clients: `none`, PKCE only (RFC 6749 §2.1, §3.2.1; RFC 7636) ---------------------------


def test_as_13_a_public_client_gets_no_secret_at_registration(flow, provider_app):
    response = register(flow, token_endpoint_auth_method="none", redirect_uris=f"{SPA_ORIGIN}/callback")
    page = response.get_data(as_text=True)
    assert "data-client-secret" not in page
    assert "no client secret" in page
    client_id = re.search(r"data-client-id>([^<]+)<", page).group(1)
    with provider_app.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one()
        assert not client.client_secret
        assert client.token_endpoint_auth_method == "none"


def test_as_13_a_public_client_redeems_its_code_with_its_id_and_the_pkce_verifier(public_client):
    response = exchange(public_client, "none")
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert {"access_token", "refresh_token", "id_token"} <= tokens.keys()
    assert public_client.userinfo(tokens["access_token"]).status_code == 200


def test_as_2_a_public_client_without_the_verifier_is_refused(public_client):
    response = exchange(public_client, "none", code_verifier=None)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_as_2_a_public_client_with_a_wrong_verifier_is_refused(public_client):
    response = exchange(public_client, "none", code_verifier="x" * 50)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
def test_as_13_a_public_client_cannot_present_a_secret_to_pass_as_confidential(public_client, method):
    public_client.secret = "made-up-secret"
    response = exchange(public_client, method)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_as_13_an_empty_client_secret_is_no_secret(public_client):
    """RFC 6749 §2.3.1: a client "MAY omit the parameter if the client secret is an empty string"."""
    assert exchange(public_client, "none", client_secret="").status_code == 200


def test_as_13_a_confidential_client_with_an_empty_secret_is_refused(post_client):
    response = exchange(post_client, "none", client_secret="")
    assert response.status_code == 401
    assert "confidential" in response.get_json()["error_description"]


@pytest.mark.parametrize("who", ["basic", "post"])
def test_as_13_a_confidential_client_cannot_drop_its_secret_and_pass_as_public(flow, post_client, who):
    """RFC 6749 §3.2.1: confidential clients MUST authenticate; their id alone proves nothing."""
    client = flow if who == "basic" else post_client
    response = exchange(client, "none")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "confidential" in response.get_json()["error_description"]


def test_as_13_a_public_client_id_cannot_redeem_another_clients_code(flow, public_client):
    code, _ = flow.code()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri}
    data.update(code_verifier=flow.verifier, client_id=public_client.client_id)
    response = flow.client.post("/token", data=data)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_as_5_a_public_clients_refresh_token_rotates_and_reuse_revokes_the_family(public_client):
    tokens = exchange(public_client, "none").get_json()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    new = token_request(public_client, dict(data), "none")
    assert new.status_code == 200
    assert new.get_json()["refresh_token"] != tokens["refresh_token"]
    replay = token_request(public_client, dict(data), "none")
    assert replay.status_code == 400
    assert public_client.userinfo(new.get_json()["access_token"]).status_code == 401


def test_as_13_a_public_clients_refresh_token_is_bound_to_that_client(flow, public_client):
    tokens = exchange(public_client, "none").get_json()
    other = registered(flow, token_endpoint_auth_method="none", redirect_uris="http://127.0.0.1:9000/cb")
    response = token_request(other, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, "none")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"
    assert public_client.userinfo(tokens["access_token"]).status_code == 200


def test_as_13_a_public_client_cannot_use_client_credentials_even_if_registered_for_it(public_client, provider_app):
    """RFC 6749 §4.4: client credentials are for confidential clients only (checked by the model too)."""
    with provider_app.app_context():
        client = db.session.execute(db.select(Client).filter_by(client_id=public_client.client_id)).scalar_one()
        client.set_client_metadata({**client.client_metadata, "grant_types": ["client_credentials"]})
        assert client.check_grant_type("client_credentials") is False


# --- Revocation (RFC 7009 §2.1): the same rules ---------------------------------------------------


def test_as_13_a_public_client_revokes_its_own_token_with_its_client_id(public_client):
    tokens = exchange(public_client, "none").get_json()
    response = token_request(public_client, {"_path": "/revoke", "token": tokens["access_token"]}, "none")
    assert response.status_code == 200
    assert public_client.userinfo(tokens["access_token"]).status_code == 401


def test_as_13_a_client_secret_post_client_revokes_with_post(post_client):
    tokens = exchange(post_client, "client_secret_post").get_json()
    response = token_request(post_client, {"_path": "/revoke", "token": tokens["refresh_token"]}, "client_secret_post")
    assert response.status_code == 200
    assert post_client.userinfo(tokens["access_token"]).status_code == 401


def test_as_13_revocation_refuses_basic_from_a_client_secret_post_client(post_client):
    tokens = exchange(post_client, "client_secret_post").get_json()
    response = token_request(post_client, {"_path": "/revoke", "token": tokens["access_token"]}, "client_secret_basic")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert post_client.userinfo(tokens["access_token"]).status_code == 200


def test_as_13_revocation_refuses_a_confidential_client_without_its_secret(flow):
    tokens = flow.tokens()
    response = flow.client.post("/revoke", data={"token": tokens["access_token"], "client_id": CLIENT_ID})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert flow.userinfo(tokens["access_token"]).status_code == 200


# --- The console: each kind of client ---------------------------------------------------------


def stored(provider_app, page):
    client_id = re.search(r"data-client-id>([^<]+)<", page).group(1)
    with provider_app.app_context():
        return db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one().client_metadata


def test_console_registers_a_public_browser_client_with_its_origins(flow, provider_app):
    response = register(
        flow,
        token_endpoint_auth_method="none",
        redirect_uris=f"{SPA_ORIGIN}/callback",
        allowed_cors_origins=f"{SPA_ORIGIN}\nhttps://spa.example.com\n{SPA_ORIGIN}",
        post_logout_redirect_uris=f"{SPA_ORIGIN}/",
    )
    assert response.status_code == 200
    metadata = stored(provider_app, response.get_data(as_text=True))
    assert metadata["allowed_cors_origins"] == [SPA_ORIGIN, "https://spa.example.com"]
    assert metadata["post_logout_redirect_uris"] == [f"{SPA_ORIGIN}/"]
    assert metadata["grant_types"] == ["authorization_code", "refresh_token"]
    assert metadata["token_endpoint_auth_method"] == "none"
    assert SPA_ORIGIN in flow.client.get("/console/").get_data(as_text=True)


def test_console_defaults_to_a_confidential_basic_code_flow_client_with_opaque_tokens(flow, provider_app):
    metadata = stored(provider_app, register(flow).get_data(as_text=True))
    assert metadata["token_endpoint_auth_method"] == "client_secret_basic"
    assert metadata["grant_types"] == ["authorization_code", "refresh_token"]
    assert metadata["access_token_format"] == "opaque"
    assert "allowed_cors_origins" not in metadata


def test_console_registers_a_client_credentials_client_without_redirect_uris(flow, provider_app):
    response = register(
        flow,
        grant_types="client_credentials",
        redirect_uris="",
        scope_openid=None,
        scope_inventory_read="y",
        access_token_format="jwt",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert "data-client-secret" in response.get_data(as_text=True)
    metadata = stored(provider_app, response.get_data(as_text=True))
    assert metadata["grant_types"] == ["client_credentials"]
    assert metadata["redirect_uris"] == [] and metadata["response_types"] == []
    assert metadata["access_token_format"] == "jwt"
    assert metadata["scope"] == "inventory:read"


def test_console_registers_a_public_device_client(flow, provider_app):
    response = register(flow, grant_types="device_code", token_endpoint_auth_method="none", redirect_uris="")
    assert response.status_code == 200
    metadata = stored(provider_app, response.get_data(as_text=True))
    assert metadata["grant_types"] == ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"]


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"token_endpoint_auth_method": "private_key_jwt"}, "Not a valid choice"),
        ({"token_endpoint_auth_method": ""}, "Not a valid choice"),
        ({"grant_types": "password"}, "Not a valid choice"),
        ({"grant_types": "implicit"}, "Not a valid choice"),
        ({"access_token_format": "rsa"}, "Not a valid choice"),
        (
            {"grant_types": "client_credentials", "token_endpoint_auth_method": "none", "redirect_uris": ""},
            "RFC 6749 §4.4",
        ),
        (
            {"grant_types": "client_credentials", "redirect_uris": "", "scope_inventory_read": "y"},
            "openid describes a user",
        ),
        (
            {"grant_types": "client_credentials", "redirect_uris": "", "scope_openid": None},
            "at least one machine scope",
        ),
        ({"scope_inventory_read": "y"}, "inventory:read is a machine scope"),
        (
            {"grant_types": "client_credentials", "scope_openid": None, "scope_inventory_read": "y"},
            "Only the authorization code flow uses redirect",
        ),
        ({"redirect_uris": ""}, "between one and ten redirect URIs"),
        ({"allowed_cors_origins": SPA_ORIGIN}, "Only a public client"),
        (
            {
                "grant_types": "device_code",
                "token_endpoint_auth_method": "none",
                "redirect_uris": "",
                "allowed_cors_origins": SPA_ORIGIN,
            },
            "Only a public client",
        ),
        ({"post_logout_redirect_uris": "http://evil.example/out"}, "plain http is allowed for loopback"),
        ({"post_logout_redirect_uris": "https://x.example/*"}, "wildcards"),
        (
            {"grant_types": "device_code", "redirect_uris": "", "post_logout_redirect_uris": "https://x.example/"},
            "signs them out",
        ),
        ({"post_logout_redirect_uris": "\n".join(f"https://x.example/{n}" for n in range(11))}, "at most ten"),
    ],
)
def test_console_refuses_an_impossible_registration_with_a_clear_400(flow, fields, message):
    response = register(flow, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "The application was not registered" in page


@pytest.mark.parametrize(
    "origin",
    [
        "null",
        "*",
        "https://*.example.com",
        "https://spa.example.com/",
        "https://spa.example.com/app",
        "https://SPA.example.com",
        "HTTPS://spa.example.com",
        "https://spa.example.com.",
        "https://spa.example.com:443",
        "http://localhost:80",
        "https://spa.example.com:0",
        "https://spa.example.com:65536",
        "https://spa.example.com:08443",
        "https://user@spa.example.com",
        "https://spa.example.com?x=1",
        "https://spa.example.com#x",
        "http://spa.example.com",
        "http://127.1:5173",
        "http://[0:0:0:0:0:0:0:1]:5173",
        "https://spä.example",
        "javascript:alert(1)",
        "file://",
        "localhost:5173",
        "//localhost:5173",
        "https://spa.example.com https://other.example",
        "x" * 300,
    ],
)
def test_hdr_4_console_refuses_an_origin_no_browser_sends_exactly(flow, origin):
    response = register(
        flow, token_endpoint_auth_method="none", redirect_uris=f"{SPA_ORIGIN}/cb", allowed_cors_origins=origin
    )
    assert response.status_code == 400
    assert "allowed_cors_origins-error-1" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "origin", ["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000", "https://spa.example.com:8443"]
)
def test_hdr_4_console_accepts_exact_origins(flow, origin):
    response = register(
        flow, token_endpoint_auth_method="none", redirect_uris=f"{SPA_ORIGIN}/cb", allowed_cors_origins=origin
    )
    assert response.status_code == 200


def test_hdr_4_console_accepts_at_most_ten_origins(flow):
    origins = "\n".join(f"http://localhost:{5000 + n}" for n in range(11))
    response = register(
        flow, token_endpoint_auth_method="none", redirect_uris=f"{SPA_ORIGIN}/cb", allowed_cors_origins=origins
    )
    assert response.status_code == 400
    assert "at most ten origins" in response.get_data(as_text=True)


def test_console_form_is_accessible(flow):
    """Every control has a label; each group of radios is a fieldset with a legend; errors are
    tied to their field (aria-describedby) and announced (role=alert)."""
    page = register(flow, redirect_uris="", token_endpoint_auth_method="private_key_jwt").get_data(as_text=True)
    ids = re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', page)
    for field_id in ids:
        if field_id != "csrf_token":
            assert f'for="{field_id}"' in page, field_id
    assert page.count("<legend>") >= 4
    assert 'aria-describedby="uris-help redirect_uris-error-1"' in page
    assert 'aria-describedby="auth-help token_endpoint_auth_method-error-1"' in page
    assert 'role="alert"' in page


def test_console_a_forged_registration_is_refused(flow):
    """AS-7: no CSRF token, no client (a page elsewhere cannot register one in the user's name)."""
    response = register(flow, csrf_token="forged")
    assert response.status_code == 400
    assert "data-client-id" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_as_13_a_console_client_credentials_client_authenticates_its_registered_way(flow, method):
    """RFC 6749 §4.4.2: the client credentials grant, with the method the console registered."""
    machine = registered(
        flow,
        grant_types="client_credentials",
        token_endpoint_auth_method=method,
        redirect_uris="",
        scope_openid=None,
        scope_inventory_read="y",
    )
    data = {"grant_type": "client_credentials", "scope": "inventory:read"}
    assert token_request(machine, dict(data), method).status_code == 200
    other = "client_secret_post" if method == "client_secret_basic" else "client_secret_basic"
    refused = token_request(machine, dict(data), other)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "invalid_client"


def test_pw_6_a_stranger_cannot_lock_a_public_client_out_of_the_token_endpoint(tmp_path, signing_key_pem):
    """A public client's id is no proof of who sent a request: its failures count against the
    sender's address only, or anyone could lock every user of a browser app out."""
    from provider import create_app
    from tests.conftest import provider_config

    app = create_app(
        provider_config(
            tmp_path,
            SIGNING_KEY_PEM=signing_key_pem,
            RATELIMIT_ENABLED=True,
            TOKEN_FAILURES_PER_CLIENT="5 per minute",
            TOKEN_FAILURES_PER_ADDRESS="100 per minute",
        )
    )
    browser = ProviderFlow(app.test_client())
    browser.login()
    spa = registered(browser, token_endpoint_auth_method="none", redirect_uris=f"{SPA_ORIGIN}/cb")
    browser = browser.client
    data = {"grant_type": "refresh_token", "refresh_token": "a guess", "client_id": spa.client_id}
    for _ in range(6):
        browser.post("/token", data=data, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    user = browser.post("/token", data=data, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert user.status_code == 400  # its own answer (invalid_grant), not 429


def test_as_7_the_consent_page_of_a_public_client_promises_no_secret(public_client, flow):
    """The consent page tells the person what protects them: for a public client, the PKCE proof
    alone (it has no secret); for a confidential one, its secret and the proof."""
    public = public_client.client.get("/authorize", query_string=public_client.params()).get_data(as_text=True)
    assert "public client" in public and "own secret" not in public
    confidential = flow.client.get("/authorize", query_string=flow.params()).get_data(as_text=True)
    assert "with its own secret and a" in confidential
