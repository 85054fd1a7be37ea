"""The class's load script (bench/classroom_load.py), run briefly: it reports every route, and no errors.

Speed is the bench's to judge (p95 against issue 16's target), never a test's: this runs three
students for a few seconds and checks what the script reports, not how fast it was.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.classroom_load import addresses_usable

ROOT = Path(__file__).resolve().parents[2]

# Each virtual student connects from a loopback address of its own (127.0.0.2, ...), as the
# class's laptops would: Linux routes all of 127/8 to loopback; macOS has only 127.0.0.1.
students_have_addresses = pytest.mark.skipif(
    not addresses_usable(3), reason="needs loopback addresses beyond 127.0.0.1 (Linux)"
)

# The clicks of one tour, as the report names them: every lab, the real OAuth sign-in included.
TOUR = [
    "GET /",
    "GET /static/*",
    "GET /jwt/",
    "POST /jwt/login",
    "GET /wire/<id>",
    "GET /jwt/protected",
    "POST /jwt/refresh",
    "GET /session/",
    "POST /session/login",
    "GET /session/admin",
    "GET /oauth/",
    "GET /oauth/login",
    "GET provider /authorize",
    "GET provider /login",
    "POST provider /login",
    "POST provider /authorize",
    "GET /oauth/callback",
    "GET /oauth/dance",
    "GET /challenges",
    "GET /challenges/<id>",
    "POST /vulnerable/jwt/login",
    "GET /progress",
]


def load_script(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "bench.classroom_load", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """Three students, two seconds of clicks after their first tour, no think time."""
    out = tmp_path_factory.mktemp("classroom-load") / "load.json"
    done = load_script("--students", "3", "--seconds", "2", "--think", "0", "--out", str(out))
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(out.read_text())


@pytest.mark.slow
@students_have_addresses
def test_a_short_run_reports_every_route_of_a_students_tour(short_run):
    _, report = short_run
    assert [route for route in TOUR if route not in report["routes"]] == []


@pytest.mark.slow
@students_have_addresses
def test_a_short_run_has_no_errors(short_run):
    _, report = short_run
    assert report["errors_seen"] == {}
    assert report["overall"]["errors"] == 0


@pytest.mark.slow
@students_have_addresses
def test_each_student_joins_builds_a_sandbox_and_signs_in_at_the_provider(short_run):
    _, report = short_run
    assert report["sandbox_build"] == report["sandbox_build"] | {"count": 3, "errors": 0}
    assert report["routes"]["POST /join"]["count"] == 3
    assert report["routes"]["POST provider /login"]["count"] == 3


@pytest.mark.slow
@students_have_addresses
def test_a_short_run_prints_the_table_and_the_verdict_against_the_target(short_run):
    done, _ = short_run
    assert "POST /jwt/login" in done.stdout
    assert "Verdict: p95 " in done.stdout
    assert "(target < 300 ms)" in done.stdout


@pytest.mark.slow
@students_have_addresses
def test_a_short_run_reports_the_servers_memory(short_run):
    _, report = short_run
    assert set(report["servers"]) == {"app", "provider", "replica", "attacker"}
    assert all(server["rss"] > 0 for server in report["servers"].values())


def test_a_host_that_is_not_loopback_is_refused():
    done = load_script("--host", "192.0.2.1", timeout=60)
    assert done.returncode == 2
    assert "loopback only" in done.stderr
