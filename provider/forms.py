"""The provider's forms. Flask-WTF adds a CSRF token to each and checks it on submit (AS-7)."""

import re
from urllib.parse import urlsplit

from flask import request
from flask_wtf import FlaskForm as FlaskWTFForm
from wtforms import BooleanField, PasswordField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from .cors import origin_problem
from .models import BUILTIN_CLIENT_NAME, MACHINE_SCOPES, SCOPES
from .names import imitates_builtin_client


class FlaskForm(FlaskWTFForm):
    """A form that reads what a browser form sends, and nothing else.

    Flask-WTF also reads a JSON body when there is no form body. Then the form and the code
    around it (the sign-in throttle, PW-6, counts failures per account from `request.form`)
    would read two different inputs: a JSON sign-in named no account, and the per-account
    limit never ran. Every page of this provider posts a form; a JSON body is no submission.
    """

    class Meta(FlaskWTFForm.Meta):
        def wrap_formdata(self, form, formdata):
            if request.is_json:
                return None
            return super().wrap_formdata(form, formdata)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField("Sign in")


class ConsentForm(FlaskForm):
    """Two buttons; the one pressed is the user's decision."""

    approve = SubmitField("Allow")
    deny = SubmitField("Deny")


class ActionForm(FlaskForm):
    """A bare CSRF-protected button (sign out, revoke a grant)."""


def valid_redirect_uri(uri):
    """A problem with a redirect URI a developer registers, or None (RFC 6749 §3.1.2)."""
    parts = urlsplit(uri)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return f"{uri}: must be an absolute http(s) URL"
    if parts.scheme == "http" and parts.hostname not in {"localhost", "127.0.0.1", "[::1]", "::1"}:
        return f"{uri}: plain http is allowed for loopback addresses only"
    if parts.fragment or "#" in uri:
        return f"{uri}: must not contain a fragment"
    if "*" in uri:
        return f"{uri}: wildcards are not allowed; register each URI exactly"
    return None


# How the application proves who it is at the token endpoint (AS-13, RFC 6749 §2.3).
AUTH_METHODS = [
    SelectChoice("client_secret_basic", "Confidential, secret in an Authorization: Basic header (client_secret_basic)"),
    SelectChoice("client_secret_post", "Confidential, secret in the form body (client_secret_post)"),
    SelectChoice("none", "Public: a browser or native app that cannot keep a secret; PKCE only (none)"),
]

# The flows, and the grant_types each registers (RFC 7591 §2). One application, one flow:
# an application that needs two registers twice, so each client's powers stay small.
FLOWS = {
    "authorization_code": ["authorization_code", "refresh_token"],
    "client_credentials": ["client_credentials"],
    "device_code": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
}
FLOW_CHOICES = [
    SelectChoice("authorization_code", "Authorization code + refresh token: users sign in in a browser"),
    SelectChoice("client_credentials", "Client credentials: the application calls an API as itself, no user"),
    SelectChoice("device_code", "Device authorization: a TV or a command line; the user approves on another device"),
]

# RFC 9068: an access token the API can verify with the JWKS, or a random one it introspects.
TOKEN_FORMATS = [
    SelectChoice("opaque", "Opaque: a random string; the API asks this provider about it (introspection)"),
    SelectChoice("jwt", "JWT (RFC 9068, typ at+jwt): signed by this provider; the API verifies it with the JWKS"),
]

MAX_LINES = 10


