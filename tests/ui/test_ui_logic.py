"""Pure logic behind the front end: forms, layout, SVG, sweep summaries, assets list."""

from __future__ import annotations

import json
import math
import re
import time

import numpy as np
import pandas as pd
import pytest

from circlesim.parameters import PARAMETERS
from circlesim.ui import forms, sweeps
from circlesim.ui import svg as svg_module
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


def test_network_dots_are_few_paths_holding_every_member():
    """The dots are drawn as a path per (size tier, colour level), not one element each (cheap
    to redraw many times a second): every member is still drawn exactly once."""
    rng = np.random.default_rng(4)
    n = 300
    view = dict(node_id=np.arange(n), is_organiser=np.arange(n) == 0,
                engagement=rng.uniform(0, 1, n), activity=rng.exponential(1, n),
                newcomer=rng.uniform(0, 1, n) < 0.1, edges=np.array([[0, i] for i in range(1, n)]))
    pos = rng.uniform(-1, 1, (n, 2))
    pos[0] = 0
    svg = network_svg(pos, view)
    dots = re.findall(r'<path fill="rgb\(\d+,\d+,\d+\)" d="([^"]*)"', svg)
    assert 0 < len(dots) <= 2 * svg_module.DOT_TIERS * (svg_module.DOT_LEVELS + 1)
    assert sum(d.count("M") for d in dots) == n - 1  # every member once, the organiser apart
    assert svg.count("<circle") == 4  # the organiser and the legend's three samples
    # colour follows engagement: the hottest member's dot has the hottest colour drawn
    hot = svg_module.engagement_colour([np.round(view["engagement"][1:].max() * 20) / 20])[0]
    assert f'fill="rgb({hot[0]},{hot[1]},{hot[2]})"' in svg


def test_thin_line_keeps_each_columns_extremes_and_the_ends():
    rng = np.random.default_rng(0)
    x = np.arange(3000.0)
    px, py = 54 + x / x.max() * 264, 100 - np.cumsum(rng.normal(size=3000))
    tx, ty = svg_module.thin_line(px, py, 264)
    assert len(tx) <= 2 * 264 + 2 and np.all(np.diff(tx) >= 0)
    assert (tx[0], ty[0], tx[-1], ty[-1]) == (px[0], py[0], px[-1], py[-1])
    col = np.minimum(((px - px[0]) / (px[-1] - px[0]) * 264).astype(int), 263)
    tcol = np.minimum(((tx - px[0]) / (px[-1] - px[0]) * 264).astype(int), 263)
    for c in range(264):
        assert py[col == c].min() == ty[tcol == c].min()
        assert py[col == c].max() == ty[tcol == c].max()
    short = svg_module.thin_line(px[:200], py[:200], 264)
    assert short[0] is px[:200] or len(short[0]) == 200  # a short line is left whole
    svg = line_chart("t", [Series("a", np.sin(x / 50), x=x)], hover=False)
    path = re.search(r'<path d="M([^"]*)"', svg).group(1)
    assert path.count("L") <= 2 * 264 + 2


def test_live_frame_shows_the_newest_frame_only():
    """The play loop and a page render may both draw: an older frame never replaces a newer
    one, and without a browser (no acknowledgement yet) the loop never waits."""
    import threading

    from circlesim.ui.live import LiveFrame

    session = Session()
    session.configure(RunSpec.make("baseline", 2))
    live = LiveFrame()
    session.step(2)
    old = live.render(session, hover=False)
    session.step(1)
    assert live.draw(session) == 1
    members = dict(live.panel.parts())["circlesim-chart-cell circlesim-chart-members"]
    assert live.day.children == ["Day 3"] and "circlesim-hover" in members
    assert live.show(old) is None and live.day.children == ["Day 3"]
    assert 'data-days="3"' in live.panel.charts[live.panel.chart_keys.index("members")]
    session.reset()  # a rebuilt run starts again at day 0: shown
    assert live.draw(session, hover=False) == 2 and live.day.children == ["Day 0"]
    assert not any("circlesim-hover" in svg for svg in live.panel.charts)
    assert len(live.panel.networks) == 1 and 'data-nodes="' in live.panel.networks[0]
    cancel = threading.Event()
    t0 = time.perf_counter()
    live.wait_drawn(2, cancel)
    assert time.perf_counter() - t0 < 0.5


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


