"""The annotated source viewer: any module of the app or the provider, read in class.

`source_url(path, symbol)` is a template global: every lab step links to the exact lines
that implement it, so "read the code behind this" is one click.
"""

import ast
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, render_template, url_for

bp = Blueprint("source", __name__, url_prefix="/source")

ROOT = Path(__file__).resolve().parent.parent.parent

# What may be shown: the project's own Python, templates and scripts. Never the instance
# folder (secrets, databases), the virtual environment, or dot-files such as .env.
SHOWN_SUFFIXES = {".py", ".html", ".js", ".css", ".md", ".toml", ".txt"}
HIDDEN_PARTS = {"instance", ".venv", ".git", "__pycache__", ".env", "node_modules", ".pytest_cache"}


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(source_url)


def resolve(path):
    """The file at a project-relative path if it may be shown, else None."""
    if not isinstance(path, str) or "\\" in path or path.startswith("/"):
        return None
    candidate = (ROOT / path).resolve()
    try:
        relative = candidate.relative_to(ROOT)
    except ValueError:
        return None  # ../ tricks stay inside the project
    if any(part in HIDDEN_PARTS or part.startswith(".") for part in relative.parts):
        return None
    if candidate.suffix not in SHOWN_SUFFIXES or not candidate.is_file():
        return None
    return candidate


@lru_cache(maxsize=256)
def symbol_lines(path, mtime):
    """{qualified name: (first line, last line)} for the functions and classes of a module."""
    tree = ast.parse((ROOT / path).read_text())
    found = {}

    def visit(node, prefix=""):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                found[name] = (first, child.end_lineno)
                visit(child, name + ".")

    visit(tree)
    return found


def source_url(path, symbol=None):
    """A link to a module, or to the lines of one function or class in it."""
    url = url_for("source.show", path=path)
    if symbol:
        file = resolve(path)
        if file is None or file.suffix != ".py":
            raise LookupError(f"no Python module {path!r} to link to")
        lines = symbol_lines(path, file.stat().st_mtime).get(symbol)
        if lines is None:
            raise LookupError(f"{path} defines no {symbol!r}")
        url += f"#L{lines[0]}-L{lines[1]}"
    return url


# The tree, grouped the way the README's reading order walks it.
GROUPS = (
    (
        "The app's plumbing",
        [
            "app.py",
            "config.py",
            "extensions.py",
            "models.py",
            "passwords.py",
            "security.py",
            "errors.py",
            "wire.py",
            "storage.py",
            "session_store.py",
            "run.py",
        ],
    ),
    ("JWT demo", ["blueprints/jwt/*.py"]),
    ("Session demo", ["blueprints/session/*.py"]),
    ("OAuth client demo", ["blueprints/oauth/*.py"]),
    ("Pages, course and this viewer", ["blueprints/pages/*.py", "blueprints/course/*.py", "blueprints/source/*.py"]),
    ("The provider: another party", ["provider/*.py"]),
    ("Deliberately vulnerable twins (development only)", ["vulnerable/*.py"]),
    ("The attacker's site (development only)", ["attacker/*.py"]),
    ("Browser scripts", ["static/js/*.js"]),
)


@bp.get("/")
def index():
    """Every module, grouped by the part of the architecture it belongs to."""
    groups = []
    for title, patterns in GROUPS:
        paths = []
        for pattern in patterns:
            found = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern))
            paths += [p for p in found if p not in paths and resolve(p)]
        groups.append((title, paths))
    return render_template("source/index.html", groups=groups)


@bp.get("/<path:path>")
def show(path):
    """One file, highlighted, with an anchor on every line."""
    file = resolve(path)
    if file is None:
        abort(404, "There is no source file at that path that this viewer may show.")
    from .render import render

    return render_template("source/show.html", path=path, sections=render(file, path))
