"""Benchmark of ``circlesim sweep`` against the ideal and against Mesa's ``batch_run``.

    python benchmarks/bench_sweep.py                 # 1,000 runs of baseline, 180 days, 2 cores
    python benchmarks/bench_sweep.py --runs 100      # quicker look
    python benchmarks/bench_sweep.py --skip-batch-run

Measures, on this machine:
1. single-run time: the mean wall time of one baseline run of STEPS days in this process;
2. the sweep (``run_sweep``: local process pool, Parquet parts, manifest): wall time against
   the ideal ``single-run time x RUNS / cores`` (issues 3 and 9 ask for at most 1.2x), and the
   memory of the sweep's processes sampled as runs complete (it should stay flat as runs grow);
   then where the overhead goes, in CPU seconds, which other work on the machine skews much
   less than wall time: the runs' own CPU (measured run by run where they ran: in the workers,
   or in the sweep process while the pool starts) against the CPU of every process of the
   sweep (the forkserver importing the model once, the workers, the sweep process collecting
   and writing Parquet); the wall time before the first run finishes and after the last;
3. the same runs through ``mesa.batch_run`` (same seeds, same rows kept) for the ratio.

Prints a table and writes ``benchmarks/results/bench_sweep-<time>.json`` (git-ignored). Other
work on the machine skews every number: the load average before and after is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from circlesim import CommunityModel

HERE = Path(__file__).resolve().parent


class _Collector:
    """Just enough of a Mesa DataCollector for ``batch_run`` to read the model's daily rows."""

    def __init__(self, model):
        self.model = model
        self._agent_records: dict = {}
        self._agenttype_records: dict = {}
        self.agent_reporters: dict = {}
        self.agenttype_reporters: dict = {}

    @property
    def _collection_steps(self):
        return list(range(len(self.model._rows)))

    @property
    def model_vars(self):
        rows = self.model._rows
        return {k: [r[k] for r in rows] for k in rows[0]} if rows else {}


class BatchModel(CommunityModel):
    """CommunityModel as ``batch_run`` reads it: a DataCollector-like ``datacollector``."""

    @property
    def datacollector(self):
        return _Collector(self)


# ------------------------------------------------------------------------------ memory


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss_mb(cpu: dict | None = None) -> tuple[float, float]:
    """(this process, this process + all descendants) resident memory in MB.

    If ``cpu`` is given, it is updated with the CPU seconds each descendant has used so far.
    """
    me = os.getpid()
    total, stack, seen = 0.0, [me], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_mb(pid)
        if cpu is not None and pid != me:
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_s(pid))
        stack += _children(pid)
    return _rss_mb(me), total


class Sampler(threading.Thread):
    def __init__(self, progress, interval=0.2):
        super().__init__(daemon=True)
        self.progress = progress  # callable -> runs completed so far
        self.interval = interval
        self.samples: list[tuple[float, int, float, float]] = []
        self._stop_event = threading.Event()
        self.t0 = time.perf_counter()
        self.cpu: dict[int, float] = {}  # CPU seconds of each child process (last seen)
        self.cpu0 = time.process_time()

    def run(self):
        while not self._stop_event.is_set():
            parent, total = tree_rss_mb(self.cpu)
            self.samples.append((time.perf_counter() - self.t0, self.progress(), parent, total))
            self._stop_event.wait(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()
        self.parent_cpu_s = time.process_time() - self.cpu0
        self.children_cpu_s = sum(self.cpu.values())

    def by_fraction(self, runs: int) -> list[dict]:
        out = []
        for frac in (0.1, 0.25, 0.5, 0.75, 1.0):
            target = frac * runs
            hits = [s for s in self.samples if s[1] >= target] or self.samples[-1:]
            if hits:
                _, n, parent, total = hits[0]
                out.append({"fraction": frac, "runs_done": n, "parent_mb": round(parent, 1),
                            "all_processes_mb": round(total, 1)})
        return out

    def slope_mb_per_100_runs(self, column: int) -> float:
        pts = [(s[1], s[column]) for s in self.samples if s[1] > 0]
        half = [p for p in pts if p[0] >= max(x for x, _ in pts) / 2] if pts else []
        if len(half) < 3 or len({x for x, _ in half}) < 2:
            return float("nan")
        xs, ys = zip(*half)
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        return 100 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


# ------------------------------------------------------------------------------ parts


def single_run_time(steps: int, repeats: int) -> dict:
    CommunityModel(rng=0).run(5)  # warm imports and caches
    times, cpu = [], []
    for i in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        m = CommunityModel(scenario="baseline", rng=10_000 + i)
        m.run(steps)
        m.to_frame()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"mean_s": statistics.fmean(times), "median_s": statistics.median(times),
            "min_s": min(times), "cpu_mean_s": statistics.fmean(cpu), "repeats": repeats}


