"""The final step of every challenge: the same attack, sent to the real code, refused.

The request goes in-process to the real app, through the same routes and hooks a browser's
request would take (Flask's test client on this very app), and the page shows the request,
the real answer, and a link to the lines of the real code that refused it.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app


@dataclass(frozen=True)
class Attempt:
    request: str  # the request as sent, in HTTP's words
    status: int
    answer: str  # the real code's answer, as the student would read it

    @property
    def refused(self):
        return self.status >= 400


def send(method, path, headers=None, **body):
    """Send one request to the real app, in-process; the Attempt as the page shows it."""
    headers = dict(headers or {})
    client = current_app.test_client()
    response = client.open(path, method=method, headers=headers, base_url=current_app.config["APP_URL"], **body)
    lines = [request_line(method, path)] + [f"{name}: {value}" for name, value in headers.items()]
    if "json" in body:
        lines += ["Content-Type: application/json", "", json.dumps(body["json"])]
    elif "data" in body:
        form = "&".join(f"{name}={value}" for name, value in body["data"].items())
        lines += ["Content-Type: application/x-www-form-urlencoded", "", form]
    answer = response.get_data(as_text=True)
    if response.is_json:
        answer = json.dumps(response.get_json(), indent=1)[:1500]
    elif response.status_code in (301, 302, 303, 307, 308):
        answer = f"Location: {response.headers.get('Location', '')}"
    else:
        answer = answer[:600]
    return Attempt("\n".join(lines), response.status_code, answer)


def request_line(method, path, setting="APP_URL"):
    """`METHOD path HTTP/1.1` as it reads on the wire: the path below the party's mount point, if any."""
    return f"{method} {urlsplit(current_app.config[setting]).path}{path} HTTP/1.1"
