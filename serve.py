"""`make serve` and `make serve-provider`: granian, a worker process per core, after production's checks.

granian, a Rust HTTP server with a WSGI interface, won `make bench`'s measurement of four
production servers (bench/choice.py, README "Serving in production"). This module
reads the settings, refuses what production must not run, then hands the target (wsgi:app or
wsgi:provider) to granian, whose workers each build the app after they start:

    python serve.py wsgi:app          # BIND=127.0.0.1:8000, WEB_CONCURRENCY=<cores>, ACCESS_LOG=1,
                                      # WORKER_THREADS=1

Behind a TLS-terminating proxy: granian itself believes no X-Forwarded-* header; wsgi.py
believes the proxy's, and only TRUSTED_PROXY_HOPS of them.
"""

import multiprocessing
import os
import re
import sys
from dataclasses import dataclass

from dotenv import load_dotenv

from throttle_store import per_process_refusal

TARGETS = ("wsgi:app", "wsgi:provider")
# The code each target runs, imported before the workers start (preload).
PRELOAD = {"wsgi:app": "app", "wsgi:provider": "provider"}


class Refusal(Exception):
    """A setting the launcher will not start with; the message says which, in one line."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    workers: int
    access_log: bool
    threads: int


# host:port, the host a name, an IPv4 address or an IPv6 one in brackets ([::1]:8000).
BIND = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>[0-9]{1,5})")
NUMBER = re.compile(r"[0-9]{1,2}")


def read_settings(environ):
    """BIND, WEB_CONCURRENCY, ACCESS_LOG and WORKER_THREADS, checked: a Refusal names a bad one."""
    bind = environ.get("BIND") or "127.0.0.1:8000"
    parts = BIND.fullmatch(bind)
    if not parts or not 1 <= int(parts["port"]) <= 65535:
        raise Refusal(f"BIND={bind} is not host:port (for example 127.0.0.1:8000 or [::1]:8000)")
    workers = environ.get("WEB_CONCURRENCY") or str(min(os.cpu_count() or 1, 64))
    if not NUMBER.fullmatch(workers) or not 1 <= int(workers) <= 64:
        raise Refusal(f"WEB_CONCURRENCY={workers} is not a number of worker processes from 1 to 64")
    access_log = environ.get("ACCESS_LOG", "1").lower() not in {"", "0", "false", "no", "off"}
    threads = environ.get("WORKER_THREADS") or "1"
    if not NUMBER.fullmatch(threads) or not 1 <= int(threads) <= 64:
        raise Refusal(f"WORKER_THREADS={threads} is not a number of Python threads per worker from 1 to 64")
    return Settings(parts["host"].strip("[]"), int(parts["port"]), int(workers), access_log, int(threads))


def refusal(environ, workers):
    """Why production cannot run with this many workers; None when it can.

    PW-6: a per-process throttle store (memory://) would count in each worker alone, so with N
    workers every limit would be N times too high. The app makes the same check as it starts
    (WEB_CONCURRENCY tells it the count); this one stops the launcher itself, with one line,
    before any worker starts.
    """
    if environ.get("APP_ENV", "development") != "production":
        return None
    return per_process_refusal(environ.get("RATELIMIT_STORAGE_URI"), workers)


def load_app(target):
    """Build the target in a worker; a refusal to start is one line, never a traceback."""
    module, name = target.split(":")
    try:
        return getattr(__import__(module), name)
    except RuntimeError as exc:  # the parties' refusals to start (UnsafeConfiguration and kin)
        print(f"{target}: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def preload(target):
    """Import the target's code once, here, before granian forks its workers; build nothing.

    Where workers are forked (Linux), each starts with the modules already imported and only
    builds its app: a second or so less per worker. Nothing is built here, so no database or
    Redis connection is opened before the fork: each worker opens its own.
    """
    __import__(PRELOAD[target])


def starts(target):
    """Build the target once, alone, in a process of its own: does it start?

    A refusal to start (missing secrets, HDR-5) is then said once, in one line, before any
    worker starts, not once per worker as granian respawns them; and the first start's work
    (the tables, the provider's schema upgrade) is done once, not by every worker at once.
    """
    check = multiprocessing.Process(target=load_app, args=(target,), name="serve-check")
    check.start()
    check.join()
    return check.exitcode == 0


def serve(target, settings):
    """Start granian's workers on the target; returns when granian stops (Ctrl-C, SIGTERM)."""
    from granian import Granian
    from granian.constants import Interfaces

    # One Python thread per worker by default, as bench/choice.py measured: granian's default
    # (up to 1024 / workers / 2 threads) runs requests on threads that fight over the GIL, and
    # each SQLite or Redis call that lets it go waits up to 5 ms to take it back (the convoy
    # effect): /jwt/protected at 16 connections, 1,449 req/s with granian's default threads,
    # 2,836 with one. Connections, slow clients and request bodies stay in granian's Rust
    # threads, so one Python thread is busy only while the app itself runs. What it gives up:
    # a request that waits on another server (the OAuth callback's token request, 10 s at
    # most) holds its worker meanwhile; WORKER_THREADS raises the count where that matters.
    server = Granian(
        target,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.workers,
        blocking_threads=settings.threads,
        websockets=False,
        log_access=settings.access_log,
        # A worker that dies (out of memory, a crash in C code) is replaced, as gunicorn's were;
        # one that dies again within seconds (a refusal to start) stops the server instead.
        respawn_failed_workers=True,
        # On SIGTERM, requests in flight get 10 s to finish before their worker is killed.
        workers_kill_timeout=10,
    )
    server.serve(target_loader=load_app)


def main(argv):
    if len(argv) != 1 or argv[0] not in TARGETS:
        print(f"usage: python serve.py {' | '.join(TARGETS)}", file=sys.stderr)
        return 2
    # The .env file wsgi.py will read, so that these checks and the app's see the same settings.
    load_dotenv()
    try:
        settings = read_settings(os.environ)
        problem = refusal(os.environ, settings.workers)
        if problem:
            raise Refusal(problem)
    except Refusal as exc:
        print(exc, file=sys.stderr)
        return 1
    # Each worker reads it (throttle_store.serving_processes) to make the same check itself.
    os.environ["WEB_CONCURRENCY"] = str(settings.workers)
    preload(argv[0])
    if not starts(argv[0]):
        return 1
    serve(argv[0], settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
