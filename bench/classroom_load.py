"""python -m bench.classroom_load [--students 40] [--seconds 60] [--think 0.5-2]: a whole class, under load.

Issue 16's target: 40 students clicking through the labs at once on a 2-core machine, p95 under
300 ms and no errors. This starts the class itself (`python -m classroom`, the four origins as
`make classroom` serves them) on free loopback ports in a temporary folder, never the user's
instance/. Virtual students join it, each a thread with its own cookies, build their sandboxes,
wait until the whole class is in, then click through the labs as a student does, with a think
time between clicks. Then the class is stopped (on Ctrl-C or an error too) and the report says:
every route's count, errors, p50, p95, p99 and max; the verdict; the servers' memory and CPU;
and how long the first request of a new sandbox took (it builds the sandbox's app and provider).

A student's tour, repeated until --seconds are up (the first tour is always finished, so every
route is measured, the real OAuth sign-in included): the sandbox's home page, the JWT lab
(page, static assets, sign-in, protected, refresh), the session lab (page, sign-in, admin), the
OAuth lab (page, then the sign-in through the sandbox's provider: login, consent, callback), the
challenges and one challenge, a naive twin's sign-in, the progress page. Lab calls go as the
pages' own script sends them (X-Wire: capture), followed by the wire record the panel fetches.
Static assets come once per student, then from the browser's cache, as a browser keeps files
served with Last-Modified and no Cache-Control (heuristic freshness).

An error is any answer >= 500, any other status the step does not expect, a timeout or a
refused connection. Bounded: loopback only, a timeout on every request, a hard deadline on the
run. Exit status: 0 when the target is met, 1 when it is missed, 2 when the run could not start.
"""

import argparse
import contextlib
import ipaddress
import json
import os
import random
import re
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from classroom.settings import ROLES, SHARED_SECRETS

from .servers import ROOT

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P95_MS = 300
# Every sandbox's demo accounts (in its app, and separately in its provider).
ACCOUNTS = {
    "alice": {"username": "alice", "password": "wonderland"},  # nosec B105: the public demo account, an admin
    "bob": {"username": "bob", "password": "thebuilder"},  # nosec B105: the public demo account, a user
}
SANDBOX_BUILD = "GET /s/<key>/ (new sandbox)"
JOINING = ("GET / (class front page)", "POST /join", SANDBOX_BUILD)  # once a student, before the clicking
JOIN_SECONDS = 180  # the most the whole class may take to join and build its sandboxes
LAST_TOUR_SECONDS = 120  # after --seconds, the most a first tour may still take to finish
# Settings from the developer's shell that must not reach the class: secrets classroom mode
# refuses (one value would be shared by every sandbox), and stores the user's own data live in.
LEFT_OUT = ("APP_ENV", "DATABASE_URL", "PROVIDER_DATABASE_URL", "REDIS_URL")
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
ASSET = re.compile(r'(?:src|href)="([^"#?]*/static/[^"#?]+\.(?:css|js|svg|png|ico|woff2?))"')
MODULE_IMPORT = re.compile(r'(?:\bfrom|\bimport)\s*["\'](\.{1,2}/[^"\']+\.js)["\']')
CHALLENGE = re.compile(r'href="[^"]*/challenges/([a-z0-9-]+)"')


def log(line=""):
    print(line, flush=True)


# --- Arguments ------------------------------------------------------------------------------


def think_range(text):
    """ "0.5-2" (uniform between), or one number ("0": no pause, a stress run)."""
    low, _, high = text.partition("-")
    try:
        low, high = float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError("use seconds, as 0.5-2 or 0") from None
    if not 0 <= low <= high <= 60:
        raise argparse.ArgumentTypeError("use 0 <= low <= high <= 60 seconds")
    return low, high


