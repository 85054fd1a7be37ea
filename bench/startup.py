"""`make run` to first page: the time a student waits, with the virtual environment in place."""

import os
import signal
import subprocess  # nosec B404
import time
import urllib.request
from urllib.parse import urlsplit

from run import origins_on_free_ports

from .http import ROOT


def make_run_to_first_page(timeout=30):
    """Seconds from `make run` until the app answers its home page (four origins on free ports)."""
    origins = origins_on_free_ports()
    env = dict(os.environ) | origins
    url = f"http://127.0.0.1:{urlsplit(origins['APP_URL']).port}/"
    start = time.perf_counter()
    process = subprocess.Popen(  # nosec B603 B607: our own Makefile target
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:  # nosec B310: loopback
                    if response.status == 200:
                        return round(time.perf_counter() - start, 2)
            except OSError:
                time.sleep(0.02)
        return None
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
