"""circlesim fit: bad data and bad options are one line on stderr and exit status 2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from circlesim.cli import main
from circlesim.fit import DataError, history_from_frame, load_history, make_priors
from circlesim.parameters import ParameterError

GOOD = "day,members,joined\n0,10,10\n1,11,1\n3,12,1\n"


def _fit(path, *extra):
    return main(["fit", str(path), "--params", "join_probability", "--quiet",
                 "--out", str(path.parent / "out"), *extra])


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("day,members\n", "no rows"),
    ("members,joined\n1,2\n", "no 'day' column"),
    ("day,members,likes\n0,1,2\n", "unknown column 'likes'"),
    ("day,member\n0,1\n", "did you mean members"),
    ("day,members\n0,10\n1,-3\n", "negative"),
    ("day,members\n0,10\n1,many\n", "'many' is not a number"),
    ("day,members\n0,10\n0,11\n", "day 0 appears twice"),
    ("day,members\n0.5,10\n", "whole numbers"),
    ("day\n0\n1\n", "no data column"),
    ("day,members\n0,\n1,\n", "every data cell is empty"),
])
def test_bad_data_is_one_line_exit_2(tmp_path, capsys, text, words):
    path = tmp_path / "data.csv"
    path.write_text(text)
    assert _fit(path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert words in err, err


def test_missing_file_and_binary_file(tmp_path, capsys):
    assert _fit(tmp_path / "nope.csv") == 2
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage\x00")
    assert _fit(path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, words", [
    (["--params", "join_probabilty"], "did you mean join_probability"),
    (["--params", "interaction"], "only numeric parameters"),
    (["--params", "join_probability", "--set", "join_probability=0.1"], "fix it or fit it"),
    (["--params", "join_probability", "--prior", "join_probability=0.5"], "LOW:HIGH"),
    (["--params", "join_probability", "--prior", "join_probability=0:2"], "invalid"),
    (["--params", "join_probability", "--what-if", "market_size=10"], "cannot change"),
    (["--params", "join_probability", "--what-if", "answer_capacity=-1"], "answer_capacity"),
    (["--params", "join_probability", "--fit-days", "2"], "--fit-days"),
    (["--params", "join_probability", "--scheduler", "nowhere"], "--scheduler"),
])
def test_bad_options_are_one_line_exit_2(tmp_path, capsys, args, words):
    path = tmp_path / "data.csv"
    path.write_text(GOOD)
    assert main(["fit", str(path), "--quiet", "--out", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert words in err, err


def test_good_data_with_gaps_and_empty_cells(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("day, members ,posts\n3,12,\n0,10,2\n1,11,4\n")
    h = load_history(path)
    assert h.frame["day"].tolist() == [0, 1, 3]
    assert h.columns == ["members", "posts"]
    assert np.isnan(h.frame["posts"].iloc[2])
    fitted, held = h.split(2)
    assert fitted.frame["day"].tolist() == [0, 1] and held.frame["day"].tolist() == [3]
    with pytest.raises(DataError):
        history_from_frame(pd.DataFrame({"day": [0], "members": [-1]}))


def test_priors_clip_to_allowed_range_and_use_log_scale_for_rates():
    from circlesim.parameters import PARAMETERS

    (jp, pr, mm) = make_priors(["join_probability", "post_rate", "max_members"])
    assert 0 <= jp.low < jp.high <= 1 and not jp.log
    plausible = getattr(PARAMETERS["join_probability"], "plausible", None)
    if plausible:  # the parameter table's plausible range is the prior
        assert (jp.low, jp.high) == tuple(plausible) and jp.source.startswith("plausible")
    mid = (pr.low * pr.high) ** 0.5
    assert pr.log and pr.to_value(pr.to_scale(mid)) == pytest.approx(mid)
    assert pr.to_value(pr.to_scale(pr.high * 10)) == pr.high  # clipped to the prior
    assert mm.integer and isinstance(mm.to_value(2.0), int) and mm.to_value(2.0) == 100
    (wide,) = make_priors(["join_probability"], {"join_probability": (0.01, 0.4)})
    assert (wide.low, wide.high, wide.source) == (0.01, 0.4, "--prior")
    with pytest.raises(ParameterError):
        make_priors(["join_probability"], {"join_probability": (0.5, 0.1)})


def test_messages_column_is_posts_plus_replies_in_the_simulation():
    from circlesim.fit.simulate import simulate_frame

    h = history_from_frame(pd.DataFrame({"day": [0, 1], "messages": [0, 3]}))
    assert h.columns == ["messages"]
    s = simulate_frame({"market_size": 300}, 10, 1, "baseline",
                       columns=["messages", "posts", "replies"])
    assert (s["messages"] == s["posts"] + s["replies"]).all()
