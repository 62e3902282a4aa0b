"""Fixtures for the hardening tests: the reproduction list and its scratch folder."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "repro-bad-inputs"


def load_repro_script():
    """scripts/repro-bad-inputs as a module (it has no .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("repro_bad_inputs", str(SCRIPT))
    spec = importlib.util.spec_from_loader("repro_bad_inputs", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


REPRO = load_repro_script()


def child_env() -> dict:
    return {**os.environ, "PYTHONWARNINGS": "ignore",
            "PYTHONPATH": os.pathsep.join([str(ROOT)] + [
                p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}


@pytest.fixture(scope="session")
def repro_folder(tmp_path_factory) -> Path:
    """A scratch folder holding every fixture the reproduction list names."""
    folder = tmp_path_factory.mktemp("repro")
    REPRO.make_fixtures(folder, sys.executable, child_env())
    return folder
