"""The class's own pages, outside every sandbox: joining, the instructor's dashboard, results.

Served at the root of the app's origin (http://HOST:8000/). The other three origins' roots
only point students back here (elsewhere()).
"""

import json
import secrets
from pathlib import Path

from flask import Flask, jsonify, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException, SecurityError

import security
import storage

from . import forms, instructor, join, results

STATIC = Path(__file__).resolve().parent.parent / "static"


def own_secrets(settings):
    """The instructor's password and this site's cookie key: made once, kept 0600 in the folder.

    Kept in clear (not only hashed) so that every start of `make classroom` prints the same
    password: an instructor who restarts mid-lesson does not have to tell the class anything.
    """
    storage.private_folder(settings.folder)
    path = settings.folder / "instructor.json"
    if not path.exists():
        values = {"password": "-".join(secrets.token_hex(3) for _ in range(4)), "secret_key": secrets.token_urlsafe(32)}
        path.touch(mode=storage.PRIVATE_FILE)
        path.write_text(json.dumps(values))
    path.chmod(storage.PRIVATE_FILE)
    return json.loads(path.read_text())


def create_site(settings, registry):
    app = Flask(__name__, static_folder=str(STATIC), template_folder="templates")
    values = own_secrets(settings)
    app.config.update(
        SECRET_KEY=values["secret_key"],
        INSTRUCTOR_PASSWORD=values["password"],
        CLASSROOM_SETTINGS=settings,
        SESSION_COOKIE_NAME="classroom",
        SESSION_COOKIE_HTTPONLY=True,
        # Strict: the instructor's cookie never rides on a request another site starts. And only
        # under /instructor/: were it sent to /s/<key>/, any student's sandbox (a link the
        # instructor opens) would receive the instructor's session and could reset the class.
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/instructor/",
        HSTS_SECONDS=0,
        MAX_CONTENT_LENGTH=64 * 1024,
        TRUSTED_HOSTS=class_hosts(settings),
    )
    app.extensions["classroom_registry"] = registry
    app.add_template_global(forms.token, "csrf_token")
    app.after_request(security.set_security_headers)
    app.after_request(forms.set_join_cookie)
    app.register_blueprint(join.bp)
    app.register_blueprint(instructor.bp)
    app.register_blueprint(results.bp)
    favicon_route(app)
    register_errors(app)
    return app


def elsewhere(settings, role):
    """The root of the provider's, replica's or attacker's origin: nothing lives there but a pointer."""
    app = Flask(__name__, static_folder=str(STATIC), template_folder="templates")
    app.config.update(HSTS_SECONDS=0, CLASSROOM_SETTINGS=settings, TRUSTED_HOSTS=class_hosts(settings))
    app.after_request(security.set_security_headers)
    favicon_route(app)

    @app.get("/")
    @app.get("/<path:_anything>")
    def pointer(_anything=""):
        if request.path == "/sandbox-gone":
            return render_template("classroom/gone.html", settings=settings), 404
        return render_template("classroom/elsewhere.html", role=role, settings=settings), 404

    register_errors(app)
    return app


def class_hosts(settings):
    """The Host headers the class answers (a forged one is a 400): its names, and loopback."""
    return sorted({settings.host, settings.attacker_host, "localhost", "127.0.0.1"})


def favicon_route(app):
    """Chromium asks the origin's root for /favicon.ico whenever it shows a JSON or text answer of
    a sandbox directly: the class answers it, rather than leaving a 404 in every console."""

    @app.get("/favicon.ico")
    def favicon():
        return send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def register_errors(app):
    @app.errorhandler(HTTPException)
    def plain(error):
        if isinstance(error, SecurityError):  # a Host this class does not answer: build no URL from it
            return error.description, 400, {"Content-Type": "text/plain; charset=utf-8"}
        if request.path.startswith("/classroom/") or request.path.endswith(".json"):
            return jsonify(error=error.name, message=error.description), error.code
        return render_template("classroom/error.html", error=error), error.code
