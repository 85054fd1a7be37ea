"""The app against its peers, per core: one worker as `make serve` runs it against one node process, A B A B.

The app and the bare Flask peer run on `make serve`'s own server and settings (granian, one
worker, serve.py's Python threads per worker: servers.production), so the Flask rows compare
the code, and the Express rows compare what a student would deploy with what the article's
reader would.

Each row of issue 15's table is a pair of servers measured in turn with the same load (16
connections, one load-generator thread), `pairs` times over: app, peer, app, peer, ... so a
machine that slows down slows both sides alike. The ratio is the app's median requests per
second over the peer's; the pairs' own ratios show how steady it was.

- GET /jwt/protected (revocation intact) against the article's express-jwt GET /protected
  (target: at least 1.0x), and against a bare flask-jwt-extended route under the same
  server settings (target: at least 0.9x);
- GET /session/admin with the SQLite store against express-session's memory store (target: at
  least 0.5x), and with the Redis store beside it when redis-server is installed;
- GET /healthz against express's GET /open: what each stack costs with no authentication.

Every server is started once and stays up, idle while the other side is measured.
"""

import os
import secrets
import statistics

from . import load, production, servers

# key -> (label, the app's server and path, the peer's server and path, target ratio or None)
ROWS = {
    "jwt-vs-express-jwt": (
        "GET /jwt/protected vs express-jwt GET /protected",
        ("app", "/jwt/protected"),
        ("express-jwt", "/protected"),
        1.0,
    ),
    "jwt-vs-bare-flask-jwt": (
        "GET /jwt/protected vs bare flask-jwt-extended GET /protected",
        ("app", "/jwt/protected"),
        ("bare-flask-jwt", "/protected"),
        0.9,
    ),
    "session-sqlite-vs-express-session": (
        "GET /session/admin (SQLite store) vs express-session GET /admin (memory)",
        ("app", "/session/admin"),
        ("express-session", "/admin"),
        0.5,
    ),
    "session-redis-vs-express-session": (
        "GET /session/admin (Redis store) vs express-session GET /admin (memory)",
        ("app-redis", "/session/admin"),
        ("express-session", "/admin"),
        None,
    ),
    "healthz-vs-express-open": (
        "GET /healthz vs express GET /open",
        ("app", "/healthz"),
        ("express-jwt", "/open"),
        None,
    ),
}


class Side:
    """One running server and the headers each of its measured paths needs."""

    def __init__(self, server, headers):
        self.server, self.headers = server, headers

    def url(self, path):
        return self.server.url + path


def start_app(name, workdir, log_dir, redis_url=None):
    """The app in production settings, one worker of `make serve`'s server, signed in twice."""
    port = servers.free_port()
    session_type = "redis" if redis_url else "sqlalchemy"
    env = production.with_origin(production.environment(workdir / name, redis_url, session_type), port)
    password = production.create_account(env)
    server = servers.production(name, "wsgi:app", env, log_dir, port=port)
    try:
        bearer = production.bearer(server, password)
        cookie = production.session_cookie(server, password)
    except BaseException:
        server.stop()
        raise
    plain = {"User-Agent": production.USER_AGENT}
    return Side(server, {"/jwt/protected": bearer, "/session/admin": cookie, "/healthz": plain})


def login_json(server, field):
    _headers, body = production.post_json(server.url + "/login", {})
    return {"Authorization": f"Bearer {body[field]}"}


def login_cookie(server):
    headers, _body = production.post_json(server.url + "/login", {})
    return {"Cookie": headers["Set-Cookie"].split(";", 1)[0]}


def start_peers(sides, log_dir, log):
    """Start the peers this machine can run into `sides`; returns what was skipped, and why."""
    env = {k: v for k, v in os.environ.items() if k not in production.DEVELOPMENT_ONLY}
    env |= {"JWT_SECRET": secrets.token_hex(32), "SESSION_SECRET": secrets.token_hex(32)}
    bare = servers.production("bare-flask-jwt", "bench.peers.bare_flask_jwt:app", env, log_dir, ready_path="/open")
    sides["bare-flask-jwt"] = Side(bare, {})
    sides["bare-flask-jwt"].headers["/protected"] = login_json(bare, "token")
    missing = servers.node_ready()
    if missing:
        log(f"  Skipped the article's Express examples: {missing}")
        return [f"the article's Express examples: {missing}"]
    express_jwt = servers.node("express-jwt", "express_jwt.mjs", env, log_dir)
    sides["express-jwt"] = Side(express_jwt, {})
    sides["express-jwt"].headers["/protected"] = login_json(express_jwt, "token")
    express_session = servers.node("express-session", "express_session.mjs", env, log_dir)
    sides["express-session"] = Side(express_session, {})
    sides["express-session"].headers["/admin"] = login_cookie(express_session)
    return []


