"""Fixtures for the browser front end's tests.

Component tests (``solara.render``) need only the ``ui`` extra. Browser tests start the app on a
free port (``circlesim.ui.main``, the same entry ``circlesim ui`` uses), drive Debian's Chromium
with Python Playwright, record every request the page makes and fail if one leaves 127.0.0.1.
A failing browser test leaves a screenshot and the server log in ``test-artifacts/``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import harness  # noqa: E402

ARTIFACTS = harness.ARTIFACTS


def _no_widget_stacks() -> None:
    """Outside a server Solara records a stack trace for every widget it creates (to debug
    orphaned widgets); that is half the time of a ``solara.render`` here. Tests skip it."""
    try:
        import types

        import solara.comm
    except ImportError:
        return
    solara.comm.traceback = types.SimpleNamespace(format_stack=lambda *a, **k: [])


_no_widget_stacks()

# without the ui extra there is nothing to test here
collect_ignore_glob = []
if importlib.util.find_spec("solara") is None:
    collect_ignore_glob.append("test_*.py")
elif importlib.util.find_spec("playwright") is None:
    collect_ignore_glob.append("test_ui_browser*.py")


def make_sweep_folder(root: Path) -> None:
    """A small sweep results folder in the documented layout, for the sweep viewer test."""
    import numpy as np
    import pandas as pd

    rows = []
    rng = np.random.default_rng(0)
    for scenario, growth in (("baseline", 1.0), ("one_way", 0.5)):
        for seed in range(5):
            for step in range(31):
                rows.append(dict(run_id=f"{scenario}-{seed}", scenario=scenario, point="p0",
                                 replication=seed, seed=seed, step=step,
                                 members=20 + growth * step + rng.normal(0, 2),
                                 mean_engagement=0.5 + rng.normal(0, 0.02),
                                 share_probability=0.02))
    folder = root / "demo-sweep"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet")
    (folder / "manifest.json").write_text(json.dumps({"name": "demo-sweep", "seeds": 5}))


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("results")
    make_sweep_folder(root)
    return root


ATLAS_FIXTURE = Path(__file__).parent / "fixtures" / "atlas.json"


@pytest.fixture(scope="session")
def ui_server(results_dir):
    """The app, started as ``circlesim ui`` starts it, on a free port; yields its base URL.

    One server for every browser test; the claims tab reads the packaged atlas
    (``circlesim.claims.load_atlas()``), or the fixture if this copy has none."""
    import os

    # a fixed per-session budget, so the over-budget test behaves alike on every machine
    env = {"CIRCLESIM_RESULTS_DIR": str(results_dir), "CIRCLESIM_UI_SESSION_MEMORY_MB": "1024"}
    if importlib.util.find_spec("circlesim.claims") is None:
        env["CIRCLESIM_CLAIMS_ATLAS"] = str(ATLAS_FIXTURE)
    os.environ.pop("CIRCLESIM_CLAIMS_ATLAS", None)
    try:
        with harness.ui_server(env) as (url, log_path):
            yield url
            log_text = log_path.read_text()
    except harness.SetupError as exc:
        pytest.fail(str(exc), pytrace=False)
    # the server's CDN proxy never had to fetch a file: every one came from the cache
    assert "Could not load URL" not in log_text, log_text[-3000:]
    assert "Traceback" not in log_text, log_text[-3000:]


@pytest.fixture(scope="session")
def ui_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            b = harness.launch_chromium(p)
        except harness.SetupError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield b
        b.close()


class RequestLog:
    """Every request a browser context makes, and any that would leave this machine."""

    def __init__(self):
        self.urls: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []  # HTTP >= 400 from our own server


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _failed(request) -> bool:
    rep = getattr(request.node, "rep_call", None)
    return rep is None or rep.failed


@pytest.fixture
def new_page(ui_browser, ui_server, request):
    """Factory: a fresh browser context (its own session) with the app loaded.

    Requests are recorded; any to a host other than 127.0.0.1 is aborted and fails the test.
    On failure a screenshot of every page is saved to test-artifacts/.
    """
    contexts = []

    def make(viewport=None, query: str = ""):
        context = ui_browser.new_context(viewport=viewport or {"width": 1600, "height": 1000},
                                      accept_downloads=True)
        log = RequestLog()
        harness.guard_offline(context, log.external)
        context.on("request", lambda r: log.urls.append(r.url))
        context.on("response", lambda r: log.failed.append(f"{r.status} {r.url}")
                   if r.status >= 400 else None)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.request_log = log
        contexts.append((context, page, log))
        page.goto(ui_server + query)
        page.locator(".circlesim-day").wait_for(timeout=60_000)
        return page

    yield make
    failed = _failed(request)
    for i, (context, page, log) in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"), full_page=True)
            except Exception:  # a crashed page: still close the context
                pass
        context.close()
        assert not log.external, f"requests left 127.0.0.1: {log.external}"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the app in Chromium (tests/ui)")
