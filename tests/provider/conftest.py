"""Fixtures for the provider's tests: one provider per test module (each test gets its own
browser, client and codes), since making one costs an RSA key and two Argon2 hashes."""

import pytest

from provider.settings import new_signing_key
from tests.conftest import provider_config
from tests.oauth_flow import ProviderFlow


@pytest.fixture(scope="module")
def signing_key_pem():
    return new_signing_key()


@pytest.fixture(scope="module")
def provider_app(tmp_path_factory, signing_key_pem):
    """One provider for the module, for the tests that need no settings of their own."""
    from provider import create_app

    return create_app(provider_config(tmp_path_factory.mktemp("provider"), SIGNING_KEY_PEM=signing_key_pem))


@pytest.fixture
def flow(provider_client):
    flow = ProviderFlow(provider_client)
    flow.login()
    return flow
