"""Command-line wiring for ``circlesim sweep``, ``circlesim report`` and ``circlesim compare``.

``register(subparsers)`` adds the three sub-commands to the main ``circlesim`` parser; each
sets ``handler`` (and ``func``) to a function ``handler(args) -> int`` (the exit status).
``main(argv)`` runs them standalone (``python -m circlesim.sweep ...``).

Exit status: 0 all good; 1 some runs failed (recorded in the manifest; rerun to retry);
2 bad input (one line on stderr naming the file or flag, the key and what is allowed);
130 interrupted (what finished is kept; rerun the same command to resume).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["handle_compare", "handle_report", "handle_sweep", "main", "register"]

from circlesim.errors import (
    EXIT_FAILED as EXIT_FAILED_RUNS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    check_output_dir,
    run_guarded,
    whole_number,
)

INTERRUPTED = "interrupted; finished runs are saved, rerun the same command to resume"


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """argparse errors become a :class:`UsageError` (one line, exit 2) instead of a usage dump."""

    def error(message: str):
        where = parser.prog.removeprefix("circlesim").strip()
        raise UsageError(f"{where}: {message}" if where else message)

    parser.error = error  # type: ignore[method-assign]
    return parser


def _add_run_options(p: argparse.ArgumentParser, *, default_workers_help: str) -> None:
    from .spec import MAX_REPLICATIONS, MAX_SEED, MAX_STEPS

    p.add_argument("--replications", "-r", type=whole_number(1, MAX_REPLICATIONS),
                   metavar="R", help="runs per scenario and grid point (default 1; compare: 10)")
    p.add_argument("--steps", "-n", type=whole_number(1, MAX_STEPS), metavar="N",
                   help="days per run (default 180); results have N+1 rows per run (day 0..N)")
    p.add_argument("--seed", type=whole_number(0, MAX_SEED), metavar="ROOT",
                   help="root seed; each run's seed derives from it and the run's identity "
                        "(default: the one in OUT/manifest.json, else fresh and recorded)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="fix a parameter for every run (repeatable)")
    p.add_argument("--out", "-o", metavar="DIR", help="results directory")
    p.add_argument("--workers", "-j", type=whole_number(1, 4096), metavar="N",
                   help=default_workers_help)
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask scheduler instead of local processes")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--memory-limit", default=None, metavar="SIZE",
                   help="refuse the sweep before it starts if any point's parameters are "
                        "estimated to need more memory per run, e.g. 2G or 500M "
                        "(default: half the available memory)")


def register(subparsers) -> None:
    """Add the sweep, report and compare sub-commands to ``subparsers``."""
    from .executors import default_workers

    workers_help = f"local worker processes (default: cores = {default_workers()})"

    sp = subparsers.add_parser(
        "sweep", help="run a parameter sweep or SALib design with replications",
        description="Run scenarios over a parameter grid or a SALib design, with replications, "
                    "into DIR (Parquet + manifest). Rerunning the same command resumes.")
    sp.add_argument("spec", nargs="?", metavar="SPEC.toml",
                    help="sweep spec file (flags override its values)")
    sp.add_argument("--scenario", "-s", action="append", default=[], metavar="NAME|FILE",
                    help="scenario preset or scenario file (repeatable; default baseline)")
    sp.add_argument("--grid", "-g", action="append", default=[], metavar="KEY=V1,V2,...",
                    help="sweep a parameter over values (repeatable: full factorial)")
    _add_run_options(sp, default_workers_help=workers_help)
    sp.add_argument("--design", metavar="sobol|morris", help="SALib design instead of a grid")
    sp.add_argument("--range", action="append", default=[], metavar="KEY=LOW:HIGH",
                    help="design range of a numeric parameter (repeatable, 2 or more)")
    sp.add_argument("--samples", type=whole_number(2, 2**20), metavar="N",
                    help="sobol: base samples N, a power of two (N*(D+2) rows); "
                         "morris: trajectories (N*(D+1) rows)")
    sp.add_argument("--second-order", action="store_true", default=None,
                    help="sobol: also second-order indices (N*(2D+2) rows)")
    sp.add_argument("--levels", type=whole_number(2, 100), metavar="L",
                    help="morris: grid levels (even; default 4)")
    sp.add_argument("--allow-code", action="store_true",
                    help="let SPEC.toml name an unregistered runner ('package.module:function'):"
                         " that runs code from the file; only for spec files you trust")
    sp.add_argument("--dry-run", action="store_true",
                    help="validate and print the plan, run nothing")
    sp.set_defaults(handler=handle_sweep, func=handle_sweep)
    _one_line_errors(sp)

    rp = subparsers.add_parser(
        "report", help="summary table and charts of a sweep's results",
        description="Print mean and 95%% CI of final members, engagement, unique reach and cost "
                    "per member per scenario / grid point, and write PNG charts to DIR/report/.")
    rp.add_argument("dir", metavar="DIR", help="results directory of a sweep")
    rp.add_argument("--no-charts", action="store_true", help="only the table")
    rp.add_argument("--charts-dir", metavar="PATH", help="where to write charts (DIR/report)")
    rp.set_defaults(handler=handle_report, func=handle_report)
    _one_line_errors(rp)

    cp = subparsers.add_parser(
        "compare", help="run two scenarios with replications and compare them",
        description="Run scenario A and scenario B with the same replications, then print the "
                    "summary, the difference B - A with a 95%% CI, and write charts.")
    cp.add_argument("a", metavar="SCENARIO_A")
    cp.add_argument("b", metavar="SCENARIO_B")
    _add_run_options(cp, default_workers_help=workers_help)
    cp.add_argument("--no-charts", action="store_true", help="only the tables")
    cp.set_defaults(handler=handle_compare, func=handle_compare)
    _one_line_errors(cp)


# ----------------------------------------------------------------------------- handlers


def _guard(prog: str, fn, args) -> int:
    """The package's one error path (:func:`circlesim.errors.run_guarded`)."""
    return run_guarded(lambda: fn(args), prog, interrupted=INTERRUPTED)


