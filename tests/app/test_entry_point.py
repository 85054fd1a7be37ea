"""lab.py, the entry point without make (issue 16): `py lab.py run` on Windows, `python3 lab.py run` elsewhere.

Every test runs lab.py as a student would, in a subprocess, with the Python they have and no
make. None reinstalls the project's .venv: LAB_VENV points lab.py at a virtual environment
of the test's own, made in its tmp_path, either bare (not even pip: any pip run would fail)
or seeing the packages of the one running these tests.
"""

import ast
import os
import re
import signal
import site
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

import lab
from run import origins_on_free_ports

ROOT = Path(__file__).resolve().parents[2]
# The Python a student has, with nothing installed: the interpreter this test venv was made from.
BARE_PYTHON = getattr(sys, "_base_executable", sys.executable)
SMALL_TEST = "tests/app/test_requirements.py::test_every_package_in_both_files_is_pinned_to_one_version"


def lab_env(folder, **settings):
    """The test's environment for lab.py: its own venv, and no trace of an outer make or pytest."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS") and not name.startswith("PYTEST_XDIST")
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    return env | {"LAB_VENV": str(folder)} | settings


def run_lab(*args, folder, timeout=120, **settings):
    return subprocess.run(
        [BARE_PYTHON, "lab.py", *args],
        cwd=ROOT,
        env=lab_env(folder, **settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def make_venv(folder):
    venv.create(folder, with_pip=False, symlinks=os.name != "nt")
    return folder


@pytest.fixture
def bare_venv(tmp_path):
    """A virtual environment with nothing in it, not even pip."""
    return make_venv(tmp_path / "bare-venv")


@pytest.fixture
def shared_venv(tmp_path):
    """A virtual environment that sees the installed packages of the one running these tests."""
    folder = make_venv(tmp_path / "shared-venv")
    site_packages = Path(sysconfig.get_path("purelib", vars={"base": str(folder), "platbase": str(folder)}))
    (site_packages / "authlab-tests.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return folder


@pytest.fixture
def installed_venv(shared_venv):
    """The shared venv with both stamps in place, as `lab.py install-dev` leaves it."""
    for layer in lab.LAYERS:
        lab.stamp(shared_venv, layer).touch()
    return shared_venv


# --- lab.py run -------------------------------------------------------------------------


def wait_for(url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer; lab.py said:\n{process.log_path.read_text()}")


@pytest.fixture
def lab_run(tmp_path, installed_venv):
    """`python lab.py run` on free ports, started as a background job would be (SIGINT ignored)."""
    origins = origins_on_free_ports()
    ports = [urlsplit(url).port for url in origins.values()]  # app, provider, replica, attacker
    env = lab_env(
        installed_venv,
        **origins,
        APP_INSTANCE_PATH=str(tmp_path / "instance"),
        PROVIDER_INSTANCE_PATH=str(tmp_path / "instance" / "provider"),
        PROVIDER_REGISTRATION_FILE=str(tmp_path / "instance" / "provider" / "builtin-client.json"),
    )
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115  (closed below; read when a test fails)
    process = subprocess.Popen(
        [BARE_PYTHON, "lab.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509
    )
    process.log_path = tmp_path / "lab.log"
    yield process, ports
    if process.poll() is None:
        # TERM, as a process manager would: run.py stops its four servers. A KILL would leave
        # them running with nobody to stop them (and their ports taken for the next tests).
        children = psutil.Process(process.pid).children(recursive=True)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        for child in psutil.wait_procs(children, timeout=5)[1]:
            child.kill()
    log.close()


def test_lab_run_serves_the_four_origins(lab_run):
    process, ports = lab_run
    for port in ports:
        assert wait_for(f"http://127.0.0.1:{port}/", process) == 200


def test_ctrl_c_on_lab_run_stops_all_four_servers(lab_run):
    process, ports = lab_run
    wait_for(f"http://127.0.0.1:{ports[0]}/healthz", process)
    # lab.py became run.py (exec): the four servers are its own children, nothing in between.
    children = psutil.Process(process.pid).children()
    assert len(children) == 4
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    _gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive


def test_terminating_lab_run_stops_all_four_servers(lab_run):
    process, ports = lab_run
    wait_for(f"http://127.0.0.1:{ports[0]}/healthz", process)
    children = psutil.Process(process.pid).children()
    process.terminate()
    assert process.wait(timeout=15) == 0
    _gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive


# --- lab.py test ------------------------------------------------------------------------


def test_lab_test_runs_pytest_on_the_arguments_after_the_double_dash(installed_venv):
    done = run_lab("test", "--", "-n", "0", "-p", "no:cacheprovider", SMALL_TEST, folder=installed_venv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_lab_test_exits_with_pytests_exit_status(installed_venv):
    # 5 is pytest's "no tests collected": lab.py hands its status on unchanged.
    done = run_lab(
        "test", "--", "-n", "0", "-p", "no:cacheprovider", SMALL_TEST, "-k", "no_such_test", folder=installed_venv
    )
    assert done.returncode == 5, done.stdout + done.stderr
    assert "1 deselected" in done.stdout


# --- the list of commands ---------------------------------------------------------------


def test_an_unknown_command_lists_the_commands_and_exits_2(bare_venv):
    done = run_lab("sevre", folder=bare_venv)
    assert done.returncode == 2
    assert "unknown command 'sevre'" in done.stderr
    for name in lab.COMMANDS:
        assert re.search(rf"^  {re.escape(name)} ", done.stderr, re.M), name


def test_lab_py_alone_lists_the_commands(bare_venv):
    done = run_lab(folder=bare_venv)
    assert done.returncode == 0
    assert "py lab.py COMMAND" in done.stdout
    assert all(name in done.stdout for name in lab.COMMANDS)


def test_an_exercise_without_a_number_says_which_to_give(bare_venv):
    done = run_lab("hint", folder=bare_venv)
    assert done.returncode == 2
    assert "Which exercise? For example: python3 lab.py hint 1" in done.stderr


# --- installs and their stamps ----------------------------------------------------------


def test_nothing_is_installed_when_the_stamps_match(bare_venv):
    for layer in lab.LAYERS:
        lab.stamp(bare_venv, layer).touch()
    # The bare venv has no pip: had lab.py run pip, it would have failed.
    done = run_lab("install-dev", folder=bare_venv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "-m pip" not in done.stdout


def test_an_edited_requirements_file_is_installed_again(bare_venv):
    (bare_venv / ".installed-run-0123456789abcdef").touch()  # the stamp of an older requirements.txt
    done = run_lab("install", folder=bare_venv)
    assert "-m pip install --quiet --disable-pip-version-check -r requirements.txt" in done.stdout


def test_on_a_fresh_machine_lab_py_makes_the_venv_before_installing(tmp_path):
    # What CI and every new student does first: no .venv at all. (No index here, so the pip
    # step after it fails; the venv must be there, made by the Python running lab.py.)
    folder = tmp_path / "new-venv"
    done = run_lab("install", folder=folder, timeout=300, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path))
    assert "Traceback" not in done.stderr, done.stderr
    assert "-m venv" in done.stdout
    assert (folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")).exists()


def test_a_failed_install_leaves_no_stamp(bare_venv):
    done = run_lab("install", folder=bare_venv)
    assert done.returncode != 0  # no pip in the bare venv
    assert not lab.stamp(bare_venv, "run").exists()


def test_a_finished_install_replaces_the_old_stamp(shared_venv):
    old = shared_venv / ".installed-run-0123456789abcdef"
    old.touch()
    # Everything is installed already (the shared packages): pip checks, and needs no network.
    done = run_lab("install", folder=shared_venv, PIP_NO_INDEX="1", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert lab.stamp(shared_venv, "run").exists()
    assert not old.exists()


def test_the_dev_install_comes_after_the_run_install(bare_venv):
    lab.stamp(bare_venv, "dev").touch()  # a dev stamp without its run stamp: the run layer is due
    done = run_lab("install-dev", folder=bare_venv)
    assert "-r requirements.txt" in done.stdout


# --- any Python, any system -------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "advice"),
    [({}, "python3.12 lab.py run"), ({"MAKELEVEL": "1"}, "make PYTHON=python3.12 run")],
)
def test_a_python_older_than_3_11_is_told_what_to_run(tmp_path, settings, advice):
    pretend = (
        "import runpy, sys; sys.version_info = (3, 10, 12); sys.argv = ['lab.py', 'run']; "
        "runpy.run_path('lab.py', run_name='__main__')"
    )
    done = subprocess.run(
        [BARE_PYTHON, "-c", pretend],
        cwd=ROOT,
        env=lab_env(tmp_path / "no-venv-yet", **settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"Auth Lab needs Python 3.11 or newer: run  {advice}"
    assert not (tmp_path / "no-venv-yet").exists()


def test_lab_py_imports_only_the_standard_library():
    # It runs before anything is installed.
    tree = ast.parse((ROOT / "lab.py").read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= sys.stdlib_module_names


def test_lab_py_is_written_in_syntax_python_3_6_reads():
    # So an old Python reaches the sentence that asks for a newer one, not a SyntaxError.
    ast.parse((ROOT / "lab.py").read_text(), feature_version=(3, 6))


def test_on_windows_the_venvs_python_is_scripts_python_exe(monkeypatch):
    venv_folder = Path("venv")
    with monkeypatch.context() as windows:  # only around the call: pathlib reads os.name too
        windows.setattr(lab.os, "name", "nt")
        python = lab.venv_python(venv_folder)
    assert python == Path("venv", "Scripts", "python.exe")


# --- make is a shorthand for lab.py -----------------------------------------------------

MAKE_ONLY = {"help", "clean", "distclean"}


def make_targets():
    return re.findall(r"^([a-z-]+):.*## ", (ROOT / "Makefile").read_text(), re.M)


def test_every_make_target_is_a_lab_py_command_too():
    assert set(make_targets()) - MAKE_ONLY == set(lab.COMMANDS)


@pytest.mark.parametrize("target", sorted(set(lab.COMMANDS)))
def test_each_make_target_runs_the_lab_py_command_of_its_name(target):
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target, "N=1"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert re.search(rf"lab\.py {re.escape(target)}( |$)", done.stdout, re.M), done.stdout
