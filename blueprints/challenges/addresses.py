"""The challenges' text names the lab as `make run` serves it; a page shows this lab's own addresses.

The catalog is written once, with the contract's origins (http://localhost:8000 and its kin)
and the lab's paths (`POST /vulnerable/jwt/login`). A lab served elsewhere, by other URL
settings or under a mount point (a classroom sandbox's /s/<key>), would send a student who
copies a link from the page to another party's lab, or to none. So each address is rewritten
when the page is rendered: an origin followed by a path becomes the URL setting (which ends in
the mount point), an origin on its own (or before the `@` of the user-info trick) stays an
origin, and a path of the lab gets the mount point in front.
"""

import re
from urllib.parse import quote, urlsplit

from flask import current_app, request

# The contract's origins, as the catalog writes them, and the settings that say where each is.
DEFAULTS = {
    "http://localhost:8000": "APP_URL",
    "http://127.0.0.1:8001": "PROVIDER_URL",
    "http://attacker.localhost:8003": "ATTACKER_URL",
}
# The first segments of the lab's own paths (the app's, the provider's, the attacker site's).
# Any other absolute path in the text (`/dev/null`, a key file's) is a file, not an address.
LAB_PATHS = "authorize|challenges|collect|exploit|jwt|login|naive|oauth|progress|session|token|userinfo|vulnerable"
# A path of the lab: a "/" that starts a path (not one inside a URL, after `:`, `.` or a
# word) followed by one of LAB_PATHS and the end of that segment.
LAB_PATH = re.compile(rf"(?<![\w:/.%-])/(?=(?:{LAB_PATHS})(?:[/?#`'\"\s]|$))")


def written_forms():
    """Each way the catalog writes a default origin: with or without its scheme, plain or
    URL-encoded (inside a query), mapped to (its setting, with a scheme, encoded)."""
    forms = {}
    for default, setting in DEFAULTS.items():
        netloc = default.split("://", 1)[1]
        for written, scheme in ((default, True), (netloc, False)):
            forms[written] = (setting, scheme, False)
            forms[quote(written, safe="")] = (setting, scheme, True)
    return forms


FORMS = written_forms()
# Longest first; a bare host:port only where no scheme or host name runs into it (after an
# `@`, plain or encoded, it is the host the user-info trick leads to).
ORIGIN = re.compile(
    "("
    + "|".join(
        re.escape(form) if "//" in form or "%2F" in form else rf"(?:(?<=%40)|(?<![\w.%])){re.escape(form)}"
        for form in sorted(FORMS, key=len, reverse=True)
    )
    + ")(/|%2F|@|%40)?"
)


def in_this_lab(text):
    """`text` with the contract's addresses replaced by this lab's."""
    text = LAB_PATH.sub(lambda _found: request.script_root + "/", text)
    return ORIGIN.sub(replace_origin, text)


def replace_origin(found):
    written, after = found.group(1), found.group(2) or ""
    setting, scheme, encoded = FORMS[written]
    url = current_app.config[setting]
    parts = urlsplit(url)
    # Before a path: the whole setting, mount point included. Alone, or before the `@` of a
    # user name: the origin the text speaks of.
    address = url if after in ("/", "%2F") else f"{parts.scheme}://{parts.netloc}"
    if not scheme:
        address = address.split("://", 1)[1]
    return (quote(address, safe="") if encoded else address) + after
