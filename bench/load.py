"""The load generator: wrk when it is installed, else a small one of our own over asyncio.

Both keep every connection open (HTTP/1.1 keep-alive), send the next request as soon as the
answer arrives (a closed loop, as wrk does), and report the same numbers: requests per second,
p50 and p99 latency, answers that were not 2xx or 3xx, and socket errors. Ours is Python, so it
costs more CPU per request than wrk: on a machine with few cores the fastest peers look slower
than they are, and a ratio against them looks better than it is. `make bench` says which one ran.
"""

import asyncio
import re
import shutil
import subprocess  # nosec B404
import time
from urllib.parse import urlsplit


def generator():
    """The load generator this machine has: "wrk", or "python" (this module's own)."""
    return "wrk" if shutil.which("wrk") else "python"


def run(url, headers, connections, seconds, threads=1):
    """Load `url` with `connections` open connections for `seconds`; the numbers as a dict."""
    if generator() == "wrk":
        return wrk(url, headers, connections, seconds, threads) | {"generator": "wrk"}
    return asyncio.run(closed_loop(url, headers, connections, seconds)) | {"generator": "python"}


# --- wrk ---------------------------------------------------------------------------------


def wrk(url, headers, connections, seconds, threads=1):
    command = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, check=True)  # nosec B603
    return parse_wrk(done.stdout)


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


# --- Our own: one asyncio loop, `connections` clients each sending one request at a time ----


async def closed_loop(url, headers, connections, seconds):
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target or '/'} HTTP/1.1", f"Host: {parts.netloc}"] + [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    latencies, tally = [], {"non_2xx": 0, "errors": 0}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client(host, port, request, deadline, latencies, tally) for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share):
        return round(1000 * latencies[min(len(latencies) - 1, int(share * len(latencies)))], 3) if latencies else None

    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "non_2xx": tally["non_2xx"],
        "socket_errors": f"{tally['errors']} (connect, read or timeout)" if tally["errors"] else "",
    }


async def client(host, port, request, deadline, latencies, tally):
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            sent = time.perf_counter()
            writer.write(request)
            status, keep_alive = await asyncio.wait_for(read_response(reader), timeout=5)
            latencies.append(time.perf_counter() - sent)
            if not 200 <= status < 400:
                tally["non_2xx"] += 1
            if not keep_alive:  # gunicorn's sync worker closes after every answer
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            tally["errors"] += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def read_response(reader):
    """Read one HTTP/1.1 answer; returns (status, whether the connection stays open)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip().lower()
    if fields.get("transfer-encoding") == "chunked":
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readline()
    else:
        await reader.readexactly(int(fields.get("content-length", "0")))
    return status, fields.get("connection") != "close"
