"""``circlesim claims --quick --json -``: every claim, with arms, effect, CI, n, robustness
share and verdict (the acceptance item). Sizes are tiny; the values are not results."""

import json

from circlesim.claims import CLAIMS
from circlesim.parameters import Parameters
from circlesim.scenarios import load_scenario


def test_quick_json_covers_every_claim_with_the_stable_keys(tmp_path, capsys):
    from circlesim.cli import main

    status = main(["claims", "--quick", "--json", "-", "--out", str(tmp_path), "--workers",
                   "2", "--no-progress"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    atlas = json.loads(captured.out)
    assert atlas["schema"] == 1 and atlas["quick"] is True
    assert len(atlas["claims"]) == len(CLAIMS) >= 13
    for c in atlas["claims"]:
        assert c["verdict"] in ("holds robustly", "holds when", "does not hold")
        assert c["n"] == atlas["replications"] and len(c["ci"]) == 2
        assert isinstance(c["effect"], float) or c["effect"] is None
        r = c["robustness"]
        assert r["points"] == atlas["robustness_points"] and 0 <= r["share"] <= 1
        assert isinstance(r["deciding_parameters"], list) and isinstance(r["condition"], str)
        # the JSON's two arms differ in the changed parameter only
        scenario = load_scenario(c["scenario"]).parameters or {}
        a = Parameters.from_mapping({**scenario, **c["arms"]["a"]["parameters"]}).to_dict()
        b = Parameters.from_mapping({**scenario, **c["arms"]["b"]["parameters"]}).to_dict()
        diff = {k for k in a if a[k] != b[k]}
        assert diff == ({c["changed"]["parameter"]} if c["changed"]["kind"] == "parameter"
                        else set())
        for o in c["outcomes"]:
            assert {"name", "label", "claimed_direction", "effect", "ci", "n", "mean_a",
                    "mean_b"} <= set(o)
    # resumable: the same command again runs nothing and gives the same atlas
    assert main(["claims", "--quick", "--json", "-", "--out", str(tmp_path), "--workers", "1",
                 "--no-progress"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [c["robustness"] for c in again["claims"]] == [c["robustness"] for c in atlas["claims"]]
