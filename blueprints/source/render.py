"""Render a source file with Pygments: highlighted, one anchor per line."""

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound
from pygments.lexers.special import TextLexer


def render(file):
    text = file.read_text(errors="replace")
    try:
        lexer = get_lexer_for_filename(file.name, text)
    except ClassNotFound:
        lexer = TextLexer()
    formatter = HtmlFormatter(linenos="table", lineanchors="L", anchorlinenos=True, cssclass="source")
    return highlight(text, lexer, formatter)
