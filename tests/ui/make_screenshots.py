"""Take the screenshots shown in the README: ``python tests/ui/make_screenshots.py [OUT_DIR]``.

Starts the app (offline), plays the baseline to day 180 for docs/screenshots/main.png, then
compares a one-way channel (the baseline with members' posting and replies switched off) with
the two-way baseline, same seed, to day 120, for docs/screenshots/compare.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import harness  # noqa: E402

VIEWPORT = {"width": 1600, "height": 1000}  # a 16:10 classroom projector


def play_to(page, day: int) -> None:
    stop = page.locator(".circlesim-stop-day input")
    stop.fill(str(day))
    stop.press("Enter")
    page.locator(".circlesim-speed button", has_text="max").click()
    page.locator(".circlesim-play").click()
    page.wait_for_function(
        "d => { const el = document.querySelector('.circlesim-day');"
        " return el && parseInt(el.innerText.replace(/\\D+/g, '')) >= d; }", arg=day,
        timeout=120_000)
    page.locator(".circlesim-play").wait_for()  # stopped by itself at that day
    page.wait_for_timeout(500)


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with harness.ui_server() as (url, _log), sync_playwright() as p:
        browser = harness.launch_chromium(p)
        external: list[str] = []
        context = browser.new_context(viewport=VIEWPORT)
        harness.guard_offline(context, external)
        page = context.new_page()
        page.goto(url)
        page.locator(".circlesim-day").wait_for(timeout=60_000)
        play_to(page, 180)
        page.screenshot(path=str(out / "main.png"))

        page = context.new_page()
        page.goto(url)
        page.locator(".circlesim-day").wait_for(timeout=60_000)
        page.locator(".v-expansion-panel-header", has_text="Posting and replies").click()
        page.locator(".v-input--switch", has_text="interaction").locator("input").click(
            force=True)
        page.locator(".circlesim-compare .v-select__slot").click()
        page.locator(".menuable__content__active").get_by_text("baseline", exact=True).click()
        page.locator(".circlesim-network-b svg").wait_for()
        page.locator(".v-expansion-panel-header", has_text="Posting and replies").click()
        play_to(page, 120)
        page.evaluate("document.querySelector('.v-navigation-drawer__content').scrollTop = 0")
        page.screenshot(path=str(out / "compare.png"))
        browser.close()
        assert not external, external
    print(f"wrote {out / 'main.png'} and {out / 'compare.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else harness.ROOT / "docs" / "screenshots")
