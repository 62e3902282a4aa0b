"""What the live view draws: chart definitions and SVG for one or two runs (no Solara here)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .svg import PALETTE, Series, fmt_number, line_chart

__all__ = ["CHARTS", "DASHES", "GLOSSARY", "HEADLINES", "RUN_COLOURS", "ChartSpec", "chart_svgs",
           "glossary", "headline_rows"]

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
    ChartSpec("members", "Members and active", "people",
              (("members", "members"), ("active_members", "active"))),
    ChartSpec("engagement", "Mean engagement", "engagement (0-1)",
              (("mean_engagement", "mean engagement"),), y_max=1.0),
    ChartSpec("reach", "Exposures vs unique reach", "people so far",
              (("total_exposures", "exposures"), ("unique_reach", "unique reach"))),
    ChartSpec("complaints", "Open complaints", "complaints",
              (("complaints_open", "open complaints"),)),
    ChartSpec("cost", "Cost per member (log)", "money / member",
              (("cost_per_member", "community"), ("media_cost_per_member", "mass media")),
              log_y=True),
    ChartSpec("participation", "Who posts (90-9-1)", "share of members",
              (("lurker_share", "lurkers"), ("contributor_share", "contributors"),
               ("heavy_share", "heavy")), y_max=1.0),
)


def chart_svgs(runs, labels=("A", "B"), hover: bool = True) -> dict[str, str]:
    """One SVG per chart. One run: a colour per line. Two runs: a colour per run, overlaid.

    ``hover``: the charts' tooltips (a strip per day naming every line's value); the play loop
    leaves them out while playing (they would change under the pointer every frame) and draws
    them on the frame shown when it stops."""
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
                                   log_y=spec.log_y, hover=hover)
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
    ("recruits_per_recruiter", "recruits / recruiter", "ratio"),
    ("cost_per_member", "cost / member", "money"),
    ("media_cost_per_member", "mass media: cost / member", "money"),
)


def headline_rows(runs) -> list[tuple[str, list[str]]]:
    """[(label, [value per run]), ...] formatted for display."""
    rows = []
    latest = [run.latest() for run in runs]
    for key, label, kind in HEADLINES:
        rows.append((label, [_fmt(row.get(key), kind) for row in latest]))
    return rows


#: Plain-language explanations of the headline numbers and chart lines, for the info tab
#: (the precise definition of each column comes from ``OUTPUT_COLUMNS``).
GLOSSARY: dict[str, str] = {
    "members": "How many people are in the group today. Joiners come through members' shares, "
               "paid seeding and the organiser's invitations; people leave when they lose "
               "interest, stay away too long or are pruned.",
    "active_members": "Members who did something recently (posted, replied, shared or answered a "
                      "complaint). A big group with few active members is a quiet audience, not "
                      "a community.",
    "unique_reach": "How many different outsiders have seen the group through shares or paid "
                    "seeding. Friends of members are often friends of other members, so this "
                    "grows much more slowly than the number of exposures: 500 members x 100 "
                    "friends is not 50,000 different people.",
    "total_exposures": "Every time a share or a paid post reaches someone, counting repeats. "
                       "Compare it with unique reach to see how much sharing lands on people who "
                       "have already seen it.",
    "recruits_per_recruiter": "Among members who brought in at least one person through a share, "
                              "how many they brought on average. The source text's 'one to ten' "
                              "claims ten; most members recruit nobody, and those who do usually "
                              "bring one or two.",
    "mean_engagement": "How warm members feel about the group, on a scale from 0 (cold, about "
                       "to leave) to 1 (enthusiastic). Replies, answers and warm posts raise it; "
                       "waiting complaints and time lower it.",
    "complaints_open": "Complaints posted in the group that nobody has answered yet. Members "
                       "whose complaint waits may leave.",
    "cost_per_member": "All the money the organiser spent so far (posts, answers, invitations, "
                       "paid seeding, fixed costs) divided by everyone who ever joined.",
    "media_cost_per_member": "What the same money would buy as mass-media advertising: spend "
                             "divided by the people the ads would have converted. Lower is "
                             "cheaper.",
    "lurker_share": "Share of members who never posted: in most online groups the large "
                    "majority (the '90' of the 90-9-1 rule).",
    "contributor_share": "Share of members who posted, but less than once a week (the '9').",
    "heavy_share": "Share of members who posted at least weekly on average (the '1').",
}


def glossary() -> list[tuple[str, str, str]]:
    """[(column, precise definition, plain explanation)] for every headline and chart line."""
    from circlesim.model import OUTPUT_COLUMNS

    keys = [k for k, _, _ in HEADLINES]
    keys += [c for spec in CHARTS for c, _ in spec.lines if c not in keys]
    return [(k, OUTPUT_COLUMNS.get(k, ""), GLOSSARY.get(k, "")) for k in keys]
