"""The developer console: register an application, list applications, see and revoke grants."""

import time

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .forms import ActionForm, ClientForm
from .models import SCOPES, Client, Grant, db, new_token
from .views import current_user

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.before_request
def require_sign_in():
    if current_user() is None:
        return redirect(url_for("provider.login", next=request.full_path))
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
    """Register an application. Its secret is shown on the next page once, then only a digest is kept."""
    form = ClientForm()
    if not form.validate_on_submit():
        return render_template("provider/console/new_client.html", form=form, scopes=SCOPES), (
            400 if form.is_submitted() else 200
        )
    scopes = [name for name in SCOPES if getattr(form, f"scope_{name}").data] or ["openid"]
    secret = new_token()
    client = Client(client_id=new_token(18), client_id_issued_at=int(time.time()), owner_id=current_user().id)
    client.set_secret(secret)
    client.set_client_metadata(
        {
            "client_name": form.client_name.data.strip(),
            "redirect_uris": form.uris(),
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": " ".join(scopes),
            "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
        }
    )
    db.session.add(client)
    db.session.commit()
    return render_template("provider/console/registered.html", client=client, secret=secret)


@bp.post("/grants/<int:grant_id>/revoke")
def revoke_grant(grant_id):
    """Withdraw a consent: every token issued under it stops working at once."""
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.user_id != current_user().id:
        abort(404)
    grant.revoke("you revoked it in the console")
    db.session.commit()
    return redirect(url_for("console.index"))
