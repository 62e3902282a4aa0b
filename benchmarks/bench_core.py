"""Core speed and memory, side by side with Mesa's VirusOnNetwork in one run.

Each comparison runs in a fresh subprocess, after one untimed warm-up run of each case in
that process (imports, and loading the compiled rules from numba's disk cache, are not what a
sweep of thousands of runs pays per run). The two sides of a ratio run side by side: in every
round, each seed of one case, then the same seed of the other, so that a change in the load
of this shared machine falls on both. Times are process CPU seconds and wall seconds; a
case's time is the median over seeds of each seed's fastest round (the median of every run is
in the JSON too, and printed for the first ratio); ratios use CPU time. Prints a table and
writes ``benchmarks/results/bench_core.json``.

    .venv/bin/python benchmarks/bench_core.py            # everything, 5 seeds x 5 rounds
    .venv/bin/python benchmarks/bench_core.py --quick    # fewer repeats, shorter year

Targets: a baseline run (set-up + 180 days) >= 10x faster than
VirusOnNetwork at 500 nodes (set-up + 180 steps, ``layout=None``); 10,000 members held at the
cap >= 7M member-steps/s and >= 20x VirusOnNetwork at 2,000 nodes; <= 2 KB per member; a
100,000-member run works; a baseline with a 10^8-person market under 2 GB peak RSS in about
the time of a 20,000-person one; the first ``circlesim run`` with an empty numba cache in
under 10 s (its result: the run goes uncompiled while the engine compiles in the background;
the time until that compile is done is measured too). ``bench_floor.py`` measures what the
10k-at-cap case's own work costs with nothing else: the floor under any engine of this model.
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

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _rss_bytes() -> int:
    return _status_bytes("VmRSS")


def _peak_bytes() -> int:
    """This process's peak RSS (VmHWM). Not ``ru_maxrss``: Linux carries the parent's maximum
    over fork+exec, so a child of a large process would report the parent's size."""
    return _status_bytes("VmHWM")


def _timed(fn) -> tuple[float, float, object]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.process_time() - c, time.perf_counter() - w, out


def _virus(nodes: int, days: int, seed: int):
    import functools

    import mesa.examples.basic.virus_on_network.model as virus
    from mesa.discrete_space import Network

    virus.Network = functools.partial(Network, layout=None)  # no spring layout
    model = virus.VirusOnNetwork(num_nodes=nodes, rng=seed)
    for _ in range(days):
        model.step()
    return model


def _agent_steps(model, days: int) -> int:
    """Agent-steps of a finished run (counted after the timer stops): for VirusOnNetwork its
    nodes times the days, for circlesim the members summed over the days (from the daily
    record, not a pandas table: building one is not part of a run)."""
    from circlesim import CommunityModel
    from circlesim.outputs import OUTPUT_COLUMNS

    if isinstance(model, CommunityModel):
        return int(model.daily_array()[1:, list(OUTPUT_COLUMNS).index("members")].sum())
    return len(model.agents) * days


def _baseline(days: int, seed: int, **kw):
    from circlesim import CommunityModel

    model = CommunityModel(rng=seed, **kw)
    model.run(days)
    return model


def _at_cap(size: int, days: int, seed: int):
    from circlesim import CommunityModel

    # a group held at its cap: a broad niche and a market a hundred times its size, so that
    # joiners keep replacing leavers all year (in a market ten times its size, the niche ran
    # out of newcomers and 10,000 members fell to about 1,800 by day 365); all mechanisms on,
    # defaults otherwise
    model = CommunityModel(rng=seed, initial_members=size, max_members=size,
                           market_size=max(20_000, 100 * size), niche_width=0.3)
    model.run(days)
    return model


def _case(case: str, arg: int, days: int):
    return {"virus": lambda s: _virus(arg, days, s),
            "baseline": lambda s: _baseline(days, s, market_size=arg),
            "at_cap": lambda s: _at_cap(arg, days, s)}[case]


def _child(specs: list, seeds: int, rounds: int) -> list[dict]:
    """Time the cases of ``specs`` ([case, arg, days] each) side by side in this process: every
    round runs every seed of every case in turn, so a change in the machine's load falls on
    all of them alike."""
    fns = [_case(case, int(arg), int(days)) for case, arg, days in specs]
    before = _rss_bytes()
    for fn in fns:
        fn(1000)  # warm-up: imports done, compiled rules loaded from the disk cache
    runs: list[list[list[dict]]] = [[[] for _ in range(seeds)] for _ in fns]
    for _ in range(rounds):
        for seed in range(seeds):
            for i, fn in enumerate(fns):
                cpu, wall, model = _timed(lambda: fn(seed))
                runs[i][seed].append({"cpu_s": cpu, "wall_s": wall,
                                      "agent_steps": _agent_steps(model, specs[i][2])})
                del model
    peak = _peak_bytes()
    return [{"runs": r, "peak_rss_bytes": peak, "rss_before_bytes": before} for r in runs]


