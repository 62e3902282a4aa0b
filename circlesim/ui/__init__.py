"""The browser front end (Solara): ``circlesim ui`` calls :func:`main`.

Needs the optional ``ui`` dependencies (``pip install circlesim[ui]``); the core package does not
import this one.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main", "server_command", "server_env"]

#: A local address that answers nothing: if a front-end file were missing from the cache, the
#: server's CDN proxy fails at once instead of reaching for the internet.
OFFLINE_CDN = "http://127.0.0.1:9/npm/"


def server_env(base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_ASSETS_CDN", OFFLINE_CDN)
    env.setdefault("SOLARA_THEME_VARIANT", "light")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    env.setdefault("SOLARA_THEME_TITLE", "circlesim")
    return env


def server_command(host: str = "127.0.0.1", port: int = 8765,
                   app: str = "circlesim.ui.app") -> list[str]:
    """``solara run`` of ``app`` (a module name or a .py file; default the circlesim page)."""
    return [sys.executable, "-m", "solara", "run", app, "--host", host,
            "--port", str(port), "--production", "--no-open", "--log-level", "warning"]


def main(host: str = "127.0.0.1", port: int = 8765, app: str = "circlesim.ui.app") -> int:
    """Make sure the front-end files are cached (npm, once), then serve the app (blocks).

    ``app`` is what ``solara run`` serves (the tests also serve a Mesa SolaraViz page)."""
    from . import assets

    try:
        fetched = assets.ensure_assets()
    except Exception as exc:  # no npm, no registry: say what to do instead of a blank page
        print(f"circlesim ui: the browser files are not set up ({exc}).\n"
              "Run scripts/setup-browser (or python -m circlesim.ui.assets) once with access "
              "to the npm registry.", file=sys.stderr)
        return 1
    if fetched:
        print(f"circlesim ui: cached {len(fetched)} front-end packages", file=sys.stderr)
    print(f"circlesim ui: serving on http://{host}:{port}/  (Ctrl+C to stop)", file=sys.stderr)
    cmd = server_command(host, port, app)
    env = server_env()
    if os.name == "posix":
        os.execve(cmd[0], cmd, env)  # the server replaces this process (same pid)
    import subprocess

    return subprocess.call(cmd, env=env)
