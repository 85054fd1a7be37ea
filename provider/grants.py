"""The grants this provider allows: the authorization code grant with PKCE, and refresh tokens.

Each grant is authlib's class subclassed, with the security rule it adds written above it, as in
authlib's example server; oauth2.config_oauth(app) registers them. The grants without a browser
redirect live in their own modules: machine.py (client credentials, RFC 6749 §4.4) and device.py
(the device authorization grant, RFC 8628).
"""

import time

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.errors import RequestNotSupportedError, RequestURINotSupportedError
from flask import current_app

from .issued import AuthorizationCode, Grant, Token
from .logout import session_id_claim
from .models import CLIENT_AUTH_METHODS, User, db, new_token, secret_digest
from .sessions import sign_in_time


# AS-2: PKCE for every client, S256 only. authlib's CodeChallenge accepts "plain" (and
# defaults to it when the method is omitted), and lets a confidential client skip PKCE
# entirely; either would let an intercepted code be redeemed. Both are closed here.
class S256CodeChallenge(CodeChallenge):
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge and code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted (plain is a downgrade).")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        code = grant.request.authorization_code
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier': this provider requires PKCE.")
        if not code.code_challenge or code.code_challenge_method != "S256":
            raise InvalidGrantError("This code was not issued with an S256 code challenge.")
        super().validate_code_verifier(grant, result)


# AS-3: codes are random (256 bits), single-use, live five minutes and are bound to the
# client and redirect URI they were issued for. A second use is an attack (or a leak): it
# fails and revokes every token the first use issued (RFC 6749 §4.1.2).
class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    # RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."
    # authlib checks five of them; a second nonce, code_challenge, prompt or max_age would
    # leave this provider and the client each reading a different one. The error is shown
    # on a page, never redirected: which redirect_uri would it go to?
    @staticmethod
    def validate_no_multiple_request_parameter(request):
        if any(len(values) > 1 for values in request.payload.datalist.values()):
            raise InvalidRequestError(
                "A parameter appears more than once (RFC 6749 section 3.1).", state=request.payload.state
            )

    # OIDC Core §3.1.2.6 (and OAuth 2.0 Multiple Response Type Encoding Practices §2.1): a
    # request this provider cannot honour as sent is refused, not half-honoured. Request
    # objects (`request`, `request_uri`, OIDC Core §6) are not supported, as discovery says
    # (request_parameter_supported: false); ignoring one would drop whatever parameters the
    # client put inside it. The response goes back in the query only (response_mode=query):
    # a client asking for fragment or form_post would otherwise look in the wrong place.
    def validate_authorization_request(self):
        redirect_uri = super().validate_authorization_request()
        data = self.request.payload.data
        try:
            # RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they
            # were omitted from the request": request= or response_mode= alone asks nothing.
            if data.get("request"):
                raise RequestNotSupportedError("Request objects ('request') are not supported here.")
            if data.get("request_uri"):
                raise RequestURINotSupportedError("Request objects by reference ('request_uri') are not supported.")
            if data.get("response_mode") not in (None, "", "query"):
                raise InvalidRequestError("Only response_mode=query is supported here.")
        except OAuth2Error as error:
            error.redirect_uri = redirect_uri
            raise
        return redirect_uri

    def generate_authorization_code(self):
        return new_token()

    def save_authorization_code(self, code, request):
        consent = Grant(user_id=request.user.id, client_id=request.client.client_id, scope=request.scope)
        db.session.add(consent)
        db.session.flush()
        data = request.payload.data
        db.session.add(
            AuthorizationCode(
                code=secret_digest(code),
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                user_id=request.user.id,
                grant_id=consent.id,
                nonce=data.get("nonce"),
                # AS-14, OIDC Core §2: auth_time is "the time when the End-User authentication
                # occurred": the sign-in this browser made (sessions.sign_in), not now.
                auth_time=sign_in_time(),
                # The sign-in's `sid` for the id_token (logout.py, RP-Initiated Logout).
                sid=session_id_claim(),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )
        )
        db.session.commit()

    def query_authorization_code(self, code, client):
        item = db.session.execute(
            db.select(AuthorizationCode).filter_by(code=secret_digest(code), client_id=client.client_id)
        ).scalar_one_or_none()
        if item is None or item.is_expired():
            return None
        # Mark it used in the same statement that checks it was unused, so two concurrent
        # redemptions cannot both win.
        claimed = db.session.execute(
            db.update(AuthorizationCode)
            .where(AuthorizationCode.id == item.id, AuthorizationCode.used_at.is_(None))
            .values(used_at=time.time())
        ).rowcount
        grant = db.session.get(Grant, item.grant_id)
        if not claimed:
            grant.revoke("its authorization code was used twice")
            db.session.commit()
            return None
        db.session.commit()
        return None if grant.revoked_at else item

    def delete_authorization_code(self, authorization_code):
        """Kept, marked used (above), so a replay is recognised."""

    def authenticate_user(self, authorization_code):
        return db.session.get(User, authorization_code.user_id)


# AS-5: every refresh returns a new refresh token and retires the old one. A retired token
# presented again means two parties hold it: the whole family (the grant) is revoked.
#
# AS-12: a refused request changes nothing. authlib checks, in this order, the client's
# credentials, the refresh token (authenticate_refresh_token), that the token was issued to
# this client, then the scope; only then does it issue (create_token_response). So the
# lookup below only reads, and the token is retired in create_token_response, once every
# check has passed: a wider scope, another client's credentials or a bad secret get their
# error and leave the grant and its tokens exactly as they were.
class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        item = Token.find(refresh_token, "refresh_token")
        if item is None:
            return None
        if item.refresh_token_revoked_at:
            # Reuse, seen by the client it was issued to (the client authenticated before
            # this runs): a thief and the client both hold the family. Another client
            # presenting it proves nothing about this grant and changes nothing.
            if item.client_id == self.request.client.client_id:
                self.revoke_family(item, "a rotated refresh token was used again")
            return None
        grant = db.session.get(Grant, item.grant_id)
        lifetime = current_app.config["OAUTH2_REFRESH_TOKEN_LIFETIME"]
        if grant.revoked_at or item.issued_at + lifetime < time.time():
            return None
        return item

    def create_token_response(self):
        """Every check passed: retire the presented token, then issue its successor."""
        item = self.request.refresh_token
        # Compare-and-set: the token is retired in the same statement that checks it is still
        # live, so of two concurrent refreshes with one token exactly one wins; the other is
        # a reuse (both parties hold the token) and revokes the family.
        retired = db.session.execute(
            db.update(Token)
            .where(Token.id == item.id, Token.refresh_token_revoked_at == 0)
            .values(refresh_token_revoked_at=int(time.time()))
        ).rowcount
        if not retired:
            self.revoke_family(item, "a rotated refresh token was used again")
            raise InvalidGrantError()
        db.session.commit()
        return super().create_token_response()

    def revoke_family(self, item, because):
        db.session.get(Grant, item.grant_id).revoke(because)
        db.session.commit()

    def authenticate_user(self, refresh_token):
        return db.session.get(User, refresh_token.user_id)

    def revoke_old_credential(self, refresh_token):
        refresh_token.access_token_revoked_at = int(time.time())
        db.session.commit()
