"""Core speed and memory: circlesim member-steps per second vs Mesa's VirusOnNetwork.

Runs each case in a fresh subprocess (so peak memory is that case's alone), several times,
and reports medians. Prints a table and writes ``benchmarks/results/bench_core.json``.

    .venv/bin/python benchmarks/bench_core.py                 # 1k and 10k members, 365 days
    .venv/bin/python benchmarks/bench_core.py --sizes 1000 --repeats 1 --days 60   # quick

Targets (issue 2): >= 7M member-steps/s at 10k members and >= 20x Mesa's example.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _circlesim_case(size: int, days: int) -> dict:
    from circlesim import CommunityModel

    t0 = time.perf_counter()
    # a group held at its cap in a market ten times its size, with a broad niche so that
    # joiners keep replacing leavers for the whole year (all mechanisms on, defaults otherwise)
    model = CommunityModel(rng=1, initial_members=size, max_members=size,
                           market_size=max(20_000, 10 * size), niche_width=0.3)
    t1 = time.perf_counter()
    model.run(days)
    t2 = time.perf_counter()
    frame = model.to_frame()
    member_steps = int(frame["members"].iloc[1:].sum())
    return {"init_s": t1 - t0, "run_s": t2 - t1, "agent_steps": member_steps,
            "mean_members": member_steps / days}


def _mesa_case(size: int, days: int) -> dict:
    from mesa.examples import VirusOnNetwork

    t0 = time.perf_counter()
    model = VirusOnNetwork(num_nodes=size, rng=1)
    t1 = time.perf_counter()
    for _ in range(days):
        model.step()
    t2 = time.perf_counter()
    return {"init_s": t1 - t0, "run_s": t2 - t1, "agent_steps": size * days,
            "mean_members": size}


def _child(kind: str, size: int, days: int) -> None:
    import resource

    case = _circlesim_case if kind == "circlesim" else _mesa_case
    result = case(size, days)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run_child(kind: str, size: int, days: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(size), str(days)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mesa-repeats", type=int, default=1,
                        help="repeats of Mesa's example (its O(N^2) graph set-up is slow)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, size, days = args.child
        _child(kind, int(size), int(days))
        return

    rows = []
    for size in args.sizes:
        for kind, repeats in (("circlesim", args.repeats), ("mesa VirusOnNetwork", args.mesa_repeats)):
            runs = []
            for i in range(repeats):
                print(f"  {kind} {size:,} x {args.days} days, run {i + 1}/{repeats}",
                      file=sys.stderr, flush=True)
                runs.append(_run_child("circlesim" if kind == "circlesim" else "mesa", size,
                                       args.days))
            rates = [r["agent_steps"] / r["run_s"] for r in runs]
            rows.append({
                "model": kind, "size": size, "days": args.days, "repeats": repeats,
                "mean_members": statistics.median(r["mean_members"] for r in runs),
                "init_s_median": statistics.median(r["init_s"] for r in runs),
                "run_s_median": statistics.median(r["run_s"] for r in runs),
                "agent_steps_per_s_median": statistics.median(rates),
                "peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
            })
    for size in args.sizes:
        ours = next(r for r in rows if r["size"] == size and r["model"] == "circlesim")
        theirs = next(r for r in rows if r["size"] == size and r["model"] != "circlesim")
        ours["ratio_vs_mesa_example"] = (ours["agent_steps_per_s_median"]
                                         / theirs["agent_steps_per_s_median"])

    header = (f"{'model':<22}{'size':>8}{'members':>9}{'init s':>9}{'run s':>9}"
              f"{'M agent-steps/s':>17}{'peak MB':>9}{'x Mesa':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = r.get("ratio_vs_mesa_example")
        print(f"{r['model']:<22}{r['size']:>8,}{r['mean_members']:>9,.0f}{r['init_s_median']:>9.2f}"
              f"{r['run_s_median']:>9.2f}{r['agent_steps_per_s_median'] / 1e6:>17.2f}"
              f"{r['peak_rss_mb_max']:>9.0f}{'' if ratio is None else f'{ratio:>8.1f}'}")
    RESULTS.mkdir(exist_ok=True)
    payload = {"benchmark": "core", "python": platform.python_version(),
               "machine": platform.machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
               "rows": rows}
    (RESULTS / "bench_core.json").write_text(json.dumps(payload, indent=2))
    print(f"written {RESULTS / 'bench_core.json'}")


if __name__ == "__main__":
    main()
