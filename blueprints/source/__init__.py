"""The annotated source viewer: any module of the app or the provider, read in class.

`source_url(path, symbol)` is a template global: every lab step links to the exact lines
that implement it, so "read the code behind this" is one click.
"""

import ast
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, render_template, url_for

bp = Blueprint("source", __name__, url_prefix="/source")

ROOT = Path(__file__).resolve().parent.parent.parent

# What may be shown: the project's own Python, templates and scripts. Never the instance
# folder (secrets, databases), the virtual environment, or dot-files such as .env.
SHOWN_SUFFIXES = {".py", ".html", ".js", ".css", ".md", ".toml", ".txt"}
# Nor exercises/solutions/: a student sees a solution only by asking for it twice (exercises/reveal.py).
HIDDEN_PARTS = {"instance", ".venv", ".git", "__pycache__", ".env", "node_modules", ".pytest_cache", "solutions"}

# What a path of this project looks like: a few folders deep (the deepest file is five), each
# name made of plain file-name characters and not starting with a dot.
SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")
MAX_SEGMENTS = 8


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(source_url)


# HDR-7, and the path traversal this viewer invites: the path comes from the URL, so it is
# judged as text before the file system sees any of it. A NUL byte (which the OS refuses with
# an exception), a control character, a backslash, `..`, a dot-file, a 300-character name (too
# long for the OS) or a path thousands of folders deep never reaches open() or stat(): each is
# "not a file here", a 404. Only then is the path resolved, symlinks included, and shown if it
# is still inside the project, outside the hidden folders, and a kind of file this viewer lists.
def resolve(path):
    """The file at a project-relative path if this viewer may show it, else None (never raises)."""
    if not isinstance(path, str):
        return None
    segments = path.split("/", MAX_SEGMENTS)
    if len(segments) > MAX_SEGMENTS or not all(SEGMENT.fullmatch(segment) for segment in segments):
        return None
    try:
        candidate = (ROOT / path).resolve()
        relative = candidate.relative_to(ROOT)  # ValueError: a symlink that leads out of the project
        is_file = candidate.is_file()
    except (OSError, RuntimeError, ValueError):  # unreadable, or a symlink loop: not a file here
        return None
    # Compared in lower case: on a case-insensitive disk (macOS) `Instance/` is `instance/`.
    if any(part.lower() in HIDDEN_PARTS or part.startswith(".") for part in relative.parts):
        return None
    return candidate if is_file and candidate.suffix in SHOWN_SUFFIXES else None


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
            "config_loader.py",
            "instance_secrets.py",
            "extensions.py",
            "models.py",
            "revocation_epoch.py",
            "passwords.py",
            "throttle.py",
            "throttle_store.py",
            "security.py",
            "errors.py",
            "came_from.py",
            "answers.py",
            "bodies.py",
            "b64url.py",
            "wire/*.py",
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
