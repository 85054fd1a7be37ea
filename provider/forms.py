"""The provider's forms. Flask-WTF adds a CSRF token to each and checks it on submit (AS-7)."""

from urllib.parse import urlsplit

from flask import request
from flask_wtf import FlaskForm as FlaskWTFForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from .models import BUILTIN_CLIENT_NAME, SCOPES
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


class ClientForm(FlaskForm):
    client_name = StringField("Application name", validators=[DataRequired(), Length(max=80)])
    redirect_uris = TextAreaField(
        "Redirect URIs (one a line, matched exactly)", validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField("Register the application")

    def uris(self):
        return [line.strip() for line in (self.redirect_uris.data or "").splitlines() if line.strip()]

    # The consent page names the client to the user, who decides on that name: an application
    # called "Auth Lab (the teaching app)" (or "AUTH-LAB", or the same in Cyrillic letters, or
    # with a zero-width space inside) would borrow the built-in client's trust. Names are compared by what they look
    # like (names.name_skeleton), and the consent page also says who registered each client.
    def validate_client_name(self, field):
        if imitates_builtin_client(field.data or ""):
            raise ValidationError(f"This name reads as the built-in client's ({BUILTIN_CLIENT_NAME}): choose another.")
        if not (field.data or "").strip():
            raise ValidationError("Give the application a name.")

    def validate_redirect_uris(self, field):
        uris = self.uris()
        if not uris or len(uris) > 10:
            raise ValidationError("Give between one and ten redirect URIs.")
        problems = [p for p in (valid_redirect_uri(uri) for uri in uris) if p]
        if problems:
            raise ValidationError("; ".join(problems))


# One checkbox per scope the provider knows, added to ClientForm as scope_<name>.
for _scope in SCOPES:
    setattr(ClientForm, f"scope_{_scope}", BooleanField(_scope, default=True))