def bench_sweep(runs: int, steps: int, workers: int) -> dict:
    from circlesim.sweep import apply_flags, load_results, run_sweep

    done = {"n": 0, "cpu": 0.0, "seconds": 0.0, "first": None, "last": None}
    spec = apply_flags(None, scenarios=["baseline"], replications=runs, steps=steps, seed=1)

    def on_result(ev: dict) -> None:
        now = time.perf_counter()
        done["n"] = ev["executed"]
        done["cpu"] += ev.get("cpu", 0.0)
        done["seconds"] += ev.get("seconds", 0.0)
        done["first"] = done["first"] or now
        done["last"] = now

    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        sampler = Sampler(lambda: done["n"])
        sampler.start()
        t = time.perf_counter()
        result = run_sweep(spec, Path(tmp) / "out", workers=workers, progress=False,
                           on_result=on_result, log=lambda m: None)
        wall = time.perf_counter() - t
        sampler.stop()
        rows = len(load_results(Path(tmp) / "out", columns=["members"]))
        size = (Path(tmp) / "out" / "runs.parquet").stat().st_size
    return {
        "wall_s": wall, "done": result.done, "failed": result.failed, "rows": rows,
        "parquet_mb": round(size / 2**20, 2),
        "memory": sampler.by_fraction(runs),
        "peak_parent_mb": round(max(s[2] for s in sampler.samples), 1),
        "peak_all_processes_mb": round(max(s[3] for s in sampler.samples), 1),
        "parent_slope_mb_per_100_runs": round(sampler.slope_mb_per_100_runs(2), 2),
        "parent_cpu_s": round(sampler.parent_cpu_s, 2),
        "workers_cpu_s": round(sampler.children_cpu_s, 2),
        "runs_cpu_in_workers_s": round(done["cpu"], 2),  # or in the sweep process
        "runs_wall_in_workers_s": round(done["seconds"], 2),
        "first_result_s": round(done["first"] - t, 2) if done["first"] else None,
        "after_last_result_s": round(t + wall - done["last"], 2) if done["last"] else None,
    }


