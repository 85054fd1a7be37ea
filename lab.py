#!/usr/bin/env python3
"""Auth Lab's commands, with make or without it: `python3 lab.py run`, `py lab.py run` on Windows.

    python3 lab.py run     # creates .venv, installs requirements.txt, serves the four origins
    python3 lab.py test    # also installs requirements-dev.txt, then runs the whole suite
    python3 lab.py         # lists every command

Standard library only, in syntax an old Python 3 still reads: this runs before anything is
installed, on whatever Python the student has, and a Python older than 3.11 gets one plain
sentence, not a traceback. Each command installs what it needs into the virtual environment
(once: a stamp file names the requirements installed), then runs the environment's own
Python. The Makefile's targets call this script: `make run` is `python3 lab.py run`.
"""

import hashlib
import os
import shlex
import shutil
import subprocess  # nosec B404
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent
MINIMUM = (3, 11)

# What a command needs installed, in layers: "run" is requirements.txt (running and serving),
# "dev" adds requirements-dev.txt (tests, notebooks, lint, exercises, benchmark; the file
# starts with -r requirements.txt). A layer's stamp is named by a hash of its files, so an
# unchanged file is not installed again and an edited one is.
LAYERS = {"run": ("requirements.txt",), "dev": ("requirements.txt", "requirements-dev.txt")}
RUN = ("run",)
DEV = ("run", "dev")

# The third-party software the suite and the benchmark run, pinned in each folder's
# package-lock.json. Optional for a student: without Node.js those tests and rows skip (in CI
# they must run), and this says so.
NODE = {
    "tests/interop": "Node.js not found: the interop tests (openid-client, oauth4webapi, oidc-provider)"
    " and the accessibility tests (axe-core) will skip",
    "bench/peers": "Node.js not found: the benchmark will skip the article's Express examples (bench/peers/)",
}


class Command(NamedTuple):
    about: str  # one line, for the list of commands
    needs: tuple  # the layers to install first, in order
    steps: object  # arguments -> the argument lists for the venv's Python, run one after another
    env: object = None  # venv -> settings added to the programs' environment
    node: tuple = ()  # the NODE folders whose npm packages it uses


class Usage(Exception):
    """A command line the student should spell differently (exit status 2)."""


def python(*fixed):
    """One run of the venv's Python: these arguments, then the student's."""
    return lambda args: [[*fixed, *args]]


def defaults(**settings):
    """Settings the caller's environment may override (the Makefile's ${APP_ENV:-production})."""
    return lambda venv: {name: os.environ.get(name) or value for name, value in settings.items()}


def nothing(args):
    """Install, run nothing."""
    return []


def exercise(hint):
    def steps(args):
        if not args:
            word = "hint" if hint else "exercise"
            raise Usage(f"Which exercise? For example: {spelled(word + ' 1')}   ({spelled('exercises')} lists them)")
        return [["-m", "exercises", *args, *(["--hint"] if hint else [])]]

    return steps


# Bandit reads the app, not the tests, the naive twins, the notebooks or the exercises' checks.
BANDIT_SKIPS = "./.venv,./tests,./vulnerable,./notebooks,./exercises/*/check.py"

# The notebooks' kernel is .venv's Python (--sys-prefix: inside .venv, not the user's
# ~/.local), and JUPYTER_PATH lists .venv's kernels first, so a "python3" kernel from the
# user's own Jupyter configuration cannot shadow it.
NOTEBOOKS = [
    ["-m", "ipykernel", "install", "--sys-prefix", "--name", "python3", "--display-name", "Python 3 (Auth Lab)"],
    ["-m", "notebook", "--notebook-dir=notebooks"],
]

