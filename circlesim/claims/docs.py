"""``python -m circlesim.claims.docs``: run the atlas, write docs/claims.md, docs/claims/*.png
and circlesim/claims/atlas.json (see scripts/make-claims-docs)."""

import sys

from .cli import main_docs

if __name__ == "__main__":
    sys.exit(main_docs())
