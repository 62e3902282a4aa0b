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
    """Choose ``option`` (the text shown, a preset's title) in the v-select with class ``css``."""
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
    pick(page, "circlesim-scenario", target.title)
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
    # the frames came straight from the play loop, paced by the browser's acknowledgements;
    # the frame left on screen has the charts' tooltips again (left out while playing) and
    # shows the day the counter shows
    assert int(page.locator(".circlesim-frame").get_attribute("data-frame")) >= 5
    chart = page.locator(".circlesim-chart-members svg")
    page.locator(".circlesim-chart-members .circlesim-hover rect").first.wait_for(
        state="attached")
    assert chart.get_attribute("data-days") == str(settled)


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
    pick(page, "circlesim-compare", other.title)
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
    # the number boxes say what is wrong by the box, never a traceback (the server log is
    # checked for one when the server stops)
    box = page.locator(".circlesim-stop-day input")
    for bad in ("inf", "-3", "abc"):
        box.fill(bad)
        box.press("Enter")
        page.locator(".circlesim-stop-day .v-messages__message",
                     has_text=f"{bad}").wait_for()
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


# ------------------------------------------------------------------ classroom controls (#12)

ABOVE_THE_FOLD = [".circlesim-day", ".circlesim-stats", "svg.circlesim-network"]


def in_view(page, selector: str, tries: int = 10) -> bool:
    """Whether the element is entirely inside the viewport. While playing, the drawings are
    replaced every frame: the element is found and measured in one step in the page (a
    locator's several round trips can each fall on a new frame's element, every time at full
    speed), and a missing element is looked for again a few times."""
    size = page.viewport_size
    for _ in range(tries):
        box = page.evaluate("""(selector) => {
            const element = document.querySelector(selector);
            if (!element) return null;
            const r = element.getBoundingClientRect();
            return {x: r.x, y: r.y, width: r.width, height: r.height}; }""", selector)
        if box is not None and box["width"] > 0:
            return (box["x"] >= 0 and box["y"] >= 0
                    and box["x"] + box["width"] <= size["width"] + 0.5
                    and box["y"] + box["height"] <= size["height"] + 0.5)
        page.wait_for_timeout(100)
    return False


