"""What the live view draws: chart definitions and SVG for one or two runs (no Solara here)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .svg import PALETTE, Series, fmt_number, line_chart

__all__ = ["CHARTS", "DASHES", "RUN_COLOURS", "ChartSpec", "chart_svgs", "headline_rows"]

RUN_COLOURS = ("#0072B2", "#D55E00")  # run A blue, run B vermilion
DASHES = ("", "9 6", "2 5")


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    y_label: str
    lines: tuple[tuple[str, str], ...]  # (column, legend label)
    y_max: float | None = None
    log_y: bool = False


CHARTS = (
    ChartSpec("members", "Members and active members", "people",
              (("members", "members"), ("active_members", "active"))),
    ChartSpec("engagement", "Mean engagement", "engagement (0-1)",
              (("mean_engagement", "mean engagement"),), y_max=1.0),
    ChartSpec("reach", "Exposures vs unique reach", "people, cumulative",
              (("total_exposures", "exposures"), ("unique_reach", "unique reach"))),
    ChartSpec("complaints", "Open complaints", "complaints",
              (("complaints_open", "open complaints"),)),
    ChartSpec("cost", "Cost per member (log scale)", "money per member",
              (("cost_per_member", "community"), ("media_cost_per_member", "mass media")),
              log_y=True),
    ChartSpec("participation", "Lurkers, contributors, heavy contributors", "share of members",
              (("lurker_share", "lurkers"), ("contributor_share", "contributors"),
               ("heavy_share", "heavy")), y_max=1.0),
)


def chart_svgs(runs, labels=("A", "B")) -> dict[str, str]:
    """One SVG per chart. One run: a colour per line. Two runs: a colour per run, overlaid."""
    out = {}
    compare = len(runs) > 1
    for spec in CHARTS:
        series = []
        for r, run in enumerate(runs):
            for m, (column, label) in enumerate(spec.lines):
                y = run.series(column)
                if compare:
                    colour, dash = RUN_COLOURS[r % 2], DASHES[m % len(DASHES)]
                    name = f"{labels[r]}: {label}" if len(spec.lines) > 1 else labels[r]
                else:
                    colour, dash = PALETTE[m % len(PALETTE)], DASHES[m % len(DASHES)] if m else ""
                    name = label
                series.append(Series(name, y, x=run.series("step"), colour=colour, dash=dash))
        out[spec.key] = line_chart(spec.title, series, y_label=spec.y_label, y_max=spec.y_max,
                                   log_y=spec.log_y)
    return out


def _fmt(value, kind="int") -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    if not np.isfinite(v):
        return "–"
    if kind == "int":
        return f"{v:,.0f}"
    if kind == "money":
        return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
    if kind == "ratio":
        return f"{v:.2f}"
    return fmt_number(v)


HEADLINES = (
    ("members", "members", "int"),
    ("active_members", "active", "int"),
    ("unique_reach", "unique reach", "int"),
    ("recruits_per_recruiter", "recruits per recruiter", "ratio"),
    ("cost_per_member", "cost / member (community)", "money"),
    ("media_cost_per_member", "cost / member (mass media)", "money"),
)


def headline_rows(runs) -> list[tuple[str, list[str]]]:
    """[(label, [value per run]), ...] formatted for display."""
    rows = []
    latest = [run.latest() for run in runs]
    for key, label, kind in HEADLINES:
        rows.append((label, [_fmt(row.get(key), kind) for row in latest]))
    return rows
