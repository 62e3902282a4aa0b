"""Figures and printed tables of a fit (matplotlib, written as PNG without a display)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .data import History
from .predict import Forecast, GoodnessOfFit, WhatIf

__all__ = ["forecast_figure", "what_if_figure", "posterior_lines", "gof_lines", "what_if_lines"]


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def forecast_figure(fc: Forecast, history: History, path: str | Path, title: str = "") -> None:
    """One panel per observed column: 90% and 50% bands, median, observed days (fitted in
    black, held out in red), a line where the fit ends and one where the data ends."""
    plt = _plt()
    cols = history.columns
    ncol = min(2, len(cols))
    nrow = math.ceil(len(cols) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6 * ncol, 3.2 * nrow), squeeze=False,
                             dpi=90)
    days = np.arange(fc.days + 1)
    frame = history.frame
    for ax, col in zip(axes.flat, cols):
        x = fc.column(col)
        q05, q25, q50, q75, q95 = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(days, q05, q95, color="tab:blue", alpha=0.18, lw=0, label="90% band")
        ax.fill_between(days, q25, q75, color="tab:blue", alpha=0.35, lw=0, label="50% band")
        ax.plot(days, q50, color="tab:blue", lw=1.2, label="median")
        fit = frame["day"] <= fc.fit_last_day
        ax.plot(frame.loc[fit, "day"], frame.loc[fit, col], "k.", ms=4, label="observed (fitted)")
        if (~fit).any():
            ax.plot(frame.loc[~fit, "day"], frame.loc[~fit, col], ".", color="tab:red", ms=4,
                    label="observed (held out)")
        ax.axvline(fc.fit_last_day + 0.5, color="grey", ls="--", lw=0.8)
        if fc.data_last_day > fc.fit_last_day:
            ax.axvline(fc.data_last_day + 0.5, color="grey", ls=":", lw=0.8)
        ax.set_title(col)
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(cols):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def what_if_figure(wi: WhatIf, path: str | Path, column: str = "members") -> None:
    """Median and 50% band of ``column`` in every arm, from the day the levers change."""
    plt = _plt()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 3.8), dpi=90)
    j = wi.columns.index(column)
    start = max(wi.change_day - 14, 0)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (arm, paths) in enumerate(wi.arms.items()):
        x = paths[:, start:, j]
        days = np.arange(start, start + x.shape[1])
        q25, q50, q75 = np.quantile(x, [0.25, 0.5, 0.75], axis=0)
        c = colors[i % len(colors)]
        ax.fill_between(days, q25, q75, color=c, alpha=0.2, lw=0)
        ax.plot(days, q50, color=c, label=arm)
    ax.axvline(wi.change_day + 0.5, color="grey", ls="--", lw=0.8)
    ax.set_title(f"{column}: median and 50% band per arm")
    ax.set_xlabel("day")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    arms = [a for a in wi.arms if a != "baseline"]
    if arms:
        # three outcomes counted in people share one axis: the group at the end, and who
        # joined and who left over the forecast days (paired differences to the baseline)
        for k, metric in enumerate(("members_at_end", "joined", "left")):
            t = wi.table[(wi.table.metric == metric)].set_index("arm").loc[arms]
            y = np.arange(len(arms)) + (k - 1) * 0.22
            ax2.errorbar(t["diff_median"], y, xerr=[t["diff_median"] - t["diff_low90"],
                                                     t["diff_high90"] - t["diff_median"]],
                         fmt="o", capsize=3, color=colors[k], label=metric.replace("_", " "))
        ax2.set_yticks(np.arange(len(arms)), arms)
        ax2.axvline(0, color="grey", lw=0.8)
        ax2.set_xlabel("people, arm minus baseline (paired; median and 90% of draws)")
        ax2.legend(fontsize=8)
        ax2.grid(alpha=0.3)
    else:
        ax2.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _num(x: float) -> str:
    if x != x:
        return "-"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.3g}"


def posterior_lines(summary: pd.DataFrame) -> list[str]:
    lines = [f"{'parameter':<22} {'median':>10} {'90% credible interval':>24}  prior"]
    for r in summary.itertuples():
        ci = f"{_num(r.low90)} - {_num(r.high90)}"
        lines.append(f"{r.parameter:<22} {_num(r.median):>10} {ci:>24}  "
                     f"{_num(r.prior_low)} - {_num(r.prior_high)} ({r.scale})")
    return lines


def gof_lines(g: GoodnessOfFit) -> list[str]:
    lines = [f"{'column':<16} {'fitted in 90%':>14} {'in 50%':>7} {'R^2':>6}   "
             f"{'held out in 90%':>15} {'in 50%':>7}"]
    for r in g.table.itertuples():
        def pct(x):
            return "-" if x != x else f"{x:.0%}"
        r2 = "-" if r.fitted_r2 != r.fitted_r2 else f"{r.fitted_r2:.2f}"
        lines.append(f"{r.column:<16} {pct(r.fitted_cover90):>14} {pct(r.fitted_cover50):>7} "
                     f"{r2:>6}   {pct(r.held_out_cover90):>15} {pct(r.held_out_cover50):>7}")
    return lines + g.lines + [g.verdict]


def what_if_lines(wi: WhatIf) -> list[str]:
    lines = [f"levers change after day {wi.change_day}; totals over the "
             f"{wi.arms['baseline'].shape[1] - 1 - wi.change_day} forecast days; "
             f"'vs baseline' is paired (same draws, same seeds): median [90%], share of draws "
             f"higher"]
    for metric in wi.table.metric.unique():
        lines.append(f"  {metric}")
        for r in wi.table[wi.table.metric == metric].itertuples():
            base = (f"   vs baseline {_num(r.diff_median):>7} [{_num(r.diff_low90)}, "
                    f"{_num(r.diff_high90)}] higher in {r.share_higher:.0%}"
                    if r.arm != "baseline" else "")
            lines.append(f"    {r.arm:<28} {_num(r.median):>9} [{_num(r.low90)}, "
                         f"{_num(r.high90)}]{base}")
    return lines
