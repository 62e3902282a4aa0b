"""The ``circlesim`` command line: a thin layer over the public API.

Bad input never shows a traceback: it prints one line naming the key and its allowed values
on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import signal
import subprocess
import sys
import time
from typing import Any, Sequence

from . import errors
from .errors import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    MAX_SEED,
    MAX_STEPS,
    UsageError,
    atomic_write,
    check_distinct,
    check_output_file,
)

__all__ = ["main", "UsageError", "whole_number", "non_negative_int", "parse_assignments",
           "write_table", "EXIT_USAGE", "EXIT_INTERRUPTED"]


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (no usage block) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.removeprefix("circlesim").strip()
        raise UsageError(f"{where}: {message}" if where else message)


def parse_assignments(items: Sequence[str]) -> dict[str, Any]:
    """``["key=value", ...]`` -> validated ``{key: value}`` (one-line errors naming the key)."""
    from .parameters import parse_value

    values: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set {item!r}: expected key=value", key="--set")
        values[key] = parse_value(key, text)
    return values


def whole_number(minimum: int = 0, maximum: int | None = None):
    """An argparse type: a whole number from ``minimum`` to ``maximum`` (one-line error).

    The one whole-number parser of the package is :func:`circlesim.errors.whole_number`; this
    name is kept for the plug-ins that import it from here.
    """
    return errors.whole_number(minimum, maximum)


#: argparse type for seeds
non_negative_int = whole_number(0, MAX_SEED)
#: argparse type for day counts
day_count = whole_number(0, MAX_STEPS)


# ------------------------------------------------------------------------ run
def _add_run(sub) -> None:
    run = sub.add_parser("run", help="run one scenario headless and write its daily table",
                         description="Run one scenario headless; print a summary; optionally "
                                     "write the daily table (one row per day).")
    run.add_argument("--scenario", default="baseline", metavar="NAME|FILE",
                     help="preset name or scenario .toml file (default: baseline)")
    run.add_argument("--set", dest="assignments", action="append", default=[],
                     metavar="KEY=VALUE", help="override a parameter (repeatable); "
                     "see 'circlesim params'")
    run.add_argument("--steps", type=day_count, default=180, metavar="N",
                     help=f"days to simulate, 0 to {MAX_STEPS:,} (default: 180)")
    run.add_argument("--seed", type=non_negative_int, default=0, metavar="S", help="random seed (default: 0)")
    run.add_argument("--memory-limit", default=None, metavar="SIZE",
                     help="refuse parameter sets estimated to need more memory, e.g. 2G or "
                          "500M (default: half the available memory)")
    run.add_argument("--out", metavar="FILE", help="write the daily table to FILE.csv or "
                     "FILE.parquet")
    run.add_argument("--members-out", metavar="FILE", help="also write the per-member table "
                     "(.csv or .parquet)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.set_defaults(handler=_cmd_run)


def _check_outputs(args: argparse.Namespace) -> None:
    """Every output checked before the run starts: a writable file name, not a folder, in a
    folder that exists; and never the same file twice."""
    for path, flag in ((args.out, "--out"), (args.members_out, "--members-out")):
        check_output_file(path, flag, (".csv", ".parquet"))
    check_distinct({"--out": args.out, "--members-out": args.members_out})


def write_table(frame, path: str) -> None:
    """Write ``frame`` to ``path`` (.csv or .parquet) atomically: never a half-written file."""
    with atomic_write(path) as tmp:
        if str(path).lower().endswith(".parquet"):
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, lineterminator="\n")


def _fmt(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}"
    return f"{int(value):,}"


def summary_lines(model) -> list[str]:
    """A short two-column summary of a finished run."""
    frame = model.to_frame()
    last = frame.iloc[-1]
    rows = [
        ("scenario", model.scenario_name),
        ("days", _fmt(last["step"])),
        ("members now (peak)", f"{_fmt(last['members'])} ({_fmt(frame['members'].max())})"),
        ("joined / left / pruned", f"{_fmt(frame['joined'].sum())} / {_fmt(frame['left'].sum())}"
                                   f" / {_fmt(frame['pruned'].sum())}"),
        ("turned away at the cap", _fmt(frame["turned_away"].sum())),
        ("exposures / unique reach", f"{_fmt(last['total_exposures'])} / "
                                     f"{_fmt(last['unique_reach'])}"),
        ("recruits per recruiter", _fmt(last["recruits_per_recruiter"], 2)),
        ("recruitment generations", _fmt(last["generations"])),
        ("mean engagement", _fmt(last["mean_engagement"], 2)),
        ("lurkers / contributors / heavy", f"{last['lurker_share']:.0%} / "
                                           f"{last['contributor_share']:.0%} / "
                                           f"{last['heavy_share']:.0%}"),
        ("spend", _fmt(last["spend"], 0)),
        ("cost per member: community", _fmt(last["cost_per_member"], 2)),
        ("cost per member: mass media", _fmt(last["media_cost_per_member"], 2)),
    ]
    width = max(len(k) for k, _ in rows)
    return [f"{k:<{width}}  {v}" for k, v in rows]


def _run_inputs(args: argparse.Namespace) -> tuple[int | None, dict[str, Any]]:
    """The run's outputs, overrides and memory limit checked (one-line errors); returns the
    limit and the overrides."""
    from .budget import parse_size

    _check_outputs(args)
    overrides = parse_assignments(args.assignments)
    limit = None if args.memory_limit is None else parse_size(args.memory_limit)
    return limit, overrides


def _cmd_run(args: argparse.Namespace) -> int:
    from .model import CommunityModel

    limit, overrides = _run_inputs(args)
    model = CommunityModel(scenario=args.scenario, rng=args.seed, memory_limit=limit, **overrides)
    interrupted = False
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=args.steps, unit="day", desc=model.scenario_name, file=sys.stderr,
                   disable=None, leave=False)
    try:
        for _ in range(args.steps):
            model.step()
            if bar is not None:
                bar.update(1)
                bar.set_postfix(members=model.member_count, refresh=False)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
    if args.out:
        write_table(model.to_frame(), args.out)
    if args.members_out:
        write_table(model.members_frame(), args.members_out)
    if interrupted:
        last = model.daily_array().shape[0] - 1  # the last whole day (not the one cut short)
        kept = f"; days 0-{last} written to {args.out}" if args.out else ""
        print(f"circlesim run: interrupted on day {model.steps}{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not args.quiet:
        print("\n".join(summary_lines(model)))
        if args.out:
            print(f"daily table: {args.out} ({model.steps + 1} rows)")
    return 0


# ------------------------------------------------------------------------ params, scenarios
def _add_params(sub) -> None:
    params = sub.add_parser("params", help="list every parameter with its default, range and "
                            "meaning")
    params.add_argument("--group", help="only this mechanism group")
    params.set_defaults(handler=_cmd_params)


def _cmd_params(args: argparse.Namespace) -> int:
    from .parameters import GROUPS, PARAMETERS

    if args.group is not None and args.group not in GROUPS:
        raise UsageError(f"--group {args.group!r}: allowed {', '.join(GROUPS)}", key="--group")
    groups = [args.group] if args.group is not None else list(GROUPS)
    for group in groups:
        print(f"[{group}]")
        for spec in PARAMETERS.values():
            if spec.group != group:
                continue
            unit = f" {spec.unit}" if spec.unit else ""
            print(f"  {spec.name} = {spec.default!r}{unit}  ({spec.allowed()})")
            print(f"      {spec.help}")
    return 0


def _add_scenarios(sub) -> None:
    scen = sub.add_parser("scenarios", help="list the scenario presets and the questions they "
                          "answer")
    scen.set_defaults(handler=_cmd_scenarios)


def _cmd_scenarios(args: argparse.Namespace) -> int:
    import textwrap

    from .scenarios import list_scenarios

    for scenario in list_scenarios():
        print(f"{scenario.name}: {scenario.title}")
        for line in textwrap.wrap(scenario.question, 88):
            print(f"    {line}")
    return 0


#: Optional sub-command modules: each exposes ``register(subparsers)``.
_PLUGINS = ("circlesim.sweep.cli", "circlesim.ui.cli", "circlesim.validation.cli",
            "circlesim.claims.cli", "circlesim.fit.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="circlesim", description="Agent-based simulation of community "
                     "marketing.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_run(sub)
    _add_params(sub)
    _add_scenarios(sub)
    for name in _PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part of circlesim is not installed / not built
            raise
        module.register(sub)
    return parser


def _version() -> str:
    from . import __version__

    return f"circlesim {__version__}"


#: Sub-commands that run the model (and so may compile the engine first).
ENGINE_COMMANDS = ("run", "sweep", "compare", "ui", "validate", "claims", "fit")


def _announce_compiling() -> None:
    """On a cold cache, say why the first run waits (numba compiles the engine once)."""
    from .kernels import engine_compiled

    if not engine_compiled():
        print("circlesim: compiling the engine first (once, about a minute on two cores; it is "
              "cached for later runs; `python -m circlesim.warmup` does it ahead)",
              file=sys.stderr)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _compile_in_background() -> bool:
    """Whether a run should go uncompiled while the engine compiles in the background: the
    compiled day is not on disk yet (a fresh install, or an edit of a compiled module) and
    there is a second core for the compiler."""
    from .kernels import engine_compiled

    return not engine_compiled() and _cpus() >= 2


def _end_with_parent() -> None:
    """In a child process, before it starts: end it (SIGTERM) when its parent ends, so that an
    uncompiled run never outlives the command that started it (Linux's PR_SET_PDEATHSIG;
    elsewhere the child finishes its run)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _run_while_compiling(argv: Sequence[str], args: argparse.Namespace) -> int:
    """``circlesim run`` on a cold cache, without waiting for numba (about a minute).

    The engine compiles in the background (:func:`circlesim.warmup.start_in_background`,
    detached: it goes on after this command) while a child process runs the same command with
    the same rules uncompiled (``NUMBA_DISABLE_JIT=1``: the same Python code and arithmetic, so
    the same results, a few hundred times slower per member-day). Whichever is first wins: the
    child's result (its progress shows as it goes, its summary is printed when it is done), or,
    once the compiled day is on disk, the run started again here, compiled (the child is
    stopped, so a long run never takes much longer than the compile plus the compiled run).
    """
    from . import warmup
    from .kernels import engine_compiled
    from .parameters import check_parameters

    limit, overrides = _run_inputs(args)  # a typo is one line, and starts nothing
    check_parameters(args.scenario, limit, **overrides)
    compiler = warmup.start_in_background()
    if compiler is None:  # no disk cache to compile into: compile here, as other commands do
        _announce_compiling()
        return _cmd_run(args)
    print("circlesim: the engine is not compiled yet; it compiles in the background (once, "
          "about a minute on two cores) while this run goes uncompiled: the same results, "
          "slower", file=sys.stderr)
    child = subprocess.Popen([sys.executable, "-m", "circlesim", *argv],
                             env={**os.environ, "NUMBA_DISABLE_JIT": "1"},
                             stdout=subprocess.PIPE, text=True,
                             preexec_fn=_end_with_parent if os.name == "posix" else None)
    # Ctrl-C at a terminal reaches the child too (one process group): it keeps the days it
    # ran, says so and ends; this process only waits for it (and passes the signal on after 5 s,
    # in case only this process was signalled)
    interrupted: list[float] = []  # when this process got Ctrl-C
    forwarded = compiled_first = False
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(time.monotonic()))
    except ValueError:  # not the main thread: Ctrl-C is not ours to handle
        previous = None
    try:
        while True:
            try:
                out, _ = child.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if interrupted:
                if not forwarded and time.monotonic() - interrupted[0] > 5.0:
                    child.send_signal(signal.SIGINT)
                    forwarded = True
            elif engine_compiled() or compiler.poll() not in (None, 0):
                # compiled; or the compile failed (a crash, out of memory): then compile here
                # rather than go on uncompiled for as long as the run takes
                child.kill()
                child.communicate()
                compiled_first = True
                break
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if compiled_first:
        clear = "\r\033[K" if sys.stderr.isatty() else ""  # the child's progress bar
        if engine_compiled():
            print(f"{clear}circlesim: the engine is compiled; the run starts again, compiled",
                  file=sys.stderr)
        else:
            print(f"{clear}circlesim: the background compile failed (its log: "
                  f"{warmup.log_path()}); compiling here, then the run starts again",
                  file=sys.stderr)
        return _cmd_run(args)
    if child.returncode < 0:  # ended by a signal before it could say anything
        print(f"circlesim: error: the run ended by signal {-child.returncode}", file=sys.stderr)
        return EXIT_INTERRUPTED
    sys.stdout.write(out)
    sys.stdout.flush()
    return child.returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``circlesim`` command. Returns the exit status.

    Every sub-command, built in or plug-in, runs through :func:`circlesim.errors.run_guarded`:
    a user error (``UsageError``, ``ParameterError``, ``ScenarioError``, ...) or an operating
    system error is one line on stderr and exit status 2.
    """

    def command() -> int:
        args = build_parser().parse_args(argv)
        if args.command == "run" and _compile_in_background():
            return _run_while_compiling(sys.argv[1:] if argv is None else list(argv), args)
        if args.command in ENGINE_COMMANDS:
            _announce_compiling()
        return int(args.handler(args) or 0)

    return errors.run_guarded(command, "circlesim")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
