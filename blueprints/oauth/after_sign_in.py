"""After the sign-in: what the app does with the grant it holds, the protocol only, no page.

refresh (RFC 6749 §6: a new access token, and maybe a new refresh token), revoke_grant
(RFC 7009: the provider forgets the token, and usually the grant) and call_api (the user API
again, to see each one's effect). Each goes over authlib's own back channel session, to the
endpoints the provider's metadata names, and is recorded like every hop of the dance
(client.py). dance.py's buttons run them; routes.py's sign-out revokes the grant.
"""

import contextlib

from flask import current_app, session
from joserfc.errors import JoseError

from . import providers
from .attempt import current
from .client import back_channel_session
from .flow import bearer
from .id_token import check_id_token


class NoRefreshToken(Exception):
    """The provider issued no refresh token in this sign-in: there is nothing to refresh with."""


def refresh(client, tokens):
    """Trade the refresh token for new tokens; returns what the provider did with it.

    RFC 6749 §6 lets the provider rotate (a new refresh token, the old one retired) or keep
    the old one valid (no refresh token in the answer, or the same one again): the answer is
    read as sent, since authlib copies the old refresh token into a reply that has none.
    """
    old = tokens.get("refresh_token")
    if not old:
        raise NoRefreshToken
    answer = {}

    def keep_answer(response):
        with contextlib.suppress(ValueError):
            answer.update(response.json())
        return response

    with back_channel_session(client) as http:
        http.register_compliance_hook("refresh_token_response", keep_answer)
        new = dict(http.refresh_token(client.load_server_metadata()["token_endpoint"], refresh_token=old))
    if "id_token" in answer:
        check_refreshed_id_token(client, new)
    sent = answer.get("refresh_token")
    session["oauth_tokens"] = {**tokens, **new, "refresh_token": sent or old}
    return {
        "refresh_token": "kept" if not sent else ("same" if sent == old else "rotated"),
        "id_token": "id_token" in answer,
        "expires_in": new.get("expires_in"),
    }


# OIDC Core §12.2: an id_token that comes with a refresh is checked like the first one
# (signature, iss, aud, exp, at_hash against the new access token), and must name the same
# user: a refresh never turns the session into somebody else's.
def check_refreshed_id_token(client, new):
    provider = providers.all_providers(current_app)[current()["provider"]]
    try:
        claims = check_id_token(client, provider, new, nonce=None)
    except JoseError as exc:
        raise ValueError(f"the refreshed id_token failed verification: {exc}") from exc
    identity = session.get("oauth_identity") or {}
    if str(claims.get("sub")) != identity.get("sub"):
        raise ValueError("the refreshed id_token names another user (OIDC Core §12.2): nothing from it is kept")


def revoke_grant(client, tokens):
    """RFC 7009 at the advertised revocation_endpoint: the refresh token (which ends the grant at
    most providers), else the access token. Returns (which, response), or None when the provider
    advertises no revocation endpoint."""
    endpoint = client.load_server_metadata().get("revocation_endpoint")
    kind = "refresh_token" if tokens.get("refresh_token") else "access_token"
    if not endpoint or not tokens.get(kind):
        return None
    with back_channel_session(client) as http:
        return kind, http.revoke_token(endpoint, token=tokens[kind], token_type_hint=kind)


def call_api(client, tokens):
    """The user API again, with the access token the session holds now; returns the response."""
    return client.get(client.load_server_metadata()["userinfo_endpoint"], token=bearer(tokens))
