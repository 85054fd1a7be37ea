"""The production server, chosen by measurement: five server settings, one worker each, same app.

gunicorn's sync worker (one request at a time per process), its gthread worker (threads in
one process: what gunicorn.conf.py chose before this was measured), its gevent worker
(greenlets), and granian, a Rust HTTP server with a WSGI interface, with its default Python
threads per worker (up to 512) and with one (`make serve`'s setting). Each serves the app in
production settings on GET /healthz and GET /jwt/protected at 1, 16 and 64 connections.

The score weighs throughput and tail latency alike: for each route and level, a server's
requests per second over the best server's, times the best p99 over its own; the geometric
mean of those is its score (1.0: best at everything). The README says which one won, and why.
"""

import math
import re

from . import load, production, servers

ROUTES = ("/healthz", "/jwt/protected")

# name -> how to start it: (servers.gunicorn or servers.granian, its keyword arguments)
SERVERS = {
    "gunicorn sync": (servers.gunicorn, {"worker_class": "sync"}),
    "gunicorn gthread": (servers.gunicorn, {"worker_class": "gthread"}),
    "gunicorn gevent": (servers.gunicorn, {"worker_class": "gevent"}),
    "granian": (servers.granian, {}),
    "granian, one thread": (servers.granian, {"threads": 1}),
}


def available(name):
    """Why a server cannot run here (its package is missing), or None."""
    needs = "granian" if name.startswith("granian") else {"gunicorn gevent": "gevent"}.get(name)
    if needs is None:
        return None
    try:
        __import__(needs)
    except ImportError:
        return f"{needs} is not installed (make bench installs requirements-dev.txt)"
    return None


def measure_server(name, workdir, log_dir, levels, seconds):
    """One server, started once, measured on every route and level; (numbers, memory)."""
    start, options = SERVERS[name]
    port = servers.free_port()
    instance = workdir / ("choice-" + re.sub(r"[^a-z0-9]+", "-", name))
    env = production.with_origin(production.environment(instance), port)
    password = production.create_account(env)
    with start(name, "wsgi:app", env, log_dir, port=port, **options) as server:
        headers = {"/healthz": {"User-Agent": production.USER_AGENT}}
        headers["/jwt/protected"] = production.bearer(server, password)
        cells = {}
        for path in ROUTES:
            load.run(server.url + path, headers[path], 16, 1, threads=1)  # a warm-up, discarded
            for connections in levels:
                cell = load.run(server.url + path, headers[path], connections, seconds, threads=1)
                cells.setdefault(path, {})[str(connections)] = cell
        return cells, server.rss_mb()


def score(results):
    """Each server's geometric mean, over routes and levels, of rps/best rps x best p99/p99."""
    cells = [(path, level) for path in ROUTES for level in next(iter(results.values()))["levels"][path]]
    scores = {}
    for name, row in results.items():
        factors = []
        for path, level in cells:
            cell = row["levels"][path][level]
            best_rps = max(r["levels"][path][level]["rps"] or 0 for r in results.values())
            best_p99 = min(r["levels"][path][level]["p99_ms"] or math.inf for r in results.values())
            if not cell["rps"] or not cell["p99_ms"] or cell["non_2xx"]:
                factors.append(1e-3)  # failed or refused requests: last, whatever its speed
                continue
            factors.append((cell["rps"] / best_rps) * (best_p99 / cell["p99_ms"]))
        scores[name] = round(math.exp(sum(map(math.log, factors)) / len(factors)), 3)
    return scores


def run(workdir, seconds, log, levels=(1, 16, 64)):
    """Every server this machine has; returns the report's "server_choice" section."""
    log_dir = workdir / "choice-logs"
    log_dir.mkdir(exist_ok=True)
    results, skipped = {}, []
    for name in SERVERS:
        missing = available(name)
        if missing:
            skipped.append(f"{name}: {missing}")
            log(f"  {name}: skipped ({missing})")
            continue
        cells, rss = measure_server(name, workdir, log_dir, levels, seconds)
        results[name] = {"levels": cells, "rss_mb": rss}
        for path, row in cells.items():
            numbers = "  ".join(
                f"c={level}: {cell['rps'] or 0:6.0f} req/s p99 {cell['p99_ms']} ms" for level, cell in row.items()
            )
            log(f"  {name:<17} {path:<15} {numbers}")
        log(f"  {name:<17} memory per worker: {rss} MiB")
    scores = score(results) if results else {}
    winner = max(scores, key=scores.get) if scores else None
    if winner:
        log("  Score (1.0 = best on every route and level): " + ", ".join(f"{k} {v}" for k, v in scores.items()))
        log(f"  Winner: {winner}")
    return {
        "load_generator": load.generator(),
        "seconds": seconds,
        "levels": list(levels),
        "routes": list(ROUTES),
        "servers": results,
        "scores": scores,
        "winner": winner,
        "skipped": skipped,
    }
