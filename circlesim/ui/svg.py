"""Small SVG renderers for the browser view: line charts (with bands) and the network.

Plain SVG strings, drawn by the browser from ``solara.HTML``: no chart library, nothing to
fetch from a CDN, and cheap enough to redraw ten or more times a second. Sizes and fonts are
chosen for a classroom projector.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PALETTE", "Series", "engagement_colour", "line_chart", "network_svg", "nice_ticks"]

#: Colour-blind-safe colours (Okabe-Ito), in the order charts use them.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
FONT = "font-family:Roboto,Arial,sans-serif"


@dataclass
class Series:
    label: str
    y: Sequence[float]
    x: Sequence[float] | None = None
    colour: str = PALETTE[0]
    dash: str = ""  # "" solid, e.g. "8 5" dashed
    low: Sequence[float] | None = None  # band (e.g. a 95% CI)
    high: Sequence[float] | None = None
    width: float = 3.0
    extra: dict = field(default_factory=dict)


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < hi - 1e-9 * step and len(ticks) < 50:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def fmt_number(v: float) -> str:
    """Short tick label: 1200 -> 1.2k, 0.25 -> 0.25."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e3:
        return f"{v / 1e3:g}k"
    if a == 0:
        return "0"
    if a < 0.01:
        return f"{v:.0e}"
    return f"{v:.3g}"


def _finite(values) -> np.ndarray:
    arr = np.asarray(values, dtype=float) if values is not None else np.zeros(0)
    return arr[np.isfinite(arr)]


