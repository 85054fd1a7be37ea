"""The classroom exercises in the app: the list, each exercise's README rendered safely, its hints.

The exercises themselves live in exercises/ and run without the app (`make exercise 1`); these
pages are how a student who has the app open finds them. The hints come one at a time, as
`make hint 1` gives them: a button posts a form, and the server keeps, in this browser's
session, how many rungs of each ladder it has shown.
"""

import posixpath
import re
from urllib.parse import urlsplit

import markdown
from flask import abort, has_request_context, redirect, render_template, request, session, url_for
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from blueprints.source import resolve, source_url
from exercises import CATALOG, find_slug
from exercises.hints import ladder

from . import bp

# The session key of the hint ladders: {exercise slug: how many hints this browser has seen}.
HINTS_SHOWN = "exercise_hints"
# Where a README's last part starts: the page puts the hint ladder just above it.
DONE = re.compile(r"^## When you are done$", re.M)
SAFE_SCHEMES = {"http", "https", "mailto"}
# The labs a README names in code (`/jwt/`): on the page they become links.
LAB_PATH = re.compile(r"/(jwt|session|oauth)/")
# Where each mechanism is demonstrated in the app.
LABS = {
    "JWT": ("jwt.lab", "the JWT lab"),
    "Sessions": ("session.lab", "the Session lab"),
    "OAuth": ("oauth.lab", "the OAuth lab"),
}


def mount_point():
    """The path the app is served under: "" at the root (and outside a request), or /s/<key>."""
    return request.script_root if has_request_context() else ""


class SafeLinks(Treeprocessor):
    """Links may go to the web, to a page of the app, or (relative) to a file shown by the source viewer."""

    def __init__(self, md, folder):
        super().__init__(md)
        self.folder = folder

    def run(self, root):
        for link in root.iter("a"):
            href = self.safe_href(link.get("href", ""))
            if href is None:  # keep the words, drop the link
                link.tag = "span"
                link.attrib.clear()
            else:
                link.set("href", href)
        for image in list(root.iter("img")):
            image.set("src", self.safe_href(image.get("src", "")) or "")
        # A lab named in inline code becomes a link to it: one click from the exercise to the demo.
        for parent in list(root.iter()):
            if parent.tag in ("a", "pre"):
                continue
            for index, child in enumerate(list(parent)):
                if child.tag == "code" and child.text and LAB_PATH.fullmatch(child.text):
                    link = child.makeelement("a", {"href": mount_point() + child.text})
                    link.tail, child.tail = child.tail, None
                    parent.remove(child)
                    link.append(child)
                    parent.insert(index, link)

    def safe_href(self, href):
        """The href to render, or None: javascript:, data: and the like never reach the page."""
        parts = urlsplit(href)
        if parts.scheme:
            return href if parts.scheme.lower() in SAFE_SCHEMES else None
        if href.startswith("#"):
            return href
        # A page of the app: below the mount point the app is served under (empty at the root).
        if href.startswith("/"):
            return mount_point() + href
        # A relative link in a README names a file beside it: show it in the source viewer.
        target = posixpath.normpath(posixpath.join(self.folder, parts.path))
        return source_url(target) + (f"#{parts.fragment}" if parts.fragment else "") if resolve(target) else None


class SafeMarkdown(Extension):
    """Raw HTML is escaped, never passed through; links are filtered by SafeLinks."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(SafeLinks(md, self.folder), "safe_links", 0)


def markdown_to_html(text, folder=""):
    """Markdown (fenced code, tables) to HTML with no raw HTML from the source."""
    md = markdown.Markdown(extensions=["fenced_code", "tables", "toc", SafeMarkdown(folder)], output_format="html")
    # Safe to mark as HTML: SafeMarkdown escapes every tag of the source and filters every link,
    # so the only markup here is what Python-Markdown itself generates.
    return Markup(md.convert(text))  # noqa: S704  # nosec B704


def render_readme(text, folder):
    """A README as HTML in two parts: everything before "When you are done", and that section."""
    found = DONE.search(text)
    cut = found.start() if found else len(text)
    return markdown_to_html(text[:cut], folder), markdown_to_html(text[cut:], folder)


def hints_shown(exercise, total):
    """How many hints of this exercise this browser has seen (0 to total, whatever the session holds)."""
    shown = session.get(HINTS_SHOWN)
    count = shown.get(exercise.slug, 0) if isinstance(shown, dict) else 0
    return min(count, total) if type(count) is int and count > 0 else 0


@bp.get("/exercises")
def exercises():
    """Every exercise, easy to hard, with its mechanism, difficulty and time."""
    return render_template("course/exercises.html", catalog=CATALOG)


@bp.get("/exercises/<slug>")
def exercise(slug):
    """One exercise: its README, the hints shown so far, the starter code, and the command that checks it."""
    found = find_exercise(slug)
    readme, done = render_readme((found.folder / "README.md").read_text(encoding="utf-8"), found.path)
    hints = ladder(found)
    shown = hints_shown(found, len(hints))
    starter = f"{found.path}/exercise.py"
    index = CATALOG.index(found)
    return render_template(
        "course/exercise.html",
        exercise=found,
        readme=readme,
        done=done,
        hints=[(hint, markdown_to_html(hint.body, found.path)) for hint in hints[:shown]],
        hint_total=len(hints),
        starter_url=source_url(starter),
        starter_path=starter,
        check_url=source_url(f"{found.path}/check.py"),
        lab=LABS[found.mechanism],
        starter_code=(found.folder / "exercise.py").read_text(encoding="utf-8"),
        previous=CATALOG[index - 1] if index > 0 else None,
        next=CATALOG[index + 1] if index + 1 < len(CATALOG) else None,
    )


# A form post (the app's CSRF check applies: a synchronizer token and a same-origin Origin), so
# another site cannot click through a student's hints for them, and no script is needed.
@bp.post("/exercises/<slug>/hints")
def climb_hints(slug):
    """Show this browser the next hint ("next"), or fold them all again ("hide")."""
    found = find_exercise(slug)
    total = len(ladder(found))
    action = request.form.get("action")
    if action not in ("next", "hide"):
        abort(400, "Send action=next (the next hint) or action=hide (fold them all again).")
    shown = min(hints_shown(found, total) + 1, total) if action == "next" else 0
    # A new dict, assigned: the session notices the change and saves it. Only known slugs are
    # ever keys, so it never holds more than one count per exercise.
    current = session.get(HINTS_SHOWN)
    session[HINTS_SHOWN] = {**(current if isinstance(current, dict) else {}), found.slug: shown}
    anchor = f"hint-{shown}" if shown else "hint-ladder"
    return redirect(url_for("course.exercise", slug=found.slug, _anchor=anchor), 303)


def find_exercise(slug):
    """The exercise in this folder, or a 404 that says where the list is."""
    found = find_slug(slug)
    if found is None:
        abort(404, "There is no exercise of that name: the list is at /exercises.")
    return found
