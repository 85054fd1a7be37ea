"""Helpers for the tests of the flows beside the code flow (client credentials, the device grant,
introspection, JWT access tokens, RP-Initiated Logout): the lab's demo clients as the app learns
them, and each flow's requests."""

import base64
import json
from pathlib import Path

from tests.oauth_flow import csrf_token

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def lab_settings(provider_app):
    """What the provider handed the app: instance/provider/lab-clients.json (lab_clients.py)."""
    return json.loads((Path(provider_app.instance_path) / "lab-clients.json").read_text())


def credentials(settings, role):
    """(client_id, client_secret) of MACHINE, MACHINE_JWT or RESOURCE_SERVER."""
    return settings[f"{role}_CLIENT_ID"], settings[f"{role}_CLIENT_SECRET"]


def machine_token(http, settings, role="MACHINE", **data):
    return http.post("/token", data={"grant_type": "client_credentials", **data}, auth=credentials(settings, role))


def introspect(http, settings, token, role="RESOURCE_SERVER", **data):
    return http.post("/introspect", data={"token": token, **data}, auth=credentials(settings, role))


def part(jwt_text, index):
    """The decoded header (0) or claims (1) of a compact JWS, unverified."""
    segment = jwt_text.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


class Device:
    """A TV (the seeded public device client) polling, and a person deciding at /device."""

    def __init__(self, http, settings, client_id=None):
        self.http = http
        self.client_id = client_id or settings["DEVICE_CLIENT_ID"]

    def start(self, **data):
        response = self.http.post("/device_authorization", data={"client_id": self.client_id, **data})
        if response.status_code == 200:
            self.codes = response.get_json()
        return response

    def poll(self, device_code=None, client_id=None):
        data = {
            "grant_type": DEVICE_GRANT,
            "device_code": device_code or self.codes["device_code"],
            "client_id": client_id or self.client_id,
        }
        return self.http.post("/token", data=data)

    def decide(self, browser, decision="approve", user_code=None):
        """At /device, signed in: type the code, press Continue, then Allow or Deny."""
        code = user_code or self.codes["user_code"]
        token = csrf_token(browser.get("/device").get_data(as_text=True))
        shown = browser.post("/device", data={"csrf_token": token, "user_code": code, "confirm_code": "Continue"})
        assert shown.status_code == 200, shown.get_data(as_text=True)[-800:]
        return browser.post("/device", data={"csrf_token": token, "user_code": code, decision: decision})
