"""THE ATTACKER'S SITE (http://attacker.localhost:8003). Development only; clearly labelled.

Another site than both the app's and the provider's, as a real attacker's would be: its
pages try cross-site requests against them (CSRF, login CSRF) so the learner can watch the
defences refuse them. Another host name, not only another port (LAB-4): cookies ignore
ports, so a page on 127.0.0.1:8003 could set the provider's cookies on 127.0.0.1:8001.
Each attack is one template in templates/attacker/; exploits.py is the exploit server, where a
student writes an attack page of their own. It never imports the app's code.
"""

import os
from pathlib import Path

from flask import Flask, abort, render_template

TEMPLATES = Path(__file__).parent / "templates" / "attacker"

# The attacker's own pages may run its own scripts (served from here), never inline ones.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"
)


def create_app(test_config=None):
    """Create the labelled attacker site (refuses to exist in production)."""
    if os.environ.get("APP_ENV") == "production":
        raise RuntimeError("the attacker site is a development-only teaching demo: not started in production")
    app = Flask(__name__)
    app.config.update(
        APP_URL=os.environ.get("APP_URL", "http://localhost:8000").rstrip("/"),
        REPLICA_URL=os.environ.get("REPLICA_URL", "http://localhost:8002").rstrip("/"),
        PROVIDER_URL=os.environ.get("PROVIDER_URL", "http://127.0.0.1:8001").rstrip("/"),
        ATTACKER_URL=os.environ.get("ATTACKER_URL", "http://attacker.localhost:8003").rstrip("/"),
    )
    # The exploit server's pages and logs (exploits.py): on disk, beside the app's instance.
    app.config["EXPLOIT_FOLDER"] = os.environ.get("EXPLOIT_FOLDER", str(Path(app.instance_path) / "attacker-exploits"))
    app.config.update(test_config or {})

    from . import exploits

    app.register_blueprint(exploits.bp)

    @app.after_request
    def label(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def index():
        """The list of attacks this site can mount."""
        return render_template("attacker/index.html", attacks=available_attacks())

    @app.get("/attack/<name>")
    def attack(name):
        """One attack page; each is a template named after the attack."""
        if name not in available_attacks():
            abort(404)
        return render_template(f"attacker/attacks/{name}.html", name=name)

    return app


def available_attacks():
    folder = TEMPLATES / "attacks"
    return sorted(p.stem for p in folder.glob("*.html")) if folder.is_dir() else []
