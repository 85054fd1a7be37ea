"""A message body as the wire panel records it: read by what it is, redacted (LAB-2)."""

import io

from flask import current_app
from werkzeug.formparser import parse_form_data
from werkzeug.http import parse_options_header

from .redact import hidden_value, mentions_secret, redacted_json, redacted_pairs
from .store import MAX_BODY_BYTES, clip


def redacted_body(data, content_type):
    """A body as recorded: redacted by what it is, whatever it claims to be; None: not read."""
    if data is None:
        return "(sent without a length, chunked or streamed: not recorded)"
    if not data:
        return ""
    mimetype = parse_options_header(content_type)[0].lower()
    if mimetype == "multipart/form-data":
        return redacted_multipart(data, content_type)
    if not is_text(mimetype) and data.lstrip()[:1] not in (b"{", b"["):
        return f"({len(data)} bytes of {mimetype or 'binary data'})"
    if mimetype.endswith("json") or data.lstrip()[:1] in (b"{", b"["):
        body = redacted_json(data)
        if body is not None:
            return body
    text = data.decode("utf-8", "replace")
    if mimetype == "application/x-www-form-urlencoded":
        return redacted_pairs(cut_at_pair(text))
    # Default deny: text nothing above could read stays out when it names a secret.
    text = clip(text, MAX_BODY_BYTES)
    if mentions_secret(text):
        return f"({len(data)} bytes of {mimetype or 'text'} naming a secret field, unreadable here: not recorded)"
    return text


def is_text(mimetype):
    return mimetype.startswith("text/") or mimetype.endswith(("json", "xml", "javascript", "urlencoded"))


def cut_at_pair(text):
    """A long form body cut at a pair boundary before redaction (a cut name could hide a secret)."""
    if len(text) <= 2 * MAX_BODY_BYTES:
        return text
    return text[: 2 * MAX_BODY_BYTES].rpartition("&")[0] + "&…"


def redacted_multipart(data, content_type):
    """A multipart body as the app's own parser reads it: fields redacted, files never kept."""
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
    }
    limit = current_app.config["MAX_FORM_MEMORY_SIZE"]
    try:
        _, form, files = parse_form_data(environ, silent=False, max_form_memory_size=limit, max_form_parts=1000)
    except Exception:  # a bad boundary, a truncated part, a part over the limit: werkzeug's reasons
        return f"({len(data)} bytes of multipart data that does not parse: not recorded)"
    boundary = parse_options_header(content_type)[1].get("boundary", "")
    lines = []
    for name, value in form.items(multi=True):
        lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", hidden_value(name, value)]
    for name, upload in files.items(multi=True):
        size = len(upload.read())
        upload.close()
        lines += [
            f"--{boundary}",
            f'Content-Disposition: form-data; name="{name}"; filename="{upload.filename}"',
            "",
            f"({size} bytes of {upload.content_type or 'file'}: file contents are never recorded)",
        ]
    return "\n".join([*lines, f"--{boundary}--"])