def smallest_chart_text(page) -> float:
    """The smallest chart text as drawn (font size x the SVG's scale), in px."""
    return page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        'svg.circlesim-chart')].filter(svg => svg.getBoundingClientRect().width > 0).map(svg => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return Math.min(...[...svg.querySelectorAll('text')].map(
            t => parseFloat(t.getAttribute('font-size')) * scale)); }))""")


def font_px(page, selector: str) -> float:
    return page.evaluate(f"() => parseFloat(getComputedStyle("
                         f"document.querySelector('{selector}')).fontSize)")


CHARTS = [f".circlesim-chart-{c} svg" for c in
          ("members", "engagement", "reach", "complaints", "cost", "participation")]


def test_projector_sizes_presentation_and_narrow_screens(new_page):
    """One page, resized: at 1280x720 and 1400x900 the day, the headline numbers, the network
    and two charts are in view while playing, chart text >= 14 px; presentation mode has large
    type; at 800 px the settings start closed and open beside the results, never over them."""
    page = new_page({"width": 1280, "height": 720})
    # no stop day: at full speed the run passes day 180 while the sizes are checked
    page.locator(".circlesim-stop-day input").fill("0")
    page.locator(".circlesim-stop-day input").press("Enter")
    page.locator(".circlesim-speed button", has_text="max").click()
    page.locator(".circlesim-play").click()
    wait_day(page, "d >= 5")
    for width, height in ((1280, 720), (1400, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        for selector in ABOVE_THE_FOLD:
            assert in_view(page, selector), (width, selector)
        assert sum(in_view(page, c) for c in CHARTS) >= 2, width
        assert smallest_chart_text(page) >= 14, width
        before = day(page)
        wait_day(page, f"d > {before}")  # still playing
    page.locator(".circlesim-pause").click()
    page.locator(".circlesim-play").wait_for()

    normal = font_px(page, ".circlesim-day")
    page.locator(".circlesim-present-toggle").click()
    page.locator(".cs-present").wait_for()
    assert font_px(page, ".circlesim-day") >= 40 > normal
    assert font_px(page, ".circlesim-stat .n") >= 36
    assert not page.locator(".circlesim-settings").is_visible()
    assert in_view(page, ".circlesim-chart-members svg")
    page.locator(".circlesim-present-toggle").click()
    page.locator(".cs-present").wait_for(state="detached")

    page.set_viewport_size({"width": 800, "height": 700})
    page.wait_for_timeout(300)
    assert not page.locator(".circlesim-settings").is_visible()
    assert in_view(page, ".circlesim-day")
    page.locator(".circlesim-settings-toggle:visible").click()
    page.locator(".circlesim-settings").wait_for(state="visible")
    settings = page.locator(".circlesim-settings").bounding_box()
    main = page.locator(".cs-main").bounding_box()
    assert settings["x"] + settings["width"] <= main["x"] + 0.5  # beside, not over
    click_step(page, 1)


def test_over_budget_gets_a_message_and_other_sessions_keep_stepping(new_page):
    """One session asks for 10^10 paid exposures a day (refused with a message), then for
    100,000 founding members in a market of a million (built in the background with a busy
    sign); the other session keeps stepping meanwhile.

    The busy sign is caught with a MutationObserver, not by polling: a fast machine builds
    100,000 members in well under a second, and a poll can miss a sign that short."""
    first, second = new_page(), new_page()
    first.locator(".v-expansion-panel-header", has_text="Sharing").click()
    budget = first.locator(".circlesim-field-seeding_budget input")
    budget.fill("1e9")  # 2 x 10^10 paid exposures a day
    budget.press("Enter")
    first.locator(".circlesim-form-error", has_text="MB").wait_for()
    assert "seeding_budget" in first.locator(".circlesim-form-error").inner_text()
    click_step(second, 2)
    budget.fill("0")
    budget.press("Enter")
    first.locator(".v-expansion-panel-header", has_text="Network").click()
    for key, value in (("market_size", "1000000"), ("max_members", "100000")):
        field = first.locator(f".circlesim-field-{key} input")
        field.fill(value)
        field.press("Enter")
        first.locator(".circlesim-restart", has_text=f"{key} = {value}").wait_for(timeout=60_000)
    first.evaluate("""() => {
        window.csSawBusy = false;
        new MutationObserver(() => {
            if (document.querySelector('.circlesim-busy')) window.csSawBusy = true;
        }).observe(document.body, {childList: true, subtree: true});
    }""")
    founders = first.locator(".circlesim-field-initial_members input")
    founders.fill("100000")  # ~200 MB, within the session's budget: built in the background
    founders.press("Enter")
    first.wait_for_function("() => window.csSawBusy", timeout=30_000)
    click_step(second, 2)  # the other session keeps stepping during the build
    assert day(second) == 4
    first.locator(".circlesim-busy").wait_for(state="detached", timeout=60_000)
    first.locator(".circlesim-restart", has_text="initial_members = 100000").wait_for(
        timeout=60_000)
    click_step(first, 1)
    first.locator(".circlesim-reset").click()  # a big model is rebuilt in the background too
    first.locator(".circlesim-restart", has_text="Reset: back to day 0 (was day 1)").wait_for(
        timeout=60_000)
    wait_day(first, "d === 0")


def test_the_url_reproduces_the_view(new_page, ui_server):
    page = new_page(query="?preset=mass-media&seed=7&a.share_probability=0.3")
    assert page.locator(".circlesim-seed input").input_value() == "7"
    title = next(s.title for s in scenario_names() if s.name == "mass-media")
    assert title in page.locator(".circlesim-scenario").inner_text()
    page.locator(".v-expansion-panel-header", has_text="Sharing").click()
    assert page.locator(".circlesim-field-share_probability input").input_value() == "0.3"
    page.locator(".circlesim-seed input").fill("8")
    page.locator(".circlesim-seed input").press("Enter")
    page.wait_for_function("() => location.search.includes('seed=8')"
                           " && location.search.includes('a.share_probability=0.3')")


def atlas_claims() -> list:
    import importlib.util
    import json
    from pathlib import Path

    if importlib.util.find_spec("circlesim.claims") is None:
        return json.loads((Path(__file__).parent / "fixtures" / "atlas.json").read_text())[
            "claims"]
    from circlesim.claims import load_atlas

    return load_atlas()["claims"]


def test_claims_tab_and_show_me(new_page):
    """Every claim of the atlas is listed; "show me" loads both arms into Compare."""
    from circlesim.ui.claims_view import arm_texts

    page = new_page()
    page.locator(".circlesim-tab-claims").click()
    claims = atlas_claims()
    page.locator(".cs-claim").first.wait_for()
    assert page.locator(".cs-claim").count() == len(claims)
    for claim in claims:
        assert claim["verdict"] in page.locator(f".circlesim-claim-{claim['id']}").inner_text()
    # a claim whose arms differ in a setting the app shows
    claim = next(c for c in claims if arm_texts(c, "a")[1] != arm_texts(c, "b")[1])
    page.locator(f".circlesim-claim-{claim['id']} .circlesim-show-claim").click()
    page.locator(".circlesim-network-b svg").wait_for()
    legend = page.locator(".circlesim-legend").inner_text()
    name = claim["changed"]["parameter"].replace("_", " ")
    assert legend.count(name) >= 1, legend  # the arm that differs from the preset names it
    assert "Loaded the claim" in page.locator(".circlesim-restart").inner_text()
    # charts carry hover values
    assert page.locator(".circlesim-chart-members svg title").count() >= 1
