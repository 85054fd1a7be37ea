"""The servers `make bench` starts: the app and its peers, each a process on a free port.

One `Server` is one command (gunicorn, granian or node) with its environment, waited for
until it answers, measured for memory, then stopped. Its output goes to a log file in the
benchmark's temporary folder, read back only when the server fails to start.
"""

import shutil
import socket
import subprocess  # nosec B404
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PEERS = Path(__file__).resolve().parent / "peers"
GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn.conf.py"  # the benchmark's own


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool(name):
    """A console script installed beside this Python (gunicorn, granian), or None."""
    path = Path(sys.executable).with_name(name)
    return str(path) if path.exists() else None


def node_ready():
    """Why the Express peers cannot run here, or None when they can."""
    if not shutil.which("node"):
        return "node is not installed (apt-get install nodejs npm, then make bench)"
    if not (PEERS / "node_modules" / "express").is_dir():
        return "bench/peers/node_modules is missing (make bench runs npm ci there when npm is installed)"
    return None


class Server:
    """A server process on `port`: started at once, ready when `ready_path` answers 200."""

    def __init__(self, name, command, env, port, log_dir, ready_path="/healthz", cwd=ROOT):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(log_dir) / f"{name.replace(' ', '-').replace('/', '-')}-{port}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # nosec B603: our own servers, fixed arguments
            command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            self.wait_ready(ready_path)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: " + self.log_path.read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + path, timeout=1) as response:  # nosec B310: loopback
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        said = self.log_path.read_text()[-2000:]
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout} s: {said}")

    def rss_mb(self):
        """Resident memory per worker, in MiB: the workers' mean, or the one process's own."""
        try:
            main = psutil.Process(self.process.pid)
            workers = main.children() or [main]
            sizes = [worker.memory_info().rss for worker in workers]
        except psutil.Error:
            return None
        return round(sum(sizes) / len(sizes) / 2**20, 1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.stop()


def gunicorn(name, target, env, log_dir, workers=1, worker_class=None, threads=None, port=None, ready_path="/healthz"):
    """`target` (module:app) under gunicorn with bench/gunicorn.conf.py; flags override it."""
    port = port or free_port()
    command = [tool("gunicorn"), "-c", str(GUNICORN_CONF), "--workers", str(workers)]
    command += ["--worker-class", worker_class] if worker_class else []
    command += ["--threads", str(threads)] if threads else []
    env = env | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "ACCESS_LOG": ""}
    return Server(name, command + [target], env, port, log_dir, ready_path)


def granian(name, target, env, log_dir, workers=1, threads=None, port=None, ready_path="/healthz"):
    """`target` under granian's WSGI interface (a Rust HTTP server; its workers run the app),
    with `threads` Python threads per worker (None: granian's default, up to 512)."""
    port = port or free_port()
    command = [tool("granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)] + (["--blocking-threads", str(threads)] if threads else [])
    command += ["--no-ws", target]
    return Server(name, command, env | {"WEB_CONCURRENCY": str(workers)}, port, log_dir, ready_path)


# What servers.production runs, in the report's words.
PRODUCTION = "granian, as make serve runs it (serve.py's Python threads per worker)"


def production(name, target, env, log_dir, workers=1, port=None, ready_path="/healthz"):
    """`target` as `make serve` serves it: granian with serve.py's default threads per worker."""
    from serve import read_settings

    threads = read_settings({}).threads
    return granian(name, target, env, log_dir, workers=workers, threads=threads, port=port, ready_path=ready_path)


def node(name, script, env, log_dir):
    """One node process running a peer in bench/peers/ (one process: one core, as one worker)."""
    port = free_port()
    env = env | {"PORT": str(port), "NODE_ENV": "production"}
    return Server(name, ["node", script], env, port, log_dir, ready_path="/open", cwd=PEERS)