def _run_child(specs: list, seeds: int, rounds: int) -> list[dict]:
    """The cases of ``specs`` side by side in a fresh process. For each case: ``cpu_s``, the
    median over seeds of each seed's fastest round (a run is slowed, never sped up, by other
    work on a shared machine), ``cpu_s_all_median``, the median of every run, and the rate
    ``agent_steps_per_cpu_s`` (median over seeds, fastest round)."""
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(specs), str(seeds),
                          str(rounds)], capture_output=True, text=True, check=True)
    results = json.loads(out.stdout.strip().splitlines()[-1])
    for (_, _, days), result in zip(specs, results):
        fastest = [min(seed_runs, key=lambda r: r["cpu_s"]) for seed_runs in result["runs"]]
        every = [r for seed_runs in result["runs"] for r in seed_runs]
        result.update(
            cpu_s=statistics.median(r["cpu_s"] for r in fastest),
            wall_s=statistics.median(r["wall_s"] for r in fastest),
            cpu_s_all_median=statistics.median(r["cpu_s"] for r in every),
            agent_steps_per_cpu_s=statistics.median(r["agent_steps"] / r["cpu_s"]
                                                    for r in fastest),
            mean_agents=statistics.median(r["agent_steps"] for r in fastest) / days,
        )
    return results


