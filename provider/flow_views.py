"""The routes of the flows added beside the code flow: the device authorization grant (its
endpoint and the person's /device page), token introspection, and RP-Initiated Logout.

The protocol lives in device.py (its codes in device_codes.py), introspection.py and
logout.py; each view here only reads the request, calls into the authorization server
(oauth2.py) and renders the page.
"""

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, redirect, render_template, request, session, url_for
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from .device_codes import decide, shown, waiting_for
from .forms import FlaskForm
from .logout import names_this_sign_in, signed_in
from .models import MACHINE_SCOPES, SCOPES, Client, db
from .oauth2 import authorization
from .sessions import current_user, sign_in_time
from .throttle import address, counts_failures, token_endpoint_throttle, wait_in_words
from .web import csrf, refuses_unreadable

bp = Blueprint("flows", __name__)


def init_app(app):
    # The limits on wrong user codes (RFC 8628 §5.1) are settings: DEVICE_CODE_FAILURES_* in settings.py.
    app.register_blueprint(bp)


class DeviceForm(FlaskForm):
    """The code from the device's screen, then the person's decision (CSRF-protected, AS-7)."""

    user_code = StringField("The code your device shows", validators=[DataRequired(), Length(max=64)])
    confirm_code = SubmitField("Continue")
    approve = SubmitField("Allow")
    deny = SubmitField("Deny")


class LogoutForm(FlaskForm):
    """The sign-out confirmation (RP-Initiated Logout §6); the request's parameters ride along."""

    HIDDEN = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")
    id_token_hint = HiddenField()
    client_id = HiddenField()
    post_logout_redirect_uri = HiddenField()
    state = HiddenField()
    sign_out = SubmitField("Sign out")
    stay = SubmitField("Stay signed in")


# --- The device authorization grant (RFC 8628) -----------------------------------------------


@bp.post("/device_authorization")
@csrf.exempt
@token_endpoint_throttle
@refuses_unreadable
def device_authorization():
    """Step 1: the device gets its device_code and the user_code to show (RFC 8628 §3.1)."""
    return authorization.create_endpoint_response("device_authorization")


def signed_in_account():
    user_id = session.get("user_id")
    return f"user {user_id}" if isinstance(user_id, int) else None


def too_many_codes(seconds):
    error = f"Too many wrong codes from your account or your address: {wait_in_words(seconds)}."
    return render_template("provider/device.html", form=DeviceForm(formdata=None), user=current_user(), error=error)


@bp.route("/device", methods=["GET", "POST"])
@counts_failures(
    ("DEVICE_CODE_FAILURES_PER_ACCOUNT", signed_in_account),
    ("DEVICE_CODE_FAILURES_PER_ADDRESS", address),
    refused=too_many_codes,
)
def device_page():
    """Step 2: the person types the code, sees who is asking, and allows or denies it."""
    user = current_user()
    if user is None:
        return redirect(url_for("provider.login", next=request.script_root + request.full_path))
    form = DeviceForm()
    if request.method == "GET":
        # verification_uri_complete fills the code in; it is looked up only when the person
        # presses Continue (a POST, counted when wrong), so a GET is no free guess (§5.1),
        # and the person compares it with their device's screen first (§3.3.1).
        form.user_code.data = request.args.get("user_code", "")[:64]
        return render_template("provider/device.html", form=form, user=user)
    if not form.validate_on_submit():
        return render_template("provider/device.html", form=form, user=user, error="Type the code first."), 400
    item = waiting_for(form.user_code.data)
    if item is None:
        error = "No device is waiting for that code. Check it against your device's screen: it may have expired."
        return render_template("provider/device.html", form=form, user=user, error=error), 400
    client = db.session.execute(db.select(Client).filter_by(client_id=item.client_id)).scalar_one_or_none()
    if form.approve.data or form.deny.data:
        if not decide(item, user, approved=form.approve.data, signed_in_at=sign_in_time()):
            error = "That code was decided a moment ago, in another window."
            return render_template("provider/device.html", form=form, user=user, error=error), 400
        return render_template("provider/device_done.html", client=client, approved=form.approve.data)
    described = SCOPES | MACHINE_SCOPES
    scopes = [(name, described.get(name, name)) for name in item.scope.split()]
    return render_template(
        "provider/device_confirm.html", form=form, user=user, client=client, scopes=scopes, code=shown(item.user_code)
    )


# --- Token introspection (RFC 7662) ----------------------------------------------------------


@bp.post("/introspect")
@csrf.exempt
@token_endpoint_throttle
@refuses_unreadable
def introspect():
    """What a token means, for the resource server registered for its audience (RFC 7662 §2)."""
    return authorization.create_endpoint_response("introspection")


# --- RP-Initiated Logout 1.0 ------------------------------------------------------------------


# An application's logout request arrives from the application's site by design, by GET or by
# a form POST (RP-Initiated Logout §2), so it carries no CSRF token of ours: it is exempt, and
# on its own it ends a sign-in only when its id_token_hint names this very sign-in. The
# confirmation form this provider shows (the sign_out / stay buttons) is ours, and its POST
# must pass the CSRF check (AS-7) before anything is read from it: a cross-site page cannot
# press "Sign out" for you.
@bp.route("/end_session", methods=["GET", "POST"])
@csrf.exempt
@refuses_unreadable
def end_session():
    """Sign out of the provider at an application's request, then back to it if allowed."""
    confirming = request.method == "POST" and ("sign_out" in request.form or "stay" in request.form)
    if confirming:
        csrf.protect()
    try:
        ending = authorization.validate_endpoint_request("end_session")
    except OAuth2Error as error:
        page = render_template("provider/logout_error.html", description=error.description or error.error)
        return page, 400
    if confirming and "stay" in request.form:
        return render_template("provider/logged_out.html", stayed=True, ending=ending)
    if signed_in() and not confirming and not names_this_sign_in(ending):
        form = LogoutForm(formdata=None, data={name: request.values.get(name, "") for name in LogoutForm.HIDDEN})
        return render_template("provider/logout_confirm.html", form=form, ending=ending, user=current_user())
    asked = request.values.get("post_logout_redirect_uri")
    response = authorization.create_endpoint_response("end_session", ending)
    return response or render_template("provider/logged_out.html", stayed=False, ending=ending, asked=asked)
