"""``circlesim validate``: check the baseline against the published patterns.

Registered by ``circlesim.cli`` (``register(subparsers)``). Heavy modules are imported only
when the command runs. Exit status: 0 when every check passes, 1 when one fails, 2 for a
usage error (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys

from ..cli import non_negative_int, whole_number

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate", help="check the baseline against published patterns (90-9-1, newcomer "
        "replies, cascades, contagion, Bass)",
        description="Replicate the baseline and check each pattern of DESIGN.md section 5: "
                    "the model's mean with a 95%% confidence interval must lie inside the "
                    "target band. Exit status 0 only if every check passes. "
                    "See docs/validation.md.")
    parser.add_argument("--replications", type=whole_number(2, 100_000), metavar="R",
                        help="seeded replications (default 200; 100 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer replications (the test suite's mode, well under a minute)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                        help="first seed; replications use S, S+1, ... (default 0)")
    parser.add_argument("--set", dest="assignments", action="append", default=[],
                        metavar="KEY=VALUE", help="change a baseline parameter (repeatable)")
    parser.add_argument("--workers", type=whole_number(1, 4096), metavar="N",
                        help="worker processes (default: CPUs, at most 4)")
    parser.set_defaults(handler=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from ..cli import parse_assignments
    from .runner import run_validation

    overrides = parse_assignments(args.assignments)

    def show(done: int, total: int) -> None:
        print(f"\rruns {done}/{total}", end="", file=sys.stderr, flush=True)

    progress = show if not args.json and sys.stderr.isatty() else None
    report = run_validation(replications=args.replications, quick=args.quick, seed=args.seed,
                            workers=args.workers, progress=progress, overrides=overrides)
    if progress is not None:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    print(report.to_json() if args.json else report.table())
    return 0 if report.passed else 1
