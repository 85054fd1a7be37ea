"""Render a source file literate-style: each comment block beside the code it explains.

Like Pycco and docco: a run of full-line comments becomes prose (Markdown) in the left
column, and the code up to the next such run sits beside it, highlighted by Pygments with an
anchor on every line (`#L12`, ranges `#L12-L30`). The module docstring opens the page.
"""

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import markdown
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_for_filename
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

COMMENT_MARKERS = {".py": "#", ".toml": "#", ".js": "//", ".css": None, ".html": None}


@dataclass
class Section:
    docs: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # (number, highlighted html)

    @property
    def docs_html(self):
        text = "\n".join(self.docs).strip()
        if not text:
            return Markup("")
        # Raw HTML in a comment is shown as text, never rendered: escape before Markdown.
        return Markup(markdown.markdown(str(escape(text)), extensions=["fenced_code"]))  # noqa: S704  # nosec B704


def highlighted_lines(text, filename):
    """The file as a list of HTML lines, each with its tags balanced."""
    try:
        lexer = get_lexer_for_filename(filename, text)
    except ClassNotFound:
        lexer = TextLexer()
    html = highlight(text, lexer, HtmlFormatter(nowrap=True))
    lines = html.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def docstring_span(text):
    """(first, last) line numbers of a Python module's docstring, or None."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.lineno, first.end_lineno
    return None


def sections(text, filename, suffix):
    """Split a file into (prose, code) sections."""
    marker = COMMENT_MARKERS.get(suffix)
    raw = text.split("\n")
    html = highlighted_lines(text, filename)
    html += [""] * (len(raw) - len(html))
    docstring = docstring_span(text) if suffix == ".py" else None
    result = [Section()]
    for number, (source, rendered) in enumerate(zip(raw, html, strict=False), start=1):
        stripped = source.strip()
        if docstring and docstring[0] <= number <= docstring[1]:
            result[0].docs.append(re.sub(r'^\s*[rRuU]?"""|"""\s*$', "", source))
            continue
        is_comment = bool(marker) and stripped.startswith(marker) and not stripped.startswith("#!")
        if is_comment:
            if result[-1].lines:
                result.append(Section())
            result[-1].docs.append(stripped[len(marker) :].removeprefix(" "))
            continue
        if not stripped and not result[-1].lines:
            continue
        # Safe: Pygments has escaped the source text of every line.
        result[-1].lines.append((number, Markup(rendered)))  # noqa: S704  # nosec B704
    return [s for s in result if s.docs or s.lines]


def render(file, path):
    return cached_sections(str(file), file.stat().st_mtime)


@lru_cache(maxsize=128)
def cached_sections(filename, _mtime):
    """Highlighting is the slow part of a page: done once per version of a file."""
    file = Path(filename)
    return sections(file.read_text(errors="replace"), file.name, file.suffix)
