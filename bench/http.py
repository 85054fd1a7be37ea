"""Layer 2: the app under gunicorn (a worker per core), driven by wrk over loopback."""

import os
import re
import shutil
import socket
import subprocess  # nosec B404
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk_available():
    return shutil.which("wrk") is not None


class Gunicorn:
    """gunicorn serving the app with the settings a mechanism needs, on a free port."""

    # The settings passed on, so gunicorn's app shares the in-process app's store and keys
    # (the credential prepared in-process is valid there too).
    PASSED_ON = {"SECRET_KEY", "JWT_SECRET_KEY", "SESSION_TYPE", "REDIS_URL", "JWT_ALGORITHM"}

    def __init__(self, config):
        self.port = free_port()
        env = dict(os.environ) | {
            "APP_ENV": "development",
            "APP_INSTANCE_PATH": config["INSTANCE_PATH"],
            "BIND": f"127.0.0.1:{self.port}",
            "ACCESS_LOG": "",  # logging every request would measure the terminal
        }
        env |= {k: str(v) for k, v in config.items() if k in self.PASSED_ON}
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(  # nosec B603: our own gunicorn, fixed arguments
            [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait_ready()

    def wait_ready(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.process.stderr.read().decode()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:  # nosec B310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 20 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def parse_wrk(output):
    def number(pattern):
        match = re.search(pattern, output)
        return match.group(1, 2) if match else (None, None)

    def to_ms(value, unit):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
        return round(float(value) * scale[unit], 3) if value else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": round(float(rps.group(1)), 1) if rps else None,
        "p50_ms": to_ms(*number(r"\s50%\s+([\d.]+)(us|ms|s)")),
        "p99_ms": to_ms(*number(r"\s99%\s+([\d.]+)(us|ms|s)")),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def wrk(url, headers, connections, seconds):
    command = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, check=True)  # nosec B603
    return parse_wrk(done.stdout)


def run(prepared, levels, seconds, log):
    results = {}
    for key, item in prepared.items():
        server = Gunicorn(item.config)
        try:
            rows = {}
            for connections in levels:
                row = wrk(server.url + item.http_path, item.http_headers, connections, seconds)
                rows[str(connections)] = row
                log(
                    f"  {item.name:<28} c={connections:<3} {row['rps'] or 0:9.0f} req/s"
                    f"  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  non-2xx {row['non_2xx']}"
                )
            results[key] = {"name": item.name, "levels": rows}
        finally:
            server.stop()
    base = results.get("baseline", {}).get("levels", {})
    for row in results.values():
        for level, numbers in row["levels"].items():
            base_rps = base.get(level, {}).get("rps")
            ratio = numbers["rps"] / base_rps if base_rps and numbers["rps"] else None
            numbers["rps_ratio_to_baseline"] = round(ratio, 2) if ratio else None
    return results
