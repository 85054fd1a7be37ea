"""The OAuth attack bench: each attack works against the naive twins and fails against the
real client and provider, run for real over HTTP by the bench's own runners."""

import re
import secrets

import pytest
import requests

from tests.oauth_flow import LiveDance, csrf_token, query

RUNS = ["code-injection", "redirect-uri", "code-replay", "plain-pkce", "id-token", "open-redirect"]


@pytest.fixture
def bench(live):
    dance = LiveDance(live)
    dance.page_text = lambda: dance.page("/vulnerable/oauth/").text
    return dance


def run(bench, live, attack):
    page = bench.page_text()
    response = bench.http.post(
        f"{live.app_url}/vulnerable/oauth/run/{attack}",
        data={"csrf_token": csrf_token(page)},
        headers={"Origin": live.app_url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    page = bench.page_text()
    verdicts = {}
    for side in ("naive", "real"):
        block = page.split(f'data-bench="{attack}-{side}"', 1)[1].split("</div>", 1)[0]
        verdicts[side] = re.search(r'class="verdict (pass|fail)"', block).group(1)
    return verdicts


@pytest.mark.parametrize("attack", RUNS)
def test_each_attack_works_on_the_naive_twin_and_fails_on_the_real_one(bench, live, attack):
    assert run(bench, live, attack) == {"naive": "fail", "real": "pass"}


def test_login_csrf_the_attackers_code_lands_in_the_victims_naive_session_only(bench, live):
    page = bench.page_text()
    response = bench.http.post(
        f"{live.app_url}/vulnerable/oauth/attacker-links",
        data={"csrf_token": csrf_token(page)},
        headers={"Origin": live.app_url},
        allow_redirects=False,
    )
    attack_page = response.headers["Location"]
    assert attack_page.startswith(f"{live.attacker_url}/attack/oauth-login-csrf?")
    links = query(attack_page)
    assert "state=" not in links["naive"] and "state=" in links["real"]

    victim = LiveDance(live)
    real = victim.http.get(links["real"], allow_redirects=False)
    assert real.status_code == 400
    assert 'data-whoami="oauth">signed out<' in victim.page("/oauth/").text
    naive = victim.http.get(links["naive"], allow_redirects=False)
    assert naive.status_code == 302
    # The naive client believes the victim is bob; the real app (LAB-3) still names nobody.
    assert victim.page("/vulnerable/oauth/protected").json()["user"] == "bob"
    assert 'data-whoami="oauth">signed out<' in victim.page("/oauth/").text
    assert victim.page("/oauth/protected").status_code == 401


def test_the_attacker_page_offers_only_links_into_the_app(live):
    page = requests.get(
        f"{live.attacker_url}/attack/oauth-login-csrf",
        params={"naive": "javascript:alert(1)", "real": "javascript:alert(1)"},
        timeout=5,
    ).text
    assert "javascript:" not in page


def test_the_naive_provider_accepts_plain_pkce_the_real_metadata_does_not_advertise_it(live):
    meta = requests.get(f"{live.provider_url}/.well-known/openid-configuration", timeout=5).json()
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "/naive/" not in str(meta)


def test_production_registers_no_naive_twin(tmp_path, monkeypatch):
    from provider import create_app

    # Secrets production accepts (HDR-5 refuses low-entropy ones such as 40 x "p").
    monkeypatch.setenv("PROVIDER_SECRET_KEY", secrets.token_urlsafe(32))
    from provider.settings import new_signing_key

    monkeypatch.setenv("PROVIDER_SIGNING_KEY", new_signing_key())
    monkeypatch.setenv("BUILTIN_CLIENT_SECRET", secrets.token_urlsafe(32))
    monkeypatch.setenv("PROVIDER_URL", "https://id.example.org")
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "p")})
    assert not app.config["ENABLE_ATTACK_DEMOS"]
    assert app.test_client().get("/naive/authorize", base_url="https://id.example.org").status_code == 404
