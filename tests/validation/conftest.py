"""Shared fixtures for the validation tests: the quick validation, run once per session."""

from __future__ import annotations

import pytest

from circlesim.validation.calibrate import BEFORE_CASCADE_CALIBRATION
from circlesim.validation.runner import run_validation


@pytest.fixture(scope="session")
def quick_report():
    """``circlesim validate --quick`` at the current defaults (100 seeded replications)."""
    return run_validation(quick=True, workers=2)


@pytest.fixture(scope="session")
def before_calibration_report():
    """The quick validation with the sharing defaults from before the cascade calibration."""
    return run_validation(quick=True, workers=2, overrides=BEFORE_CASCADE_CALIBRATION)
