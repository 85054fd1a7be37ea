"""`make run` to first page: the time a student waits, warm (virtual environment in place) and cold.

Cold is a virtual environment made fresh in a temporary folder (`make VENV=...`): `make run`
creates it, installs requirements.txt and serves; the dev install is the same fresh start for
`make test`, which also installs requirements-dev.txt. pip's download cache is left as it is,
so a cold start here is the second project a student sets up, not the first download ever.
"""

import os
import signal
import subprocess  # nosec B404
import time
import urllib.request
from urllib.parse import urlsplit

from run import origins_on_free_ports

from .servers import ROOT


def make_run_to_first_page(timeout=30, make_args=()):
    """Seconds from `make run` until the app answers its home page (four origins on free ports)."""
    origins = origins_on_free_ports()
    env = dict(os.environ) | origins
    url = f"http://127.0.0.1:{urlsplit(origins['APP_URL']).port}/"
    start = time.perf_counter()
    process = subprocess.Popen(  # nosec B603 B607: our own Makefile target
        ["make", "--no-print-directory", *make_args, "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            if process.poll() is not None:
                return None  # make stopped: an install or the launcher failed
            try:
                with urllib.request.urlopen(url, timeout=1) as response:  # nosec B310: loopback
                    if response.status == 200:
                        return round(time.perf_counter() - start, 2)
            except OSError:
                time.sleep(0.02)
        return None
    finally:
        stop(process)


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def cold_make_run_to_first_page(workdir, timeout=900):
    """`make run` with no virtual environment yet: create it, install requirements.txt, serve."""
    return make_run_to_first_page(timeout, make_args=[f"VENV={workdir / 'cold-run-venv'}"])


def cold_dev_install(workdir):
    """Seconds for `make test`'s installs on no virtual environment: requirements.txt, then -dev."""
    make = ["make", "--no-print-directory", "-s", f"VENV={workdir / 'cold-dev-venv'}"]
    # The Makefile names the dev install by its stamp file: ask it which, then build that.
    ask = ["--eval", "print-dev-stamp: ; @echo $(DEV_STAMP)", "print-dev-stamp"]
    stamp = subprocess.run(make + ask, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()  # nosec B603
    start = time.perf_counter()
    done = subprocess.run(make + [stamp], cwd=ROOT, capture_output=True, text=True)  # nosec B603
    if done.returncode != 0:
        raise RuntimeError("the dev install failed: " + done.stderr[-2000:])
    return round(time.perf_counter() - start, 1)