def build_spec(args):
    from .spec import apply_flags, load_spec

    spec_file = getattr(args, "spec", None)
    base = load_spec(spec_file, allow_code=getattr(args, "allow_code", False)) \
        if spec_file else None
    return apply_flags(
        base,
        scenarios=args.scenario or None,
        grid=args.grid or None,
        sets=args.set or None,
        replications=args.replications,
        steps=args.steps,
        seed=args.seed,
        out=args.out,
        design=args.design,
        ranges=args.range or None,
        samples=args.samples,
        second_order=args.second_order,
        levels=args.levels,
    )


def handle_sweep(args) -> int:
    return _guard("circlesim sweep", _sweep, args)


def _check_scheduler(args) -> None:
    from .executors import SCHEDULER_RE

    if args.scheduler is not None and not SCHEDULER_RE.match(args.scheduler):
        raise UsageError(f"--scheduler: expected an address like tcp://HOST:PORT, "
                         f"got {args.scheduler!r}"[:200], key="--scheduler")


def _sweep(args) -> int:
    from .engine import resolve_seed, run_sweep

    spec = build_spec(args)
    _check_scheduler(args)
    out = Path(spec.default_out())
    check_output_dir(out, "--out")
    if args.dry_run:
        spec = resolve_seed(spec, out)
        if spec.run_count() <= 20_000:
            n_runs = len(spec.plan())  # validates every run against the core
        else:
            from dataclasses import replace

            replace(spec, replications=1).plan()
            n_runs = spec.run_count()
        kind = (f"{spec.design.method} design, {spec.point_count()} rows" if spec.design
                else f"{spec.point_count()} grid point(s)")
        print(f"{n_runs} runs: {len(spec.scenarios)} scenario(s) x {kind} x "
              f"{spec.replications} replication(s), {spec.steps} days each, root seed {spec.seed}"
              f" -> {out}")
        return EXIT_OK
    spec = check_budget(spec, out, args.memory_limit)
    result = run_sweep(spec, out, workers=args.workers, scheduler=args.scheduler,
                       progress=not args.no_progress and sys.stderr.isatty())
    return _finish(result, out)


