"""``circlesim claims``: the source texts' claims as one-factor contrasts, with robustness.

Registered by ``circlesim.cli`` (``register(subparsers)``). Heavy modules load only when the
command runs. Exit status 0; 2 for a usage error (one line, no traceback); 1 if runs failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import UsageError, non_negative_int, whole_number

__all__ = ["main_docs", "register"]


def register(subparsers) -> None:
    """Add the ``claims`` sub-command."""
    p = subparsers.add_parser(
        "claims", help="test every source-text claim: one-factor contrasts with CIs, "
        "robustness over the plausible parameter space, verdicts",
        description="For each claim of the two source texts run two arms that differ in one "
                    "parameter (same seeds), report the paired effect with a 95%% CI, then the "
                    "share of a Latin-hypercube sample of the plausible parameter space where "
                    "the claimed direction holds, what decides it, and a verdict. Runs on the "
                    "sweep engine (resumable: rerun the same command to continue). "
                    "See docs/claims.md.")
    add_run_arguments(p)
    p.add_argument("--json", metavar="PATH", help="write the atlas as JSON to PATH ('-' for "
                   "stdout, instead of the table)")
    p.add_argument("--list", action="store_true",
                   help="list the claims and their arms, run nothing")
    p.set_defaults(handler=_cmd_claims, func=_cmd_claims)


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes (10 days, 2 replications, 4 points): the test suite's mode")
    p.add_argument("--claim", action="append", metavar="ID",
                   help="only this claim (repeatable); default: all")
    p.add_argument("--steps", type=whole_number(1), metavar="DAYS", help="days per run "
                   "(default 180; 10 with --quick)")
    p.add_argument("--replications", type=whole_number(2), metavar="R",
                   help="paired replications at the defaults (default 30; 2 with --quick)")
    p.add_argument("--points", type=whole_number(2), metavar="N",
                   help="Latin-hypercube points of the plausible space (default 256; 4 with "
                        "--quick)")
    p.add_argument("--point-replications", type=whole_number(1), metavar="K",
                   help="paired runs per point (default 1)")
    p.add_argument("--seed", type=non_negative_int, metavar="S",
                   help="root seed (default 20261130)")
    p.add_argument("--out", metavar="DIR", help="sweep results (Parquet + manifest) go here; "
                   "default results/claims (results/claims-quick with --quick)")
    p.add_argument("--workers", type=whole_number(1), metavar="N",
                   help="local worker processes (default: all CPUs; 1 = in this process)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def sizes_from(args):
    from dataclasses import replace

    from .atlas import FULL, QUICK

    sizes = QUICK if args.quick else FULL
    changes = {k: v for k, v in (("steps", args.steps), ("replications", args.replications),
                                 ("points", args.points),
                                 ("point_replications", args.point_replications))
               if v is not None}
    return replace(sizes, **changes)


def run_from(args) -> dict:
    from circlesim.sweep import SpecError, SweepConflict

    from .atlas import DEFAULT_SEED, run_atlas
    from .definitions import CLAIMS

    known = [c.id for c in CLAIMS]
    for cid in args.claim or []:
        if cid not in known:
            raise UsageError(f"--claim {cid!r}: allowed {', '.join(known)}")
    # a kill (SIGTERM) stops like Ctrl-C: finished runs are committed, workers are shut down
    old = _on_term(_interrupt)
    try:
        return run_atlas(args.claim, quick=args.quick, sizes=sizes_from(args),
                         seed=DEFAULT_SEED if args.seed is None else args.seed, out=args.out,
                         workers=args.workers, scheduler=args.scheduler,
                         progress=not args.no_progress and sys.stderr.isatty())
    except (SpecError, SweepConflict) as exc:
        raise UsageError(" ".join(str(exc).split())) from None
    finally:
        _on_term(old)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _on_term(handler):
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    if handler is None:
        return None
    return signal.signal(signal.SIGTERM, handler)


def _cmd_claims(args: argparse.Namespace) -> int:
    from .report import table, to_json

    if args.list:
        from .definitions import CLAIMS, robust_parameters

        for c in CLAIMS:
            print(f"{c.id:<21} {c.title}\n{'':<21} a: {c.label_a}  |  b: {c.label_b}  "
                  f"({c.parameter}: {c.a} -> {c.b}; {len(robust_parameters(c))} parameters "
                  "varied for robustness)")
        return 0
    if args.json and args.json != "-":
        parent = Path(args.json).resolve().parent
        if not parent.is_dir():
            raise UsageError(f"--json {args.json}: folder {parent} does not exist")
    atlas = run_from(args)
    if args.json == "-":
        sys.stdout.write(to_json(atlas))
    else:
        if args.json:
            _write(Path(args.json), to_json(atlas))
        print(table(atlas))
    return 0


def main_docs(argv=None) -> int:
    """``python -m circlesim.claims.docs``: run the atlas and regenerate docs/claims.md, its
    figures and the packaged atlas.json."""
    from ..cli import _Parser
    from .report import figure, markdown, table, to_json

    p = _Parser(prog="make-claims-docs", description=main_docs.__doc__)
    add_run_arguments(p)
    p.add_argument("--docs", default="docs/claims.md", metavar="FILE")
    p.add_argument("--atlas", default=str(Path(__file__).with_name("atlas.json")),
                   metavar="FILE", help="where the packaged atlas JSON goes")
    p.add_argument("--from-json", metavar="FILE",
                   help="do not run: regenerate the docs from this atlas JSON")
    try:
        args = p.parse_args(argv)
        if args.from_json:
            import json

            atlas = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        else:
            atlas = run_from(args)
    except UsageError as exc:
        print(f"make-claims-docs: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("make-claims-docs: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    docs = Path(args.docs)
    figdir = docs.with_suffix("")
    _write(Path(args.atlas), to_json(atlas))
    print(f"make-claims-docs: wrote {args.atlas}", file=sys.stderr)
    try:
        import matplotlib  # noqa: F401
        have_mpl = True
    except ImportError:
        have_mpl = False
        print("make-claims-docs: matplotlib missing, figures kept as they are", file=sys.stderr)
    if have_mpl:
        for i, entry in enumerate(atlas["claims"], 1):
            figure(entry, figdir / f"{entry['id']}.png")
            print(f"make-claims-docs: figure {i}/{len(atlas['claims'])} {entry['id']}",
                  file=sys.stderr)
    _write(docs, markdown(atlas, figures=figdir.name))
    print(f"make-claims-docs: wrote {docs} and {figdir}/*.png", file=sys.stderr)
    print(table(atlas))
    return 0


def _write(path: Path, text: str) -> None:
    """Write ``text`` atomically (a temporary file, then a rename): never half a file."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
