"""The token workbench's API: sign and verify with any key, every check shown, hostile input a 400."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

import b64url
from blueprints.jwt import provider_keys, workbench_keys
from tests.fuzz_support import nested
from tests.jwt.test_jwt_fuzz import FUZZ, claim_sets, json_values, tokens
from tests.jwt_flow import bearer, login

ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "PS256", "ES256", "EdDSA"]
STRONG_SECRET = "Zk3v9Qm2Xw7Lr5Tn8Yb4Hc6Jd1Fg0Sa-PqRsTuVwXy"
INFINITE_EXP = b64url.encode(b'{"exp": 1e400}')  # JSON allows it; Python reads it as infinity


def generated(client, alg):
    response = client.post("/jwt/workbench/keys", json={"alg": alg})
    assert response.status_code == 200, response.json
    return response.json


def key_pair(made):
    """(signing key, verifying key) specs for a key the workbench generated."""
    if "secret" in made:
        return {"secret": made["secret"]}, {"secret": made["secret"]}
    return {"jwk": made["private_jwk"]}, {"jwk": made["public_jwk"]}


def sign(client, key, header=None, payload=None):
    body = {"header": header or {"alg": "HS256", "typ": "JWT"}, "payload": payload or {"sub": "42"}, "key": key}
    return client.post("/jwt/workbench/sign", json=body)


def signed(client, key, header=None, payload=None):
    response = sign(client, key, header, payload)
    assert response.status_code == 200, response.json
    return response.json["token"]


def verify(client, token, key):
    response = client.post("/jwt/workbench/verify", json={"token": token, "key": key})
    assert response.status_code == 200, response.json
    return response.json


def verdicts(checks):
    return {check["check"]: check["verdict"] for check in checks}


def part(value):
    return b64url.encode(json.dumps(value).encode())


def claims_of(token):
    return pyjwt.decode(token, options={"verify_signature": False})


def forged_admin(client, bob_token, secret=STRONG_SECRET):
    """bob's lab token with role admin, re-signed with a key of the student's own."""
    header, claims = pyjwt.get_unverified_header(bob_token), claims_of(bob_token)
    return signed(client, {"secret": secret}, header, {**claims, "role": "admin"})


def refused(response, words):
    assert response.status_code == 400, response.json
    assert response.is_json and words in response.json["error"]


# -- The page ---------------------------------------------------------------------------------


def test_the_workbench_page_starts_from_an_example_token(client):
    page = client.get("/jwt/workbench").get_data(as_text=True)
    assert 'id="wb-header"' in page and '"alg": "HS256"' in page
    assert "js/jwt-workbench.js" in page


def test_the_jwt_lab_and_the_home_page_link_to_the_workbench(client):
    for path in ("/jwt/", "/"):
        assert 'href="/jwt/workbench"' in client.get(path).get_data(as_text=True), path


# -- Keys made on the page ----------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["ES256", "RS256", "EdDSA"])
def test_a_generated_key_pair_gives_its_public_half_without_the_private_part(client, alg):
    made = generated(client, alg)
    assert "d" in made["private_jwk"] and "d" not in made["public_jwk"]
    assert made["public_jwk"]["kid"] == made["kid"] == workbench_keys.thumbprint(made["public_jwk"])
    assert made["public_pem"].startswith("-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize(("alg", "minimum"), [("HS256", 32), ("HS384", 48), ("HS512", 64)])
def test_a_generated_secret_is_at_least_as_long_as_its_hash(client, alg, minimum):
    assert len(generated(client, alg)["secret"].encode()) >= minimum


@pytest.mark.parametrize("alg", ["none", "HS1", "", None, ["ES256"], {"alg": "ES256"}])
def test_key_generation_refuses_an_algorithm_it_does_not_know(client, alg):
    refused(client.post("/jwt/workbench/keys", json={"alg": alg}), "alg must be one of")


# -- Signing --------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_every_algorithm_signs_and_verifies_with_a_generated_key(client, alg):
    signing, verifying = key_pair(generated(client, alg))
    result = verify(client, signed(client, signing, {"alg": alg, "typ": "JWT"}), verifying)
    assert result["signature"]["valid"] is True
    assert set(verdicts(result["signature"]["checks"]).values()) == {"pass"}


def test_a_pem_private_key_signs_and_its_public_pem_verifies(client):
    made = generated(client, "PS256")
    token = signed(client, {"pem": made["private_pem"]}, {"alg": "PS256"})
    assert verify(client, token, {"pem": made["public_pem"]})["signature"]["valid"] is True


def test_header_and_payload_are_signed_exactly_as_written(client):
    header, payload = {"alg": "HS256", "kid": "mine", "x": [1, {"y": None}]}, {"role": "admin", "n": 1.5}
    token = signed(client, {"secret": STRONG_SECRET}, header, payload)
    assert pyjwt.get_unverified_header(token) == header  # no typ added, nothing reordered away
    assert claims_of(token) == payload
    assert pyjwt.decode(token, STRONG_SECRET, algorithms=["HS256"]) == payload  # a standard verifier agrees


def test_a_weak_secret_still_signs_and_the_answer_calls_it_weak(client):
    response = sign(client, {"secret": "butterfly"})
    assert response.status_code == 200
    assert any("weak secret: 9 bytes" in warning for warning in response.json["warnings"])
    assert any("word list" in warning for warning in response.json["warnings"])


def test_a_long_random_secret_signs_without_a_warning(client):
    assert sign(client, {"secret": STRONG_SECRET}).json["warnings"] == []


def test_alg_none_is_never_signed(client):
    refused(sign(client, {"secret": STRONG_SECRET}, {"alg": "none"}), "alg none means no signature")


@pytest.mark.parametrize("builtin", ["app", "provider"])
def test_the_workbench_never_signs_with_a_key_set_of_this_app(client, builtin):
    refused(sign(client, {"builtin": builtin}), "never with this app's")


def test_a_public_key_does_not_sign(client):
    made = generated(client, "ES256")
    refused(sign(client, {"jwk": made["public_jwk"]}, {"alg": "ES256"}), "only the private key signs")


def rsa_public_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def ec_private_jwk():
    return pyjwt.algorithms.ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)


def test_an_rsa_pem_pasted_as_an_hmac_secret_is_refused_as_algorithm_confusion(client):
    refused(sign(client, {"secret": rsa_public_pem()}, {"alg": "HS256"}), "should not be used as an HMAC secret")


def test_an_rsa_pem_key_does_not_sign_hs256(client):
    refused(sign(client, {"pem": rsa_public_pem()}, {"alg": "HS256"}), "algorithm-confusion")


def test_an_ec_jwk_does_not_sign_rs256(client):
    refused(
        sign(client, {"jwk": ec_private_jwk()}, {"alg": "RS256"}), "cannot be used for RS256, which needs an RSA key"
    )


def test_a_jwk_declared_for_one_algorithm_does_not_sign_another(client):
    jwk = generated(client, "RS256")["private_jwk"]  # declared alg RS256
    refused(sign(client, {"jwk": jwk}, {"alg": "PS256"}), "is declared for RS256")


# -- Hostile input: a 4xx with the reason, never a 500 --------------------------------------------


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ({"pem": "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----"}, "pem: not a private key"),
        ({"pem": "not a pem at all"}, "pem: paste a PEM block"),
        ({"pem": "-----BEGIN " + "A" * 6000}, "at most 5000 characters"),
        ({"jwk": {"kty": "RSA", "n": 5, "e": "AQAB"}}, "jwk: not a valid RSA key"),
        ({"jwk": {"kty": ["RSA"]}}, "kty must be oct, RSA, EC or OKP"),
        ({"jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "d": "AA"}}, "jwk: not a valid EC key"),
        ({"jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB", "d": "AQAB"}}, "needs p, q, dp, dq and qi"),
        ({"jwk": "https://keys.example/jwk.json"}, "the workbench never fetches a URL"),
        ({"jwk": {"kty": "oct", "k": "c2VjcmV0", "use": "enc"}}, "not for signatures"),
        ({"secret": ""}, "a string of 1 to 1024 characters"),
        ({"secret": "x" * 1025}, "a string of 1 to 1024 characters"),
        ({"secret": 42}, "a string of 1 to 1024 characters"),
        ({"secret": "a", "pem": "b"}, "name one key"),
        ({"password": "x"}, "unknown key kind"),
        ({}, 'send "key"'),
        ("a string", 'send "key"'),
    ],
)
def test_a_key_the_workbench_cannot_read_is_a_400_that_says_why(client, key, words):
    refused(sign(client, key), words)


def test_an_encrypted_pem_is_a_400_asking_for_the_unencrypted_key(client):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")
    ).decode()
    refused(sign(client, {"pem": pem}, {"alg": "ES256"}), "encrypted")


def test_an_rsa_key_of_more_than_4096_bits_is_refused_before_any_work(client):
    # A 5,000-bit modulus (any odd number will do: nothing is computed with it).
    modulus = b64url.encode(((1 << 4999) | 1).to_bytes(625, "big"))
    response = client.post(
        "/jwt/workbench/verify", json={"token": "a.b.c", "key": {"jwk": {"kty": "RSA", "n": modulus, "e": "AQAB"}}}
    )
    refused(response, "the workbench takes 1024 to 4096")


def test_a_jwk_set_of_ten_thousand_keys_is_refused(client):
    response = client.post("/jwt/workbench/verify", json={"token": "a.b.c", "key": {"jwks": {"keys": [{}] * 10_000}}})
    refused(response, "10000 keys; the workbench reads a set of at most 100")


def test_a_token_longer_than_any_verifier_reads_is_refused(client):
    response = client.post("/jwt/workbench/verify", json={"token": "a" * 9000, "key": {"secret": "x"}})
    refused(response, "no verifier here reads more than 8192")


def test_a_payload_that_would_make_an_oversized_token_is_not_signed(client):
    refused(sign(client, {"secret": STRONG_SECRET}, payload={"pad": "x" * 7000}), "the token would be")


def test_a_body_larger_than_64_kib_is_a_413_in_json(client):
    response = sign(client, {"secret": STRONG_SECRET}, payload={"pad": "x" * 70_000})
    assert response.status_code == 413 and response.is_json


@pytest.mark.parametrize("shape", ["arrays", "objects", "mixed"])
def test_a_deeply_nested_payload_is_a_400(client, shape):
    body = '{"header": {"alg": "HS256"}, "key": {"secret": "s"}, "payload": {"x": ' + nested(2000, shape) + "}}"
    response = client.post("/jwt/workbench/sign", data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json


def test_a_token_whose_payload_nests_deeply_is_a_400(client):
    token = f"{part({'alg': 'HS256'})}.{b64url.encode(nested(900, 'objects').encode())}.c2ln"
    refused(client.post("/jwt/workbench/verify", json={"token": token, "key": {"secret": "s"}}), "nests deeper")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"header": [], "payload": {}, "key": {"secret": "s"}},
        {"header": {"alg": "HS256"}, "payload": "claims", "key": {"secret": "s"}},
        {"header": {"alg": ["HS256"]}, "payload": {}, "key": {"secret": "s"}},
        {"header": {"alg": {"x": 1}}, "payload": {}, "key": {"secret": "s"}},
        {"header": {"alg": "HS256"}, "payload": {}, "key": None},
    ],
)
def test_a_malformed_sign_request_is_a_400(client, body):
    response = client.post("/jwt/workbench/sign", json=body)
    assert response.status_code == 400 and response.json["error"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": 42, "key": {"secret": "s"}},
        {"token": "   ", "key": {"secret": "s"}},
        {"token": "a.b.c", "key": []},
    ],
)
def test_a_malformed_verify_request_is_a_400(client, body):
    response = client.post("/jwt/workbench/verify", json=body)
    assert response.status_code == 400 and response.json["error"]


@pytest.mark.parametrize(
    "header",
    [{"alg": ["HS256"]}, {"alg": None}, {"alg": "HS256", "kid": {"a": 1}}, {"alg": "ES256", "kid": 7}, {"typ": 1}],
)
def test_a_token_with_odd_header_values_gets_verdicts_not_an_error(client, header):
    token = f"{part(header)}.{INFINITE_EXP}.c2ln"
    result = verify(client, token, {"jwks": {"keys": [generated(client, "ES256")["public_jwk"]]}})
    assert result["signature"]["valid"] is False


# Garbage of every shape (test_jwt_fuzz.py's): a verdict or a 400, never a 500. The claims of a
# token signed with the student's own key reach every rule of the app, so those are fuzzed too.

# Fewer examples than test_jwt_fuzz.py's: each example here makes two or three requests.
SAMPLE = settings(FUZZ, max_examples=60)
key_specs = st.dictionaries(
    st.sampled_from(["secret", "pem", "jwk", "jwks", "builtin", "jku"]), json_values, max_size=2
)


@SAMPLE
@given(token=tokens, key=st.sampled_from([{"secret": STRONG_SECRET}, {"builtin": "app"}, {"jwks": {"keys": [{}]}}]))
def test_garbage_tokens_get_verdicts_or_a_400(client, token, key):
    response = client.post("/jwt/workbench/verify", json={"token": token, "key": key})
    assert response.status_code in (200, 400), response.json


@SAMPLE
@given(header=claim_sets, payload=json_values, key=key_specs)
def test_garbage_sign_requests_are_a_400_at_worst(client, header, payload, key):
    response = client.post("/jwt/workbench/sign", json={"header": header, "payload": payload, "key": key})
    assert response.status_code in (200, 400), response.json


@SAMPLE
@given(header=claim_sets, claims=claim_sets)
def test_any_claims_signed_with_the_students_key_get_verdicts(client, header, claims):
    token = signed(client, {"secret": STRONG_SECRET}, {**header, "alg": "HS256"}, claims)
    result = verify(client, token, {"secret": STRONG_SECRET})
    assert result["signature"]["valid"] is True and result["app"]["accepted"] is False


# -- Verifying: the signature with your key, the app's rules each on its own, the app's verdict ----


def test_a_forged_admin_token_meets_every_other_rule_and_this_app_still_refuses_it(client):
    result = verify(client, forged_admin(client, login(client, "bob")["access_token"]), {"secret": STRONG_SECRET})
    assert result["signature"]["valid"] is True
    rules = verdicts(result["rules"])
    assert {rules.pop("revocation"), rules.pop("user")} == {"skip"}  # the store is not asked
    assert set(rules.values()) == {"pass"}
    assert result["app"] == {"accepted": False, "reason": "Signature verification failed"}


def test_this_apps_jwks_never_verifies_an_hs256_token(client):
    result = verify(client, login(client, "bob")["access_token"], {"builtin": "app"})
    check = result["signature"]["checks"][2]
    assert check["check"] == "key" and check["verdict"] == "fail"
    assert "HMAC secrets, which no JWKS publishes" in check["detail"]
    assert result["app"]["accepted"] is True  # the app verifies it with its own secret


def test_this_apps_jwks_verifies_its_rs256_tokens(client):
    admin = login(client)["access_token"]
    assert client.post("/jwt/api/keys/rotate", headers=bearer(admin), json={"alg": "RS256"}).status_code == 200
    result = verify(client, login(client, "bob")["access_token"], {"builtin": "app"})
    assert result["signature"]["valid"] is True and result["app"]["accepted"] is True
    assert set(verdicts(result["rules"]).values()) == {"pass"}


def test_the_providers_jwks_is_the_copy_this_app_holds(app, client, monkeypatch):
    made = generated(client, "RS256")
    held = {made["kid"]: pyjwt.PyJWK(made["public_jwk"])}
    app.extensions["provider_jwks"] = {"keys": held, "fetched": time.monotonic(), "error": None}
    monkeypatch.setattr(provider_keys, "fetch", lambda: pytest.fail("the cached copy must answer"))
    token = signed(client, {"jwk": made["private_jwk"]}, {"alg": "RS256", "kid": made["kid"]})
    assert verify(client, token, {"builtin": "provider"})["signature"]["valid"] is True


def test_a_jwk_set_is_searched_by_the_tokens_kid(client):
    first, second = generated(client, "ES256"), generated(client, "ES256")
    token = signed(client, {"jwk": second["private_jwk"]}, {"alg": "ES256", "kid": second["kid"]})
    jwks = {"keys": [first["public_jwk"], second["public_jwk"]]}
    assert verify(client, token, {"jwks": json.dumps(jwks)})["signature"]["valid"] is True
    other = verify(client, token, {"jwks": {"keys": [first["public_jwk"]]}})["signature"]["checks"][2]
    assert other["verdict"] == "fail" and "holds no key" in other["detail"]


def test_an_rsa_public_key_as_an_hmac_secret_does_not_verify_hs256(client):
    pem = rsa_public_pem()
    forged = f"{part({'alg': 'HS256'})}.{part({'role': 'admin'})}.c2ln"
    checks = verdicts(verify(client, forged, {"secret": pem})["signature"]["checks"])
    assert checks == {"structure": "pass", "algorithm": "pass", "key": "pass", "signature": "fail"}


def test_an_ec_jwk_does_not_verify_rs256(client):
    token = signed(client, {"jwk": generated(client, "RS256")["private_jwk"]}, {"alg": "RS256"})
    check = verify(client, token, {"jwk": ec_private_jwk()})["signature"]["checks"][2]
    assert check["verdict"] == "fail" and "which needs an RSA key" in check["detail"]


def test_one_changed_character_fails_the_signature_check(client):
    header, payload, signature = signed(client, {"secret": STRONG_SECRET}).split(".")
    tampered = f"{header}.{part({'sub': '43'})}.{signature}"
    checks = verify(client, tampered, {"secret": STRONG_SECRET})["signature"]["checks"]
    assert checks[-1]["verdict"] == "fail" and "Signature verification failed" in checks[-1]["detail"]


def test_an_expired_token_shows_every_other_rule_it_meets(client):
    claims = {**claims_of(login(client, "bob")["access_token"]), "exp": int(time.time()) - 60}
    result = verify(client, signed(client, {"secret": STRONG_SECRET}, payload=claims), {"secret": STRONG_SECRET})
    rules = verdicts(result["rules"])
    assert rules["expiry"] == "fail" and rules["issuer"] == rules["audience"] == rules["role"] == "pass"


def test_the_store_is_asked_only_about_a_token_that_met_every_other_rule(client):
    claims = {**claims_of(login(client, "bob")["access_token"]), "iss": "https://elsewhere.example"}
    result = verify(client, signed(client, {"secret": STRONG_SECRET}, payload=claims), {"secret": STRONG_SECRET})
    rules = verdicts(result["rules"])
    assert rules["issuer"] == "fail" and rules["revocation"] == rules["user"] == "skip"


def test_a_token_signed_with_a_students_key_learns_nothing_of_this_apps_users(client):
    claims = {**claims_of(login(client, "bob")["access_token"]), "sub": "999"}
    result = verify(client, signed(client, {"secret": STRONG_SECRET}, payload=claims), {"secret": STRONG_SECRET})
    user = next(rule for rule in result["rules"] if rule["check"] == "user")
    assert user["verdict"] == "skip" and "no longer exists" not in json.dumps(result)


def test_a_token_that_is_no_jwt_fails_the_structure_check(client):
    result = verify(client, "not-a-token", {"secret": STRONG_SECRET})
    assert verdicts(result["signature"]["checks"])["structure"] == "fail"
    assert result["app"]["accepted"] is False


# -- SSRF: no URL the request or the token names is ever fetched ---------------------------------


@pytest.fixture
def listener():
    """A local HTTP server that counts the requests it gets: any request is a fetch that must not be."""
    hits = []

    class Count(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"keys": []}')

        def log_message(self, *_args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Count)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", hits
    server.shutdown()
    server.server_close()


def test_a_jku_in_the_token_is_refused_and_never_fetched(client, listener):
    url, hits = listener
    made = generated(client, "ES256")
    token = signed(client, {"jwk": made["private_jwk"]}, {"alg": "ES256", "jku": url})
    result = verify(client, token, {"jwk": made["public_jwk"]})
    offered = next(rule for rule in result["rules"] if rule["check"] == "key offered")
    assert offered["verdict"] == "fail" and "never fetched" in offered["detail"]
    assert hits == []


@pytest.mark.parametrize("field", ["jku", "url", "x5u", "jwks_uri"])
def test_a_key_url_in_the_request_is_refused_and_never_fetched(client, listener, field):
    url, hits = listener
    response = client.post("/jwt/workbench/verify", json={"token": "a.b.c", "key": {field: url}})
    refused(response, "never fetches a key from a URL")
    assert hits == []


def test_a_jwks_given_as_a_url_is_refused_and_never_fetched(client, listener):
    url, hits = listener
    refused(client.post("/jwt/workbench/verify", json={"token": "a.b.c", "key": {"jwks": url}}), "never fetches a URL")
    assert hits == []


# -- CSRF: the JSON endpoints, like the lab's others ----------------------------------------------


def test_a_cross_site_post_to_the_workbench_is_refused(client):
    response = client.post(
        "/jwt/workbench/sign",
        json={"header": {"alg": "HS256"}, "payload": {}, "key": {"secret": STRONG_SECRET}},
        headers={"Origin": "http://attacker.localhost:8003"},
    )
    assert response.status_code == 400 and "Cross-site request refused" in response.json["description"]


def test_a_form_post_to_the_workbench_needs_the_csrf_token(client):
    response = client.post("/jwt/workbench/verify", data={"token": "a.b.c"})
    assert response.status_code == 400 and "CSRF" in json.dumps(response.json)
