"""Mesa interoperability in a real browser: Mesa's own ``SolaraViz`` runs a ``CommunityModel``.

``solara run tests/ui/solaraviz_app.py`` is served as ``circlesim ui`` serves the app (offline
front-end files, a free port) and driven in Debian's Chromium. The page holds Mesa's
``make_plot_component("members")`` (matplotlib, drawn as SVG, one marker per day) and a small
card naming the model object. The test reads the drawn figure itself (the SVG behind the plot's
<img>), steps with Mesa's Step button, and presses Mesa's Reset, which re-creates the model from
``model.scenario``'s class (``CommunityScenario``) and ``model_params``.

Every wait is on a condition (the step counter, the drawn markers), never a fixed sleep.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("playwright")

import harness  # noqa: E402  (tests/ui is on sys.path: conftest.py)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("ui-browser")]

APP = Path(__file__).with_name("solaraviz_app.py")
STEPS = 5
OTHER_PRESET = "viral-push"

# The members line of the figure the plot's <img> shows: x and y of each day's marker, in
# pixels (None while the image is being replaced: its old blob URL may already be revoked).
PLOT_MARKERS_JS = """async () => {
  const img = document.querySelector('.vue-grid-item img.widget-image');
  if (!img || !img.src) return null;
  let text;
  try { text = await (await fetch(img.src)).text(); } catch (e) { return null; }
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const line = doc.getElementById('members-line');
  if (!line) return null;
  return Array.from(line.querySelectorAll('use')).map(
    u => [parseFloat(u.getAttribute('x')), parseFloat(u.getAttribute('y'))]);
}"""


def members_series() -> list[int]:
    """The members series of the page's model, computed here (same constructor, same seed).

    Building it also compiles the engine into numba's on-disk cache (a fresh clone's one-off
    compile), so the server's session loads it instead of compiling inside a browser wait."""
    import solaraviz_app

    model = solaraviz_app.make_model()
    for _ in range(STEPS):
        model.step()
    return model.datacollector.get_model_vars_dataframe()["members"].tolist()


@pytest.fixture(scope="module")
def viz_server():
    """(url, reference series): the page served on a free port; the reference is computed
    while the server starts (the server builds no model before a browser session opens)."""
    with ThreadPoolExecutor(1) as pool:
        reference = pool.submit(members_series)
        try:
            with harness.ui_server(app=str(APP)) as (url, log_path):
                yield url, reference.result()
                log_text = log_path.read_text()
        except harness.SetupError as exc:
            pytest.fail(str(exc), pytrace=False)
    assert "Could not load URL" not in log_text, log_text[-3000:]  # every front-end file local
    assert "Traceback" not in log_text, log_text[-3000:]


@pytest.fixture
def reference(viz_server):
    return viz_server[1]


@pytest.fixture
def viz_page(ui_browser, viz_server, request):
    context = ui_browser.new_context(viewport={"width": 1600, "height": 1000})
    external: list[str] = []
    harness.guard_offline(context, external)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(viz_server[0])
    yield page
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        harness.ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(harness.ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception:
            pass
    context.close()
    assert not external, f"requests left 127.0.0.1: {external}"


def markers(page):
    return page.evaluate(PLOT_MARKERS_JS)


def wait_markers(page, count: int, timeout: float = 20.0):
    """The plot's markers once it shows ``count`` days (polling the drawn figure)."""
    deadline = time.monotonic() + timeout
    while True:
        found = markers(page)
        if found is not None and len(found) == count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"the plot shows {found and len(found)} days, not {count}")
        page.wait_for_timeout(100)


def wait_time(page, step: int):
    """Wait for Mesa's step counter (the sidebar's "Time: t") to read ``step``."""
    page.get_by_text(f"Time: {float(step)}", exact=True).wait_for()


def card(page) -> tuple[str, str]:
    return (page.locator(".circlesim-viz-scenario").inner_text(),
            page.locator(".circlesim-viz-model").inner_text())


def test_solaraviz_plots_steps_and_resets_the_model(viz_page, reference):
    page = viz_page
    # first load: a fresh session builds its model (60 s: a loaded machine, a cold server)
    page.get_by_text("Time: 0.0", exact=True).wait_for(timeout=60_000)
    first = wait_markers(page, 1, timeout=60)
    scenario_text, model_text = card(page)
    assert scenario_text.startswith("CommunityScenario of model ")
    assert model_text.startswith("preset baseline, 20 initial members, day 0, 20 members")

    step = page.get_by_role("button", name="Step", exact=True)
    for t in range(1, STEPS + 1):
        step.click()
        wait_time(page, t)
        drawn = wait_markers(page, t + 1)
    page.locator(".circlesim-viz-model", has_text=f"day {STEPS},").wait_for()
    # the line is the model's members series: it moves where the series moves (SVG y points
    # down), day by day, and the days are drawn left to right
    xs, ys = zip(*drawn)
    assert all(b > a for a, b in zip(xs, xs[1:])), xs
    for day in range(STEPS):
        change = reference[day + 1] - reference[day]
        pixel = ys[day + 1] - ys[day]
        expected = (change > 0) - (change < 0)
        assert (pixel < 0) - (pixel > 0) == expected, (day, reference, ys)
    assert len(set(reference)) > 1  # the check above saw the line move

    # Reset: a new model from model.scenario's class and model_params, back at day 0
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_time(page, 0)
    again = wait_markers(page, 1)
    assert again == first  # same seed, same parameters: the same first day, drawn the same
    page.locator(".circlesim-viz-model", has_text="day 0,").wait_for()
    new_scenario_text, _ = card(page)
    assert new_scenario_text.startswith("CommunityScenario of model ")
    assert new_scenario_text != scenario_text  # another model object

    # a preset chosen in Mesa's "Model Parameters" reaches the re-created model via its scenario
    page.locator(".v-select", has_text="Preset").locator(".v-select__slot").click()
    menu = page.locator(".menuable__content__active")
    menu.get_by_text(OTHER_PRESET, exact=True).click()
    menu.wait_for(state="hidden")
    step.click()
    wait_time(page, 1)
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_time(page, 0)
    page.locator(".circlesim-viz-model", has_text=f"preset {OTHER_PRESET},").wait_for()
    wait_markers(page, 1)
    assert page.locator(".v-alert.error").count() == 0  # Mesa shows step errors as an alert
