"""Start the four origins of the contract together; Ctrl-C stops them all.

    python run.py            # app :8000, provider :8001, replica :8002, attacker :8003
    python run.py app        # one of them (app, provider, replica, attacker)

Each party is its own process (this same script, never a shell), as on separate machines: the replica shares
nothing with the app but what a real deployment would share (the database or Redis).
"""

import os
import signal
import socket
import subprocess  # nosec B404
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from dotenv import load_dotenv

# Which factory serves which origin (docs/contract.md, "Origins").
#
# LAB-4: the attacker's site must be another *site* than both the app (localhost) and the
# provider (127.0.0.1), not only another origin. Cookies ignore ports, and SameSite compares
# sites: on 127.0.0.1:8003 the attacker's script could overwrite the provider's cookie and its
# forms would carry the provider's SameSite=Lax cookie. Browsers resolve every *.localhost name
# to loopback (RFC 6761) with no hosts-file edit, and Chromium treats attacker.localhost as a
# site of its own. Where a browser does not resolve it, set ATTACKER_URL=http://[::1]:8003.
SERVERS = {
    "app": ("APP_URL", "http://localhost:8000", "app:create_app"),
    "provider": ("PROVIDER_URL", "http://127.0.0.1:8001", "provider:create_app"),
    "replica": ("REPLICA_URL", "http://localhost:8002", "app:create_app"),
    "attacker": ("ATTACKER_URL", "http://attacker.localhost:8003", "attacker:create_app"),
}


def loopback_address(url):
    """Where an origin is served: loopback only, never the network.

    [::1] is served as it is. A name (localhost, attacker.localhost) is served on 127.0.0.1:
    a browser resolves it itself, trying ::1 then 127.0.0.1 (RFC 6761), and Python's resolver
    here does not know *.localhost at all: such clients connect to 127.0.0.1 with the Host header.
    """
    return "::1" if urlsplit(url).hostname == "::1" else "127.0.0.1"


def address_family(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def origins_on_free_ports():
    """The contract's four origins, same host names, each on a port nobody is using now.

    For running everything beside a `make run` already in progress: the tests, the benchmark.
    """
    origins = {}
    for variable, default, _ in SERVERS.values():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        parts = urlsplit(default)
        origins[variable] = urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port}"))
    return origins


def development_environment():
    """The environment every child gets: .env first, then the development defaults."""
    load_dotenv()
    env = dict(os.environ)
    env.setdefault("APP_ENV", "development")
    if env["APP_ENV"] == "development":
        # Plain http on loopback is fine for a laptop demo, and for nothing else: the
        # production config refuses to start with this set (HDR-5).
        env.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def serve(name):
    """Serve one origin in this process (werkzeug's threaded server, no debugger)."""
    from importlib import import_module

    from werkzeug.serving import run_simple

    variable, default, target = SERVERS[name]
    url = os.environ.get(variable, default)
    if name == "replica":
        os.environ.setdefault("INSTANCE_NAME", "replica")
    module, factory = target.split(":")
    try:
        app = getattr(import_module(module), factory)()
    except RuntimeError as exc:  # the parties' refusals to start (UnsafeConfiguration and kin)
        print(f"{name}: {exc}", file=sys.stderr)
        sys.exit(1)
    # Bind to loopback only: a classroom laptop should not serve the demos to the network.
    run_simple(loopback_address(url), urlsplit(url).port, app, threaded=True, use_reloader=False, use_debugger=False)


def busy_ports(names, env):
    """The origins whose port is already taken, with the variable that moves each."""
    busy = []
    for name in names:
        variable, default, _ = SERVERS[name]
        url = env.get(variable, default)
        address, port = loopback_address(url), urlsplit(url).port
        with socket.socket(address_family(address)) as probe:
            if probe.connect_ex((address, port)) == 0:
                busy.append(f"port {port} ({name}) is in use: stop that program, or set {variable}")
    return busy


def serve_all(names):
    env = development_environment()
    if env["APP_ENV"] == "production":
        # The development server, the attacker site and the naive twins are for a laptop demo.
        print("make run is for development; for production use make serve (granian).", file=sys.stderr)
        return 2
    busy = busy_ports(names, env)
    if busy:
        print("cannot start:\n  " + "\n  ".join(busy), file=sys.stderr)
        return 1
    children = {}
    for name in names:
        children[name] = subprocess.Popen([sys.executable, __file__, name], env=env)  # nosec B603
    for name in names:
        variable, default, _ = SERVERS[name]
        print(f"  {name:<9} {env.get(variable, default)}")
    return supervise(children)


def supervise(children):
    """Wait on the servers started; when one exits, or on Ctrl-C, stop them all (classroom too)."""
    print("Ctrl-C stops them all.", flush=True)
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.3)
        failed = [name for name, child in children.items() if child.poll() is not None]
        print(f"stopped: {', '.join(failed)} exited; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()


def stop(_signum, _frame):
    raise KeyboardInterrupt


def main(argv):
    # Ctrl-C, or a TERM from a process manager, stops every child. (A shell that starts us in
    # the background may have set SIGINT to be ignored: ask for it explicitly.)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    names = argv or list(SERVERS)
    unknown = [name for name in names if name not in SERVERS]
    if unknown:
        print(f"unknown server {unknown}; choose from {list(SERVERS)}", file=sys.stderr)
        return 2
    if len(names) == 1 and os.environ.get("AUTHLAB_CHILD"):
        serve(names[0])
        return 0
    os.environ["AUTHLAB_CHILD"] = "1"
    return serve_all(names)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
