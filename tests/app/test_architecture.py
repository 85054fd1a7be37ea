"""The shape of the code, checked: no import circles, the parties apart, routes files hold routes.

Every import of the project's modules is read with `ast` (at the top of a module or inside a
function: a lazy import hides a circle, it does not break it) and becomes an edge of a graph
whose nodes are the app's modules. A package's `__init__` that imports its own submodules to
register their routes and tables (`from . import routes`, microblog's pattern) is how a Flask
blueprint is put together, not a circle: those edges are left out.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Not the app: the tests, the course material run on its own, the virtualenv.
OUTSIDE = {"tests", "exercises", "notebooks", "bench", "docs", "data", "instance"}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in OUTSIDE or parts[0].startswith("."):
            continue
        # A folder without __init__.py (templates, static) holds no importable module.
        if all((folder / "__init__.py").exists() for folder in path.parents[: len(parts) - 1]):
            yield path


MODULES = {module_name(path): path for path in project_files()}


def resolve(name):
    """The project module an import names (`a.b.c` may be a module, or a name inside `a.b`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(name, path):
    """(imported module, line) for every import of a project module in one file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)] if package else []
                base = ".".join([*anchor, *([base] if base else [])])
            # `from a import b` imports the module a.b when there is one, else a name from a.
            targets = [f"{base}.{alias.name}" if base else alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            found = resolve(target)
            if found and found != name:
                yield found, node.lineno


def registers(importer, imported):
    """A package's __init__ importing its own submodules, to register them."""
    return MODULES[importer].name == "__init__.py" and imported.startswith(f"{importer}.")


def graph():
    edges = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for imported, _line in imports(name, path):
            if not registers(name, imported):
                edges[name].add(imported)
    return edges


def cycles(edges):
    """Every import circle, each as the list of modules around it (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def party(name):
    return name.split(".")[0]


def test_the_graph_sees_the_app():
    edges = graph()
    assert "blueprints.session.routes" in edges and "provider.oauth2" in edges
    assert "answers" in edges["blueprints.session.routes"]


def test_cycles_are_found_where_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_anywhere():
    assert cycles(graph()) == []


def test_the_provider_never_imports_the_app():
    # The provider is another party: its own small copies of helpers are deliberate.
    leaks = [
        f"{name} imports {imported}"
        for name, path in MODULES.items()
        if party(name) == "provider"
        for imported, _line in imports(name, path)
        if party(imported) != "provider"
    ]
    assert leaks == []


def gated(tree, line):
    """True when the import on `line` sits inside `if app.config["ENABLE_ATTACK_DEMOS"]:`."""
    return any(
        isinstance(node, ast.If)
        and "ENABLE_ATTACK_DEMOS" in ast.unparse(node.test)
        and node.body[0].lineno <= line <= node.body[-1].end_lineno
        for node in ast.walk(tree)
    )


def behind_the_gate(name):
    """The twins, the challenges played against them, and classroom mode, which serves both in
    every sandbox and refuses production: never reached from the app outside development."""
    return party(name) in ("vulnerable", "classroom") or name.startswith("blueprints.challenges")


def test_the_app_imports_the_vulnerable_twins_only_behind_the_gate():
    # The twins (and the challenges against them) may import the app's plumbing; the app reaches
    # them only through app.py's registration, which ENABLE_ATTACK_DEMOS gates (never on in production).
    trees = {name: ast.parse(path.read_text()) for name, path in MODULES.items()}
    leaks = [
        f"{name}:{line} imports {imported}"
        for name, path in MODULES.items()
        if not behind_the_gate(name)
        for imported, line in imports(name, path)
        if behind_the_gate(imported) and not (name == "app" and gated(trees[name], line))
    ]
    assert leaks == []


@pytest.mark.parametrize("routes", sorted(name for name in MODULES if name.endswith(".routes")))
def test_a_routes_module_is_imported_by_no_other_module(routes):
    # routes.py holds routes only: helpers that siblings need live in modules named for what
    # they do (answers.py, signin.py, guards.py). Only the package's __init__ imports it, to
    # register the routes.
    package = routes.rpartition(".")[0]
    importers = [
        name
        for name, path in MODULES.items()
        if name != package
        for imported, _line in imports(name, path)
        if imported == routes
    ]
    assert importers == []
