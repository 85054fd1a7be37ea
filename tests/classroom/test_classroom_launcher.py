"""`make classroom` as an instructor runs it: one process tree, the addresses and password printed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def launch(tmp_path, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("APP_ENV",)} | env
    return subprocess.Popen(
        [sys.executable, "-m", "classroom", "--folder", str(tmp_path / "class"), *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_the_launcher_refuses_production(tmp_path):
    process = launch(tmp_path, APP_ENV="production")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "not for APP_ENV=production" in output


def test_the_launcher_refuses_a_secret_every_sandbox_would_share(tmp_path):
    process = launch(tmp_path, JWT_SECRET_KEY="x" * 43)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "JWT_SECRET_KEY" in output


def test_the_launcher_serves_the_class_and_prints_the_address_and_password(tmp_path):
    ports = [free_port() for _ in range(4)]
    process = launch(
        tmp_path, "--host", "127.0.0.1", "--attacker-host", "localhost", "--ports", ",".join(map(str, ports))
    )
    try:
        lines, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline and not any("password:" in line for line in lines):
            lines.append(process.stdout.readline())
        printed = "".join(lines)
        assert f"http://127.0.0.1:{ports[0]}/" in printed
        password = printed.split("password:")[1].split()[0]
        assert len(password) >= 20
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{ports[0]}/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        page = requests.get(f"http://127.0.0.1:{ports[0]}/", timeout=10)
        assert "Join the class" in page.text
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)  # drains and closes its output
    assert process.returncode == 0
