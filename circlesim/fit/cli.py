"""``circlesim fit``: fit parameters to a community's daily history, forecast, compare levers.

A plugin of :mod:`circlesim.cli` (``register(subparsers)``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["register"]


def register(sub) -> None:
    from ..cli import non_negative_int, whole_number

    p = sub.add_parser(
        "fit", help="fit parameters to a group's daily history (ABC-SMC) and forecast it",
        description="Fit the listed parameters to DATA.csv (a 'day' column and daily output "
                    "columns such as joined, members, posts, replies) by approximate Bayesian "
                    "computation (pyabc ABC-SMC); write the posterior, a forecast with 50%% "
                    "and 90%% bands, goodness of fit, and what-if comparisons. "
                    "See docs/fitting.md.")
    p.add_argument("data", metavar="DATA.csv", help="daily history: 'day' and output columns")
    p.add_argument("--params", required=True, metavar="KEY,KEY,...",
                   help="parameters to fit (priors: their plausible ranges)")
    p.add_argument("--fit-days", type=whole_number(3), metavar="N",
                   help="fit the first N days only and hold out the rest to test the forecast "
                        "(default: fit every day)")
    p.add_argument("--horizon", type=non_negative_int, default=30, metavar="N",
                   help="forecast N days past the last day of the data (default: 30)")
    p.add_argument("--set", dest="assignments", action="append", default=[],
                   metavar="KEY=VALUE", help="fix a parameter (repeatable), e.g. "
                   "--set max_members=500 --set market_size=5000")
    p.add_argument("--scenario", default="baseline", metavar="NAME|FILE",
                   help="scenario the fixed parameters start from (default: baseline)")
    p.add_argument("--prior", action="append", default=[], metavar="KEY=LOW:HIGH",
                   help="another prior range for a fitted parameter (repeatable)")
    p.add_argument("--what-if", dest="what_if", action="append", default=[],
                   metavar="KEY=VALUE", help="compare the forecast with this lever changed "
                   "from the day after the data (repeatable: one arm each)")
    p.add_argument("--particles", type=whole_number(10), default=200, metavar="N",
                   help="ABC-SMC population size (default: 200)")
    p.add_argument("--generations", type=whole_number(1), default=8, metavar="N",
                   help="at most N ABC-SMC generations (default: 8)")
    p.add_argument("--max-minutes", type=float, default=8.0, metavar="M",
                   help="stop fitting when the next generation would likely end after M "
                        "minutes (default: 8); a rerun continues")
    p.add_argument("--draws", type=whole_number(10), default=100, metavar="N",
                   help="posterior draws for the forecast and each what-if arm (default: 100)")
    p.add_argument("--workers", type=whole_number(1), metavar="N",
                   help="local worker processes (default: one per core)")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://HOST:8786")
    p.add_argument("--out", default="fit-out", metavar="DIR",
                   help="output folder; a rerun with the same folder resumes (default: fit-out)")
    p.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                   help="random seed (default: 0)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(handler=_cmd_fit)


def _parse_one(item: str, flag: str):
    from ..errors import UsageError
    from ..parameters import parse_value

    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"{flag} {item!r}: expected KEY=VALUE")
    return key, parse_value(key, text)


def _cmd_fit(args: argparse.Namespace) -> int:
    from ..cli import parse_assignments, write_table
    from ..errors import UsageError, check_output_dir
    from ..parameters import Parameters, ParameterError
    from ..scenarios import load_scenario
    from ..sweep.executors import SCHEDULER_RE, default_workers, make_executor
    from . import report
    from .data import DataError, load_history
    from .inference import run_abc
    from .predict import check_lever, forecast, goodness_of_fit, what_if
    from .priors import make_priors, parse_prior
    from .simulate import Problem

    try:
        import pyabc  # noqa: F401
    except ModuleNotFoundError:
        raise UsageError("circlesim fit needs the pyabc package: pip install 'circlesim[fit]'"
                         ) from None
    # ---- check every input before any simulation
    try:
        history = load_history(args.data)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    keys = [k.strip() for k in args.params.split(",") if k.strip()]
    if not keys:
        raise UsageError("--params: give at least one parameter, e.g. --params "
                         "share_probability,post_rate")
    prior_ranges = dict(parse_prior(t) for t in args.prior)
    for key in prior_ranges:
        if key not in keys:
            raise UsageError(f"--prior {key}: not among --params")
    priors = make_priors(keys, prior_ranges)
    fixed = parse_assignments(args.assignments)
    for key in fixed:
        if key in keys:
            raise UsageError(f"--set {key}: it is fitted (--params); fix it or fit it, not both")
    scenario = load_scenario(args.scenario)
    notes = []
    if (history.first_day == 0 and "members" in history.columns
            and "initial_members" not in keys and "initial_members" not in fixed
            and history.frame["members"].iloc[0] == history.frame["members"].iloc[0]
            and history.frame["members"].iloc[0] >= 1):
        fixed["initial_members"] = int(history.frame["members"].iloc[0])
        notes.append(f"initial_members = {fixed['initial_members']} (members on day 0 of the "
                     f"data)")
    # every prior corner must be a valid parameter set together with the fixed values
    base = {**scenario.parameters, **fixed}
    for pr in priors:
        for value in (pr.low, pr.high):
            trial = {**base, pr.key: pr.to_value(pr.to_scale(value))}
            if "initial_members" in trial:
                cap = min(trial.get("max_members", 500), trial.get("market_size", 20_000))
                trial["initial_members"] = max(1, min(int(trial["initial_members"]), int(cap)))
            Parameters.from_mapping(trial)
    arms = []
    for item in args.what_if:
        key, value = _parse_one(item, "--what-if")
        check_lever(key)
        arms.append((f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}",
                     {key: value}))
    if args.scheduler and not SCHEDULER_RE.match(args.scheduler):
        raise UsageError(f"--scheduler {args.scheduler!r}: expected an address like "
                         f"tcp://HOST:PORT")
    if args.max_minutes <= 0:
        raise UsageError(f"--max-minutes {args.max_minutes:g}: must be more than 0")
    check_output_dir(args.out, "--out")
    out = Path(args.out)
    fitted, held = history.split(args.fit_days)
    if len(fitted.frame) < 3:
        raise UsageError(f"--fit-days {args.fit_days}: fewer than 3 days of data to fit")
    problem = Problem(fitted, priors, fixed=fixed, scenario=args.scenario)
    workers = args.workers or default_workers()
    progress = not args.quiet

    # ---- fit
    say = print
    say(f"circlesim fit: {history.source}: {len(history.frame)} days "
        f"({history.first_day}-{history.last_day}), columns {', '.join(history.columns)}")
    say(f"fitting {', '.join(keys)} to days {fitted.first_day}-{fitted.last_day} "
        f"({len(problem.plan)} summary statistics)"
        + (f"; holding out days {held.first_day}-{held.last_day}" if len(held.frame) else ""))
    for note in notes:
        say(f"  {note}")
    for pr in priors:
        say(f"  prior of {pr.key}: uniform{' in log10' if pr.log else ''} on {pr.low:g} to "
            f"{pr.high:g} ({pr.source})")
    t0 = time.monotonic()
    try:
        posterior = run_abc(problem, out, particles=args.particles, generations=args.generations,
                            max_minutes=args.max_minutes, workers=workers,
                            scheduler=args.scheduler, seed=args.seed, progress=progress)
    except ConnectionError as exc:
        raise UsageError(str(exc)) from None
    t_fit = time.monotonic() - t0
    state = json.loads((out / "fit-state.json").read_text())
    summary = posterior.summary()
    post_frame = posterior.frame.copy()
    write_table(post_frame, str(out / "posterior.parquet"))
    write_table(summary, str(out / "posterior-summary.csv"))
    say(f"posterior: {posterior.generations} generations, {posterior.simulations:,} simulations, "
        f"final epsilon {posterior.epsilon:.3g}, stopped on {state.get('stopped_because', '?')}"
        f" ({t_fit:.0f} s this run, {state.get('seconds', 0):.0f} s in all)")
    for line in report.posterior_lines(summary):
        say("  " + line)
    for line in posterior.at_prior_edge():
        say("  note: " + line)

    # ---- forecast and goodness of fit
    executor = make_executor(workers=workers, scheduler=args.scheduler)
    try:
        t1 = time.monotonic()
        fc = forecast(problem, posterior, history, horizon=args.horizon, draws=args.draws,
                      seed=args.seed, executor=executor, progress=progress)
        g = goodness_of_fit(fc, history, fitted.last_day)
        bands = fc.bands()
        obs = history.frame.melt(id_vars="day", var_name="column", value_name="observed")
        bands = bands.merge(obs, on=["day", "column"], how="left")
        write_table(bands, str(out / "forecast.parquet"))
        write_table(g.table, str(out / "goodness-of-fit.csv"))
        report.forecast_figure(fc, history, out / "forecast.png",
                               title=f"{Path(history.source).name}: fitted {', '.join(keys)}")
        say(f"forecast: {args.draws} posterior draws to day {fc.days} "
            f"({time.monotonic() - t1:.0f} s)")
        for line in report.gof_lines(g):
            say("  " + line)
        wi = None
        if arms:
            t2 = time.monotonic()
            wi = what_if(problem, fc, arms, executor=executor, progress=progress)
            write_table(wi.table, str(out / "what-if.csv"))
            report.what_if_figure(wi, out / "what-if.png")
            say(f"what-if ({time.monotonic() - t2:.0f} s):")
            for line in report.what_if_lines(wi):
                say("  " + line)
            if not g.describes:
                say("  (the fit does not describe these data: these comparisons inherit that)")
    finally:
        executor.close()
    files = ["posterior.parquet", "posterior-summary.csv", "forecast.parquet", "forecast.png",
             "goodness-of-fit.csv"] + (["what-if.csv", "what-if.png"] if arms else [])
    say(f"written to {out}/: {', '.join(files)} (checkpoint: fit.db)")
    return 0
