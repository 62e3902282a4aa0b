"""Pure logic behind the front end: forms, layout, SVG, sweep summaries, assets list."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from circlesim.parameters import PARAMETERS
from circlesim.ui import forms, sweeps
from circlesim.ui.layout import IncrementalLayout
from circlesim.ui.session import RunSpec, Session
from circlesim.ui.svg import Series, line_chart, network_svg, nice_ticks


def test_validate_accepts_scenario_values_unchanged():
    values = forms.scenario_values("baseline")
    texts = {s.name: forms.field_text(s, values[s.name]) for _, specs in forms.grouped_fields()
             for s in specs}
    result = forms.validate("baseline", texts)
    assert result.ok and result.overrides == {}


def test_validate_reports_out_of_range_on_its_key():
    spec = next(s for s in PARAMETERS.values() if s.ui and s.kind == "float"
                and s.high is not None and math.isfinite(s.high))
    result = forms.validate("baseline", {spec.name: str(spec.high + 1)})
    assert set(result.errors) == {spec.name}
    assert spec.name in result.errors[spec.name]


def test_validate_parses_and_returns_overrides():
    spec = next(s for s in PARAMETERS.values() if s.ui and s.kind == "int" and s.high)
    low = int(spec.low or 0)
    value = low + 1 if spec.default != low + 1 else low + 2
    result = forms.validate("baseline", {spec.name: str(value)})
    assert result.ok, result.errors
    assert result.overrides == {spec.name: value}


def test_parse_seed():
    assert forms.parse_seed(" 42 ") == (42, None)
    assert forms.parse_seed("x")[0] is None
    assert forms.parse_seed("-1")[0] is None


def test_layout_is_computed_once_and_extended_for_joiners():
    layout = IncrementalLayout(seed=3)
    ids = np.arange(30)
    edges = np.array([[0, i] for i in range(1, 30)] + [[i, i + 1] for i in range(1, 29)])
    first = layout.update(ids, ids == 0, edges)
    assert np.allclose(first[0], 0)  # organiser at the centre
    assert np.all(np.hypot(*first.T) <= 1.0 + 1e-9)
    # a joiner arrives, a member leaves: everyone else stays exactly where they were
    ids2 = np.r_[np.delete(ids, 5), 30]
    edges2 = np.r_[edges[(edges != 5).all(1)], [[30, 7]]]
    second = layout.update(ids2, ids2 == 0, edges2)
    before = {int(i): first[k] for k, i in enumerate(ids)}
    for k, i in enumerate(ids2[:-1]):
        assert np.allclose(second[k], before[int(i)])
    assert layout.full_layouts == 1
    assert np.linalg.norm(second[-1] - before[7]) < 0.5  # placed near its tie


def test_line_chart_draws_lines_and_bands():
    svg = line_chart("t", [Series("a", [1, 2, 3], low=[0, 1, 2], high=[2, 3, 4]),
                           Series("b", [float("nan"), 1, 2])])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polygon") == 1 and svg.count("<path") == 2
    assert 'data-days="2"' in svg


def test_nice_ticks_cover_range():
    ticks = nice_ticks(0, 487)
    assert ticks[0] <= 0 and ticks[-1] >= 487 and len(ticks) <= 8


def test_network_svg_marks_newcomers_and_organiser():
    view = dict(node_id=np.array([0, 1, 2]), is_organiser=np.array([True, False, False]),
                engagement=np.array([1.0, 0.2, 0.9]), activity=np.array([1.0, 0.1, 3.0]),
                newcomer=np.array([False, True, False]), edges=np.array([[0, 1], [1, 2]]))
    svg = network_svg(np.array([[0, 0], [0.5, 0.5], [-0.5, 0.2]]), view)
    assert svg.count('stroke="#1a9e3a"') == 2  # one newcomer + the legend's sample
    assert "organiser" in svg and 'data-nodes="3"' in svg


def test_session_steps_runs_together_and_resets():
    session = Session()
    spec = RunSpec.make("baseline", 5)
    session.configure(spec, RunSpec.make("baseline", 5, label="B"))
    session.step(3)
    assert [r.day for r in session.runs] == [3, 3]
    # same scenario, same seed: the two runs are identical
    assert session.a.history["members"] == session.b.history["members"]
    assert not session.configure(spec, RunSpec.make("baseline", 5, label="B"))
    session.reset()
    assert session.day == 0
    csv = session.a.csv()
    assert csv.splitlines()[0].startswith("scenario,seed,step")


def _write_sweep(root, name="s1"):
    rows = [dict(run_id=f"r{seed}", scenario="baseline", seed=seed, step=step,
                 members=10 + step + seed, share_probability=0.02)
            for seed in range(4) for step in range(5)]
    folder = root / name
    folder.mkdir()
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet")
    (folder / "manifest.json").write_text(json.dumps({"seeds": 4}))


def test_sweeps_only_from_the_results_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCLESIM_RESULTS_DIR", str(tmp_path / "missing"))
    assert sweeps.list_sweeps() == []  # tolerant of the folder not existing yet
    root = tmp_path / "results"
    root.mkdir()
    _write_sweep(root)
    (root / "not-a-sweep").mkdir()
    monkeypatch.setenv("CIRCLESIM_RESULTS_DIR", str(root))
    assert sweeps.list_sweeps() == ["s1"]
    runs, manifest = sweeps.open_sweep("s1")
    assert manifest == {"seeds": 4}
    assert sweeps.metric_columns(runs) == ["members"]
    for bad in ("../results/s1", "/etc", "not-a-sweep"):
        with pytest.raises(PermissionError):
            sweeps.open_sweep(bad)


def test_summarise_gives_mean_and_ci(tmp_path):
    _write_sweep(tmp_path)
    runs, _ = sweeps.open_sweep("s1", tmp_path)
    summary = sweeps.summarise(runs, "members")
    first = summary[summary.step == 0].iloc[0]
    assert first["group"] == "baseline"
    assert first["mean"] == pytest.approx(11.5)
    assert first["low"] < first["mean"] < first["high"]


def test_grid_points_are_grouped_by_their_swept_values():
    rows = [dict(run_id=f"{p}-{r}", scenario="baseline", point=f"p{p}", replication=r, seed=r,
                 step=0, members=10 * p + r, share_probability=[0.01, 0.04][p],
                 max_members=500) for p in range(2) for r in range(3)]
    runs = pd.DataFrame(rows)
    assert sweeps.varying_parameters(runs) == ["share_probability"]
    assert sweeps.metric_columns(runs) == ["members"]
    summary = sweeps.summarise(runs, "members")
    assert list(summary["group"]) == ["share_probability=0.01", "share_probability=0.04"]
    assert list(summary["mean"]) == [1.0, 11.0]


def test_asset_list_comes_from_solaras_template():
    from circlesim.ui import assets

    specs = assets.required_packages()
    assert any(s.startswith("@widgetti/solara-vuetify") for s in specs)
    assert any(s.startswith("requirejs@") for s in specs)
    assert all("@" in s.lstrip("@") for s in specs)  # every one pinned to a version


def test_log_scale_chart_ticks_at_powers_of_ten():
    svg = line_chart("cost", [Series("community", [float("nan"), 20, 16]),
                              Series("mass media", [0, 300, 1900])], log_y=True)
    labels = [part.split("<")[0] for part in svg.split('fill="#444">')[1:]]
    assert {"10", "100", "1k"} <= set(labels)
    assert svg.count("<path") == 2


def test_missing_assets_are_reported_per_package(tmp_path):
    from circlesim.ui import assets

    required = assets.required_packages()
    assert assets.missing(tmp_path) == required
    done = tmp_path / required[0]
    done.mkdir(parents=True)
    (done / assets.MARKER).write_text(required[0])
    assert assets.missing(tmp_path) == required[1:]


def test_server_is_offline_and_local_by_default():
    from circlesim.ui import OFFLINE_CDN, server_command, server_env

    env = server_env({})
    assert env["SOLARA_ASSETS_CDN"] == OFFLINE_CDN and "127.0.0.1" in OFFLINE_CDN
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    cmd = server_command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd


def test_circlesim_ui_subcommand_is_registered():
    from circlesim.cli import build_parser

    args = build_parser().parse_args(["ui", "--port", "9999"])
    assert (args.host, args.port) == ("127.0.0.1", 9999)
