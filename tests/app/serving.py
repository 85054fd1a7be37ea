"""`make serve` as the operator runs it: serve.py and granian, in a clean process, on a free port."""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
# Settings a developer's shell or the test session may hold that production refuses, or that
# would change what is tested; `make serve` is started without them.
LEFT_OUT = {"AUTHLIB_INSECURE_TRANSPORT", "SECRET_KEY", "JWT_SECRET_KEY", "WEB_CONCURRENCY", "RATELIMIT_STORAGE_URI"}


def production_environment(instance, **env):
    """`make serve`'s environment: APP_ENV=production, its own instance folder, then `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    return clean | {"APP_ENV": "production", "APP_INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1"} | env


def run_serve(target, env, timeout=60):
    """serve.py run to its end (it refuses to start, or is stopped by the timeout)."""
    command = [sys.executable, "serve.py", target]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


class Served:
    """serve.py started on a free port, until stop(): what `make serve` leaves running."""

    def __init__(self, target, env, log_path, workers=2):
        self.port, self.workers = free_port(), workers
        self.log_path = Path(log_path)
        env = env | {"BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)}
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "serve.py", target], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def get(self, path, host, timeout=60):
        """GET `path` with this Host header, once the server answers (its workers take seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request("GET", path, headers={"Host": host})
                response = connection.getresponse()
                return response.status, response.headers, response.read().decode()
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("make serve did not answer:\n" + self.log()) from None
                time.sleep(0.2)
            finally:
                connection.close()

    def stop(self, timeout=30):
        """SIGTERM, as a service manager stops it, once every worker runs; the exit status.

        (A worker still building the app when the signal comes is killed only after granian's
        10 s grace, serve.py's workers_kill_timeout: a stop waits for the workers to be up.)
        """
        deadline = time.monotonic() + timeout
        while self.log().count("Started worker-") < self.workers and time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("make serve did not stop on SIGTERM:\n" + self.log()) from None

    def log(self):
        return self.log_path.read_text()
