"""The four origins of the contract, each mounted under a path prefix, as the classroom serves a sandbox.

Each party is created with the normal factory and the settings the classroom gives a sandbox
(APPLICATION_ROOT, and the four URLs ending in the prefix), then served behind werkzeug's
DispatcherMiddleware: SCRIPT_NAME is the prefix, PATH_INFO the rest. Anything a browser or a
party asks for outside the prefix reaches a root that answers 404 and is counted as a stray, and
so is a 404 below the prefix (a path built without it, or with it twice).
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from tests.conftest import (
    LIVE_DEVICE_POLLING_INTERVAL,
    Received,
    ServerThread,
    app_config,
    create_app,
    create_provider,
    provider_config,
)

# A key of the classroom's shape (22 characters of base64url), so nothing can treat it as special.
PREFIX = "/s/Mounted_sandbox_key-0"


class Outside:
    """The root of an origin: nothing of the lab lives here, so every request is a stray (404)."""

    def __init__(self, name):
        self.name = name
        self.strays = []

    def __call__(self, environ, start_response):
        self.strays.append(f"{self.name}: {environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}")
        return Response("Outside the sandbox's prefix.", status=404)(environ, start_response)


class NotFound:
    """A party below the prefix: a 404 it answers is a stray too (a path the lab built wrong)."""

    def __init__(self, app, outside):
        self.app, self.outside = app, outside

    def __call__(self, environ, start_response):
        def noted(status, headers, exc_info=None):
            if status.startswith("404"):
                path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
                self.outside.strays.append(f"{self.outside.name}: 404 for {environ['REQUEST_METHOD']} {path}")
            return start_response(status, headers, exc_info)

        return self.app(environ, noted)


@dataclass
class MountedServers:
    prefix: str
    urls: dict  # APP_URL, PROVIDER_URL, REPLICA_URL, ATTACKER_URL, each ending in the prefix
    apps: dict  # party name -> the Flask app
    outside: dict  # party name -> the root that answers 404 outside the prefix
    received: dict = field(default_factory=dict)
    threads: list = field(default_factory=list)

    def url(self, party, path="/"):
        return self.urls[party.upper() + "_URL"] + path

    # The names of conftest's LiveServers, so that helpers written for it (tests/oauth_flow.py) serve here too.
    app_url = property(lambda self: self.urls["APP_URL"])
    provider_url = property(lambda self: self.urls["PROVIDER_URL"])
    replica_url = property(lambda self: self.urls["REPLICA_URL"])
    attacker_url = property(lambda self: self.urls["ATTACKER_URL"])

    def take_strays(self):
        """Every request any origin received outside the prefix, or answered 404, since the last call."""
        taken = []
        for root in self.outside.values():
            taken += root.strays
            root.strays.clear()
        return taken

    def stop(self):
        for thread in self.threads:
            thread.stop()
            thread.server.server_close()


def mounted_configs(base, urls, prefix):
    """Each party's settings, as the classroom creates a sandbox's parties."""
    folder = base / "sandbox"
    common = {**urls, "APPLICATION_ROOT": prefix}
    return {
        "app": app_config(folder, **common),
        "replica": app_config(folder, **common, INSTANCE_NAME="replica"),
        "provider": provider_config(
            folder / "provider", **common, DEVICE_POLLING_INTERVAL=LIVE_DEVICE_POLLING_INTERVAL
        ),
        "attacker": {**common, "EXPLOIT_FOLDER": str(folder / "attacker-exploits")},
    }


def start_mounted_servers(base, prefix=PREFIX):
    """The four origins on free loopback ports, each party mounted under `prefix`."""
    from attacker import create_app as create_attacker
    from run import loopback_address, origins_on_free_ports

    origins = origins_on_free_ports()
    urls = {name: origin + prefix for name, origin in origins.items()}
    configs = mounted_configs(base, urls, prefix)
    factories = {"app": create_app, "replica": create_app, "provider": create_provider, "attacker": create_attacker}
    apps = {name: factories[name](config) for name, config in configs.items()}
    outside = {name: Outside(name) for name in apps}
    servers = MountedServers(prefix, urls, apps, outside)
    for name, app in apps.items():
        servers.received[name] = Received(app)
        served = DispatcherMiddleware(outside[name], {prefix: NotFound(servers.received[name], outside[name])})
        origin = origins[name.upper() + "_URL"]
        servers.threads.append(ServerThread(served, urlsplit(origin).port, loopback_address(origin)))
    for thread in servers.threads:
        thread.start()
    return servers