def check_budget(spec, out: Path, memory_limit: str | None):
    """Resolve the root seed and check every point's memory estimate before any run starts.

    Returns the spec with its seed fixed (so the checked plan is the one that runs)."""
    from .engine import resolve_seed

    spec = resolve_seed(spec, out)
    try:
        from circlesim.budget import MemoryBudgetError, check_memory, parse_size
    except ImportError:  # pragma: no cover - an engine without budgets
        return spec
    from circlesim.parameters import Parameters
    from circlesim.scenarios import load_scenario

    limit = None if memory_limit is None else parse_size(memory_limit)
    scenarios: dict = {}
    seen: set = set()
    for run in spec.plan():
        key = (run.scenario, run.point)
        if key in seen:
            continue
        seen.add(key)
        if run.scenario_ref not in scenarios:
            scenarios[run.scenario_ref] = load_scenario(run.scenario_ref).parameters
        params = Parameters.from_mapping({**scenarios[run.scenario_ref], **run.overrides})
        try:
            check_memory(params, limit)
        except MemoryBudgetError as err:
            raise MemoryBudgetError(err.key, f"scenario {run.scenario!r}, point {run.point}: "
                                             f"{' '.join(str(err).split())}") from None
    return spec


def _finish(result, out: Path) -> int:
    print(f"{result.done}/{result.planned} runs done ({result.executed} executed now, "
          f"{result.skipped} reused), {result.failed} failed, {result.seconds:.1f} s "
          f"-> {out}/runs.parquet")
    if result.analysis is not None:
        from .report import sensitivity_text

        text = sensitivity_text(out)
        if text:
            print(text)
    if result.failed:
        for rid, err in list(result.failures.items())[:5]:
            print(f"  failed {rid}: {err}", file=sys.stderr)
        if result.failed > 5:
            print(f"  ... and {result.failed - 5} more (see {out}/manifest.json)", file=sys.stderr)
        print("rerun the same command to retry the failed runs", file=sys.stderr)
        return EXIT_FAILED_RUNS
    return EXIT_OK


def handle_report(args) -> int:
    return _guard("circlesim report", _report, args)


def _report(args) -> int:
    from .report import make_report, sensitivity_text

    if args.charts_dir:
        check_output_dir(args.charts_dir, "--charts-dir")
    rep = make_report(args.dir, charts=not args.no_charts,
                      out=Path(args.charts_dir) if args.charts_dir else None)
    print(rep["text"])
    text = sensitivity_text(args.dir)
    if text:
        print(text)
    if rep["failed"]:
        print(f"{len(rep['failed'])} run(s) failed; rerun the sweep to retry them")
    if rep["pending"]:
        print(f"{len(rep['pending'])} run(s) not finished; rerun the sweep to complete them")
    for f in rep["files"]:
        print(f"wrote {f}")
    return EXIT_OK


def handle_compare(args) -> int:
    return _guard("circlesim compare", _compare, args)


def _compare(args) -> int:
    from .engine import run_sweep
    from .report import compare_table, make_report
    from .spec import apply_flags

    def label(s: str) -> str:
        return "".join(c if (c.isalnum() or c in "-_.") else "_" for c in Path(s).stem)[:60]

    if args.out is None:
        args.out = str(Path("results") / f"compare-{label(args.a)}-vs-{label(args.b)}")
    spec = apply_flags(None, scenarios=[args.a, args.b], sets=args.set or None,
                       replications=args.replications or 10, steps=args.steps, seed=args.seed,
                       out=args.out)
    _check_scheduler(args)
    out = Path(spec.default_out())
    check_output_dir(out, "--out")
    spec = check_budget(spec, out, args.memory_limit)
    result = run_sweep(spec, out, workers=args.workers, scheduler=args.scheduler,
                       progress=not args.no_progress and sys.stderr.isatty())
    status = _finish(result, out)
    if result.done == 0:
        return status
    rep = make_report(out, charts=not args.no_charts)
    print(rep["text"])
    names = [r for r in rep["table"]["scenario"].drop_duplicates()]
    if len(names) == 2:
        print(compare_table(out, names[0], names[1]))
    for f in rep["files"]:
        print(f"wrote {f}")
    return status


# ----------------------------------------------------------------------------- standalone


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="circlesim")
    _one_line_errors(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register(sub)
    return _one_line_errors(parser)


def main(argv: list[str] | None = None) -> int:
    def command() -> int:
        args = build_parser().parse_args(argv)
        return args.handler(args)

    try:
        return run_guarded(command, "circlesim", interrupted=INTERRUPTED)
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
