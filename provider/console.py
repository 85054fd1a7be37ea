"""The developer console: register an application, list applications, see and revoke grants."""

import time

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .forms import ActionForm, ClientForm, scope_field
from .issued import Grant
from .models import MACHINE_SCOPES, SCOPES, Client, db, new_token
from .sessions import current_user

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.before_request
def require_sign_in():
    if current_user() is None:
        return redirect(url_for("provider.login", next=request.script_root + request.full_path))
    return None


@bp.get("/")
def index():
    """Every registered application, and the grants the signed-in user has given."""
    clients = db.session.execute(db.select(Client).order_by(Client.id)).scalars().all()
    grants = (
        db.session.execute(db.select(Grant).filter_by(user_id=current_user().id).order_by(Grant.id.desc()))
        .scalars()
        .all()
    )
    names = {client.client_id: client.client_name for client in clients}
    return render_template(
        "provider/console/index.html", clients=clients, grants=grants, names=names, form=ActionForm()
    )


@bp.route("/clients/new", methods=["GET", "POST"])
def register_client():
    """Register an application. A confidential one's secret is shown on the next page once, then
    only a digest is kept; a public one gets no secret at all (AS-13)."""
    form = ClientForm()
    if not form.validate_on_submit():
        page = render_template(
            "provider/console/new_client.html",
            form=form,
            scopes=SCOPES,
            machine_scopes=MACHINE_SCOPES,
            scope_field=scope_field,
        )
        return page, 400 if form.is_submitted() else 200
    client = Client(client_id=new_token(18), client_id_issued_at=int(time.time()), owner_id=current_user().id)
    # A public client has nothing to keep secret: a secret shipped in a browser page or an app
    # download is readable by everyone, so it would prove nothing. PKCE stands in for it (AS-2).
    secret = None if form.is_public() else new_token()
    if secret:
        client.set_secret(secret)
    client.set_client_metadata(registration(form))
    db.session.add(client)
    db.session.commit()
    return render_template("provider/console/registered.html", client=client, secret=secret)


def registration(form):
    """The client metadata (RFC 7591 §2) the form describes."""
    code_flow = form.uses_code_flow()
    # A user flow with no scope ticked still signs the user in; client credentials always
    # name at least one machine scope (ClientForm.validate).
    scopes = form.chosen_scopes() or ["openid"]
    metadata = {
        "client_name": form.client_name.data.strip(),
        "token_endpoint_auth_method": form.token_endpoint_auth_method.data,
        "grant_types": form.chosen_grant_types(),
        "response_types": ["code"] if code_flow else [],
        "redirect_uris": form.uris(),
        "scope": " ".join(scopes),
        "access_token_format": form.access_token_format.data,
    }
    if code_flow:
        metadata["post_logout_redirect_uris"] = form.post_logout_uris()
    if form.is_public() and code_flow:
        metadata["allowed_cors_origins"] = form.origins()
    return metadata


@bp.post("/grants/<int:grant_id>/revoke")
def revoke_grant(grant_id):
    """Withdraw a consent: every token issued under it stops working at once."""
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.user_id != current_user().id:
        abort(404)
    grant.revoke("you revoked it in the console")
    db.session.commit()
    return redirect(url_for("console.index"))
