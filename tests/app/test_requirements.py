"""The install split: requirements.txt is what running needs, requirements-dev.txt the rest.

`make run` and `make serve` (lab.py's run and serve) install requirements.txt alone, so every
module they can load must import only the standard library, the project's own modules, and
what requirements.txt installs (its packages and their dependencies). The served code is
found the way Python would find it: from the entry points (run.py's four factories, wsgi.py,
serve.py), every import read with `ast`, at the top of a module or inside a function,
followed through the project's own modules.
"""

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import lab

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = ("run", "wsgi", "serve", "app", "provider", "attacker")
# What only the tests, notebooks, lint and the benchmark need. (Not Playwright: the challenges'
# victim bot, blueprints/challenges/victim.py, drives Chromium with it in `make run`.)
TOOLS = {
    "pytest",
    "hypothesis",
    "nbclient",
    "nbformat",
    "ipykernel",
    "notebook",
    "ruff",
    "bandit",
    "psutil",
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==[0-9][^\s#]*(\s+#.*)?$")


def lines(name):
    return [
        line.strip() for line in (ROOT / name).read_text().splitlines() if line.strip() and not line.startswith("#")
    ]


def pinned(name):
    return {canonicalize_name(PIN.match(line).group(1)) for line in lines(name) if not line.startswith("-r")}


def local_file(module):
    """The project's file for a module name, or None when it is not the project's."""
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_names(module, path):
    """Every module name one file imports (`from a import b` may name the module a.b)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def served_imports():
    """{top-level third-party module: a project file that imports it}, over the served code."""
    seen, queue, outside = set(), list(ENTRY_POINTS), {}
    while queue:
        module = queue.pop()
        if module in seen:
            continue
        seen.add(module)
        path = local_file(module)
        if path is None:  # not a module of ours
            continue
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        queue += [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
        for name in imported_names(module, path):
            if local_file(name):
                queue.append(name)
            elif not local_file(name.split(".")[0]) and name.split(".")[0] not in sys.stdlib_module_names:
                outside.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return outside


def installed_by(names):
    """The distributions these install, with everything they depend on (as running needs)."""
    found, queue = set(), list(names)
    while queue:
        name = canonicalize_name(queue.pop())
        if name in found:
            continue
        found.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        for text in needs:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                queue.append(requirement.name)
    return found


def test_requirements_txt_holds_no_test_lint_notebook_or_benchmark_package():
    assert pinned("requirements.txt") & TOOLS == set()
    assert not [name for name in pinned("requirements.txt") if name.startswith(("pytest", "jupyter"))]


def test_every_package_in_both_files_is_pinned_to_one_version():
    for name in ("requirements.txt", "requirements-dev.txt"):
        loose = [line for line in lines(name) if not line.startswith("-r") and not PIN.match(line)]
        assert loose == [], name


def test_the_dev_file_adds_to_the_run_file_and_repeats_none_of_it():
    assert lines("requirements-dev.txt")[0] == "-r requirements.txt"
    assert pinned("requirements-dev.txt") & pinned("requirements.txt") == set()
    assert pinned("requirements-dev.txt") >= TOOLS


def test_every_import_of_the_served_code_is_installed_by_requirements_txt():
    installed = installed_by(pinned("requirements.txt"))
    distributions = packages_distributions()
    missing = {
        module: where
        for module, where in served_imports().items()
        if not {canonicalize_name(d) for d in distributions.get(module, [])} & installed
    }
    assert missing == {}, "imported by the served code, not installed by requirements.txt"


def test_the_served_code_is_found_from_its_entry_points():
    # A guard on the guard: the walk reaches the stack, so an empty result above means something.
    assert {"flask", "flask_jwt_extended", "authlib", "sqlalchemy", "dotenv"} <= set(served_imports())
    assert "pytest" not in served_imports()


@pytest.mark.parametrize("command", ["run", "serve", "serve-provider", "install"])
def test_running_installs_only_requirements_txt(command):
    assert lab.COMMANDS[command].needs == ("run",)
    assert lab.LAYERS["run"] == ("requirements.txt",)


@pytest.mark.parametrize(
    "command", ["test", "test-fast", "fuzz", "lint", "notebooks", "bench", "bench-quick", "exercise", "hint"]
)
def test_the_tools_commands_install_requirements_dev_txt(command):
    assert lab.COMMANDS[command].needs == ("run", "dev")
    assert lab.LAYERS["dev"] == ("requirements.txt", "requirements-dev.txt")
