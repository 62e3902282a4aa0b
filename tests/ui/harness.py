"""Start the app and Debian's Chromium: shared by the browser tests, the screenshot script and
benchmarks/bench_ui.py (no pytest here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class SetupError(RuntimeError):
    pass


def chromium_path() -> str:
    for candidate in (os.environ.get("CIRCLESIM_CHROMIUM"), shutil.which("chromium"),
                      "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SetupError("Chromium not found: run scripts/setup-browser (installs Debian's chromium)")


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    host = parsed.hostname or ""
    return host in LOCAL_HOSTS or host.startswith("127.")


def free_port() -> int:
    """A free port on 127.0.0.1: from ``$CIRCLESIM_UI_TEST_PORTS`` ("8800-8899") if set, else
    any the system gives."""
    span = os.environ.get("CIRCLESIM_UI_TEST_PORTS", "").strip()
    if span:
        lo, _, hi = span.partition("-")
        for port in range(int(lo), int(hi or lo) + 1):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise SetupError(f"no free port in {span}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def ui_server(env_extra: dict | None = None, timeout: float = 90, app: str | None = None):
    """Start the app as ``circlesim ui`` does, on a free port; yield (url, log_path).

    ``app``: another page for ``solara run`` to serve (a .py file), with the same set-up.

    The server's log goes to test-artifacts/ and is removed afterwards unless it holds a
    traceback (or the start failed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log_path = ARTIFACTS / f"ui-server-{port}.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env_extra or {}))
    target = f", app={str(app)!r}" if app else ""
    code = f"import sys; from circlesim.ui import main; sys.exit(main('127.0.0.1', {port}{target}))"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise SetupError(f"the app exited ({proc.returncode}):\n"
                                 f"{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SetupError(f"the app did not answer in {timeout:.0f} s:\n"
                                 f"{log_path.read_text()[-3000:]}")
            time.sleep(0.1)
        yield url, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # kept only when something went wrong in the server
    if "Traceback" not in log_path.read_text():
        log_path.unlink()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def guard_offline(context, external: list) -> None:
    """Abort (and record) any request of ``context`` that would leave this machine."""

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", route)
