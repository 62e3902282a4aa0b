"""The packages' public names load on first use (circlesim.lazy), so that the command line
starts without importing Mesa, pandas or the model."""

import importlib
import subprocess
import sys

import pytest

HEAVY = ("mesa", "pandas", "circlesim.model", "circlesim.sweep.engine", "circlesim.fit.data",
         "dask", "solara")


def test_the_command_line_builds_without_importing_the_model():
    code = ("import sys; from circlesim.cli import build_parser; build_parser(); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("package", ["circlesim", "circlesim.sweep", "circlesim.fit"])
def test_every_public_name_of_a_package_loads(package):
    module = importlib.import_module(package)
    assert module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="no_such_name"):
        getattr(module, "no_such_name")


def test_names_imported_from_the_package_are_the_modules_own():
    from circlesim import CommunityModel, check_parameters
    from circlesim.model import CommunityModel as defined
    from circlesim.parameters import check_parameters as checked
    from circlesim.sweep import run_sweep
    from circlesim.sweep.engine import run_sweep as engine_run_sweep

    assert CommunityModel is defined and check_parameters is checked
    assert run_sweep is engine_run_sweep