# One entry a command. The suite runs on every core (pytest-xdist), each worker with its own
# live servers; arguments after the command go to the program: `test -- -n 0 tests/app`.
COMMANDS = {
    "install": Command("Create .venv and install requirements.txt (what running needs)", RUN, nothing),
    "install-dev": Command("Also install requirements-dev.txt (tests, notebooks, lint, benchmark)", DEV, nothing),
    "run": Command(
        "Serve the app :8000, provider :8001, replica :8002, attacker :8003 (Ctrl-C stops all)", RUN, python("run.py")
    ),
    "serve": Command(
        "Production-style app: granian, a worker per core, APP_ENV=production (needs real secrets)",
        RUN,
        python("serve.py", "wsgi:app"),
        env=defaults(APP_ENV="production"),
    ),
    "serve-provider": Command(
        "Production-style provider on BIND (default 127.0.0.1:8001)",
        RUN,
        python("serve.py", "wsgi:provider"),
        env=defaults(APP_ENV="production", BIND="127.0.0.1:8001"),
    ),
    "test": Command(
        "Run the whole suite: unit, integration, browser, notebooks, exercises, interop",
        DEV,
        python("-m", "pytest", "-n", "auto"),
        node=("tests/interop",),
    ),
    "test-fast": Command(
        "The suite without the real-browser tests", DEV, python("-m", "pytest", "-n", "auto", "-m", "not browser")
    ),
    "fuzz": Command(
        "10,000 generated bad inputs per family against every endpoint of the app and the provider",
        DEV,
        python("-m", "pytest", "tests/app/test_fuzz.py"),
        env=lambda venv: {"HYPOTHESIS_PROFILE": "fuzz"},
    ),
    "bench": Command(
        "Measure in-process, over HTTP, against the article's peers and the production servers (bench/results/)",
        DEV,
        python("-m", "bench"),
        node=("bench/peers",),
    ),
    "bench-quick": Command(
        "The same, shorter: about three minutes", DEV, python("-m", "bench", "--quick"), node=("bench/peers",)
    ),
    "lint": Command(
        "ruff (style and bugs) and bandit (security scan)",
        DEV,
        lambda args: [
            ["-m", "ruff", "check", "."],
            ["-m", "ruff", "format", "--check", "."],
            ["-m", "bandit", "-q", "-c", "pyproject.toml", "-r", ".", "-x", BANDIT_SKIPS],
        ],
    ),
    "exercises": Command("List the classroom exercises", DEV, python("-m", "exercises")),
    "exercise": Command("Check your exercise: exercise 1 (add --hint for its next hint)", DEV, exercise(hint=False)),
    "hint": Command("The next hint of an exercise, one at a time: hint 1", DEV, exercise(hint=True)),
    "classroom": Command(
        "Serve the lab to a class on the LAN: a sandbox per student, the instructor's dashboard",
        RUN,
        python("-m", "classroom"),
    ),
    "classroom-load": Command(
        "Measure a class of 40 students clicking through the labs at once (bench/classroom_load.py)",
        DEV,
        python("-m", "bench.classroom_load"),
    ),
    "notebooks": Command(
        "Open the Jupyter notebooks (notebooks/README.md says in what order)",
        DEV,
        lambda args: NOTEBOOKS,
        env=lambda venv: {"JUPYTER_PATH": str(venv / "share" / "jupyter")},
    ),
}


def spelled(arguments):
    """A command as the student types it here: through make, on Windows, or elsewhere."""
    if "MAKELEVEL" in os.environ:
        return "make " + arguments
    return ("py lab.py " if os.name == "nt" else "python3 lab.py ") + arguments


def newer_python(command):
    if "MAKELEVEL" in os.environ:
        return "make PYTHON=python3.12 " + command
    return ("py -3.12 lab.py " if os.name == "nt" else "python3.12 lab.py ") + command


