"""The device authorization grant (RFC 8628): sign in on a TV with the phone in your pocket.

A device with no keyboard worth the name (a TV, a printer, a CLI on a server) cannot show a
login page. Instead:

1. the device asks POST /device_authorization for a pair of codes: a device_code it keeps
   and a short user_code it shows on its screen with an address, /device
   (DeviceAuthorizationEndpoint; the codes and their store are device_codes.py);
2. the person opens /device on their phone or laptop, signed in there, types the user code,
   checks which application is asking, and approves or denies (device_codes.decide; the page
   is flow_views.py);
3. meanwhile the device polls the token endpoint with its device_code, and is told
   authorization_pending, slow_down (it polled too fast), access_denied or expired_token,
   until the person has approved: then it gets its tokens, once (DeviceCodeGrant).
"""

import time

from authlib.common.urls import add_params_to_uri
from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6749.hooks import hooked
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    AuthorizationPendingError,
    DeviceAuthorizationEndpoint,
    ExpiredTokenError,
    SlowDownError,
)
from authlib.oauth2.rfc8628 import DeviceCodeGrant as BaseDeviceCodeGrant
from authlib.oidc.core.grants.code import OpenIDToken

from .device_codes import DEVICE_CODE_LIFETIME, save_device_code, shown
from .identity import LabOpenIDCode, issuer
from .issued import DeviceCode, Grant
from .models import CLIENT_AUTH_METHODS, User, db, new_token, secret_digest

SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: "the interval MUST be increased by 5 seconds"


def verification_uri():
    return f"{issuer()}/device"


def allowed_scope(client, requested):
    """The scope asked for, if the client registered all of it; else invalid_scope (RFC 6749 §3.3)."""
    registered = client.scope.split()
    scopes = (requested or "").split() or registered
    unregistered = sorted(set(scopes) - set(registered))
    if unregistered:
        raise InvalidScopeError(f"This client is not registered for: {' '.join(unregistered)}.")
    return " ".join(scopes)


# Step 1 (§3.1, §3.2): the device asks for its codes. The client authenticates as it
# registered (client_auth.py): a TV is usually a public client ("none"), which only names
# itself, so anyone can start a device authorization in its name; nothing is granted until a
# signed-in person approves it at /device.
class LabDeviceAuthorizationEndpoint(DeviceAuthorizationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS
    EXPIRES_IN = DEVICE_CODE_LIFETIME

    def get_verification_uri(self):
        return verification_uri()

    def create_endpoint_response(self, request):
        # RFC 6749 §3.2 (the token endpoint's rule, which this endpoint shares): each parameter once.
        if any(len(values) > 1 for values in request.payload.datalist.values()):
            raise InvalidRequestError("A parameter appears more than once (RFC 6749 section 3.2).")
        client = self.authenticate_client(request)
        if not client.check_grant_type(DEVICE_CODE_GRANT_TYPE):
            raise UnauthorizedClientError("This client is not registered for the device authorization grant.")
        self.server.validate_requested_scope(request.payload.scope)
        scope = allowed_scope(client, request.payload.scope)
        device_code = new_token()
        item = save_device_code(client.get_client_id(), scope, device_code)
        code = shown(item.user_code)
        body = {
            "device_code": device_code,
            "user_code": code,
            "verification_uri": verification_uri(),
            "verification_uri_complete": add_params_to_uri(verification_uri(), [("user_code", code)]),
            "expires_in": self.EXPIRES_IN,
            "interval": item.interval,
        }
        return 200, body, default_json_headers


# Step 3 (§3.4, §3.5): the device polls the token endpoint. The answers are, in this order:
# unknown or already redeemed (invalid_grant: the device code is the grant, RFC 6749 §5.2),
# expired_token, access_denied, the tokens once approved, and while nobody has decided,
# slow_down if this poll came sooner than the interval (which then grows by five seconds, for
# this and every later poll) or authorization_pending.
class DeviceCodeGrant(BaseDeviceCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def validate_token_request(self):
        device_code = self.request.form.get("device_code")
        if not device_code:
            raise InvalidRequestError("Missing 'device_code' in request.")
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError("This client is not registered for the device authorization grant.")
        self.request.client = client
        item = self.query_device_credential(device_code)
        if item is None:
            raise InvalidGrantError("Unknown or already redeemed device_code.")
        self.request.user = self.validate_device_credential(item)
        self.request.credential = item

    def query_device_credential(self, device_code):
        """Only the client the code was issued to finds it; another client's is unknown to it."""
        if len(device_code) > 512:
            return None
        item = db.session.execute(
            db.select(DeviceCode).filter_by(device_code=secret_digest(device_code), client_id=self.client.client_id)
        ).scalar_one_or_none()
        return None if item is None or item.used_at else item

    def validate_device_credential(self, item):
        if item.is_expired():
            raise ExpiredTokenError("The device code expired: start again on the device.")
        if item.decision == "denied":
            raise AccessDeniedError("The user denied this device.")
        if item.decision == "approved":
            return db.session.get(User, item.user_id)
        now = time.time()
        too_soon = item.last_polled_at is not None and now - item.last_polled_at < item.interval
        item.last_polled_at = now
        if too_soon:
            item.interval += SLOW_DOWN_STEP
        db.session.commit()
        if too_soon:
            raise SlowDownError(f"Polling too fast: wait at least {item.interval} seconds between requests.")
        raise AuthorizationPendingError("The user has not yet approved this device at /device.")

    @hooked
    def create_token_response(self):
        """Approved: claim the code (in the statement that checks it is unclaimed), then issue."""
        item = self.request.credential
        claimed = db.session.execute(
            db.update(DeviceCode)
            .where(DeviceCode.id == item.id, DeviceCode.used_at.is_(None))
            .values(used_at=time.time())
        ).rowcount
        db.session.commit()
        grant = db.session.get(Grant, item.grant_id)
        if not claimed or grant is None or grant.revoked_at:
            raise InvalidGrantError("This device_code was redeemed already.")
        # A refresh token for a client registered for refresh_token, as in the code flow; it
        # rotates at every use and belongs to this client only (RefreshTokenGrant, AS-5).
        token = self.generate_token(
            user=self.request.user,
            scope=item.scope,
            include_refresh_token=self.client.check_grant_type("refresh_token"),
        )
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class DeviceOpenIDToken(LabOpenIDCode):
    """An id_token beside the tokens when `openid` was granted: the same signing, issuer and
    claims as the code flow's (identity.LabOpenIDCode), with auth_time the approving person's
    sign-in. There is no authorization request here, so no nonce and nothing to check before."""

    def __call__(self, grant):
        OpenIDToken.__call__(self, grant)

    def get_compatible_claims(self, request):
        claims = super().get_compatible_claims(request)
        if request.credential is not None and request.credential.auth_time:
            claims["auth_time"] = request.credential.auth_time
        return claims
