"""Take the screenshots shown in the README: ``python tests/ui/make_screenshots.py [OUT_DIR]``.

Starts the app (offline) and writes, into docs/screenshots/ by default:

* ``main.png`` (1280x720) and ``main-1400x900.png``: the baseline run to day 120, on the two
  projector sizes;
* ``presentation.png`` (1280x720): the same in presentation mode;
* ``settings.png`` (1400x900): a settings group open, with its sliders and exact boxes;
* ``compare.png`` (1400x900): a one-way channel (members' posting and replies off) against the
  two-way baseline, same seed, to day 120;
* ``claims.png`` (1400x900): the claims tab. It reads ``circlesim.claims.load_atlas()``; until
  that exists, the test fixture (made-up numbers, titles marked "Example") stands in, and the
  script says so.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import harness  # noqa: E402

SMALL = {"width": 1280, "height": 720}
LARGE = {"width": 1400, "height": 900}


def run_to(page, day: int) -> None:
    box = page.locator(".circlesim-run-to input")
    box.fill(str(day))
    box.press("Enter")
    page.locator(".circlesim-go").click()
    page.wait_for_function(
        "d => { const el = document.querySelector('.circlesim-day');"
        " return el && parseInt(el.innerText.replace(/\\D+/g, '')) >= d; }", arg=day,
        timeout=120_000)
    page.locator(".circlesim-play").wait_for()
    page.wait_for_timeout(600)


def open_page(browser, url, viewport, external):
    context = browser.new_context(viewport=viewport)
    harness.guard_offline(context, external)
    page = context.new_page()
    page.goto(url)
    page.locator(".circlesim-day").wait_for(timeout=60_000)
    return page


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    env = {}
    if importlib.util.find_spec("circlesim.claims") is None and not os.environ.get(
            "CIRCLESIM_CLAIMS_ATLAS"):
        env["CIRCLESIM_CLAIMS_ATLAS"] = str(Path(__file__).parent / "fixtures" / "atlas.json")
        print("claims.png: circlesim.claims is not there yet, using the test fixture atlas")
    written = []
    with harness.ui_server(env) as (url, _log), sync_playwright() as p:
        browser = harness.launch_chromium(p)
        external: list[str] = []

        page = open_page(browser, url, SMALL, external)
        run_to(page, 120)
        page.screenshot(path=str(out / "main.png"))
        page.set_viewport_size(LARGE)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "main-1400x900.png"))
        page.set_viewport_size(SMALL)
        page.locator(".circlesim-present-toggle").click()
        page.locator(".cs-present").wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "presentation.png"))
        written += ["main.png", "main-1400x900.png", "presentation.png"]

        page = open_page(browser, url, LARGE, external)
        page.locator(".v-expansion-panel-header", has_text="Sharing").click()
        page.locator(".circlesim-field-share_probability").wait_for()
        page.locator(".circlesim-field-share_probability").scroll_into_view_if_needed()
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / "settings.png"))
        written.append("settings.png")

        page = open_page(browser, url + "?preset=baseline&seed=1&compare=baseline"
                         "&a.interaction=false", LARGE, external)
        page.locator(".circlesim-network-b svg").wait_for()
        run_to(page, 120)
        page.screenshot(path=str(out / "compare.png"))
        written.append("compare.png")

        page = open_page(browser, url, LARGE, external)
        page.locator(".circlesim-tab-claims").click()
        page.locator(".cs-claim, .circlesim-no-claims").first.wait_for()
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "claims.png"))
        written.append("claims.png")
        browser.close()
        assert not external, external
    print("wrote " + ", ".join(str(out / name) for name in written))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else harness.ROOT / "docs" / "screenshots")