def _last_x(xs) -> str:
    finite = [float(x[np.isfinite(x)].max()) for x in xs if np.isfinite(x).any()]
    return f"{max(finite):g}" if finite else ""


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    y_label: str = "",
    x_label: str = "day",
    width: int = 330,
    height: int = 235,
    y_min: float | None = 0.0,
    y_max: float | None = None,
    log_y: bool = False,
    css_class: str = "circlesim-chart",
    hover: bool = True,
    font: int = 15,
) -> str:
    """One line chart as an SVG string (responsive: scales to its container's width).

    ``log_y``: a logarithmic value axis (ticks at powers of ten), for quantities that differ by
    orders of magnitude; values <= 0 are left out. ``hover``: transparent strips over the plot,
    each with an SVG ``<title>`` naming the day and every line's value there (the browser
    shows it as a tooltip). ``font`` is the text size in the chart's own units (the page draws
    charts at about their own width, so text stays near 14-16 px).
    """
    raw = [(s.label, np.asarray(s.y, dtype=float),
            None if s.x is None else np.asarray(s.x, dtype=float)) for s in series]
    if log_y:
        def log(values):
            if values is None:
                return None
            arr = np.asarray(values, dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(arr > 0, np.log10(np.where(arr > 0, arr, 1.0)), np.nan)

        series = [Series(s.label, log(s.y), s.x, s.colour, s.dash, log(s.low), log(s.high),
                         s.width) for s in series]
        y_min = y_max = None
    left, right, bottom = 54, 12, 40
    # legend entries flow in rows under the title; the plot starts below them
    legend, lx, ly = [], left - 40, font + 26
    for s in series:
        w = 30 + 0.56 * font * len(s.label)
        if lx + w > width - right and lx > left - 40:
            lx, ly = left - 40, ly + font + 4
        legend.append((s, lx, ly))
        lx += w + 8
    top = ly + 12
    pw, ph = width - left - right, height - top - bottom
    xs, ys = [], []
    for s in series:
        y = np.asarray(s.y, dtype=float)
        x = np.arange(len(y), dtype=float) if s.x is None else np.asarray(s.x, float)
        n = min(len(x), len(y))  # a row being appended must not break the drawing
        xs.append(x[:n])
        ys.append(y[:n])
    all_x = np.concatenate([_finite(x) for x in xs] + [np.zeros(1)])
    all_y = np.concatenate(
        [_finite(y) for y in ys]
        + [_finite(s.low) for s in series]
        + [_finite(s.high) for s in series]
        + [np.zeros(0)]
    )
    x0, x1 = 0.0, max(float(all_x.max()), 10.0)
    lo = float(all_y.min()) if len(all_y) else 0.0
    hi = float(all_y.max()) if len(all_y) else 1.0
    if y_min is not None:
        lo = min(lo, y_min)
    if y_max is not None:
        hi = max(hi, y_max)
    if log_y:
        yt = [float(t) for t in range(math.floor(lo), math.ceil(hi if hi > lo else lo + 1) + 1)]
    else:
        yt = nice_ticks(lo, hi if hi > lo else lo + 1)
    y0, y1 = yt[0], yt[-1]
    xt = [t for t in nice_ticks(x0, x1, 5) if float(t).is_integer()] or [0.0]
    x1 = max(x1, xt[-1])

    def sx(v):
        return left + (v - x0) / (x1 - x0) * pw

    def sy(v):
        return top + ph - (v - y0) / (y1 - y0) * ph

    out = [
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="{html.escape(title)}" data-days="{_last_x(xs)}" '
        f'data-series="{len(series)}" style="{FONT};max-width:{width * 1.6:.0f}px">',
        f'<text x="6" y="{font + 3}" font-size="{font + 2}" font-weight="600" fill="#222">'
        f"{html.escape(title)}</text>",
    ]
    # grid and axes
    for t in yt:
        y = sy(t)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#e3e3e3"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 5:.1f}" font-size="{font}" text-anchor="end" fill="#444">'
            f"{fmt_number(10 ** t if log_y else t)}</text>"
        )
    for t in xt:
        if t > x1 + 1e-9:
            continue
        x = sx(t)
        out.append(
            f'<text x="{x:.1f}" y="{top + ph + font + 4}" font-size="{font}" text-anchor="middle" '
            f'fill="#444">{fmt_number(t)}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#888"/>'
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#888"/>'
    )
    out.append(
        f'<text x="{left + pw}" y="{height - 3}" font-size="{font}" text-anchor="end" '
        f'fill="#555">{html.escape(x_label)}</text>'
    )
    if y_label:
        out.append(
            f'<text x="{font}" y="{top + ph / 2:.0f}" font-size="{font}" text-anchor="middle" '
            f'fill="#555" transform="rotate(-90 {font} {top + ph / 2:.0f})">'
            f"{html.escape(y_label)}</text>"
        )
    # bands, then lines
    for s, x in zip(series, xs, strict=True):
        if s.low is None or s.high is None or len(x) == 0:
            continue
        n = min(len(x), len(s.low), len(s.high))
        x = x[:n]
        low, high = np.asarray(s.low, float)[:n], np.asarray(s.high, float)[:n]
        ok = np.isfinite(low) & np.isfinite(high)
        if ok.sum() < 2:
            continue
        pts = [f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(x[ok], high[ok], strict=True)]
        pts += [f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(x[ok][::-1], low[ok][::-1], strict=True)]
        out.append(f'<polygon points="{" ".join(pts)}" fill="{s.colour}" fill-opacity="0.18"/>')
    for s, x, y in zip(series, xs, ys, strict=True):
        ok = np.isfinite(y)
        if ok.sum() == 0:
            continue
        px = left + (x[ok] - x0) / (x1 - x0) * pw
        py = top + ph - (y[ok] - y0) / (y1 - y0) * ph
        px, py = thin_line(px, py, columns=int(pw))
        coords = np.column_stack([px, py]).ravel().tolist()
        d = ("M" + " L".join(["%.1f,%.1f"] * len(px))) % tuple(coords)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        out.append(
            f'<path d="{d}" fill="none" stroke="{s.colour}" stroke-width="{s.width}"'
            f'{dash} stroke-linejoin="round" stroke-linecap="round"/>'
        )
        if ok.sum() == 1:
            out.append(f'<circle cx="{px[0]:.1f}" cy="{py[0]:.1f}" r="4" fill="{s.colour}"/>')
    # legend: one row under the title, wrapping onto a second row
    for s, lx, ly in legend:
        label = html.escape(s.label)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{ly - 5}" y2="{ly - 5}" stroke="{s.colour}" '
            f'stroke-width="4"{dash}/><text x="{lx + 28}" y="{ly}" font-size="{font}" '
            f'fill="#222">{label}</text>'
        )
    if hover:
        out.append(_hover_strips(raw, sx, top, ph, pw, left))
    out.append("</svg>")
    return "".join(out)


