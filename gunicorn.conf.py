"""gunicorn settings for `make serve`: one worker process per core, a few threads each."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# No preload: each worker opens its own database and Redis connections after the fork.
preload_app = False
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("ACCESS_LOG", "-") or None
# gunicorn's control socket (for gunicornc) is not used here; left on, `make serve`,
# `make serve-provider` and the benchmark's servers would all claim the same ~/.gunicorn path.
control_socket_disable = True
# Never trust X-Forwarded-* from anyone but the configured proxy (see wsgi.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Before any worker starts: tell the app how many processes serve it, and refuse a
    per-process throttle store under more than one (PW-6, throttle_store.py).

    memory:// would count in each worker alone: with N workers, every limit N times too high.
    The app makes the same check as it starts (WEB_CONCURRENCY, set here, tells it the count);
    this one stops gunicorn itself, with one line, before any worker prints a traceback.
    """
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    from dotenv import load_dotenv

    from throttle_store import per_process_refusal

    load_dotenv()  # the settings wsgi.py will read, so that both checks see the same ones
    problem = per_process_refusal(os.environ.get("RATELIMIT_STORAGE_URI"), server.cfg.workers)
    if problem and os.environ.get("APP_ENV", "development") == "production":
        raise SystemExit(problem)
