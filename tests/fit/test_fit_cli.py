"""circlesim fit end to end on a tiny synthetic history: files, goodness of fit, what-if,
and resuming from the per-generation checkpoint."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from circlesim.cli import main
from circlesim.fit.simulate import simulate_frame

FIXED = ["--set", "market_size=300", "--set", "friends_mean=20", "--set", "max_members=60",
         "--set", "share_probability=0.5", "--set", "reach_probability=0.3"]


def _data(tmp_path):
    s = simulate_frame({"market_size": 300, "friends_mean": 20, "max_members": 60,
                        "initial_members": 10, "share_probability": 0.5,
                        "reach_probability": 0.3, "join_probability": 0.2}, 20, 5, "baseline",
                       columns=["members", "joined", "posts"])
    frame = pd.DataFrame({"day": np.arange(21), **s}).drop(index=[4, 11])
    path = tmp_path / "group.csv"
    frame.to_csv(path, index=False)
    return path


def test_fit_writes_posterior_forecast_gof_and_what_if_then_resumes(tmp_path, capsys):
    path = _data(tmp_path)
    out = tmp_path / "out"
    args = ["fit", str(path), "--params", "join_probability", *FIXED, "--fit-days", "14",
            "--horizon", "5", "--particles", "10", "--draws", "10", "--workers", "1",
            "--out", str(out), "--quiet", "--seed", "3", "--what-if", "organiser_posts=6"]
    assert main([*args, "--generations", "1"]) == 0
    printed = capsys.readouterr().out
    assert "initial_members = 10 (members on day 0 of the data)" in printed
    assert "held-out values" in printed and "90% band" in printed
    assert ("The fit describes these data" in printed
            or "The fit does not describe these data" in printed)
    for name in ("posterior.parquet", "forecast.parquet", "forecast.png", "goodness-of-fit.csv",
                 "what-if.csv", "what-if.png", "fit.db"):
        assert (out / name).is_file(), name
    post = pd.read_parquet(out / "posterior.parquet")
    assert len(post) == 10 and abs(post["weight"].sum() - 1) < 1e-9
    assert post["join_probability"].between(0.005, 0.5).all()
    bands = pd.read_parquet(out / "forecast.parquet")
    assert bands["day"].max() == 25  # 5 days past the data's last day (20)
    assert (bands["q05"] <= bands["q25"]).all() and (bands["q75"] <= bands["q95"]).all()
    assert set(bands["part"]) == {"fitted", "held out", "forecast"}
    wi = pd.read_csv(out / "what-if.csv")
    spend = wi[wi.metric == "spend"].set_index("arm")
    # 4 more posts a day cost 4 x cost_per_post (5) on each of the 5 forecast days, in every draw
    assert spend.loc["organiser_posts=6", "diff_low90"] >= 80
    state = json.loads((out / "fit-state.json").read_text())
    assert state["stopped_because"] == "generations"

    # rerun asking for one more generation: continues from the checkpoint (generation 2 only)
    args = args[:-2]  # no what-if from here on
    assert main([*args, "--generations", "2"]) == 0
    printed = capsys.readouterr().out
    assert "posterior: 2 generations" in printed
    # same settings again: nothing left to fit; loads the checkpoint
    assert main([*args, "--generations", "2"]) == 0
    assert "posterior: 2 generations" in capsys.readouterr().out
    # other data on a fitted day, same folder: refused, not mixed
    frame = pd.read_csv(path)
    frame.loc[1, "members"] += 5
    other = tmp_path / "other.csv"
    frame.to_csv(other, index=False)
    assert main(["fit", str(other), *args[2:], "--generations", "2"]) == 2
    assert "holds a fit of other data" in capsys.readouterr().err
