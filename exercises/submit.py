"""Send a check's result to the class's server, when the student asks to (off by default).

    make exercise 3 SUBMIT=http://10.0.0.5:8000/s/<your sandbox key>/
    python -m exercises 3 --submit http://10.0.0.5:8000/s/<your sandbox key>/

Only the exercise's number and how many of its checks passed are sent, never the code. The
sandbox's key (the part after /s/ in its address) is the credential: the result lands in that
sandbox's row on the instructor's dashboard (classroom/results.py), nowhere else.
"""

import json
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

SANDBOX = re.compile(r"^/s/([A-Za-z0-9_-]{22})(/.*)?$")


def endpoint(sandbox_url):
    """(the class's results URL, the sandbox key), or a ValueError that says what to paste."""
    parts = urlsplit(sandbox_url.strip())
    match = SANDBOX.match(parts.path or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or match is None:
        raise ValueError("paste your sandbox's address, as your browser shows it: http://HOST:8000/s/<key>/")
    return f"{parts.scheme}://{parts.netloc}/classroom/results", match.group(1)


def send(sandbox_url, exercise, passed, total, timeout=10):
    """Send one result; returns the line to print (sent, or why not). Never raises for the network."""
    try:
        url, key = endpoint(sandbox_url)
    except ValueError as error:
        return f"Not sent to the class: {error}."
    body = json.dumps({"exercise": exercise, "passed": passed, "checks": total}).encode()
    request = urllib.request.Request(  # noqa: S310 (an http(s) URL, checked above)
        url, data=body, method="POST", headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  # nosec B310
            answer.read()
    except urllib.error.HTTPError as error:
        try:
            reason = json.loads(error.read() or b"{}").get("message") or error.reason
        except ValueError:
            reason = error.reason
        return f"Not sent to the class ({error.code}): {reason}"
    except OSError as error:
        return f"Not sent to the class: cannot reach {url} ({getattr(error, 'reason', error)})."
    return f"Sent to the class: exercise {exercise}, {passed} of {total} checks pass."
