"""python -m bench [--quick] [--no-http] [--only PARTS] [--pairs N] [--cold] [--out FILE]: measure, write JSON."""

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

from . import ablation, choice, floor, http, inprocess, load, mechanisms, pages, profile, servers, startup, versus

RESULTS = Path(__file__).resolve().parent / "results"
# The parts of a run, in order; --only names some of them, and the others keep their last numbers.
PARTS = ("inprocess", "http", "versus", "choice", "startup")


def log(line):
    print(line, flush=True)


def start_redis(workdir):
    """A private redis-server on a free port, if one is installed; else None."""
    binary = shutil.which("redis-server")
    if not binary:
        return None, None
    port = servers.free_port()
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
    parser.add_argument("--quick", action="store_true", help="shorter runs: about two minutes in all")
    parser.add_argument("--no-http", action="store_true", help="skip every layer over HTTP (servers and peers)")
    parser.add_argument(
        "--only", default=",".join(PARTS), help="the parts to measure, comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument("--pairs", type=int, default=3, help="A B A B pairs per peer row (at least 3 for a ratio)")
    parser.add_argument("--cold", action="store_true", help="also time cold installs: a fresh virtual environment")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    args.only = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = set(args.only) - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown parts {sorted(unknown)}; the parts are {', '.join(PARTS)}")
    if args.no_http:
        args.only = [part for part in args.only if part in ("inprocess", "startup")]
    return args


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


def measure_http(report, prepared, args, workdir):
    """Each mechanism as make serve serves it (a worker per core), loaded over loopback."""
    levels = [16] if args.quick else [1, 16, 64]
    seconds = 2 if args.quick else 8
    workers = os.cpu_count()
    log(f"Over HTTP: {servers.PRODUCTION}, {workers} workers, {seconds} s per level, load from {load.generator()}")
    if load.generator() != "wrk":
        log("  (wrk is not installed: apt-get install wrk, or brew install wrk. Ours costs more CPU per request.)")
    report["http"] = http.run(prepared, levels, seconds, log, workdir)
    report["http_server"] = servers.PRODUCTION


def measure_versus(report, workdir, redis_url, args):
    seconds = 1 if args.quick else 5
    log(
        f"Against the article's peers, per core (one worker vs one node process): {args.pairs} A B A B pairs"
        f" of {seconds} s at 16 connections, load from {load.generator()}"
    )
    report["versus"] = versus.run(workdir, redis_url, seconds, args.pairs, log)


def measure_choice(report, workdir, args):
    seconds = 1 if args.quick else 5
    log(f"The production server, one worker each, {seconds} s per level, load from {load.generator()}")
    report["server_choice"] = choice.run(workdir, seconds, log)


def measure_startup(report, workdir, args):
    log("make run to first page (virtual environment in place)")
    report["make_run_first_page_s"] = startup.make_run_to_first_page()
    log(f"  {report['make_run_first_page_s']} s (target: under 3 s)")
    report["startup"] = {"warm_make_run_s": report["make_run_first_page_s"]}
    if args.cold:
        log("Cold: make run on a fresh virtual environment (installs requirements.txt), to first page")
        report["startup"]["cold_make_run_s"] = startup.cold_make_run_to_first_page(workdir)
        log(f"  {report['startup']['cold_make_run_s']} s")
        log("Cold: make test's installs on a fresh virtual environment (requirements.txt, then requirements-dev.txt)")
        report["startup"]["cold_dev_install_s"] = startup.cold_dev_install(workdir)
        log(f"  {report['startup']['cold_dev_install_s']} s")


def previous(path):
    """The last run's report, whose parts a run with --only keeps."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    started = time.perf_counter()
    report = previous(args.out) if set(args.only) != set(PARTS) else {}
    report |= {"date": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick, "machine": machine()}

    with tempfile.TemporaryDirectory(prefix="authlab-bench-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_redis(workdir)
        try:
            prepared = None
            if "inprocess" in args.only or "http" in args.only:
                prepared = measure_in_process(report, workdir, redis_url, args.quick)
            if "http" in args.only:
                measure_http(report, prepared, args, workdir)
            if "versus" in args.only:
                measure_versus(report, workdir, redis_url, args)
            if "choice" in args.only:
                measure_choice(report, workdir, args)
            if "startup" in args.only:
                measure_startup(report, workdir, args)
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
