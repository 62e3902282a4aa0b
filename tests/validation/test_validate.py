"""``circlesim validate``: the quick mode passes its patterns; the command's contract."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from circlesim.validation.calibrate import BEFORE_CASCADE_CALIBRATION
from circlesim.validation.patterns import Check
from circlesim.validation.stats import Estimate

CASCADE_KEYS = {"shares_recruit_nobody", "shares_within_one_generation", "shares_long_chain"}


def checked(report):
    return {c.key: c for c in report.checks if not c.informational}


def test_quick_validation_passes_every_pattern_at_the_defaults(quick_report):
    checks = checked(quick_report)
    assert quick_report.replications == 100
    assert {"ever_posted", "top1_share", "newcomer_reply_effect", "newcomer_reply_positive",
            "contagion_d", "bass_r2", "bass_q_over_p", "bass_inflection"} | CASCADE_KEYS <= set(checks)
    assert quick_report.passed, quick_report.table()


def test_the_checks_have_margins_not_just_a_pass(quick_report):
    c = {k: v.estimate for k, v in checked(quick_report).items()}
    assert c["ever_posted"].high < 0.25 and c["ever_posted"].low > 0.1
    assert c["top1_share"].value > 0.5
    assert c["newcomer_reply_effect"].low > 0  # a reply really helps newcomers
    assert c["shares_recruit_nobody"].low > 0.7
    assert c["contagion_d"].high < 0.1  # small per exposure
    assert c["bass_q_over_p"].low > 10  # imitation dominates: an S-curve


def test_the_cascade_checks_catch_the_sharing_before_calibration(quick_report,
                                                                 before_calibration_report):
    """Why sharing was calibrated: with the old values most shares recruit someone."""
    failing = {c.key for c in before_calibration_report.checks if not c.passed}
    assert CASCADE_KEYS & failing
    now = checked(quick_report)["shares_recruit_nobody"].estimate
    before = checked(before_calibration_report)["shares_recruit_nobody"].estimate
    assert now.low > before.high + 0.2


def test_table_and_json_report_every_check(quick_report):
    table = quick_report.table()
    for c in quick_report.checks:
        assert c.measure[:40] in table
    assert "checks pass" in table.splitlines()[-1]
    data = json.loads(quick_report.to_json())
    assert data["passed"] == quick_report.passed
    assert len(data["checks"]) == len(quick_report.checks)
    row = next(r for r in data["checks"] if r["key"] == "ever_posted")
    assert row["ci_low"] <= row["value"] <= row["ci_high"] and row["band"] == [0.05, 0.25]


def test_a_check_passes_only_when_its_interval_is_inside_the_band():
    inside = Estimate(0.2, 0.18, 0.22, 30)
    straddling = Estimate(0.24, 0.22, 0.26, 30)
    assert Check("k", "p", "m", inside, (0.05, 0.25), "s").passed
    assert not Check("k", "p", "m", straddling, (0.05, 0.25), "s").passed
    assert Check("k", "p", "m", straddling, (0.05, 0.25), "s", strict=False).passed
    assert not Check("k", "p", "m", Estimate(math.nan, math.nan, math.nan, 0), (0, 1), "s").passed
    assert Check("k", "p", "m", straddling, None, "s").passed  # reported only


CLI = [sys.executable, "-m", "circlesim.cli", "validate"]


def run_cli(*args):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300)


def test_cli_exit_status_follows_the_checks_and_json_parses():
    result = run_cli("--replications", "3", "--json", "--workers", "1",
                     *[f"--set={k}={v}" for k, v in BEFORE_CASCADE_CALIBRATION.items()])
    data = json.loads(result.stdout)
    assert result.returncode == (0 if data["passed"] else 1), result.stderr
    assert data["replications"] == 3 and not data["quick"]
    assert data["overrides"] == BEFORE_CASCADE_CALIBRATION


@pytest.mark.parametrize("args,needle", [
    (["--replications", "1"], "--replications"),
    (["--replications", "many"], "--replications"),
    (["--workers", "0"], "--workers"),
    (["--no-such-flag"], "--no-such-flag"),
    (["--set", "share_probability=2"], "share_probability"),
    (["--set", "no_such_key=1"], "no_such_key"),
])
def test_bad_flags_give_one_line_and_exit_2(args, needle):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.stderr
