"""Silent sign-in (prompt=none) and step-up (max_age) as options of the app's dance.

OIDC Core §3.1.2.1: prompt=none must never show a page (a code at once, or login_required /
consent_required), max_age asks for a fresh sign-in, and the id_token's auth_time must prove
it. In-process for what the app sends and refuses; against a real OP (oidc-provider) for
what comes back.
"""

import time

import pytest

from blueprints.oauth import id_token, step_up
from tests.oauth import oidc_provider_op
from tests.oauth.oidc_provider_op import OPBrowser
from tests.oauth_flow import query

# --- What the app sends -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    found, stop = oidc_provider_op.start(tmp_path_factory.mktemp("step-up"))
    yield found
    stop()


@pytest.fixture
def visitor(setup):
    yield OPBrowser(setup)
    setup.op.tamper("none")


def test_oidc_core_3_1_2_1_prompt_and_max_age_go_into_the_authorization_request(visitor):
    params = query(visitor.login_redirect("op-plain", prompt="none", max_age="0").headers["Location"])
    assert params["prompt"] == "none"
    assert params["max_age"] == "0"


def test_oidc_core_11_offline_access_is_asked_with_prompt_consent_but_not_when_silent(visitor):
    assert query(visitor.login_redirect("op").headers["Location"])["prompt"] == "consent"
    assert query(visitor.login_redirect("op", prompt="login").headers["Location"])["prompt"] == "login consent"
    assert query(visitor.login_redirect("op", prompt="none").headers["Location"])["prompt"] == "none"
    assert "prompt" not in query(visitor.login_redirect("op-plain").headers["Location"])


@pytest.mark.parametrize(
    "params",
    [{"prompt": "nothing"}, {"prompt": "none login"}, {"max_age": "-1"}, {"max_age": "1e3"}, {"max_age": "٣"}],
    ids=["unknown-prompt", "two-prompts", "negative", "not-a-number", "arabic-digit"],
)
def test_a_bad_prompt_or_max_age_is_a_clear_400(visitor, params):
    response = visitor.login_redirect("op", **params)
    assert response.status_code == 400
    assert "prompt" in response.text or "max_age" in response.text


def test_prompt_is_refused_for_an_oauth_only_provider(tmp_path):
    from app import create_app
    from tests.conftest import app_config

    app = create_app(app_config(tmp_path / "i", GITHUB_CLIENT_ID="gh", GITHUB_CLIENT_SECRET="gh-secret"))
    response = app.test_client().get("/oauth/login?provider=github&prompt=none")
    assert response.status_code == 400
    assert "OAuth 2.0 only" in response.get_data(as_text=True)


def test_the_lab_page_offers_prompt_and_max_age_for_openid_providers(visitor):
    page = visitor.page("/oauth/").text
    assert '<label for="prompt-op">prompt</label>' in page
    assert 'id="max-age-op" name="max_age"' in page


# --- What comes back from a real OP ----------------------------------------------------------


def test_oidc_core_3_1_2_1_a_silent_sign_in_while_signed_in_there_shows_no_page(visitor):
    visitor.sign_in("op")
    visitor.prompts.clear()
    response = visitor.sign_in("op", prompt="none")
    assert visitor.prompts == []  # the OP answered with a redirect, no page
    assert response.status_code == 302
    page = visitor.page("/oauth/dance").text
    assert "silent sign-in (<code>prompt=none</code>)" in page
    assert "data-oauth-identity>alice<" in page


def test_oidc_core_3_1_2_6_a_silent_sign_in_when_signed_out_there_answers_login_required(visitor):
    response = visitor.sign_in("op", prompt="none")
    assert response.status_code == 400
    assert "login_required" in response.text and "data-silent-answer" in response.text
    assert "Sign in normally" in response.text
    page = visitor.page("/oauth/dance").text
    assert "data-callback-error>login_required<" in page
    assert 'data-whoami="oauth">signed out<' in page


def test_oidc_core_3_1_2_6_a_silent_sign_in_for_scopes_not_yet_allowed_answers_consent_required(visitor):
    visitor.sign_in("op-plain")  # openid email only were allowed
    response = visitor.sign_in("op", prompt="none")  # profile was never allowed
    assert response.status_code == 400
    assert "consent_required" in response.text
    assert "have not yet allowed this app" in response.text


def test_oidc_core_3_1_2_1_max_age_0_makes_the_op_ask_for_the_password_again(visitor):
    visitor.sign_in("op")
    visitor.prompts.clear()
    response = visitor.sign_in("op", max_age="0")
    assert visitor.prompts[0] == "login"
    assert response.status_code == 302
    page = visitor.page("/oauth/dance").text
    assert "<code>auth_time</code> is no more than max_age=0 s ago" in page
    assert "data-oauth-identity>alice<" in page


def test_oidc_core_3_1_2_1_an_op_that_ignores_max_age_is_caught_by_auth_time(visitor, setup):
    visitor.sign_in("op")
    time.sleep(id_token.AUTH_TIME_LEEWAY + 1.5)
    setup.op.tamper("ignore-max-age")
    visitor.prompts.clear()
    response = visitor.sign_in("op", max_age="0")
    assert "login" not in visitor.prompts  # the OP skipped the re-authentication
    assert response.status_code == 400
    assert "did not re-authenticate you" in response.text


# --- The checks themselves ----------------------------------------------------------------


def test_auth_time_is_required_when_max_age_was_asked():
    with pytest.raises(ValueError, match="no auth_time"):
        id_token.check_auth_time(None, max_age=60)


def test_auth_time_within_max_age_passes_and_older_fails():
    now = 1_800_000_000
    id_token.check_auth_time(now - 60, max_age=60, now=now)
    with pytest.raises(ValueError, match="did not re-authenticate"):
        id_token.check_auth_time(now - 60 - id_token.AUTH_TIME_LEEWAY - 1, max_age=60, now=now)


def test_without_max_age_auth_time_is_not_judged():
    id_token.check_auth_time(None, max_age=None)


def test_every_silent_refusal_has_words():
    for error in ("login_required", "consent_required", "interaction_required", "account_selection_required"):
        assert step_up.explain(error)
    assert step_up.explain("access_denied") is None


# --- In Chromium: the options on the lab page ---------------------------------------------


@pytest.mark.browser
def test_a_silent_sign_in_chosen_on_the_lab_page_shows_the_providers_answer(page, live):
    from playwright.sync_api import expect

    page.goto(f"{live.app_url}/oauth/")
    page.get_by_text("Options: silent sign-in, step-up").first.click()
    page.get_by_label("prompt").first.select_option("none")
    page.get_by_role("button", name="Sign in with Lab Identity Provider").click()
    # Not signed in at the provider: it answers login_required at once, no page of its own.
    expect(page.locator("[data-oauth-failure]")).to_contain_text("login_required")
    expect(page.locator("[data-silent-answer]")).to_contain_text("prompt=none")
    page.get_by_role("link", name="See the steps so far").click()
    expect(page.locator("[data-callback-error]")).to_have_text("login_required")
