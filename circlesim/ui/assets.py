"""Fill Solara's CDN proxy cache from the npm registry, so the app renders with no internet.

Solara's page loads its front end from ``/_solara/cdn/<package>@<version>/<path>``; the server
answers from its proxy cache and, on a miss, fetches the file from a public CDN. Classrooms (and
this project's machines) often cannot reach that CDN, so the page would stay on its spinner.
The proxy's ``<package>@<version>/<path>`` is exactly ``<path>`` inside the package's npm tarball,
so unpacking ``npm pack <package>@<version>`` into ``<cache>/<package>@<version>/`` is what the
proxy would have cached.

Run ``python -m circlesim.ui.assets`` (idempotent; fast when already done). ``--check`` only
reports what is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Packages the browser asks for that the page template does not name (a component's own
# loader would request them at run time). A recorded page load (tests/ui, the offline test)
# asks for exactly the template's packages: @widgetti/solara-vuetify-app, requirejs and
# font-awesome. The app avoids solara.Markdown, which would also load mermaid (and KaTeX for
# formulas) this way; add such packages here if a component that needs them is used.
# Mesa's SolaraViz (circlesim models run in it: tests/ui/test_solaraviz_browser.py) lays its
# components out in solara.GridDraggable, which loads vue-grid-layout: without it the grid, and
# every Mesa plot in it, never renders offline.
RUNTIME_PACKAGES: tuple[str, ...] = ("@widgetti/vue-grid-layout@2.3.13-alpha.2",)

# Written last into each unpacked package: its presence means the package is complete.
MARKER = ".circlesim-complete"

_TEMPLATE_SPEC = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.+-]+)/")


def cache_dir() -> Path:
    """Solara's CDN proxy cache directory (honours ``SOLARA_ASSETS_PROXY_CACHE_DIR``)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def _vue_major() -> int:
    try:
        import ipyvue

        return int(ipyvue.__version__.split(".")[0])
    except Exception:  # pragma: no cover - ipyvue is a solara dependency
        return 1


def template_packages() -> list[str]:
    """The ``<package>@<version>`` specs named by Solara's page template for this Vue major."""
    import solara.server

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    specs: list[str] = []
    for spec in _TEMPLATE_SPEC.findall(template.read_text()):
        is_vue3_app = "vuetify3-app" in spec
        if is_vue3_app != (_vue_major() >= 3):
            continue
        if spec not in specs:
            specs.append(spec)
    return specs


def required_packages() -> list[str]:
    specs = template_packages()
    from solara.server import settings

    if settings.assets.fontawesome_enabled:
        spec = settings.assets.fontawesome_path.strip("/").split("/")[0]
        if spec not in specs:
            specs.append(spec)
    for spec in RUNTIME_PACKAGES:
        if spec not in specs:
            specs.append(spec)
    return specs


def missing(cache: Path | None = None) -> list[str]:
    cache = cache or cache_dir()
    return [spec for spec in required_packages() if not (cache / spec / MARKER).exists()]


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed once to fetch Solara's front-end files (apt-get install -y npm)"
        )
    return npm


def fetch_package(spec: str, cache: Path) -> Path:
    """``npm pack`` one package and unpack it into ``cache/spec`` (atomically)."""
    target = cache / spec
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="circlesim-npm-") as tmp:
        out = subprocess.run(
            [_npm(), "pack", spec, "--json", "--silent", "--pack-destination", tmp],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        filename = json.loads(out.stdout)[0]["filename"]
        # npm names scoped tarballs "scope-name-version.tgz"; trust its report
        tarball = Path(tmp) / Path(filename).name
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(staging, filter="data")
        roots = [p for p in staging.iterdir() if p.is_dir()]
        if len(roots) != 1:
            raise RuntimeError(f"unexpected layout in the npm tarball of {spec}: {roots}")
        (roots[0] / MARKER).write_text(spec + "\n")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.parent / f".{target.name}.partial"
        if partial.exists():
            shutil.rmtree(partial)
        shutil.move(str(roots[0]), partial)
        if target.exists():
            shutil.rmtree(target)
        partial.rename(target)
    return target


def ensure_assets(cache: Path | None = None, quiet: bool = False) -> list[str]:
    """Fetch every missing package; return the specs fetched (empty when already complete)."""
    cache = cache or cache_dir()
    todo = missing(cache)
    for spec in todo:
        if not quiet:
            print(f"assets: fetching {spec} from the npm registry", file=sys.stderr)
        fetch_package(spec, cache)
    return todo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m circlesim.ui.assets", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report missing packages")
    args = parser.parse_args(argv)
    cache = cache_dir()
    if args.check:
        todo = missing(cache)
        for spec in todo:
            print(f"missing: {spec}")
        print(f"assets: {cache}: {'complete' if not todo else f'{len(todo)} missing'}")
        return 1 if todo else 0
    fetched = ensure_assets(cache)
    print(
        f"assets: {cache}: complete ({len(required_packages())} packages, "
        f"{len(fetched)} fetched now)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