def test_a_big_group_is_drawn_as_a_stable_sample():
    """100,000 founding members once made the layout ask for 149 GiB (all pairs); the picture
    now draws at most MAX_DRAWN_MEMBERS of them, says so, and keeps the same ones day to day."""
    from circlesim.ui.session import MAX_DRAWN_MEMBERS, drawn_sample

    session = Session()
    session.configure(RunSpec.make("baseline", 3, overrides={
        "market_size": 50_000, "max_members": 5_000, "initial_members": 5_000}))
    pos, view = session.a.network()
    assert view["members_total"] > MAX_DRAWN_MEMBERS
    assert len(view["node_id"]) == len(pos) == MAX_DRAWN_MEMBERS + 1
    assert view["is_organiser"][0] and view["is_organiser"].sum() == 1
    drawn = set(view["node_id"].tolist())
    assert set(np.unique(view["edges"]).tolist()) <= drawn  # no tie to a node not drawn
    svg = network_svg(pos, view)
    assert f"{MAX_DRAWN_MEMBERS:,} of {view['members_total']:,} members drawn" in svg
    session.step(1)
    _, tomorrow = session.a.network()
    stayed = drawn & set(tomorrow["node_id"].tolist())
    assert len(stayed) >= 0.9 * len(drawn)  # the same members, not a new sample each day
    small = {"node_id": np.array([9, 1, 2]), "is_organiser": np.array([True, False, False]),
             "edges": np.array([[9, 1], [1, 2]])}
    assert drawn_sample(small, 1)["node_id"].size == 2
    assert drawn_sample(small, 5)["node_id"].size == 3


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


# ------------------------------------------------------------------ classroom controls (#12)


def test_sliders_only_for_bounded_numbers():
    for spec in PARAMETERS.values():
        bounds = forms.slider_range(spec)
        if bounds is None:
            continue
        lo, hi, step = bounds
        assert spec.kind in ("int", "float") and (lo, hi) == (spec.low, spec.high)
        assert 0 < step <= max((hi - lo) / 100, 1.0 if spec.kind == "int" else 0)
    assert forms.slider_range(PARAMETERS["market_size"]) is None  # 10 to 10 million: box only
    assert forms.slider_range(PARAMETERS["share_probability"]) is not None


def test_whole_number_boxes_never_raise():
    assert forms.parse_whole(" 12 ", "stop day") == (12, None)
    for bad in ("inf", "-3", "abc", "nan", "2.5", "", "1e99"):
        value, message = forms.parse_whole(bad, "stop day", 0, 1000)
        assert value is None and message.startswith("stop day") and "whole number" in message
        assert "\n" not in message


def test_edits_carried_to_another_preset_when_they_still_apply():
    texts = {"share_probability": "0.3", "niche_width": "0.03", "contagion": "x"}
    kept, names, dropped = forms.carry_edits(texts, "baseline", "niche-targeting")
    assert kept == {"share_probability": "0.3", "contagion": "x"}  # bad text stays to be fixed
    assert dropped == ["niche_width"]  # niche-targeting's own value: not an edit any more


def test_url_state_round_trip_and_bad_links():
    query = forms.encode_state("mass-media", 7, "baseline", {"share_probability": 0.3},
                               {"interaction": True, "contagion": 0.05})
    state, problems = forms.decode_state(query, ["baseline", "mass-media"])
    assert problems == []
    assert (state["preset"], state["seed"], state["compare"]) == ("mass-media", "7", "baseline")
    assert forms.validate("mass-media", state["a"]).overrides == {"share_probability": 0.3}
    assert forms.validate("baseline", state["b"]).overrides == {"contagion": 0.05}
    state, problems = forms.decode_state("preset=nope&a.nope=1&seed=3", ["baseline"])
    assert state["preset"] is None and state["seed"] == "3" and len(problems) == 2


