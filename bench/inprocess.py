"""Layer 1: the WSGI app called directly, to isolate each mechanism's cost in microseconds."""

from . import bare
from .mechanisms import MECHANISMS
from .timing import measure
from .wsgi_call import DirectCall


def run(workdir, redis_url, seconds, log):
    """Prepare every mechanism, then time each; returns (results, prepared)."""
    prepared, results = {}, {}
    for key, (build, needs_redis) in MECHANISMS.items():
        if needs_redis and not redis_url:
            log(f"  {key}: skipped (no Redis; install redis-server)")
            continue
        prepared[key] = build(workdir, redis_url)
    for key, item in prepared.items():
        timing = measure(item.call, seconds)
        results[key] = {"name": item.name, "group": item.group, "credential_bytes": credential_bytes(item)}
        results[key] |= timing.as_dict()
        log(f"  {item.name:<28} {timing.median_us:9.1f} µs  (±{timing.spread_pct:.0f}%)")
    baseline = results.get("baseline", {}).get("median_us")
    for row in results.values():
        row["ratio_to_baseline"] = round(row["median_us"] / baseline, 2) if baseline else None
        row["auth_cost_us"] = round(row["median_us"] - baseline, 1) if baseline else None
    return results, prepared


def credential_bytes(item):
    """Bytes the credential adds to every request: the header lines that carry it."""
    return sum(
        len(f"{name}: {value}\r\n") for name, value in item.http_headers.items() if name in {"Authorization", "Cookie"}
    )


def bare_twins(workdir, results, seconds, log):
    """The app's route against the same check in a bare Flask route (target: <= 10% more)."""
    twins = {}
    jwt_app, jwt_headers = bare.jwt_app(workdir)
    session_app, session_headers = bare.session_app(workdir)
    pairs = [
        ("jwt-hs256", "bare flask-jwt-extended route (+ SQLite blocklist)", jwt_app, "/protected", jwt_headers),
        ("session-sqlite", "bare Flask-Session + flask-login route", session_app, "/admin", session_headers),
    ]
    for key, label, app, path, headers in pairs:
        if key not in results:
            continue
        timing = measure(DirectCall(app, path, headers=headers).check(), seconds)
        ours = results[key]["median_us"]
        overhead = 100 * (ours - timing.median_us) / timing.median_us
        twins[key] = {
            "bare": label,
            "bare_median_us": timing.median_us,
            "app_median_us": ours,
            "overhead_pct": round(overhead, 1),
            "within_target": overhead <= 10,
        }
        log(f"  {results[key]['name']:<28} app {ours:8.1f} µs, bare {timing.median_us:8.1f} µs: {overhead:+.1f}%")
    return twins
