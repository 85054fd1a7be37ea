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
# Never trust X-Forwarded-* from anyone but the configured proxy (see wsgi.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