def _member_bytes(size: int) -> dict:
    code = f"""
import json, resource
from circlesim import CommunityModel
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'): return int(line.split()[1]) * 1024
CommunityModel(rng=0).run(3)
before = rss()
m = CommunityModel(rng=1, initial_members={size}, max_members={size}, market_size={10 * size},
                   niche_width=0.3)
m.run(10)
print(json.dumps({{"members": m.member_count, "bytes": rss() - before}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["bytes_per_member"] = got["bytes"] / got["members"]
    return got


def _start_seconds() -> dict:
    """Cold and warm start of ``circlesim run`` (baseline, 180 days) in a fresh process.

    Cold: an empty numba cache (``NUMBA_CACHE_DIR`` a new temporary folder), as on a fresh
    clone before ``scripts/setup``'s warm-up. The command's wall time is the wait for the first
    result: the run goes uncompiled while the engine compiles in the background (a detached
    ``python -m circlesim.warmup``), so the compile is measured apart, from the command's start
    to the warm-up's stamp. Warm: the same command once the cache is warm."""
    import os
    import resource
    import tempfile

    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for name in ("cold", "warm"):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = time.perf_counter()
            subprocess.run([sys.executable, "-m", "circlesim", "run", "--quiet"], env=env,
                           check=True, capture_output=True)
            done = time.perf_counter()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            out[f"{name}_start_wall_s"] = done - wall
            out[f"{name}_start_cpu_s"] = (after.ru_utime - before.ru_utime
                                          + after.ru_stime - before.ru_stime)
            if name == "cold":  # the background compile (its CPU is not a child's of ours)
                subprocess.run([sys.executable, "-c", "import sys; from circlesim.warmup "
                                "import wait_until_warm; sys.exit(not wait_until_warm(1800))"],
                               env=env, check=True)
                out["compile_background_wall_s"] = time.perf_counter() - wall
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cap-days", type=int, default=365)
    parser.add_argument("--quick", action="store_true", help="3 repeats, 120 days at the cap")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of every seed, side by side (each seed's fastest counts)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        specs, seeds, rounds = args.child
        print(json.dumps(_child(json.loads(specs), int(seeds), int(rounds))))
        return
    repeats = 3 if args.quick else args.repeats
    rounds = 2 if args.quick else args.rounds
    cap_days = 120 if args.quick else args.cap_days

    def say(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    rows: dict[str, dict] = {}
    say("baseline preset (20,000-person market, set-up + 180 days) and VirusOnNetwork 500 "
        "nodes (set-up + 180 steps), side by side")
    rows["baseline"], rows["virus_500"] = _run_child(
        [["baseline", 20_000, 180], ["virus", 500, 180]], repeats, rounds)
    say(f"10,000 members at the cap and VirusOnNetwork 2,000 nodes, {cap_days} days, "
        "side by side")
    rows["cap_10000"], rows["virus_2000"] = _run_child(
        [["at_cap", 10_000, cap_days], ["virus", 2_000, cap_days]], max(1, repeats // 2),
        rounds)
    say("baseline preset, 10^8-person market, side by side with a 20,000-person one")
    rows["baseline_20k_beside_1e8"], rows["baseline_1e8"] = _run_child(
        [["baseline", 20_000, 180], ["baseline", 100_000_000, 180]], repeats, rounds)
    say("100,000 members (memory per member)")
    member = _member_bytes(100_000)
    say("cold start (empty numba cache) and warm start of `circlesim run`")
    start = _start_seconds()

    ratio_small = rows["virus_500"]["cpu_s"] / rows["baseline"]["cpu_s"]
    rate = rows["cap_10000"]["agent_steps_per_cpu_s"]
    ratio_cap = rate / rows["virus_2000"]["agent_steps_per_cpu_s"]
    big = rows["baseline_1e8"]
    summary = {
        "baseline_run_cpu_s": rows["baseline"]["cpu_s"],
        "virus500_run_cpu_s": rows["virus_500"]["cpu_s"],
        "ratio_baseline_vs_virus500": ratio_small,
        "ratio_baseline_vs_virus500_all_runs_median": (rows["virus_500"]["cpu_s_all_median"]
                                                       / rows["baseline"]["cpu_s_all_median"]),
        "cap10000_member_steps_per_s": rate,
        "ratio_cap10000_vs_virus2000": ratio_cap,
        "bytes_per_member_100k": member["bytes_per_member"],
        "members_100k_run": member["members"],
        "market_1e8_peak_rss_bytes": big["peak_rss_bytes"],
        "market_1e8_run_cpu_s": big["cpu_s"],
        "market_1e8_time_vs_20k": big["cpu_s"] / rows["baseline_20k_beside_1e8"]["cpu_s"],
        **start,
        "targets": {
            "ratio_baseline_vs_virus500": 10, "cap10000_member_steps_per_s": 7e6,
            "ratio_cap10000_vs_virus2000": 20, "bytes_per_member_100k": 2048,
            "market_1e8_peak_rss_bytes": 2 * 2**30, "cold_start_wall_s": 10,
        },
    }
    print(f"{'case':<34}{'cpu s':>9}{'wall s':>9}{'agent-steps/cpu s':>19}{'peak MB':>9}")
    for name, r in rows.items():
        print(f"{name:<34}{r['cpu_s']:>9.3f}{r['wall_s']:>9.3f}"
              f"{r['agent_steps_per_cpu_s']:>19,.0f}{r['peak_rss_bytes'] / 2**20:>9.0f}")
    print(f"baseline vs VirusOnNetwork(500):      {ratio_small:6.1f}x  (target >= 10x; "
          f"{summary['ratio_baseline_vs_virus500_all_runs_median']:.1f}x on the median of "
          "every run)")
    print(f"10k at cap:                           {rate / 1e6:6.2f}M member-steps/s (target >= 7M; "
          f"{rows['cap_10000']['mean_agents']:,.0f} members on average)")
    print(f"10k at cap vs VirusOnNetwork(2000):   {ratio_cap:6.1f}x  (target >= 20x)")
    print(f"memory per member (100k members):     {member['bytes_per_member']:6.0f} B (target <= 2048)")
    print(f"10^8 market: peak RSS {big['peak_rss_bytes'] / 2**20:.0f} MB, "
          f"{big['cpu_s']:.3f} s = {summary['market_1e8_time_vs_20k']:.2f}x a 20k market")
    print(f"cold start (empty numba cache):       {start['cold_start_wall_s']:6.1f} s wall to "
          f"the first result, run uncompiled (target < 10 s); the compile, in the background, "
          f"done after {start['compile_background_wall_s']:.1f} s; warm start "
          f"{start['warm_start_wall_s']:.1f} s")
    RESULTS.mkdir(exist_ok=True)
    payload = {"benchmark": "core", "python": platform.python_version(),
               "machine": platform.machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
               "repeats": repeats, "rounds": rounds, "summary": summary, "rows": rows,
               "members_100k": member}
    (RESULTS / "bench_core.json").write_text(json.dumps(payload, indent=2))
    print(f"written {RESULTS / 'bench_core.json'}")


if __name__ == "__main__":
    main()