def loopback_host(text):
    """A host every address of which is loopback: the load never leaves this machine."""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(text, None, proto=socket.IPPROTO_TCP)}
    except OSError:
        raise argparse.ArgumentTypeError(f"{text!r} does not resolve") from None
    if not found or not all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in found):
        raise argparse.ArgumentTypeError(f"{text!r} is not loopback ({', '.join(sorted(found))}): loopback only")
    return text


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.classroom_load", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40, help="virtual students, one thread each (1-250)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the class clicks, once all have joined")
    parser.add_argument("--think", type=think_range, default=(0.5, 2.0), help="seconds between clicks: 0.5-2, or 0")
    parser.add_argument("--timeout", type=float, default=30, help="seconds any one request may take")
    parser.add_argument("--host", type=loopback_host, default="127.0.0.1", help="the class's host (loopback)")
    parser.add_argument("--attacker-host", type=loopback_host, default="localhost", help="the attacker's (loopback)")
    parser.add_argument("--seed", type=int, default=16, help="the think times' random seed")
    parser.add_argument("--out", type=Path, help="the JSON report (default: bench/results/classroom-load*.json)")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 250:
        parser.error("--students: 1 to 250 (one loopback address each, below the class's 300 sandboxes)")
    if not 0 < args.seconds <= 3600 or not 0 < args.timeout <= 300:
        parser.error("--seconds: up to 3600; --timeout: up to 300")
    stress = args.think == (0.0, 0.0)
    args.out = args.out or RESULTS / ("classroom-load-stress.json" if stress else "classroom-load.json")
    return args


# --- The class: the launcher and its four servers ---------------------------------------------


