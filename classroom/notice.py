"""The banner every page of a sandbox shows: a lab, not production, and how it differs.

Rendered here, once per sandbox, and handed to each party as config["CLASSROOM"]["banner"]: the
app, the provider and the attacker's site each print it at the top of their pages without
knowing what classroom mode is (the provider and the attacker never import the app's code).
"""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from . import layout

TEMPLATES = Path(__file__).parent / "templates"
environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def banner(settings):
    """The banner's HTML (markupsafe.Markup: host names are escaped once, here)."""
    chosen = layout.Layout(settings.host, settings.attacker_host, "")
    html = environment.get_template("classroom/notice.html").render(
        front_page=settings.origin("app") + "/",
        differences=layout.differences(chosen),
        cross_site=chosen.cross_site,
        attacker_host=settings.attacker_host,
        host=settings.host,
    )
    return Markup(html)  # noqa: S704  # nosec B704 (rendered above with autoescape on)