def thin_line(px, py, columns: int):
    """A line's points cut to at most two per column of the plot (its lowest and highest, in
    their order), when it has more than that: the drawing is the same at the chart's size (the
    line covers the same pixels), and a long run (thousands of days, drawn many times a second)
    stays cheap to send and draw. The first and last points are kept. ``px`` must not decrease
    (days); otherwise nothing is cut."""
    n = len(px)
    if columns < 1 or n <= 2 * columns or np.any(np.diff(px) < 0):
        return px, py
    span = float(px[-1] - px[0]) or 1.0
    col = np.minimum(((px - px[0]) / span * columns).astype(int), columns - 1)
    order = np.lexsort((py, col))  # by column, then value: each column's lowest first
    first = np.flatnonzero(np.r_[True, col[order][1:] != col[order][:-1]])
    last = np.r_[first[1:], n] - 1
    # back in the line's order; the first and last points (today's value) always kept
    keep = np.unique(np.r_[0, order[first], order[last], n - 1])
    return px[keep], py[keep]


def _hover_strips(raw, sx, top, ph, pw, left, most: int = 60) -> str:
    """Transparent strips over the plot, each with a ``<title>`` of the values at its day."""
    lookup, days = [], set()
    for label, y, x in raw:
        xs = np.arange(len(y), dtype=float) if x is None else x[:len(y)]
        pairs = dict(zip(xs.tolist(), y[:len(xs)].tolist(), strict=True))
        lookup.append((label, pairs))
        days.update(d for d in pairs if math.isfinite(d))
    days = sorted(days)
    if not days:
        return ""
    if len(days) > most:  # at most ``most`` strips: a tooltip every few days
        days = [days[int(round(i))] for i in np.linspace(0, len(days) - 1, most)]
    edges = [left] + [(sx(a) + sx(b)) / 2 for a, b in zip(days, days[1:], strict=False)]
    edges.append(left + pw)
    parts = ['<g class="circlesim-hover" fill="#000" fill-opacity="0">']
    for i, d in enumerate(days):
        values = [f"{label}: {_exact(v)}" for label, by_day in lookup
                  if (v := by_day.get(d)) is not None and math.isfinite(v)]
        if not values:
            continue
        a, b = edges[i], edges[i + 1]
        tip = html.escape(f"day {d:g}: " + "; ".join(values))
        parts.append(f'<rect x="{a:.1f}" y="{top}" width="{max(b - a, 0.5):.1f}" '
                     f'height="{ph}"><title>{tip}</title></rect>')
    parts.append("</g>")
    return "".join(parts)


def _exact(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{v:,.0f}"
    return f"{v:,.3g}" if abs(v) >= 1 else f"{v:.3g}"


# engagement colours: cold (disengaged) blue -> grey -> hot (engaged) red, "coolwarm"
_STOPS = np.array(
    [
        [0.00, 59, 76, 192],
        [0.25, 124, 159, 249],
        [0.50, 200, 200, 200],
        [0.75, 244, 154, 123],
        [1.00, 180, 4, 38],
    ]
)


def engagement_colour(e) -> np.ndarray:
    """(n, 3) RGB ints for engagement values in [0, 1]."""
    e = np.clip(np.nan_to_num(np.asarray(e, float), nan=0.0), 0, 1)
    return np.stack(
        [np.interp(e, _STOPS[:, 0], _STOPS[:, c]) for c in (1, 2, 3)], axis=1
    ).round().astype(int)


#: Colour levels of the network's dots: engagement is drawn in steps of 1/DOT_LEVELS.
DOT_LEVELS = 20
#: Size tiers of the dots, drawn largest first (so small dots stay visible on top).
DOT_TIERS = 3


def _dots(px, py, radius, engagement) -> str:
    """Filled circles as few ``<path>`` elements: one per (size tier, colour level).

    The page draws a frame many times a second: 500 ``<circle>`` elements cost the browser
    several times more (parsing, styling) than a few dozen paths of the same circles. Each circle
    is two arcs; engagement is drawn in DOT_LEVELS colour steps (invisible next to the colour
    bar's own resolution)."""
    level = np.rint(np.clip(np.nan_to_num(engagement, nan=0.0), 0, 1) * DOT_LEVELS).astype(int)
    rmin, rmax = float(radius.min()), float(radius.max())
    span = rmax - rmin
    tier = (np.zeros(len(radius), int) if span <= 1e-9 else
            np.minimum(((rmax - radius) / span * DOT_TIERS).astype(int), DOT_TIERS - 1))
    rgb = engagement_colour(np.arange(DOT_LEVELS + 1) / DOT_LEVELS)
    # one arc pair per distinct radius (in tenths), formatted once
    r10 = np.rint(radius * 10).astype(int)
    tails = {int(t): "a{0} {0} 0 1 0 {1} 0a{0} {0} 0 1 0 -{1} 0".format(t / 10, 2 * t / 10)
             for t in np.unique(r10)}
    # one pass: dots ordered by tier (largest first), colour, then size; a path per run
    order = np.lexsort((-radius, level, tier))
    left = np.round(px[order] - r10[order] / 10, 1).tolist()
    mid = np.round(py[order], 1).tolist()
    dots = [f"M{x:g} {y:g}{tails[k]}"
            for x, y, k in zip(left, mid, r10[order].tolist(), strict=True)]
    group = tier[order] * (DOT_LEVELS + 1) + level[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]).tolist() + [len(order)]
    parts = []
    for a, b in zip(starts[:-1], starts[1:], strict=False):
        red, green, blue = rgb[level[order[a]]]
        parts.append(f'<path fill="rgb({red},{green},{blue})" d="{"".join(dots[a:b])}"/>')
    return "".join(parts)


def network_svg(positions, view: dict, *, size: int = 560, title: str = "") -> str:
    """The community: organiser at the centre, colour = engagement, size = activity.

    Newcomers get a thick green ring. Nodes not in ``view`` (leavers) are simply absent.
    """
    pos = np.asarray(positions, float).reshape(-1, 2)
    node_id = np.asarray(view["node_id"])
    n = len(node_id)
    pad = 26
    half = size / 2 - pad
    cx = cy = size / 2
    px = cx + pos[:, 0] * half if n else np.zeros(0)
    py = cy + pos[:, 1] * half if n else np.zeros(0)
    out = [
        f'<svg class="circlesim-network" viewBox="0 0 {size} {size + 78}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="community network" '
        f'style="{FONT};max-width:{size * 1.5:.0f}px" data-nodes="{n}">'
    ]
    if title:
        out.append(f'<text x="8" y="26" font-size="26" font-weight="600">'
                   f'{html.escape(title)}</text>')
    edges = np.asarray(view.get("edges", np.zeros((0, 2))), dtype=np.int64).reshape(-1, 2)
    if len(edges) and n:
        # node ids -> rows, vectorised (the drawing is redone every frame while playing)
        order = np.argsort(node_id, kind="stable")
        sorted_ids = node_id[order]
        at = np.clip(np.searchsorted(sorted_ids, edges), 0, n - 1)
        rows = np.where(sorted_ids[at] == edges, order[at], -1)
        rows = rows[(rows >= 0).all(axis=1)]
        if len(rows):
            a, b = rows[:, 0], rows[:, 1]
            coords = np.column_stack([px[a], py[a], px[b], py[b]])
            # whole units: a line at this opacity and width shows no half unit (1 unit is about
            # 0.6 px on screen), and the page gets a quarter fewer bytes per frame
            d = ("M%d %dL%d %d" * len(rows)) % tuple(np.rint(coords).astype(int).ravel().tolist())
            opacity = float(np.clip(0.5 * np.sqrt(150 / len(rows)), 0.12, 0.5))
            out.append(
                f'<path d="{d}" stroke="#8a94a0" stroke-opacity="{opacity:.2f}" '
                f'stroke-width="0.8" fill="none"/>'
            )
    if n:
        act = np.nan_to_num(np.asarray(view.get("activity", np.ones(n)), float), nan=0.0)
        act = np.clip(act, 0, None)
        top = np.quantile(act, 0.99) if n > 1 else (act.max() or 1.0)
        rel = np.sqrt(np.clip(act / (top or 1.0), 0, 1))
        crowd = float(np.clip(np.sqrt(120 / max(n, 1)), 0.55, 1.0))  # smaller when crowded
        radius = (2.5 + 8.5 * rel) * crowd
        engagement = np.asarray(view.get("engagement", np.zeros(n)), float)
        organiser = np.asarray(view.get("is_organiser", node_id == node_id[0]), bool)
        newcomer = np.asarray(view.get("newcomer", np.zeros(n, bool)), bool)
        # members, small on top of large; newcomers (green ring) above the rest
        for group, stroke in ((~organiser & ~newcomer, 'stroke="#fff" stroke-width="0.6"'),
                              (~organiser & newcomer, 'stroke="#1a9e3a" stroke-width="2.6"')):
            idx = np.flatnonzero(group)
            if len(idx):
                out.append(f"<g {stroke}>{_dots(px[idx], py[idx], radius[idx], engagement[idx])}"
                           "</g>")
        for i in np.flatnonzero(organiser):
            out.append(
                f'<circle cx="{px[i]:.1f}" cy="{py[i]:.1f}" r="15" fill="#222" stroke="#ffd54f" '
                f'stroke-width="4"/><text x="{px[i]:.1f}" y="{py[i] + 40:.1f}" font-size="22" '
                f'font-weight="600" text-anchor="middle" fill="#222" stroke="#fff" '
                f'stroke-width="3" paint-order="stroke">organiser</text>'
            )
    total = int(view.get("members_total", n - 1 if n else 0))
    if n and total > n - 1:
        out.append(f'<text x="{size - 6}" y="26" font-size="22" text-anchor="end" fill="#555" '
                   f'class="circlesim-network-sample">{n - 1:,} of {total:,} members drawn'
                   f'</text>')
    # legend: engagement colour bar, newcomer ring, size = activity
    ly = size + 14
    out.append(
        '<defs><linearGradient id="cs-eng" x1="0" x2="1" y1="0" y2="0">'
        + "".join(
            f'<stop offset="{s[0]:.2f}" stop-color="rgb({int(s[1])},{int(s[2])},{int(s[3])})"/>'
            for s in _STOPS
        )
        + "</linearGradient></defs>"
    )
    out.append(
        f'<text x="4" y="{ly + 20}" font-size="24" fill="#333">engagement</text>'
        f'<rect x="140" y="{ly + 2}" width="140" height="22" fill="url(#cs-eng)" rx="3"/>'
        f'<text x="140" y="{ly + 50}" font-size="22" fill="#555">0 cold</text>'
        f'<text x="280" y="{ly + 50}" font-size="22" text-anchor="end" fill="#555">1 hot</text>'
        f'<circle cx="312" cy="{ly + 13}" r="9" fill="#c8c8c8" stroke="#1a9e3a" '
        f'stroke-width="3"/><text x="328" y="{ly + 20}" font-size="24" fill="#333">newcomer'
        f'</text><circle cx="312" cy="{ly + 44}" r="4" fill="#999"/>'
        f'<circle cx="330" cy="{ly + 44}" r="9" fill="#999"/>'
        f'<text x="346" y="{ly + 52}" font-size="24" fill="#333">size = activity</text>'
    )
    out.append("</svg>")
    return "".join(out)
