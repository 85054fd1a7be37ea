"""One origin of the class: /s/<key>/... goes to that sandbox's party, the rest to the class's pages.

The key in the path is the sandbox's capability (registry.py): whoever holds the URL is in that
sandbox, and nobody reaches a sandbox by counting or guessing (128 random bits). The sandbox's
party sees an ordinary request under SCRIPT_NAME=/s/<key>, so every URL it builds (url_for,
APP_URL) stays inside the sandbox.
"""

import logging
import re
import threading
import time

from werkzeug.wrappers import Response

from .registry import KEY, digest

log = logging.getLogger("classroom")


def cannot_start():
    return Response(
        "This sandbox could not start here just now; the class's console says why. Try again in a minute.\n",
        status=503,
        headers={"Retry-After": "60", "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
    )


MOUNT = re.compile(r"^/s/([^/]*)(/.*)?$")
TOUCH_EVERY = 60  # seconds: how often a busy sandbox's "last seen" is written


class Dispatcher:
    def __init__(self, role, registry, parties, root_app):
        self.role, self.registry, self.parties, self.root_app = role, registry, parties, root_app
        self.touched = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        match = MOUNT.match(environ.get("PATH_INFO", ""))
        if match is None:
            return self.root_app(environ, start_response)
        key, rest = match.group(1), match.group(2)
        row = self.registry.find(key)  # None for a malformed key too
        if row is None:
            if KEY.fullmatch(key):  # a sandbox that was here: drop what this process built for it
                self.parties.forget(digest(key))
            return self.root_app(dict(environ, PATH_INFO="/sandbox-gone"), start_response)
        if rest is None:  # /s/<key> without its slash: the sandbox's home page
            return Response(status=308, headers={"Location": f"/s/{key}/"})(environ, start_response)
        self.touch(row.digest)
        try:
            app = self.parties.get(row, key)
        except Exception:  # a party that cannot start (a full disk, a store gone): say so, no traceback
            log.exception("sandbox %s: the %s could not start", row.digest[:16], self.role)
            return cannot_start()(environ, start_response)
        environ = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "") + f"/s/{key}", PATH_INFO=rest)
        return app(environ, start_response)

    def touch(self, sandbox_digest):
        moment = time.monotonic()
        with self.lock:
            if moment - self.touched.get(sandbox_digest, -TOUCH_EVERY) < TOUCH_EVERY:
                return
            self.touched[sandbox_digest] = moment
        self.registry.touch(sandbox_digest)