class Class:
    """`python -m classroom` on free loopback ports, in a folder of its own; stopped on exit."""

    def __init__(self, folder, host, attacker_host):
        self.folder, self.host = Path(folder), host
        self.folder.mkdir(parents=True)
        self.ports = free_ports(len(ROLES))
        self.log_path = self.folder / "classroom.log"
        env = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
        env = {name: value for name, value in env.items() if name not in SHARED_SECRETS}
        command = [sys.executable, "-m", "classroom", "--folder", str(self.folder / "class")]
        command += ["--host", host, "--attacker-host", attacker_host, "--ports", ",".join(map(str, self.ports))]
        self.log = self.log_path.open("w")
        # A session of its own: a Ctrl-C in the terminal reaches this script, which stops the
        # class in order (SIGINT to the launcher, which stops its four servers).
        self.process = subprocess.Popen(  # nosec B603: our own launcher, fixed arguments
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def origin(self, role):
        return f"http://{self.host}:{self.ports[ROLES.index(role)]}"

    def wait_ready(self, timeout=60):
        """Until each origin answers over HTTP (the app's front page with a 200)."""
        deadline = time.monotonic() + timeout
        waiting = list(ROLES)
        while waiting and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the class stopped: " + self.log_path.read_text()[-2000:])
            role = waiting[0]
            try:
                answer = requests.get(self.origin(role) + "/", timeout=2, allow_redirects=False)
                if role != "app" or answer.status_code == 200:
                    waiting.pop(0)
                    continue
            except requests.RequestException:
                pass
            time.sleep(0.2)
        if waiting:
            said = self.log_path.read_text()[-2000:]
            raise RuntimeError(f"{', '.join(waiting)} did not answer in {timeout} s: {said}")

    def servers(self):
        """The launcher's children: {role: pid}, from /proc (empty where there is no /proc)."""
        found = {}
        for pid in proc_children(self.process.pid):
            argv = read_proc(pid, "cmdline").split("\0")
            if "--serve" in argv and argv.index("--serve") + 1 < len(argv):
                found[argv[argv.index("--serve") + 1]] = pid
        return found

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # the launcher stops its servers (run.supervise)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what we started
                self.process.wait()
        self.log.close()


def free_ports(count):
    """Ports free on every address, as the class's servers bind them (0.0.0.0).

    Not a port free on 127.0.0.1 only: the students' connections from 127.0.0.2, ... linger in
    TIME-WAIT on their own ports for a minute after a run, and a server binding 0.0.0.0 to one
    of those fails. The probes stay open together, so the four ports differ.
    """
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def read_proc(pid, name):
    try:
        return Path("/proc", str(pid), name).read_text()
    except OSError:
        return ""


def proc_children(parent):
    if not Path("/proc").is_dir():
        return []
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = read_proc(entry.name, "stat")
            # The fields after the command's closing parenthesis: state, then the parent's pid.
            if stat and stat.rpartition(")")[2].split()[1:2] == [str(parent)]:
                children.append(int(entry.name))
    return sorted(children)


def memory_mib(pid):
    """Resident memory now and at its peak, in MiB (VmRSS, VmHWM), or None without /proc."""
    fields = dict(line.split(":", 1) for line in read_proc(pid, "status").splitlines() if ":" in line)
    if "VmRSS" not in fields:
        return None
    return {name: round(int(fields[key].split()[0]) / 1024, 1) for name, key in (("rss", "VmRSS"), ("peak", "VmHWM"))}


def machine_busy():
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat, or None."""
    line = read_proc("", "stat").split("\n", 1)[0].split()
    if not line or line[0] != "cpu":
        return None
    ticks = [int(value) for value in line[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # all but idle and iowait


def cpu_seconds(pid):
    """User plus system CPU time a process has used, from /proc/<pid>/stat, or None."""
    stat = read_proc(pid, "stat")
    if not stat:
        return None
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- What the students saw --------------------------------------------------------------------


@dataclass
class Sample:
    route: str
    ms: float
    error: str | None  # None: the answer the step expects
    first_tour: bool  # a sandbox's first visit of each page costs more (templates, first use)


@dataclass
class Record:
    samples: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample):
        with self.lock:
            self.samples.append(sample)

    def copy(self):
        with self.lock:
            return list(self.samples)


class Stop(Exception):
    """The run's clock says this student clicks no more."""


class Failed(Exception):
    """A step got an error: recorded already; the student starts the next tour."""


@dataclass
class Clock:
    stop_at: float = float("inf")  # after this, no new click once a first tour is done
    hard: float = float("inf")  # after this, no new request at all

    def check(self, toured):
        moment = time.monotonic()
        if moment >= self.hard or (toured and moment >= self.stop_at):
            raise Stop


class Phase:
    """The clicking phase: it begins once, when the last student is in (or the join times out)."""

    def __init__(self, clock, seconds, running):
        self.clock, self.length, self.running = clock, seconds, running
        self.lock = threading.Lock()
        self.started = None
        self.cpu_before, self.machine_before, self.machine_busy_pct = {}, None, None
        self.seconds, self.servers, self.unfinished, self.interrupted = 0.0, {}, 0, False

    def begin(self):
        with self.lock:
            if self.started is not None:
                return
            self.cpu_before = {role: cpu_seconds(pid) for role, pid in self.running.servers().items()}
            self.machine_before = machine_busy()
            self.started = time.monotonic()
            self.clock.stop_at = self.started + self.length


# --- A student: a browser's worth of cookies, on a loopback address of its own ----------------


class FromAddress(HTTPAdapter):
    """Connections from one source address."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def student_address(number):
    # LAB-1 lets one address open only a few sandboxes (classroom/settings.py), and a class is
    # many laptops. All of 127.0.0.0/8 is loopback on Linux, so each virtual student connects
    # from an address of its own (127.0.0.2, .3, ...), as its laptop would from the LAN.
    return str(ipaddress.ip_address("127.0.0.2") + number)


def addresses_usable(count):
    """Whether this machine can connect from the students' loopback addresses (Linux: all of 127/8)."""
    for number in (0, count - 1):
        with socket.socket() as probe:
            try:
                probe.bind((student_address(number), 0))
            except OSError:
                return False
    return True


class Student:
    def __init__(self, number, running, record, clock, args):
        self.running, self.record, self.clock = running, record, clock
        self.name = f"Student {number + 1:02d}"
        self.timeout, self.think_range = args.timeout, args.think
        self.random = random.Random(args.seed * 1000 + number)  # noqa: S311  # nosec B311: think times, not secrets
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment: loopback only
        adapter = FromAddress(student_address(number))
        self.http.mount("http://", adapter)
        self.cached = set()  # static assets this browser holds already
        self.tours = 0  # tours finished
        self.base = None

    # -- requests, each timed and checked --

    def call(self, route, method, url, expect=(200,), timeout=None, **kwargs):
        self.clock.check(False)
        started = time.perf_counter()
        try:
            answer = self.http.request(method, url, timeout=timeout or self.timeout, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            self.record.add(Sample(route, ms_since(started), type(exc).__name__, self.tours == 0))
            raise Failed from exc
        wrong = None if answer.status_code in expect else f"status {answer.status_code}"
        self.record.add(Sample(route, ms_since(started), wrong, self.tours == 0))
        if wrong:
            raise Failed
        return answer

    def think(self):
        """A pause between clicks; then the clock decides whether the student clicks again."""
        pause = self.random.uniform(*self.think_range)
        if pause:
            time.sleep(pause)
        self.clock.check(self.tours > 0)

    def page(self, route, url, expect=(200,)):
        """A page as a browser loads it: the HTML, then the assets it does not hold yet."""
        answer = self.call(route, "GET", url, expect)
        self.assets(answer.text, answer.url)
        return answer

    def assets(self, text, base_url):
        pending = [urljoin(base_url, path) for path in ASSET.findall(text)]
        while pending:
            url = pending.pop(0)
            if url in self.cached:
                continue
            self.cached.add(url)
            answer = self.call("GET /static/*", "GET", url)
            if url.endswith(".js"):  # a module's imports, as the browser fetches them
                pending += [urljoin(url, path) for path in MODULE_IMPORT.findall(answer.text)]

    def lab_call(self, route, method, path, expect=(200,), **kwargs):
        """A call the lab's script makes (wire.js send): captured, then the record fetched."""
        headers = {"X-Wire": "capture", "Accept": "application/json", **kwargs.pop("headers", {})}
        answer = self.call(route, method, self.base + path, expect, headers=headers, **kwargs)
        record = answer.headers.get("X-Wire-Id")
        if record:
            self.call("GET /wire/<id>", "GET", f"{self.base}/wire/{record}", headers={"Accept": "application/json"})
        return answer

    # -- joining the class --

    def join(self):
        front = self.running.origin("app")
        page = self.call("GET / (class front page)", "GET", front + "/")
        token = FORM_TOKEN.search(page.text).group(1)
        answer = self.call("POST /join", "POST", front + "/join", (303,), data={"name": self.name, "csrf_token": token})
        self.base = front + urlsplit(answer.headers["Location"]).path.rstrip("/")
        # The first request of a sandbox builds it: its app here, and its provider (woken by the app).
        self.call(SANDBOX_BUILD, "GET", self.base + "/", timeout=max(self.timeout, JOIN_SECONDS))

    # -- the tour --

    def tour(self):
        user = self.random.choice(("alice", "bob"))
        credentials = ACCOUNTS[user]
        self.page("GET /", self.base + "/")
        self.think()
        self.page("GET /jwt/", self.base + "/jwt/")
        self.think()
        pair = self.lab_call("POST /jwt/login", "POST", "/jwt/login", json=credentials).json()
        self.think()
        self.lab_call("GET /jwt/protected", "GET", "/jwt/protected", headers=bearer(pair["access_token"]))
        self.think()
        self.lab_call("POST /jwt/refresh", "POST", "/jwt/refresh", headers=bearer(pair["refresh_token"]))
        self.think()
        self.page("GET /session/", self.base + "/session/")
        self.think()
        self.lab_call("POST /session/login", "POST", "/session/login", json=credentials)
        self.think()
        # Authorization after authentication: bob is signed in, and not an admin.
        self.lab_call("GET /session/admin", "GET", "/session/admin", (200,) if user == "alice" else (403,))
        self.think()
        self.page("GET /oauth/", self.base + "/oauth/")
        self.think()
        self.oauth_sign_in()
        self.think()
        listing = self.page("GET /challenges", self.base + "/challenges")
        self.think()
        challenge = self.random.choice(CHALLENGE.findall(listing.text) or ["jwt-alg-none"])
        self.page("GET /challenges/<id>", f"{self.base}/challenges/{challenge}")
        self.think()
        self.lab_call("POST /vulnerable/jwt/login", "POST", "/vulnerable/jwt/login", json=ACCOUNTS["bob"])
        self.think()
        self.page("GET /progress", self.base + "/progress")
        self.tours += 1
        self.think()

    def oauth_sign_in(self):
        """The real dance: the app sends the browser to the sandbox's provider and back."""
        start = self.call("GET /oauth/login", "GET", self.base + "/oauth/login", (302,))
        authorize = start.headers["Location"]
        answer = self.call("GET provider /authorize", "GET", authorize, (200, 302))
        if answer.status_code == 200:  # signed in at the provider already: its consent page
            self.assets(answer.text, answer.url)
        else:  # not signed in at the provider yet: its login page first
            login_url = urljoin(authorize, answer.headers["Location"])
            form = self.page("GET provider /login", login_url)
            self.think()
            data = {"csrf_token": FORM_TOKEN.search(form.text).group(1), **ACCOUNTS["alice"]}
            self.call("POST provider /login", "POST", login_url, (302,), data=data)
            answer = self.page("GET provider /authorize", authorize)
        self.think()
        data = {"csrf_token": FORM_TOKEN.search(answer.text).group(1), "approve": "approve"}
        back = self.call("POST provider /authorize", "POST", authorize, (302,), data=data)
        callback = self.call("GET /oauth/callback", "GET", back.headers["Location"], (302,))
        self.page("GET /oauth/dance", urljoin(callback.url, callback.headers["Location"]))

    def run(self, joined, phase):
        try:
            self.join()
        except (Failed, Stop):
            return
        finally:
            wait_for_class(joined)
            phase.begin()
        while True:
            try:
                self.tour()
            except Failed:
                try:
                    self.think()
                except Stop:
                    return
            except Stop:
                return


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def ms_since(started):
    return (time.perf_counter() - started) * 1000


def wait_for_class(joined):
    # The class took too long to join: the ones who did get in click on.
    with contextlib.suppress(threading.BrokenBarrierError):
        joined.wait(timeout=JOIN_SECONDS)


# --- The report -------------------------------------------------------------------------------


def percentile(sorted_ms, share):
    return sorted_ms[min(len(sorted_ms) - 1, int(share * len(sorted_ms)))] if sorted_ms else None


def summary(samples):
    latencies = sorted(sample.ms for sample in samples)
    numbers = {
        "count": len(samples),
        "errors": sum(1 for sample in samples if sample.error),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else None,
    }
    return {name: round(value, 1) if isinstance(value, float) else value for name, value in numbers.items()}


def routes(samples):
    order = {}
    for sample in samples:
        order.setdefault(sample.route, []).append(sample)
    return {route: summary(group) for route, group in order.items()}


def table(rows):
    lines = [f"{'route':<40} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"]
    for name, row in rows.items():
        cells = [row[key] if row[key] is not None else "-" for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")]
        lines.append(f"{name:<40} {row['count']:>6} {row['errors']:>6} " + " ".join(f"{cell:>8}" for cell in cells))
    return "\n".join(lines)


def verdict(overall):
    p95_met = overall["p95_ms"] is not None and overall["p95_ms"] < TARGET_P95_MS
    errors_met = overall["errors"] == 0
    said = (
        f"p95 {overall['p95_ms']} ms (target < {TARGET_P95_MS} ms): {'met' if p95_met else 'MISSED'}; "
        f"errors {overall['errors']} (target 0): {'met' if errors_met else 'MISSED'}"
    )
    return p95_met and errors_met, said


def report(args, samples, phase, load_cpu_s, before):
    clicks = [sample for sample in samples if sample.route not in JOINING]
    builds = [sample for sample in samples if sample.route == SANDBOX_BUILD]
    overall = summary(clicks)
    overall["errors"] += phase.unfinished
    met, said = verdict(overall)
    errors = Counter(f"{sample.route}: {sample.error}" for sample in samples if sample.error)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "students": args.students,
        "seconds": args.seconds,
        "think_s": list(args.think),
        "routes": routes(samples),
        "overall": overall,
        "overall_first_tours": summary([sample for sample in clicks if sample.first_tour]),
        "overall_later_tours": summary([sample for sample in clicks if not sample.first_tour]),
        "machine_busy_pct": phase.machine_busy_pct,
        "target": {"p95_ms": TARGET_P95_MS, "errors": 0, "met": met, "said": said},
        "sandbox_build": summary(builds),
        "requests_per_s": round(len(clicks) / phase.seconds, 1) if phase.seconds else None,
        "clicking_s": round(phase.seconds, 1),
        "servers": phase.servers,
        "load_generator_cpu_s": round(load_cpu_s, 1),
        "unfinished_students": phase.unfinished,
        "interrupted": phase.interrupted,
        "errors_seen": dict(errors.most_common(20)),
    }


def machine():
    # Other work on the machine takes cores from the class: the load average says how much.
    load = [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "python": sys.version.split()[0], "load_average": load}


def show(result):
    think = "no pause" if result["think_s"] == [0.0, 0.0] else "{}-{} s uniform".format(*result["think_s"])
    cores, load = result["machine"]["cores"], result["machine"]["load_average"]
    log(f"\n{result['students']} students, {result['seconds']:g} s of clicks, think {think}")
    log(f"{cores} cores, load average {load} before the run; the servers: werkzeug, threaded (python -m classroom)")
    log("\nJoining (all at once; the first request of a sandbox builds its app and provider):")
    log(table({name: row for name, row in result["routes"].items() if name in JOINING}))
    log(f"\nClicking, once all are in ({result['clicking_s']} s, {result['requests_per_s']} requests/s):")
    rows = {name: row for name, row in result["routes"].items() if name not in JOINING}
    rows["overall"] = result["overall"]
    rows["  first tours (a sandbox's first visits)"] = result["overall_first_tours"]
    rows["  later tours"] = result["overall_later_tours"]
    log(table(rows))
    if result["servers"]:
        log(f"\n{'server':<10} {'pid':>8} {'RSS MiB':>8} {'peak MiB':>9} {'CPU s':>7} {'of a core':>10}")
        for role, server in result["servers"].items():
            share = f"{server['cpu_share_pct']}%" if server["cpu_share_pct"] is not None else "-"
            log(
                f"{role:<10} {server['pid']:>8} {server['rss']:>8} {server['peak']:>9}"
                f" {server['cpu_s'] if server['cpu_s'] is not None else '-':>7} {share:>10}"
            )
    log(f"load generator (this process): {result['load_generator_cpu_s']} CPU s in all")
    if result["machine_busy_pct"] is not None:
        log(f"the machine's CPUs were {result['machine_busy_pct']}% busy while the class clicked (everything on it)")
    if result["unfinished_students"]:
        log(f"{result['unfinished_students']} students still had a request open at the hard deadline (errors)")
    for what, count in result["errors_seen"].items():
        log(f"  error: {what} x{count}")
    log(f"\nVerdict: {result['target']['said']}")


def measure_servers(running, cpu_before, clicking_s):
    measured = {}
    for role, pid in running.servers().items():
        memory = memory_mib(pid)
        if memory is None:
            continue
        spent = cpu_seconds(pid)
        before = cpu_before.get(role)
        used = round(spent - before, 1) if spent is not None and before is not None else None
        share = round(100 * used / clicking_s) if used is not None and clicking_s else None
        measured[role] = {"pid": pid, **memory, "cpu_s": used, "cpu_share_pct": share}
    return measured


# --- The run ----------------------------------------------------------------------------------


def start_class(folder, args, attempts=3):
    """The class, answering; started again on other ports if another program took one meanwhile."""
    for attempt in range(1, attempts + 1):
        running = Class(folder / f"attempt-{attempt}", args.host, args.attacker_host)
        try:
            running.wait_ready()
            return running
        except RuntimeError:
            running.stop()
            if attempt == attempts or "in use" not in running.log_path.read_text():
                raise
        except BaseException:  # Ctrl-C while it starts: stop it all the same
            running.stop()
            raise


def measure(args, running):
    """The class joins, then clicks until the clock says stop; what was recorded, and the phase."""
    record = Record()
    clock = Clock(hard=time.monotonic() + JOIN_SECONDS + args.seconds + LAST_TOUR_SECONDS)
    phase = Phase(clock, args.seconds, running)
    joined = threading.Barrier(args.students)
    students = [Student(number, running, record, clock, args) for number in range(args.students)]
    threads = [threading.Thread(target=s.run, args=(joined, phase), daemon=True, name=s.name) for s in students]
    log(f"{args.students} students join the class at {running.origin('app')}/")
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(timeout=max(0.0, clock.hard - time.monotonic()) + args.timeout)
    except KeyboardInterrupt:
        clock.hard = 0  # every student stops before its next request
        phase.interrupted = True
    phase.begin()  # no-op when the class got in; else the clicking phase is empty
    phase.seconds = time.monotonic() - phase.started
    phase.servers = measure_servers(running, phase.cpu_before, phase.seconds)
    after = machine_busy()
    if phase.machine_before and after and after[1] > phase.machine_before[1]:
        busy, total = (now - then for now, then in zip(after, phase.machine_before, strict=True))
        phase.machine_busy_pct = round(100 * busy / total)
    phase.unfinished = sum(thread.is_alive() for thread in threads)
    return record.copy(), phase


def main(argv=None):
    args = parse_args(argv)
    if not addresses_usable(args.students):
        log(f"cannot connect from {student_address(0)}: each student needs a loopback address of its own (Linux)")
        return 2
    before, load_cpu = machine(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="authlab-classroom-load-") as tmp:
        try:
            running = start_class(Path(tmp), args)
        except RuntimeError as exc:
            log(f"the class could not start: {exc}")
            return 2
        try:
            samples, phase = measure(args, running)
        finally:
            running.stop()
    result = report(args, samples, phase, time.process_time() - load_cpu, before)
    show(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    log(f"Wrote {args.out}")
    if phase.interrupted:
        return 130
    return 0 if result["target"]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