def bench_batch_run(runs: int, steps: int, workers: int) -> dict:
    import mesa

    done = {"n": 0}
    sampler = Sampler(lambda: done["n"])
    sampler.start()
    t = time.perf_counter()
    results = mesa.batch_run(BatchModel, parameters={"scenario": "baseline"},
                             rng=list(range(runs)), number_processes=workers,
                             max_steps=steps, data_collection_period=1,
                             display_progress=False)
    wall = time.perf_counter() - t
    done["n"] = runs
    time.sleep(0.6)
    sampler.stop()
    out = {"wall_s": wall, "rows": len(results),
           "parent_cpu_s": round(sampler.parent_cpu_s, 2),
           "workers_cpu_s": round(sampler.children_cpu_s, 2),
           "peak_parent_mb": round(max(s[2] for s in sampler.samples), 1),
           "peak_all_processes_mb": round(max(s[3] for s in sampler.samples), 1),
           "parent_mb_at_end": round(sampler.samples[-1][2], 1)}
    del results
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=180)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--single-repeats", type=int, default=10)
    ap.add_argument("--skip-batch-run", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results"))
    args = ap.parse_args(argv)

    load_before = os.getloadavg()
    single = single_run_time(args.steps, args.single_repeats)
    ideal = single["mean_s"] * args.runs / args.workers
    print(f"single run ({args.steps} days): {single['mean_s']:.3f} s mean, "
          f"ideal for {args.runs} runs on {args.workers} cores: {ideal:.1f} s", flush=True)
    ours = bench_sweep(args.runs, args.steps, args.workers)
    print(f"circlesim sweep: {ours['wall_s']:.1f} s", flush=True)
    single_after = single_run_time(args.steps, args.single_repeats)
    batch = None
    if not args.skip_batch_run:
        batch = bench_batch_run(args.runs, args.steps, args.workers)
        print(f"mesa batch_run: {batch['wall_s']:.1f} s", flush=True)
    load_after = os.getloadavg()

    t1 = statistics.fmean([single["mean_s"], single_after["mean_s"]])
    c1 = statistics.fmean([single["cpu_mean_s"], single_after["cpu_mean_s"]])
    ideal = t1 * args.runs / args.workers
    # CPU view (robust to other load on the machine): everything the sweep burned, over the
    # CPU the runs themselves need
    sweep_cpu = ours["parent_cpu_s"] + ours["workers_cpu_s"]
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "runs": args.runs, "steps": args.steps, "workers": args.workers,
        "cpu_count": os.cpu_count(), "python": sys.version.split()[0],
        "load_average_before": load_before, "load_average_after": load_after,
        "single_run_before": single, "single_run_after": single_after,
        "single_run_s": t1, "ideal_s": ideal,
        "single_run_cpu_s": c1,
        "sweep": ours, "sweep_over_ideal": ours["wall_s"] / ideal,
        "sweep_cpu_over_runs_cpu": sweep_cpu / (c1 * args.runs),
        "sweep_worker_utilisation": ours["workers_cpu_s"] / (ours["wall_s"] * args.workers),
        "overhead_cpu_ms_per_run": 1000 * (sweep_cpu - ours["runs_cpu_in_workers_s"]) / args.runs,
        "sweep_cpu_over_runs_cpu_in_workers": (sweep_cpu / ours["runs_cpu_in_workers_s"]
                                               if ours["runs_cpu_in_workers_s"] else float("nan")),
        "batch_run": batch,
        "batch_run_over_sweep": (batch["wall_s"] / ours["wall_s"]) if batch else None,
    }
    rows = [
        ("single run (mean of before/after)", f"{t1:.3f} s"),
        (f"ideal = single x {args.runs} / {args.workers}", f"{ideal:.1f} s"),
        ("circlesim sweep wall", f"{ours['wall_s']:.1f} s"),
        ("sweep / ideal (target <= 1.2)", f"{report['sweep_over_ideal']:.2f}"),
        ("sweep CPU (all processes) / (single CPU x runs)",
         f"{report['sweep_cpu_over_runs_cpu']:.2f}  ({sweep_cpu:.0f} s / {c1 * args.runs:.0f} s)"),
        ("sweep CPU (all processes) / the runs' own CPU",
         f"{report['sweep_cpu_over_runs_cpu_in_workers']:.2f}  ({sweep_cpu:.1f} s / "
         f"{ours['runs_cpu_in_workers_s']:.1f} s; sweep process {ours['parent_cpu_s']:.1f} s, "
         f"forkserver + workers {ours['workers_cpu_s']:.1f} s)"),
        ("  overhead CPU per run (all processes, start-up included)",
         f"{report['overhead_cpu_ms_per_run']:.2f} ms"),
        ("  wall before the first result / after the last",
         f"{ours['first_result_s']} s / {ours['after_last_result_s']} s"),
        ("sweep workers' CPU share of wall x workers",
         f"{ours['workers_cpu_s'] / (ours['wall_s'] * args.workers):.0%} (below 100%: the "
         + "cores were shared with other work)"),
        ("sweep rows / Parquet size", f"{ours['rows']:,} / {ours['parquet_mb']} MB"),
        ("sweep parent RSS at 10/50/100% runs",
         " / ".join(f"{m['parent_mb']:.0f}" for m in ours["memory"]
                    if m["fraction"] in (0.1, 0.5, 1.0)) + " MB"),
        ("sweep parent RSS slope (2nd half)", f"{ours['parent_slope_mb_per_100_runs']} MB/100 runs"),
        ("sweep peak RSS, all processes", f"{ours['peak_all_processes_mb']:.0f} MB"),
    ]
    if batch:
        rows += [
            ("mesa batch_run wall", f"{batch['wall_s']:.1f} s"),
            ("batch_run / sweep", f"{report['batch_run_over_sweep']:.2f}"),
            ("batch_run peak RSS parent / all",
             f"{batch['peak_parent_mb']:.0f} / {batch['peak_all_processes_mb']:.0f} MB"),
        ]
    rows.append(("load average before / after",
                 f"{load_before[0]:.2f} / {load_after[0]:.2f} (2 cores; >2 = other work)"))
    width = max(len(r[0]) for r in rows)
    print()
    for k, v in rows:
        print(f"{k.ljust(width)}  {v}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench_sweep-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
