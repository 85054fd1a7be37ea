"""The notebooks: each runs top to bottom without an error, and each is committed without outputs.

Every notebook runs in a fresh kernel of this very interpreter (the project's .venv), whatever
kernels the user's own Jupyter configuration lists, from the notebooks/ folder as Jupyter would
start it. Notebooks are saved without outputs, so what a student opens is never stale.
"""

import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets import default

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
# A whole notebook is meant to run in a few seconds; this is a generous ceiling per cell.
CELL_TIMEOUT = 60


class ProjectKernelManager(KernelManager):
    """Kernels of sys.executable only: no kernel folder is searched, so "python3" is the native one."""

    @default("kernel_spec_manager")
    def _project_kernel_specs(self):
        return KernelSpecManager(kernel_dirs=[], ensure_native_kernel=True)


def test_there_are_at_least_four_notebooks():
    assert [path.name for path in NOTEBOOKS][:4] == [
        "01-jwt-by-hand.ipynb",
        "02-sessions-and-stores.ipynb",
        "03-oauth-pkce.ipynb",
        "04-attacks-and-measurements.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_saved_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {cell.id} has saved outputs: clear them"
            assert cell.execution_count is None, f"{path.name} cell {cell.id} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_starts_by_finding_the_project_root(path):
    first_code = next(cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
    assert "app.py" in first_code.source and "sys.path" in first_code.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_a_lesson_with_its_sources(path):
    """Prose between the code (at least one explanation for every two code cells), citing the specs."""
    cells = nbformat.read(path, as_version=4).cells
    prose = [cell.source for cell in cells if cell.cell_type == "markdown"]
    code = [cell for cell in cells if cell.cell_type == "code"]
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), "a title and an introduction first"
    assert len(prose) * 2 >= len(code), f"{path.name}: {len(code)} code cells, only {len(prose)} explanations"
    assert re.search(r"rfc-editor\.org/rfc/rfc\d+|openid\.net/specs", "\n".join(prose)), "cite the RFCs"


def execute(notebook):
    """Run every cell in a fresh kernel from notebooks/; returns the seconds it took (raises on an error)."""
    client = NotebookClient(
        notebook,
        kernel_manager_class=ProjectKernelManager,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    started = time.monotonic()
    client.execute()
    return time.monotonic() - started


# What a Python warning or a traceback looks like on stderr ("...: DeprecationWarning: ...").
# The app's own log lines ("WARNING in families: ...") may go to stderr: they are not complaints.
PYTHON_NOISE = re.compile(r"\b\w*Warning: |Traceback \(most recent call last\)")


def complaints(notebook):
    """The errors of an executed notebook, and the Python warnings and tracebacks it printed."""
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
        or (output.output_type == "stream" and output.name == "stderr" and PYTHON_NOISE.search(output.text))
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom(path):
    notebook = nbformat.read(path, as_version=4)
    try:
        elapsed = execute(notebook)
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    assert not complaints(notebook), f"{path.name} wrote errors or warnings: {complaints(notebook)}"
    assert elapsed < 30, f"{path.name} took {elapsed:.1f} s: a notebook should run in a few seconds"


def test_the_runner_uses_this_python_and_fails_on_a_failing_cell():
    """The harness itself: the kernel is this interpreter, and a failing cell fails the run."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"),
        nbformat.v4.new_code_cell("print('WARNING in families: a log line, not a complaint', file=sys.stderr)"),
        nbformat.v4.new_code_cell("import warnings\nwarnings.warn('noisy')"),
        nbformat.v4.new_code_cell("assert False, 'a lesson that no longer holds'"),
    ]
    with pytest.raises(CellExecutionError, match="a lesson that no longer holds"):
        execute(notebook)
    assert notebook.cells[0].outputs[0].text.strip() == sys.executable
    found = complaints(notebook)
    assert [output.output_type for output in found] == ["stream", "error"]
    assert "UserWarning: noisy" in found[0].text


def test_readme_describes_every_notebook():
    readme = (NOTEBOOK_DIR / "README.md").read_text()
    assert "make notebooks" in readme
    for path in NOTEBOOKS:
        assert path.name in readme, f"notebooks/README.md does not mention {path.name}"
    assert re.search(r"\d+\s*min", readme), "the README says how long each notebook takes"