def lines(text):
    """The non-empty lines of a textarea, stripped, each once, in order."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


class ClientForm(FlaskForm):
    client_name = StringField("Application name", validators=[DataRequired(), Length(max=80)])
    token_endpoint_auth_method = RadioField(
        "Client type and authentication", choices=AUTH_METHODS, default="client_secret_basic"
    )
    grant_types = RadioField("Flow (grant types)", choices=FLOW_CHOICES, default="authorization_code")
    redirect_uris = TextAreaField("Redirect URIs (one a line, matched exactly)", validators=[Length(max=2000)])
    post_logout_redirect_uris = TextAreaField(
        "Post-logout redirect URIs (optional, one a line, matched exactly)", validators=[Length(max=2000)]
    )
    allowed_cors_origins = TextAreaField(
        "Allowed CORS origins (public browser apps only, one a line)", validators=[Length(max=2000)]
    )
    access_token_format = RadioField("Access token format", choices=TOKEN_FORMATS, default="opaque")
    submit = SubmitField("Register the application")

    def uris(self):
        return lines(self.redirect_uris.data)

    def post_logout_uris(self):
        return lines(self.post_logout_redirect_uris.data)

    def origins(self):
        return lines(self.allowed_cors_origins.data)

    def chosen_grant_types(self):
        return FLOWS[self.grant_types.data]

    def is_public(self):
        return self.token_endpoint_auth_method.data == "none"

    def uses_code_flow(self):
        return self.grant_types.data == "authorization_code"

    # The consent page names the client to the user, who decides on that name: an application
    # called "Auth Lab (the teaching app)" (or "AUTH-LAB", or the same in Cyrillic letters, or
    # with a zero-width space inside) would borrow the built-in client's trust. Names are compared by what they look
    # like (names.name_skeleton), and the consent page also says who registered each client.
    def validate_client_name(self, field):
        if imitates_builtin_client(field.data or ""):
            raise ValidationError(f"This name reads as the built-in client's ({BUILTIN_CLIENT_NAME}): choose another.")
        if not (field.data or "").strip():
            raise ValidationError("Give the application a name.")

    # RFC 6749 §4.4: the client credentials grant is for confidential clients only: a public
    # client's id is no secret, so anyone holding it would get the application's tokens.
    def validate_grant_types(self, field):
        if field.data == "client_credentials" and self.is_public():
            raise ValidationError("Client credentials need a confidential client (RFC 6749 §4.4): choose a secret.")

    # Only the code flow sends the browser back to the application (RFC 6749 §3.1.2).
    def validate_redirect_uris(self, field):
        uris = self.uris()
        if not self.uses_code_flow():
            if uris:
                raise ValidationError("Only the authorization code flow uses redirect URIs: leave this empty.")
            return
        if not uris or len(uris) > MAX_LINES:
            raise ValidationError("Give between one and ten redirect URIs.")
        problems = [p for p in (valid_redirect_uri(uri) for uri in uris) if p]
        if problems:
            raise ValidationError("; ".join(problems))

    # OIDC RP-Initiated Logout 1.0 §3: after signing out, the browser goes back only to a URI
    # registered here, compared exactly, like a redirect URI (an open redirect otherwise).
    def validate_post_logout_redirect_uris(self, field):
        uris = self.post_logout_uris()
        if not uris:
            return
        if not self.uses_code_flow():
            raise ValidationError("Only an application that signs users in (the code flow) signs them out.")
        if len(uris) > MAX_LINES:
            raise ValidationError("Give at most ten post-logout redirect URIs.")
        problems = [p for p in (valid_redirect_uri(uri) for uri in uris) if p]
        if problems:
            raise ValidationError("; ".join(problems))

    # HDR-4: the provider answers CORS only for these origins, compared exactly with the
    # browser's Origin header. Only a public client runs in a browser: a confidential client's
    # secret would be readable by every visitor of that page.
    def validate_allowed_cors_origins(self, field):
        origins = self.origins()
        if not origins:
            return
        if not (self.is_public() and self.uses_code_flow()):
            raise ValidationError(
                "Only a public client using the authorization code flow runs in a browser: leave this empty."
            )
        if len(origins) > MAX_LINES:
            raise ValidationError("Give at most ten origins.")
        problems = [p for p in (origin_problem(origin) for origin in origins) if p]
        if problems:
            raise ValidationError("; ".join(problems))

    def chosen_scopes(self):
        return [name for name in (*SCOPES, *MACHINE_SCOPES) if self[scope_field(name)].data]

    # A user scope (openid, profile, email) describes a person; a machine scope is asked for by
    # a client in its own name (machine.py). Client credentials have no person, and a machine
    # scope must never reach a consent page: each flow takes only its own kind.
    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        chosen = self.chosen_scopes()
        machine = self.grant_types.data == "client_credentials"
        wrong = [name for name in chosen if (name in SCOPES) == machine]
        for name in wrong:
            problem = (
                f"{name} describes a user; client credentials have no user: untick it."
                if machine
                else f"{name} is a machine scope, for client credentials only: untick it."
            )
            self[scope_field(name)].errors = [*self[scope_field(name)].errors, problem]
        if machine and not any(name in MACHINE_SCOPES for name in chosen):
            field = self[scope_field(next(iter(MACHINE_SCOPES)))]
            field.errors = [*field.errors, "Choose at least one machine scope for client credentials."]
            wrong.append(field.name)
        return valid and not wrong


def scope_field(name):
    """The form field of a scope: scope_openid, scope_inventory_read."""
    return "scope_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


# One checkbox per scope the provider knows, added to ClientForm as scope_<name>: the user
# scopes ticked at first (the code flow is the default), the machine scopes not.
for _scope in SCOPES:
    setattr(ClientForm, scope_field(_scope), BooleanField(_scope, default=True))
for _scope in MACHINE_SCOPES:
    setattr(ClientForm, scope_field(_scope), BooleanField(_scope, default=False))
