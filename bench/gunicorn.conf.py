"""gunicorn settings for `make bench` only: the servers it measures against granian (bench/choice.py).

`make serve` ran on these (gthread, a worker per core) until the benchmark chose granian
(serve.py); the benchmark keeps them, so its gunicorn rows measure what they always measured.
"""

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
# gunicorn's control socket (for gunicornc) is not used here; left on, the benchmark's servers
# would all claim the same ~/.gunicorn path.
control_socket_disable = True
# Never trust X-Forwarded-* from anyone but the configured proxy (see wsgi.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
