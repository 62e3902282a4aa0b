"""``circlesim ui``: the sub-command that starts the browser app (a plug-in of circlesim.cli).

Imports nothing from Solara until the command runs, so ``circlesim`` works without the ``ui``
extra and says what to install when ``ui`` is asked for.
"""

from __future__ import annotations

import importlib.util
import sys

from ..errors import port_number


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ui", help="start the browser app (run, watch and compare scenarios)",
        description="Start the circlesim app in the browser: it binds 127.0.0.1 by default and "
                    "needs no internet (the front-end files are cached once from the npm "
                    "registry by scripts/setup-browser or python -m circlesim.ui.assets).")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=port_number, default=8765,
                   help="port, 1 to 65535 (default 8765)")
    p.set_defaults(handler=_run)


def _run(args) -> int:
    if importlib.util.find_spec("solara") is None:
        print("circlesim ui: the browser app needs the ui extra: pip install 'circlesim[ui]'",
              file=sys.stderr)
        return 1
    from . import main

    return main(args.host, args.port)
