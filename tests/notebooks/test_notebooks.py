"""The classroom notebooks (``notebooks/*.ipynb``) run top to bottom and are stored clean.

Each notebook is one test: it is executed with nbclient in a kernel of the interpreter running
pytest (a kernelspec written to a temporary directory, so no installed kernel is needed or
used), in a temporary working directory, with a 120 s limit per cell. Any error — including a
failed ``assert`` cell, which is how the notebooks check the claims their text makes — fails
the test. Other tests check that the committed notebooks have no outputs, use only circlesim's
public API, match their generator (``notebooks/make_notebooks.py``) and write nothing into the
repository.
"""

from __future__ import annotations

import ast
import json
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell
#: The names a lesson may import from circlesim (its public API).
PUBLIC_API = {"CommunityModel", "Member", "independent_cascade_overrides", "list_scenarios",
              "load_scenario", "PARAMETERS", "OUTPUT_COLUMNS"}
KERNEL_NAME = "circlesim-notebook-test"
MISSING = ("the notebook tests need nbclient, nbformat, ipykernel, matplotlib and SALib: "
           "pip install -e '.[test,notebooks]'")


def _need(module: str):
    """Import a module the notebook tests need; fail (not skip) when it is missing: CI must
    run the lessons."""
    try:
        return __import__(module)
    except ImportError as error:
        problem = str(error)
    pytest.fail(f"{MISSING} ({problem})", pytrace=False)


def _code_cells(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _kernel_manager(kernel_dir: Path):
    """A kernel manager whose only kernelspec runs ipykernel in this very interpreter."""
    _need("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = kernel_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "circlesim notebook test", "language": "python",
    }))
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir / "kernels")],
                              ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def _repo_files() -> set[str]:
    """Files in notebooks/ (where a careless lesson would write its results)."""
    return {str(p.relative_to(ROOT)) for p in NOTEBOOK_DIR.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
            and ".ipynb_checkpoints" not in p.parts}


def test_there_are_six_lessons():
    assert len(NOTEBOOKS) >= 6, [p.name for p in NOTEBOOKS]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch):
    nbformat = _need("nbformat")
    nbclient = _need("nbclient")
    _need("matplotlib")
    _need("SALib")
    notebook = nbformat.read(path, as_version=4)
    before = _repo_files()
    # the kernel inherits this environment: charts drawn inline into the notebook, hashing
    # fixed, and Jupyter's and IPython's files kept out of the home directory (no user profile
    # or startup script can change what a lesson does)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    km = _kernel_manager(tmp_path / "jupyter")
    work = tmp_path / "work"
    work.mkdir()
    client = nbclient.NotebookClient(notebook, km=km, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(work)}})
    started = time.perf_counter()
    failure = None
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        failure = str(error)
    if failure is not None:
        pytest.fail(f"{path.name} failed:\n{failure}", pytrace=False)
    elapsed = time.perf_counter() - started
    print(f"{path.name}: {elapsed:.1f} s")
    images = sum(1 for cell in notebook.cells if cell.cell_type == "code"
                 for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))
    assert images >= 2, f"{path.name} should draw charts, drew {images}"
    assert _repo_files() == before, "a notebook wrote files into the repository"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path):
    for cell in _code_cells(path):
        assert cell.get("outputs") == [], f"{path.name}: a code cell has outputs; strip them"
        assert cell.get("execution_count") is None, f"{path.name}: execution count is stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_uses_only_the_public_api(path: Path):
    cells = _code_cells(path)
    text = "\n".join(_source(cell) for cell in cells)
    assert "assert " in text, f"{path.name}: its claims should be asserted in code"
    for cell in cells:
        tree = ast.parse(_source(cell))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("circlesim"):
                assert node.module == "circlesim", f"{path.name}: imports {node.module}"
                names = {alias.name for alias in node.names}
                assert names <= PUBLIC_API, f"{path.name}: imports {names - PUBLIC_API}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("circlesim."), f"{path.name}: {alias.name}"
            elif isinstance(node, ast.Attribute):
                assert not node.attr.startswith("_"), f"{path.name}: private .{node.attr}"


def test_notebooks_match_their_generator():
    generator = NOTEBOOK_DIR / "make_notebooks.py"
    if not generator.exists():
        pytest.skip("notebooks are written by hand")
    _need("nbformat")
    import subprocess

    result = subprocess.run([sys.executable, str(generator), "--check"], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
