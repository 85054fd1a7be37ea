"""The provider's own wire log: the browser's hops of one sign-in as this provider saw them.

The app's wire panel shows every hop of the dance as raw HTTP, but the hops between the
browser and this provider (the authorization request, the sign-in, the consent, the redirect
back with the code) never pass through the app. Only the provider sees them. So it records
them here and hands them to the client the sign-in was for, when that client asks.

Who may read a flow's record is the point of this module. A flow is named by its client and
the `state` of its authorization request, but a state is no secret. It travels in URLs, and
anyone who lured somebody's browser through an authorization request they had started
themselves would know it. So POST /wire/flow hands a flow over only
  1. to the confidential client it was made for, authenticated with its secret (AS-13), and
  2. for the flow's state AND its code, the code this log saw issued, and
  3. only once that client has redeemed that code at /token.
The app redeems a code only after the callback's state matched in the browser session that
started the flow (OC-2). So holding the state is not enough: a stranger cannot read someone
else's sign-in through the app, and nobody without the client's secret can read one at all.
A flow is handed over once and then deleted. Everything else gets one answer, an empty
list, which does not say whether the flow exists.

The other way round, whoever knows a flow's state could add hops of their own to its log
(at most the flow's bound), as they could have sent a browser through that flow. The app
shows them as text, never as markup, and a state is known only to the browser that carries it.

It is bounded and expires like the app's log (LAB-1, wire_store.py): at most 16 hops a flow,
records of bounded size, a rate and a number of live records per address, a total, and 15
minutes. Nothing in it is a secret in full (wire_redact.py, LAB-2). Recording never breaks a
response (HDR-7): whatever goes wrong, the answer goes out unrecorded.
"""

import io
import ipaddress

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, jsonify, request

from . import wire_redact
from .client_auth import authenticate_client
from .models import SECRET_AUTH_METHODS, Client, db
from .throttle import token_endpoint_throttle
from .web import csrf, refuses_unreadable
from .wire_store import flow_key, hand_over, save

RECORDED_PATHS = ("/authorize", "/login")  # the browser's hops of the code flow, here
FLOW = "provider.wire_log.flow"  # the environ key: which flow a request belongs to

bp = Blueprint("wire_log", __name__)


def init_app(app):
    app.register_blueprint(bp)
    app.wsgi_app = WireLog(app, app.wsgi_app)


# --- Recording: a WSGI middleware, so Set-Cookie is seen as it left -------------------------


class WireLog:
    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") not in RECORDED_PATHS or environ.get("REQUEST_METHOD") not in ("GET", "POST"):
            return self.wsgi_app(environ, start_response)
        body = self.read_body(environ)
        try:
            client_id = self.recorded_client(environ, body)
        except Exception:  # HDR-7: input of a shape nobody foresaw is served, not recorded
            self.app.logger.exception("wire log: could not read %s", environ.get("PATH_INFO"))
            client_id = None
        if client_id is None:
            return self.wsgi_app(environ, start_response)
        sent, chunks = {}, []

        def held_start(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, list(headers)
            return chunks.append

        result = self.wsgi_app(environ, held_start)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        answer = b"".join(chunks)
        self.keep(environ, client_id, body, sent, answer)
        start_response(sent["status"], sent["headers"])
        return [answer]

    def read_body(self, environ):
        """A POST's form body (within the provider's size limit), the app handed a fresh copy."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return b""
        if not 0 < length <= self.app.config["MAX_CONTENT_LENGTH"]:
            return b""
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def recorded_client(self, environ, body):
        """The client_id of the flow this request belongs to, if its client is confidential, else None.

        The flow's key goes into the environ for keep(); the request itself is not changed."""
        params = wire_redact.query_params(environ.get("QUERY_STRING", ""))
        if environ["PATH_INFO"] == "/login":  # the authorization request waits in `next`
            params = wire_redact.query_params(params.get("next", "").partition("?")[2])
        elif "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", "") and b"client_id=" in body:
            params = wire_redact.query_params(body.decode("utf-8", "replace"))  # a POSTed request
        client_id, state = params.get("client_id", ""), params.get("state", "")
        if not (0 < len(client_id) <= 48 and 0 < len(state) <= 256):
            return None
        # Only a confidential client can prove who it is to read a flow: a public client's
        # flows would be kept for nobody, so they are not kept at all.
        with self.app.app_context():
            client = db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()
            confidential = client is not None and not client.is_public()
        environ[FLOW] = flow_key(client_id, state)
        return client_id if confidential else None

    def keep(self, environ, client_id, body, sent, answer):
        """Store the hop if the bounds allow. HDR-7: never raises, the answer goes out regardless."""
        try:
            headers = sent["headers"]
            location = next((value for name, value in headers if name.lower() == "location"), "")
            code = wire_redact.query_params(location.partition("?")[2]).get("code")
            record = hop_record(environ, body, sent["status"], headers, answer)
            with self.app.app_context():
                save(environ[FLOW], address_of(environ), code, record)
        except Exception:
            self.app.logger.exception("wire log: could not record %s", environ.get("PATH_INFO"))


