"""python -m bench [--quick] [--no-http] [--out FILE]: measure, print the table, write JSON."""

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import ablation, floor, http, inprocess, mechanisms, pages, profile, startup

RESULTS = Path(__file__).resolve().parent / "results"


def log(line):
    print(line, flush=True)


def start_redis(workdir):
    """A private redis-server on a free port, if one is installed; else None."""
    binary = shutil.which("redis-server")
    if not binary:
        return None, None
    port = http.free_port()
    process = subprocess.Popen(  # nosec B603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.02)
    process.kill()
    return None, None


def machine():
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cores": os.cpu_count(),
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs: finishes in under a minute")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn + wrk layer")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


def measure_in_process(report, workdir, redis_url, quick):
    """The layers measured inside this process; returns the prepared mechanisms for HTTP."""
    seconds = 0.6 if quick else 2.0
    log("Floor: the least work each check needs")
    report["floor"] = {k: v.as_dict() for k, v in floor.run(workdir, redis_url, seconds).items()}
    for name, timing in report["floor"].items():
        log(f"  {name:<28} {timing['median_us']:9.2f} µs")

    log("In-process: the same protected resource, per mechanism (WSGI call, median)")
    report["inprocess"], prepared = inprocess.run(workdir, redis_url, seconds, log)

    log("Bare twins: what the app's own code adds (target: <= 10%)")
    report["bare_twins"] = inprocess.bare_twins(workdir, report["inprocess"], seconds, log)

    log("Where the app's own time goes (GET /healthz without each piece)")
    build = mechanisms.MECHANISMS["baseline"][0]
    report["ablation"] = ablation.run(lambda: build(workdir / "ablation", None), seconds, log)

    if "jwt-hs256" in prepared:
        log("Profile of GET /jwt/protected (HS256): self time by library")
        report["profile_jwt"] = profile.run(prepared["jwt-hs256"].call, 500 if quick else 3000)
        for group, share in report["profile_jwt"]["self_time_share_pct"].items():
            log(f"  {group:<46} {share:5.1f}%")
        log(f"  PyJWT decodes the token {report['profile_jwt']['pyjwt_decodes_per_request']} times per request")

    log("Pages rendered server-side (target: under 10 ms each)")
    report["pages"] = pages.run(prepared["baseline"].app, 0.15 if quick else 0.5, log)
    return prepared


def measure_http(report, prepared, args):
    """gunicorn + wrk over real sockets, when wrk is installed and --no-http is not given."""
    levels = [16] if args.quick else [1, 16, 64]
    http_seconds = 3 if args.quick else 8
    if args.no_http:
        log("HTTP layer skipped (--no-http)")
    elif not http.wrk_available():
        log("HTTP layer skipped: wrk is not installed (apt-get install wrk, or brew install wrk)")
    else:
        log(f"Over HTTP: gunicorn ({os.cpu_count()} workers) + wrk, {http_seconds} s per level")
        report["http"] = http.run(prepared, levels, http_seconds, log)


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    started = time.perf_counter()
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick, "machine": machine()}

    with tempfile.TemporaryDirectory(prefix="authlab-bench-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_redis(workdir)
        try:
            prepared = measure_in_process(report, workdir, redis_url, args.quick)
            measure_http(report, prepared, args)
            log("make run to first page (virtual environment in place)")
            report["make_run_first_page_s"] = startup.make_run_to_first_page()
            log(f"  {report['make_run_first_page_s']} s (target: under 3 s)")
        finally:
            if redis_process:
                redis_process.terminate()
                redis_process.wait(timeout=10)

    report["duration_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    log(f"Wrote {args.out} in {report['duration_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
