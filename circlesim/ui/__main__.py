"""``python -m circlesim.ui [--host H] [--port P]``: start the browser app."""

import argparse
import sys

from . import main

parser = argparse.ArgumentParser(prog="python -m circlesim.ui",
                                 description="Start the circlesim app.")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8765)
args = parser.parse_args()
sys.exit(main(args.host, args.port))
