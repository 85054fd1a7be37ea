"""DELIBERATELY VULNERABLE demos: the OAuth attack bench's wire panel. Development only.

The bench's attacks are HTTP exchanges a scripted browser and a scripted client make
(vulnerable/oauth_browser.py): the redirects with their codes, the cookies, the token requests.
Each is recorded while a run lasts, through the wire panel's one redaction path
(wire.exchange_from_requests: passwords and client secrets masked, cookies and tokens shortened,
LAB-2), and shown under the run's result (vulnerable/oauth_bench.py).

The records of a run are kept with its result in the session, so they are kept small: the body
of an HTML page (a sign-in or consent form) is left out, its headers are kept (its Location, its
cookies: where the attack happens), a run keeps at most MAX_RECORDS exchanges, and only the last
run keeps its own (oauth_bench.run).
"""

from flask import g, has_app_context

import wire

MAX_RECORDS = 40

BROWSER = "the bench's scripted browser"
CLIENT = "the bench as a client (back channel)"


def start():
    """Record the exchanges of this request's run from now on."""
    g.oauth_bench_wire = []


def take():
    """The exchanges recorded during this request's run, oldest first; recording stops."""
    return g.pop("oauth_bench_wire", [])


def recorder(hop):
    """A requests response hook that records each exchange under `hop`, while a run records."""

    def record(response, *args, **kwargs):
        records = g.get("oauth_bench_wire") if has_app_context() else None
        if records is not None and len(records) < MAX_RECORDS:
            records.append(compact(wire.exchange_from_requests(response, hop=hop)))
        return response

    return record


def compact(record):
    """The record without an HTML page's body (its headers say where the attack goes)."""
    response = record.get("response", {})
    content_type = next((value for name, value in response.get("headers", []) if name.lower() == "content-type"), "")
    if content_type.startswith("text/html") and response.get("body"):
        response["body"] = f"(an HTML page of {len(response['body'])} characters, not kept here)"
    return record
