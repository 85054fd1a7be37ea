"""`make run`'s launcher: the four origins come up as four processes and stop together."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from run import origins_on_free_ports

ROOT = Path(__file__).resolve().parents[2]


def wait_for(url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer; run.py said:\n{process.log_path.read_text()}")


@pytest.fixture
def launcher(tmp_path):
    """run.py started as a script in the background would be: with SIGINT ignored."""
    origins = origins_on_free_ports()
    ports = [urlsplit(url).port for url in origins.values()]  # app, provider, replica, attacker
    env = (
        dict(os.environ)
        | origins
        | {
            "APP_INSTANCE_PATH": str(tmp_path / "instance"),
            "PROVIDER_INSTANCE_PATH": str(tmp_path / "instance" / "provider"),
            "PROVIDER_REGISTRATION_FILE": str(tmp_path / "instance" / "provider" / "builtin-client.json"),
        }
    )
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115  (closed below; read when a test fails)
    process = subprocess.Popen(
        [sys.executable, "run.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509
    )
    process.log_path = tmp_path / "run.log"
    yield process, ports
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=15)
    log.close()


def test_make_run_serves_the_four_origins(launcher):
    process, ports = launcher
    for port in ports:
        assert wait_for(f"http://127.0.0.1:{port}/", process) == 200


def test_ctrl_c_stops_all_four_servers_together(launcher):
    process, ports = launcher
    wait_for(f"http://127.0.0.1:{ports[0]}/healthz", process)
    children = psutil.Process(process.pid).children()
    assert len(children) == 4
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    _gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive
