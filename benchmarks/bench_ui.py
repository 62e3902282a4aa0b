"""Browser benchmark of the app: first page load and Play speed with a 500-member community.

    python benchmarks/bench_ui.py [--loads 5] [--plays 3] [--seconds 5] [--every 1 10 50]

Starts the app on a free port (offline, as ``circlesim ui`` does), drives Debian's Chromium
with Playwright, prints a table of medians and writes JSON to benchmarks/results/.

* first page load: navigation start -> day counter, network and charts drawn, in a fresh
  browser context each time (the first load after the server starts is reported apart);
* Play: ``initial_members`` set to 500 (the group cap), speed "max"; the day counter is read in
  the page before and after a fixed window, and a MutationObserver counts how many distinct days
  the browser actually rendered in it (frames/s rendered; with "draw every 1 day" that is the
  rendered days/s, acceptance >= 10);
* "draw every N days": the same with N days stepped in one batch per frame: simulated days/s
  (acceptance >= 200 at 500 members) and frames/s;
* browser ms/frame: how long the page's main thread worked per frame drawn (Chrome's
  TaskDuration over the window, divided by the frames rendered): the browser's share of a
  frame's cost.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))
import harness  # noqa: E402

VIEWPORT = {"width": 1400, "height": 900}
DAY_JS = ("() => { const el = document.querySelector('.circlesim-day');"
          " return el ? parseInt(el.innerText.replace(/\\D+/g, '')) : -1; }")
OBSERVE_JS = """() => {
  const root = document.querySelector('.circlesim-tab-sim') ? document.body : document.body;
  window.__days = new Set();
  window.__obs && window.__obs.disconnect();
  window.__obs = new MutationObserver(() => {
    const el = document.querySelector('.circlesim-day');
    if (el) window.__days.add(el.innerText);
  });
  window.__obs.observe(root, {childList: true, characterData: true, subtree: true});
}"""


def open_app(browser, url, external):
    context = browser.new_context(viewport=VIEWPORT)
    harness.guard_offline(context, external)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.locator(".circlesim-day").wait_for(timeout=60_000)
    page.locator("svg.circlesim-network circle").first.wait_for(timeout=60_000)
    page.locator(".circlesim-chart-members svg").wait_for(timeout=60_000)
    return context, page, time.perf_counter() - t0


def set_members(page, n: int) -> None:
    page.locator(".v-expansion-panel-header", has_text="Network").click()
    field = page.locator(".circlesim-field-initial_members input")
    field.fill(str(n))
    field.press("Enter")
    page.wait_for_function(
        f"() => {{ const s = document.querySelector('svg.circlesim-network');"
        f" return s && parseInt(s.dataset.nodes) >= {n}; }}", timeout=120_000)
    page.locator(".v-expansion-panel-header", has_text="Network").click()


def set_every(page, n: int) -> None:
    """Type ``n`` into "draw every" and check that it took: typed a few ms after a Pause, the
    last frame's render can put the old value back before Enter is handled."""
    box = page.locator(".circlesim-every input")
    for _ in range(5):
        box.fill(str(n))
        box.press("Enter")
        page.wait_for_timeout(300)
        if box.input_value() == str(n):
            return
    raise RuntimeError(f'"draw every" would not take {n}')


def browser_busy(cdp) -> float:
    """Seconds the page's main thread has worked so far (Chrome's TaskDuration metric)."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def play_rate(page, seconds: float, cdp=None) -> dict:
    page.locator(".circlesim-reset").click()
    page.wait_for_function(f"() => ({DAY_JS})() === 0")
    page.locator(".circlesim-play").click()
    page.wait_for_function(f"() => ({DAY_JS})() >= 3", timeout=60_000)  # warm up
    page.evaluate(OBSERVE_JS)
    busy0 = browser_busy(cdp) if cdp is not None else 0.0
    d0, t0 = page.evaluate(DAY_JS), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    d1, t1 = page.evaluate(DAY_JS), time.perf_counter()
    busy = browser_busy(cdp) - busy0 if cdp is not None else float("nan")
    rendered = page.evaluate("() => window.__days.size")
    members = page.evaluate(
        "() => parseInt(document.querySelector('svg.circlesim-network').dataset.nodes) - 1")
    page.locator(".circlesim-pause").click()
    page.locator(".circlesim-play").wait_for()
    return {"days_per_s": (d1 - d0) / (t1 - t0), "rendered_per_s": rendered / (t1 - t0),
            "days": d1 - d0, "members_at_end": members,
            "browser_ms_per_frame": 1000 * busy / max(rendered, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--plays", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--every", type=int, nargs="+", default=[1, 10, 50],
                        help='"draw every N days" values to measure')
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    external: list[str] = []
    with harness.ui_server() as (url, _log), sync_playwright() as p:
        browser = harness.launch_chromium(p)
        loads = []
        for _ in range(args.loads + 1):
            context, _page, seconds = open_app(browser, url, external)
            loads.append(seconds)
            context.close()
        context, page, _ = open_app(browser, url, external)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.locator(".circlesim-stop-day input").fill("0")
        page.locator(".circlesim-stop-day input").press("Enter")
        page.locator(".circlesim-speed button", has_text="max").click()
        set_members(page, args.members)
        by_every = {}
        for n in args.every:
            set_every(page, n)
            by_every[n] = [play_rate(page, args.seconds, cdp) for _ in range(args.plays)]
        plays = by_every[args.every[0]]
        context.close()
        browser.close()
    if external:
        print(f"requests left 127.0.0.1: {external}", file=sys.stderr)
        return 1
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": __import__("os").cpu_count()},
        "first_load_cold_s": loads[0],
        "first_load_median_s": statistics.median(loads[1:]),
        "first_loads_s": loads,
        "members": args.members,
        "play_days_per_s_median": statistics.median(r["days_per_s"] for r in plays),
        "play_rendered_steps_per_s_median": statistics.median(r["rendered_per_s"] for r in plays),
        "plays": plays,
        "draw_every": {str(n): {
            "days_per_s_median": statistics.median(r["days_per_s"] for r in runs),
            "frames_per_s_median": statistics.median(r["rendered_per_s"] for r in runs),
            "browser_ms_per_frame_median": statistics.median(
                r["browser_ms_per_frame"] for r in runs),
            "plays": runs} for n, runs in by_every.items()},
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench_ui-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    rows = [
        ("first page load, cold (s)", f"{result['first_load_cold_s']:.2f}", "< 5"),
        (f"first page load, median of {args.loads} (s)", f"{result['first_load_median_s']:.2f}",
         "< 5"),
        (f"Play, {args.members} members: days/s (median of {args.plays})",
         f"{result['play_days_per_s_median']:.1f}", ">= 10"),
        (f"Play, {args.members} members: rendered steps/s",
         f"{result['play_rendered_steps_per_s_median']:.1f}", ">= 10"),
    ]
    for n, entry in result["draw_every"].items():
        rows.append((f'Play, {args.members} members, draw every {n}: simulated days/s',
                     f'{entry["days_per_s_median"]:.1f}', ">= 200" if int(n) > 1 else ""))
        rows.append((f'Play, {args.members} members, draw every {n}: frames/s',
                     f'{entry["frames_per_s_median"]:.1f}', ""))
        rows.append((f'Play, {args.members} members, draw every {n}: browser ms/frame',
                     f'{entry["browser_ms_per_frame_median"]:.0f}', ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>8}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>8}  {target}")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
