"""First start and the operator's CLI: the demo users and the lab pages' demo clients (never in
production, HDR-6; lab_clients.py), the built-in client's registration (AS-1) and
`flask --app provider create-user`."""

import json
import re
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from .lab_clients import seed_lab_clients
from .models import BUILTIN_CLIENT_NAME, DEMO_USERS, SCOPES, Client, User, db, hasher, new_token


def seed(app):
    """First start: the demo users and the lab pages' demo clients (never in production, HDR-6),
    then the app's client registration."""
    if app.config["ENV_NAME"] != "production":
        for username, password, name, email in DEMO_USERS:
            if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
                continue
            try:
                create_user(username, password, name, email)
            except IntegrityError:  # another worker created it first
                db.session.rollback()
        # The SPA, the TV, the machine clients and the resource server of the lab pages.
        seed_lab_clients(app)
    seed_builtin_client(app)


USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


def create_user(username, password, name=None, email=""):
    """Add a user with an Argon2id hash of the password (PW-1); the caller checked the input."""
    user = User(username=username, name=name or username, email=email, password_hash=hasher.hash(password))
    db.session.add(user)
    db.session.commit()
    return user


# HDR-6: a production provider starts with no users at all. Its operator creates each one on
# the server, where nobody else can watch: the password is asked twice and never echoed, and
# is not a command-line option (it would be left in the shell history and the process list).
@click.command("create-user")
@click.argument("username")
@click.option("--name", help="The display name (default: the username).")
@click.option("--email", default="", help="The email address the provider releases with the email scope.")
@with_appcontext
def create_user_command(username, name, email):
    """Create a user of this provider: flask --app provider create-user USERNAME."""
    if not USERNAME.fullmatch(username):
        raise click.BadParameter("1 to 64 letters, digits or . _ @ -", param_hint="USERNAME")
    if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
        raise click.ClickException(f"{username} exists already.")
    if len(name or "") > 128 or len(email) > 128:
        raise click.ClickException("--name and --email take at most 128 characters.")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not 8 <= len(password) <= 1024:
        raise click.ClickException("The password needs 8 to 1024 characters.")
    if password in {demo_password for _, demo_password, _, _ in DEMO_USERS}:
        raise click.ClickException("That is a public demo password: choose another.")
    create_user(username, password, name, email)
    click.echo(f"Created {username} at {current_app.config['PROVIDER_URL']}.")


def seed_builtin_client(app):
    """Register the Auth Lab app as a client, with its two redirect URIs, exactly (AS-1).

    The secret comes from BUILTIN_CLIENT_SECRET; in development it is generated once and handed
    to the app through instance/provider/builtin-client.json (settings.write_registration).
    """
    from . import settings

    config = app.config
    client_id = config["BUILTIN_CLIENT_ID"]
    secret = config["BUILTIN_CLIENT_SECRET"] or registered_secret(config) or new_token()
    client = db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()
    if client is None:
        client = Client(client_id=client_id, client_id_issued_at=int(time.time()))
        db.session.add(client)
    client.set_secret(secret)
    client.set_client_metadata(
        {
            "client_name": BUILTIN_CLIENT_NAME,
            "client_uri": config["APP_URL"],
            "redirect_uris": [f"{config['APP_URL']}/oauth/callback", f"{config['REPLICA_URL']}/oauth/callback"],
            # RP-Initiated Logout §3: where the app's sign-out may come back to, matched exactly
            # (blueprints/oauth/end_session.py; the replica signs out to its own origin).
            "post_logout_redirect_uris": [
                f"{config['APP_URL']}/oauth/logged-out",
                f"{config['REPLICA_URL']}/oauth/logged-out",
            ],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": " ".join(SCOPES),
            "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
        }
    )
    db.session.commit()
    if config["ENV_NAME"] != "production":
        settings.write_registration(app, client_id, secret)


def registered_secret(config):
    """The development secret handed to the app earlier, so a restart keeps it."""
    try:
        values = json.loads(Path(config["REGISTRATION_FILE"]).read_text())
    except (OSError, ValueError):
        return None
    if values.get("client_id") != config["BUILTIN_CLIENT_ID"]:
        return None
    return values.get("client_secret")
