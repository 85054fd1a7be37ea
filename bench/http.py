"""Layer 2: each mechanism as `make serve` serves it (granian, a worker per core), loaded over loopback.

The load generator is wrk, or bench/load.py's own when wrk is missing. The servers run in
development settings with the in-process layer's store and keys, so the credential prepared
in-process is valid there too; versus.py measures production settings, per core.
"""

import os

from . import load, servers

# The settings passed on, so the served app shares the in-process app's store and keys.
PASSED_ON = {"SECRET_KEY", "JWT_SECRET_KEY", "SESSION_TYPE", "REDIS_URL", "JWT_ALGORITHM"}


def start(item, log_dir):
    env = dict(os.environ) | {"APP_ENV": "development", "APP_INSTANCE_PATH": item.config["INSTANCE_PATH"]}
    env |= {k: str(v) for k, v in item.config.items() if k in PASSED_ON}
    return servers.production(item.name, "wsgi:app", env, log_dir, workers=os.cpu_count())


def run(prepared, levels, seconds, log, log_dir):
    results = {}
    for key, item in prepared.items():
        with start(item, log_dir) as server:
            rows = {}
            for connections in levels:
                row = load.run(server.url + item.http_path, item.http_headers, connections, seconds, threads=2)
                rows[str(connections)] = row
                log(
                    f"  {item.name:<28} c={connections:<3} {row['rps'] or 0:9.0f} req/s"
                    f"  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  non-2xx {row['non_2xx']}"
                )
            results[key] = {"name": item.name, "levels": rows}
    base = results.get("baseline", {}).get("levels", {})
    for row in results.values():
        for level, numbers in row["levels"].items():
            base_rps = base.get(level, {}).get("rps")
            ratio = numbers["rps"] / base_rps if base_rps and numbers["rps"] else None
            numbers["rps_ratio_to_baseline"] = round(ratio, 2) if ratio else None
    return results