def venv_python(venv):
    """The environment's own interpreter: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return venv / "Scripts" / "python.exe" if os.name == "nt" else venv / "bin" / "python"


def stamp(venv, layer):
    """.venv/.installed-<layer>-<hash>: there once pip has installed exactly these files."""
    digest = hashlib.sha256()
    for name in LAYERS[layer]:
        digest.update((ROOT / name).read_bytes())
    return venv / f".installed-{layer}-{digest.hexdigest()[:16]}"


def shown(argv, cwd=ROOT):
    """A command line as it could be typed, paths inside the project relative to it."""
    parts = [str(part) for part in argv]
    if Path(parts[0]).is_absolute() and ROOT in Path(parts[0]).parents:
        parts[0] = str(Path(parts[0]).relative_to(ROOT))
    line = subprocess.list2cmdline(parts) if os.name == "nt" else " ".join(shlex.quote(part) for part in parts)
    return line if cwd == ROOT else f"cd {cwd.relative_to(ROOT)} && {line}"


def call(argv, cwd=ROOT, env=None):
    """Run one program and wait for it, its command line shown first (as make shows its own)."""
    print(shown(argv, cwd), flush=True)
    # No shell, ever: the venv's Python, pip or npm, with arguments from COMMANDS.
    return subprocess.call([str(part) for part in argv], cwd=str(cwd), env=env)  # noqa: S603  # nosec B603


def create_venv(venv, command):
    if venv_python(venv).exists():
        return 0
    if sys.version_info < MINIMUM:
        print(f"Auth Lab needs Python 3.11 or newer: run  {newer_python(command)}", file=sys.stderr)
        return 1
    return call([sys.executable, "-m", "venv", venv])


def install(venv, needs, command):
    """Each layer's requirements, unless its stamp says these very files are installed."""
    for layer in needs:
        done = stamp(venv, layer)
        if done.exists():
            continue
        pip = [venv_python(venv), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        code = create_venv(venv, command) or call([*pip, "-r", LAYERS[layer][-1]])
        if code:
            return code
        for old in venv.glob(f".installed-{layer}-*"):
            old.unlink()
        done.touch()
    return 0


def node_packages(folders):
    """`npm ci` where package-lock.json is newer than node_modules (make's rule), if npm is here."""
    for folder in folders:
        lock = ROOT / folder / "package-lock.json"
        installed = ROOT / folder / "node_modules" / ".package-lock.json"
        if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
            continue
        npm = shutil.which("npm")
        if npm is None:
            print(NODE[folder])
            continue
        code = call([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=lock.parent)
        if code:
            return code
    return 0


def hand_over(argv, env):
    """Run the command's last program in this process's place, and end with its exit status."""
    print(shown(argv), flush=True)
    argv = [str(part) for part in argv]
    if os.name != "nt":
        # exec: the program becomes this process, so Ctrl-C, or a process manager's TERM,
        # reaches it directly (run.py then stops its four servers) and nothing stands between.
        os.chdir(str(ROOT))
        sys.stderr.flush()
        os.execve(argv[0], argv, env)  # noqa: S606  # nosec B606
    # Windows has no exec (os.exec* there starts a new process and returns the console at
    # once). Run it as a child: Ctrl-C reaches every process on the console, the child too,
    # and it stops itself and its own children; this process waits and passes on its status.
    child = subprocess.Popen(argv, cwd=str(ROOT), env=env)  # noqa: S603  # nosec B603
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


def listing():
    width = max(len(name) for name in COMMANDS)
    lines = ["Auth Lab: python3 lab.py COMMAND [ARGUMENTS]   (on Windows: py lab.py COMMAND)", ""]
    lines += [f"  {name:<{width}}  {command.about}" for name, command in COMMANDS.items()]
    lines += ["", "Arguments after the command go to its program: python3 lab.py test -- -n 0 tests/app"]
    return "\n".join(lines)


def main(argv):
    name, args = (argv[0], argv[1:]) if argv else ("help", [])
    if args[:1] == ["--"]:
        args = args[1:]
    if name in ("help", "-h", "--help"):
        print(listing())
        return 0
    command = COMMANDS.get(name)
    if command is None:
        print(f"unknown command {name!r}\n\n{listing()}", file=sys.stderr)
        return 2
    # LAB_VENV moves the virtual environment (the Makefile's VENV sets it).
    venv = ROOT / (os.environ.get("LAB_VENV") or ".venv")
    try:
        steps = command.steps(args)
    except Usage as problem:
        print(problem, file=sys.stderr)
        return 2
    code = install(venv, command.needs, name) or node_packages(command.node)
    if code or not steps:
        return code
    env = dict(os.environ, **(command.env(venv) if command.env else {}))
    for step in steps[:-1]:
        code = call([venv_python(venv), *step], env=env)
        if code:
            return code
    return hand_over([venv_python(venv), *steps[-1]], env)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # during an install: pip has been stopped too, nothing to show
        sys.exit(130)