def measure(side, path, connections, seconds):
    row = load.run(side.url(path), side.headers.get(path, {}), connections, seconds, threads=1)
    if row["non_2xx"] or not row["rps"]:
        raise RuntimeError(f"{side.server.name} {path}: {row['non_2xx']} answers were not 2xx ({row})")
    return row


def compare(ours, peer, connections, seconds, pairs):
    """A B A B: `pairs` runs of each side, alternating; medians and the pairs' own ratios."""
    runs = {"ours": [], "peer": []}
    for side, path in (ours, peer):
        measure(side, path, connections, 1)  # a warm-up, discarded: caches, the JIT, connection pools
    for _ in range(pairs):
        runs["ours"].append(measure(*ours, connections, seconds))
        runs["peer"].append(measure(*peer, connections, seconds))
    ours_rps = [r["rps"] for r in runs["ours"]]
    peer_rps = [r["rps"] for r in runs["peer"]]
    return {
        "ours_rps": ours_rps,
        "peer_rps": peer_rps,
        "ours_median_rps": statistics.median(ours_rps),
        "peer_median_rps": statistics.median(peer_rps),
        "ours_p99_ms": statistics.median(r["p99_ms"] for r in runs["ours"]),
        "peer_p99_ms": statistics.median(r["p99_ms"] for r in runs["peer"]),
        "ratio": round(statistics.median(ours_rps) / statistics.median(peer_rps), 2),
        "pair_ratios": [round(a / b, 2) for a, b in zip(ours_rps, peer_rps, strict=True)],
    }


def log_row(row, log):
    spread = f"pairs {min(row['pair_ratios']):.2f}-{max(row['pair_ratios']):.2f}"
    verdict = "" if row["target"] is None else f"  target >= {row['target']}: {'yes' if row['meets_target'] else 'no'}"
    log(
        f"  {row['label']:<74} {row['ours_median_rps']:7.0f} vs {row['peer_median_rps']:7.0f} req/s"
        f"  ratio {row['ratio']:.2f} ({spread}){verdict}"
    )


def run(workdir, redis_url, seconds, pairs, log, connections=16):
    """Every row this machine can measure; returns the report's "versus" section."""
    log_dir = workdir / "versus-logs"
    log_dir.mkdir(exist_ok=True)
    sides, skipped = {}, []
    try:
        sides["app"] = start_app("app", workdir, log_dir)
        if redis_url:
            sides["app-redis"] = start_app("app-redis", workdir, log_dir, redis_url)
        else:
            skipped.append("the Redis store: redis-server is not installed")
            log("  Skipped the Redis store: redis-server is not installed")
        skipped += start_peers(sides, log_dir, log)
        rows = {}
        for key, (label, (ours, ours_path), (peer, peer_path), target) in ROWS.items():
            if ours not in sides or peer not in sides:
                continue
            row = compare((sides[ours], ours_path), (sides[peer], peer_path), connections, seconds, pairs)
            group = ours_path.split("/")[1] if ours_path.count("/") > 1 else "baseline"  # jwt, session
            row |= {"label": label, "group": group, "target": target}
            row["meets_target"] = None if target is None else row["ratio"] >= target
            rows[key] = row
            log_row(row, log)
        rss = {name: side.server.rss_mb() for name, side in sides.items()}
        log("  Memory per worker (RSS after the runs): " + ", ".join(f"{k} {v} MiB" for k, v in rss.items()))
    finally:
        for side in sides.values():
            side.server.stop()
    return {
        "load_generator": load.generator(),
        "server": servers.PRODUCTION,
        "connections": connections,
        "seconds": seconds,
        "pairs": pairs,
        "rows": rows,
        "rss_mb": rss,
        "skipped": skipped,
    }