def test_exports_carry_parameters_seed_and_versions():
    session = Session()
    session.configure(RunSpec.make("baseline", 3, {"share_probability": 0.3}))
    session.step(4)
    frame = pd.read_csv(__import__("io").StringIO(session.a.csv()))
    assert len(frame) == 5 and (frame["seed"] == 3).all()
    assert (frame["param_share_probability"] == 0.3).all()
    assert (frame["param_organiser_posts"] == PARAMETERS["organiser_posts"].default).all()
    assert "organiser_posts" in frame.columns  # the output column keeps its own name
    side = json.loads(session.a.sidecar())
    assert side["preset"] == "baseline" and side["seed"] == 3 and side["day"] == 4
    assert side["edits"] == {"share_probability": 0.3}
    assert {"circlesim", "mesa", "numpy", "python"} <= set(side["versions"])
    members = pd.read_csv(__import__("io").StringIO(session.a.members_csv()))
    assert list(members.columns) == list(session.a.model.members_frame().columns)
    assert session.a.csv_filename("members") == "circlesim-baseline-edited-seed3-members.csv"


def test_stop_reasons(monkeypatch):
    from circlesim.ui.session import stop_reason

    session = Session()
    session.configure(RunSpec.make("baseline", 1))
    session.step(2)
    assert stop_reason(session, 0) is None and stop_reason(session, 3) is None
    assert "stop day (2)" in stop_reason(session, 2)
    monkeypatch.setattr(session.a, "latest", lambda: {"members": 0})  # as if everybody left
    assert "group is empty" in stop_reason(session, 0)


def test_memory_budget_message(monkeypatch):
    from circlesim.ui.session import memory_problem, session_memory_limit

    monkeypatch.setenv("CIRCLESIM_UI_SESSION_MEMORY_MB", "400")
    assert session_memory_limit() == 400 * 1024**2
    assert memory_problem(RunSpec.make("baseline", 1)) is None  # the default fits
    # the example: paid exposures of 10^13 a day
    message = memory_problem(RunSpec.make("baseline", 1, {"seeding_budget": 1e9,
                                                          "cost_per_seeded_exposure": 0.0001}))
    assert message and "\n" not in message and "MB" in message
    monkeypatch.setenv("CIRCLESIM_UI_SESSION_MEMORY_MB", "abc")  # a bad setting: the default
    assert session_memory_limit() > 400 * 1024**2


def test_chart_hover_titles_give_the_values():
    svg = line_chart("t", [Series("members", [20, 21, 25]), Series("active", [0, 5, 9])])
    assert "<title>day 2: members: 25; active: 9</title>" in svg
    many = line_chart("t", [Series("m", list(range(500)))])
    assert many.count("<title>") <= 60


def test_restart_announcement_names_what_changed():
    from circlesim.ui.app import describe_restart

    a = RunSpec.make("baseline", 1)
    text = describe_restart((a, None), (RunSpec.make("baseline", 2, {"contagion": 0.1}),
                                        RunSpec.make("mass-media", 2)), 37)
    assert text.startswith("Restarted at day 0 (was day 37)")
    assert "seed is now 2" in text and "contagion = 0.1" in text and "compare on" in text


def test_sweep_viewer_reads_only_needed_columns_and_caps_rows(tmp_path):
    rows = [dict(run_id=f"r{p}-{r}", scenario="baseline", point=f"p{p}", replication=r, seed=r,
                 step=s, members=10 * p + r + s, active_members=1.0, posts=2.0,
                 share_probability=[0.01, 0.04][p], max_members=500, param_organiser_posts=2.0)
            for p in range(2) for r in range(3) for s in range(50)]
    folder = tmp_path / "big"
    folder.mkdir()
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet", row_group_size=40)
    info = sweeps.describe("big", tmp_path)
    assert info.rows == 300
    assert "param_organiser_posts" not in info.metrics and "max_members" not in info.metrics
    assert set(info.metrics) == {"members", "active_members", "posts"}
    runs, _, note = sweeps.read_sweep("big", tmp_path, metric="members")
    assert "posts" not in runs.columns and "active_members" not in runs.columns
    assert "max_members" not in runs.columns  # the same in every row group: not read
    assert "share_probability" in runs.columns and note == ""
    capped, _, note = sweeps.read_sweep("big", tmp_path, metric="members", limit=120)
    assert len(capped) == 120 and "300" in note and "120" in note
