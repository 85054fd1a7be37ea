"""RP-Initiated Logout 1.0: an application that signed you in here can sign you out here too.

Signing out of the app alone leaves the provider's sign-in alive: the next "Sign in with..."
goes straight through, which on a shared computer is the next person's way in. So the app
sends the browser to GET (or POST) /end_session with:

- `id_token_hint`: an id_token this provider issued to it (an expired one is accepted, §2),
  which says who is signing out and from which sign-in (`sid`);
- `post_logout_redirect_uri`: where to come back to, which must equal one registered for that
  client character for character (§3), as redirect URIs do at /authorize (AS-1);
- `client_id` (§2) and `state`, echoed on the way back.

The attack built against is a cross-site link that signs people out (a logout CSRF: a nuisance,
and a way to make someone sign in again on a page the attacker chose). §6: "Logout requests
without a valid id_token_hint value are a potential means of denial of service; therefore, OPs
should obtain explicit confirmation from the End-User before acting upon them." Here the
sign-in ends without a question only when the hint names *this* sign-in (its `sid` equals this
session's); otherwise the person is asked, on a CSRF-protected page, and a redirect happens
only with a valid hint (§3: no hint, no redirect).

`sid` (OpenID Connect Front-Channel Logout 1.0 §3, used here by RP-Initiated Logout): a
per-sign-in identifier, 128 random bits kept in the server-side session (sessions.py, AS-10).
It is not the session cookie: an id_token is shown to the app, logged, pasted into the JWT lab,
and must never be a key to the provider session.
"""

from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import session
from joserfc import jwt
from joserfc.errors import JoseError

from .access_tokens import AT_JWT_TYPE
from .identity import SIGNING_ALG, issuer, signing_key
from .models import new_token

# An id_token is a few hundred bytes; anything far longer is not one of ours.
MAX_HINT_LENGTH = 8192


def session_id_claim():
    """This sign-in's `sid`, made at its first use and kept in the session; None if signed out."""
    if not isinstance(session.get("user_id"), int):
        return None
    sid = session.get("sid")
    if not isinstance(sid, str):
        sid = session["sid"] = new_token(16)
    return sid


class LabEndSessionEndpoint(EndSessionEndpoint):
    def validate_request(self, request):
        # RFC 6749 §3.1 style: each parameter once, so this provider and the client read the same.
        if any(len(values) > 1 for values in request.payload.datalist.values()):
            raise InvalidRequestError("A parameter appears more than once.")
        return super().validate_request(request)

    # §2: "the OP MUST validate that it was the issuer of the ID Token". The signature is
    # checked with this provider's own key, RS256 only, and then the token must be an
    # id_token: `iss` this provider, an audience, and not a JWT access token (typ at+jwt,
    # signed with the same key: RFC 9068 §4, never accept one kind for the other). authlib
    # checks the signature only. Expiry is not checked (§2: an expired id_token is accepted).
    def _validate_id_token_hint(self, id_token_hint):
        refused = InvalidRequestError("id_token_hint is not an id_token this provider issued.")
        if len(id_token_hint) > MAX_HINT_LENGTH:
            raise refused
        try:
            token = jwt.decode(id_token_hint, signing_key(), algorithms=[SIGNING_ALG])
        except (JoseError, ValueError, TypeError):
            raise refused from None
        claims = token.claims
        if token.header.get("typ") == AT_JWT_TYPE or claims.get("iss") != issuer() or not claims.get("aud"):
            raise refused
        return dict(claims)

    # This provider's id_tokens name their one client in a list (`aud: ["authlab-app"]`);
    # authlib resolves a client only from a string. A list of one names that client.
    def resolve_client_from_id_token_claims(self, id_token_claims):
        aud = id_token_claims.get("aud")
        if isinstance(aud, list) and len(aud) == 1 and isinstance(aud[0], str):
            return self.server.query_client(aud[0])
        return super().resolve_client_from_id_token_claims(id_token_claims)

    def end_session(self, end_session_request):
        """AS-10: emptying the session deletes its row, so every copy of the cookie is dead."""
        session.clear()


def names_this_sign_in(end_session_request):
    """True if the request's id_token_hint came from this browser's current sign-in (its sid)."""
    claims = end_session_request.id_token_claims or {}
    sid = session.get("sid") if isinstance(session.get("user_id"), int) else None
    return bool(sid) and claims.get("sid") == sid and claims.get("sub") == str(session["user_id"])


def signed_in():
    return isinstance(session.get("user_id"), int)
