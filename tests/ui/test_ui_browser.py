"""The app in a real browser (Debian's Chromium via Python Playwright), offline.

Each test gets fresh browser contexts (fresh sessions) on one server started for the module.
While Play runs, the tests wait for thresholds, never for exact days.
"""

from __future__ import annotations

import math
import re

import pytest

from circlesim.parameters import PARAMETERS

# one worker runs them all (pytest -n ... --dist loadgroup): one server, one Chromium
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("ui-browser")]


def day(page) -> int:
    text = page.locator(".circlesim-day").inner_text()
    return int(re.search(r"\d+", text).group())


def wait_day(page, condition: str, timeout=20_000):
    """Wait until the shown day satisfies ``condition`` (a JS expression in ``d``)."""
    page.wait_for_function(
        "() => { const el = document.querySelector('.circlesim-day');"
        " if (!el) return false; const d = parseInt(el.innerText.replace(/\\D+/g, ''));"
        f" return {condition}; }}",
        timeout=timeout,
    )


def click_step(page, times=1):
    for _ in range(times):
        before = day(page)
        page.locator(".circlesim-step").click()
        wait_day(page, f"d >= {before + 1}")


def pick(page, css: str, option: str):
    """Choose ``option`` in the v-select with class ``css``."""
    page.locator(f".{css} .v-select__slot").click()
    menu = page.locator(".menuable__content__active")
    menu.get_by_text(option, exact=True).click()
    menu.wait_for(state="hidden")


def scenario_names() -> list:
    from circlesim.scenarios import list_scenarios

    return list(list_scenarios())


def test_page_loads_offline_with_every_file_local(new_page):
    page = new_page()
    log = page.request_log
    assert day(page) == 0
    page.locator("svg.circlesim-network circle").first.wait_for()
    assert page.locator(".circlesim-chart").count() == 6
    assert not log.external, f"requests left 127.0.0.1: {log.external}"
    assert not log.failed, f"requests failed: {log.failed}"
    # every front-end package the browser asked for is one the set-up caches
    from circlesim.ui.assets import required_packages

    asked = {cdn_package(u) for u in log.urls if "/_solara/cdn/" in u}
    assert asked, "front end not served by Solara's CDN proxy"
    assert asked <= set(required_packages()), asked - set(required_packages())


def cdn_package(url: str) -> str:
    """'<package>@<version>' of a /_solara/cdn/ URL (scoped packages keep their scope)."""
    path = url.split("/_solara/cdn/", 1)[1].split("?")[0]
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def test_choose_scenario_shows_title_and_question(new_page):
    page = new_page()
    scenarios = scenario_names()
    target = scenarios[-1]
    pick(page, "circlesim-scenario", target.name)
    page.get_by_text(target.title, exact=True).first.wait_for()
    if target.question:
        page.get_by_text(target.question).first.wait_for()
    assert day(page) == 0


def test_step_advances_day_and_charts(new_page):
    page = new_page()
    chart = page.locator(".circlesim-chart-members svg")
    assert chart.get_attribute("data-days") == "0"
    click_step(page, 3)
    assert day(page) == 3
    page.wait_for_function(
        "() => document.querySelector('.circlesim-chart-members svg')"
        ".getAttribute('data-days') === '3'")


def test_play_then_pause(new_page):
    page = new_page()
    page.locator(".circlesim-speed button", has_text="max").click()
    page.locator(".circlesim-play").click()
    wait_day(page, "d >= 5")
    page.locator(".circlesim-pause").click()
    page.locator(".circlesim-play").wait_for()
    paused_at = day(page)
    page.wait_for_timeout(800)
    settled = day(page)
    assert paused_at <= settled <= paused_at + 1  # one step may still land
    page.wait_for_timeout(600)
    assert day(page) == settled


def test_reset_returns_to_day_zero(new_page):
    page = new_page()
    click_step(page, 2)
    page.locator(".circlesim-reset").click()
    wait_day(page, "d === 0")
    page.wait_for_function(
        "() => document.querySelector('.circlesim-chart-members svg')"
        ".getAttribute('data-days') === '0'")


def test_compare_shows_two_runs_stepping_together(new_page):
    page = new_page()
    other = scenario_names()[0]
    pick(page, "circlesim-compare", other.name)
    page.locator(".circlesim-network-b svg").wait_for()
    assert page.locator(".circlesim-network-a svg").count() == 1
    click_step(page, 2)
    members = page.locator(".circlesim-chart-members svg")
    page.wait_for_function(
        "() => document.querySelector('.circlesim-chart-members svg')"
        ".getAttribute('data-days') === '2'")
    assert members.get_attribute("data-series") == "4"  # members + active, for A and B
    legend = members.text_content()
    assert "A:" in legend and "B:" in legend


def test_two_browser_contexts_stay_independent(new_page):
    first, second = new_page(), new_page()
    click_step(first, 3)
    click_step(second, 1)
    assert (day(first), day(second)) == (3, 1)
    first.locator(".circlesim-reset").click()
    wait_day(first, "d === 0")
    second.wait_for_timeout(300)
    assert day(second) == 1
    click_step(second, 1)
    assert (day(first), day(second)) == (0, 2)


def _bounded_float_field():
    for spec in PARAMETERS.values():
        if spec.ui and spec.kind == "float" and spec.high is not None and math.isfinite(spec.high):
            return spec
    pytest.skip("no bounded float parameter")


def test_bad_field_value_shows_message_next_to_field(new_page):
    page = new_page()
    spec = _bounded_float_field()
    page.locator(".v-expansion-panel-header", has_text=spec.group.capitalize()).click()
    field = page.locator(f".circlesim-field-{spec.name}")
    field.locator("input").fill(str(spec.high * 10 + 1))
    field.locator("input").press("Enter")
    message = field.locator(".v-messages__message")
    page.wait_for_function(
        f"() => {{ const el = document.querySelector('.circlesim-field-{spec.name}"
        f" .v-messages__message'); return el && el.innerText.includes('{spec.name}'); }}")
    assert spec.name in message.inner_text()
    page.locator(".circlesim-invalid").wait_for()
    # the page still works with the last valid settings
    click_step(page, 1)
    assert day(page) == 1


def test_download_csv_of_the_current_run(new_page):
    page = new_page()
    click_step(page, 2)
    with page.expect_download() as info:
        page.get_by_text("Download CSV").click()
    text = open(info.value.path()).read()
    header, *rows = text.strip().splitlines()
    assert "step" in header.split(",") and "members" in header.split(",")
    assert len(rows) == 3  # days 0, 1, 2


def test_sweep_viewer_draws_confidence_bands(new_page):
    page = new_page()
    page.locator(".circlesim-tab-sweeps").click()
    page.locator(".circlesim-sweep-chart svg").wait_for()
    assert page.locator(".circlesim-sweep-chart svg polygon").count() == 2  # two scenarios
