"""The classroom exercises in the app: the list, and each exercise's README rendered safely.

The exercises themselves live in exercises/ and run without the app (`make exercise 1`); these
pages are how a student who has the app open finds them.
"""

import posixpath
import re
from urllib.parse import urlsplit

import markdown
from flask import abort, render_template
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from blueprints.source import resolve, source_url
from exercises import CATALOG, find_slug

from . import bp

# A README's hints are <details> blocks in exactly this shape (GitHub shows them folded). They
# are the only HTML a README may contain: everything else that looks like HTML is shown as text.
HINT = re.compile(r"^<details>\n<summary>(?P<summary>[^<\n]+)</summary>\n(?P<body>.*?)^</details>$", re.M | re.S)
SAFE_SCHEMES = {"http", "https", "mailto"}
# The labs a README names in code (`/jwt/`): on the page they become links.
LAB_PATH = re.compile(r"/(jwt|session|oauth)/")
# Where each mechanism is demonstrated in the app.
LABS = {
    "JWT": ("jwt.lab", "the JWT lab"),
    "Sessions": ("session.lab", "the Session lab"),
    "OAuth": ("oauth.lab", "the OAuth lab"),
}


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
                    link = child.makeelement("a", {"href": child.text})
                    link.tail, child.tail = child.tail, None
                    parent.remove(child)
                    link.append(child)
                    parent.insert(index, link)

    def safe_href(self, href):
        """The href to render, or None: javascript:, data: and the like never reach the page."""
        parts = urlsplit(href)
        if parts.scheme:
            return href if parts.scheme.lower() in SAFE_SCHEMES else None
        if href.startswith(("/", "#")):
            return href
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
    """A README as HTML: the Markdown rendered safely, its hints as folded <details> we build ourselves."""
    parts, position = [], 0
    for hint in HINT.finditer(text):
        parts.append(markdown_to_html(text[position : hint.start()], folder))
        summary = markdown_to_html(hint["summary"], folder).striptags()
        body = markdown_to_html(hint["body"], folder)
        parts.append(Markup('<details class="hint"><summary>{}</summary>{}</details>').format(summary, body))
        position = hint.end()
    parts.append(markdown_to_html(text[position:], folder))
    return Markup("\n").join(parts)


@bp.get("/exercises")
def exercises():
    """Every exercise, easy to hard, with its mechanism, difficulty and time."""
    return render_template("course/exercises.html", catalog=CATALOG)


@bp.get("/exercises/<slug>")
def exercise(slug):
    """One exercise: its README, a link to the starter code, and the command that checks it."""
    found = find_slug(slug)
    if found is None:
        abort(404, "There is no exercise of that name: the list is at /exercises.")
    readme = (found.folder / "README.md").read_text(encoding="utf-8")
    starter = f"{found.path}/exercise.py"
    index = CATALOG.index(found)
    return render_template(
        "course/exercise.html",
        exercise=found,
        readme=render_readme(readme, found.path),
        starter_url=source_url(starter),
        starter_path=starter,
        check_url=source_url(f"{found.path}/check.py"),
        lab=LABS[found.mechanism],
        starter_code=(found.folder / "exercise.py").read_text(encoding="utf-8"),
        previous=CATALOG[index - 1] if index > 0 else None,
        next=CATALOG[index + 1] if index + 1 < len(CATALOG) else None,
    )