def hop_record(environ, body, status, headers, answer):
    """One exchange in the shape the app's wire panel renders, redacted (wire_redact.py)."""
    query = environ.get("QUERY_STRING", "")
    # SCRIPT_NAME: the mount point the provider is served under (empty at the root), so the
    # URL shown is the one the browser asked for.
    path = environ.get("SCRIPT_NAME", "") + environ["PATH_INFO"]
    url = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}{path}"
    received = [(key[5:].replace("_", "-").title(), value) for key, value in environ.items() if key.startswith("HTTP_")]
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            received.append((name, environ[key]))
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    return {
        "hop": "browser → provider",
        "request": {
            "method": environ["REQUEST_METHOD"],
            "url": wire_redact.redacted_url(url + (f"?{query}" if query else "")),
            "headers": wire_redact.redacted_headers(received),
            "body": wire_redact.redacted_body(body, environ.get("CONTENT_TYPE", "")),
        },
        "response": {
            "status": wire_redact.clip(status, 64),
            "headers": wire_redact.redacted_headers(headers),
            "body": wire_redact.redacted_body(answer, content_type, "redirect" if status[:1] == "3" else "page"),
        },
    }


def address_of(environ):
    """The address the per-address bounds count (an IPv6 /64 as one, like throttle.address)."""
    try:
        ip = ipaddress.ip_address(environ.get("REMOTE_ADDR") or "")
    except ValueError:
        return (environ.get("REMOTE_ADDR") or "unknown")[:64]
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


# --- Handing a flow to its client ------------------------------------------------------------


def query_client(client_id):
    return db.session.execute(db.select(Client).filter_by(client_id=client_id)).scalar_one_or_none()


@bp.post("/wire/flow")
@csrf.exempt  # a client authenticated with its secret, not a browser's cookie
@token_endpoint_throttle  # wrong secrets are counted as at /token (PW-6)
@refuses_unreadable
def flow():
    """The browser's hops of one flow, for the client that redeemed its code; then forgotten."""
    try:
        client = authenticate_client(query_client, request, SECRET_AUTH_METHODS, "wire_log")
    except OAuth2Error as error:
        status, body, headers = error()
        return jsonify(body), status, headers
    state, code = request.form.get("state", ""), request.form.get("code", "")
    if not (0 < len(state) <= 256 and 0 < len(code) <= 512):
        return jsonify(error="invalid_request", error_description="Send the flow's state and its code."), 400
    # Nothing to hand over gets one answer, an empty list, whatever the reason (unknown,
    # expired, handed over already, not redeemed yet): it confirms nothing. A 200, not a 404:
    # the throttle counts failures, and the app asks for every browser it serves, so a class
    # of expired records must not count against the app's own budget at /token.
    return jsonify(hops=hand_over(client.client_id, state, code))
