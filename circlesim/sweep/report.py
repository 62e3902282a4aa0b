"""Summaries and charts of a results directory (``circlesim report DIR``).

The summary has one row per scenario and grid point (per scenario for SALib designs) with the
final-day members, mean engagement, unique reach and cost per member: the mean over
replications and the half-width of its 95% confidence interval (Student t). Charts (PNG, in
``DIR/report/``): the time series of those four metrics with 95% CI bands, and for designs
the sensitivity indices as bars.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from circlesim.stats import half_width, mean_ci, t_quantile, welch_diff

from .store import ResultStore, atomic_write_text, load_results

METRICS = {
    "members": "final members",
    "mean_engagement": "engagement",
    "unique_reach": "unique reach",
    "cost_per_member": "cost / member",
}
SERIES = {
    "members": "members",
    "mean_engagement": "mean engagement",
    "unique_reach": "unique reach (people ever exposed)",
    "cost_per_member": "cost per member",
}
MAX_LINES = 10


class ReportError(ValueError):
    pass


def _t(n: int) -> float:
    """t quantile for the 95% CI of a mean of ``n`` values (NaN if n < 2)."""
    return t_quantile(n - 1)


def ci_half_width(values: np.ndarray) -> float:
    """Half-width of the 95% CI of the mean of ``values`` (non-finite values dropped)."""
    return mean_ci(values).half


def open_results(directory) -> tuple[ResultStore, dict]:
    store = ResultStore(directory)
    if not store.dir.is_dir():
        raise ReportError(f"{store.dir}: no such results directory")
    manifest = store.load_manifest() if store.exists() else None
    if manifest is None:
        raise ReportError(f"{store.dir}: not a sweep results directory (no manifest.json)")
    if not store.data_files():
        raise ReportError(f"{store.dir}: no results yet (no runs.parquet); run the sweep first")
    damaged = store.damaged_files()
    if damaged:
        path, reason = damaged[0]
        raise ReportError(f"{path}: damaged: {reason}; rerun the sweep to set it aside and redo "
                          "its runs")
    return store, manifest


def current_results(directory, columns: list[str]) -> pd.DataFrame:
    """Rows of the runs in the directory's current spec, with their current point index.

    A directory can hold runs of an earlier, smaller or different spec (a grown grid, other
    fixed values); those stay in runs.parquet but are left out here, and ``point`` is taken
    from the manifest so a grown grid's reused runs group with the right point.
    """
    store = ResultStore(directory)
    manifest = store.load_manifest() or {}
    runs = manifest.get("runs", {})
    df = load_results(directory, columns=columns)
    if df.empty or not runs:
        return df
    current = {rid: info.get("point", 0) for rid, info in runs.items()
               if info.get("in_current_spec", True)}
    df = df[df["run_id"].isin(current.keys())].copy()
    if "point" in df.columns:
        df["point"] = df["run_id"].map(current).astype("int64")
    return df.reset_index(drop=True)


def group_labels(manifest: dict) -> tuple[list[str], bool]:
    spec = manifest.get("spec", {})
    design = spec.get("design")
    return list((spec.get("grid") or {}).keys()), design is not None


def summary_table(directory) -> pd.DataFrame:
    store, manifest = open_results(directory)
    swept, is_design = group_labels(manifest)
    metrics = list(METRICS)
    df = current_results(store.dir, columns=["scenario", "point", *swept, *metrics])
    metrics = [m for m in metrics if m in df.columns]
    if df.empty:
        raise ReportError(f"{store.dir}: no completed runs to report")
    last = df.groupby("run_id", sort=False)["step"].transform("max")
    final = df[df["step"] == last]
    keys = ["scenario"] if is_design else ["scenario", "point"]
    rows = []
    for key, sub in final.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        row = {"scenario": key[0]}
        if not is_design:
            row["point"] = int(key[1])
            row["setting"] = ", ".join(f"{k}={_fmt_value(sub[k].iloc[0])}" for k in swept
                                       if k in sub.columns) or "-"
        else:
            row["setting"] = f"{manifest['spec']['design']['method']} design"
        row["n"] = int(sub["run_id"].nunique())
        for m in metrics:
            vals = sub[m].to_numpy(dtype=float)
            row[f"{m}_mean"] = float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")
            row[f"{m}_ci95"] = ci_half_width(vals)
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt_value(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


def _fmt(mean: float, half: float) -> str:
    if not np.isfinite(mean):
        return "n/a"
    digits = 3 if abs(mean) < 10 else 1 if abs(mean) < 1000 else 0
    text = f"{mean:,.{digits}f}"
    if np.isfinite(half):
        text += f" ± {half:,.{digits}f}"
    return text


def format_table(table: pd.DataFrame) -> str:
    metrics = [m for m in METRICS if f"{m}_mean" in table.columns]
    headers = ["scenario", "setting", "n"] + [METRICS[m] for m in metrics]
    body = []
    for _, r in table.iterrows():
        body.append([str(r["scenario"]), str(r["setting"]), str(r["n"])]
                    + [_fmt(r[f"{m}_mean"], r[f"{m}_ci95"]) for m in metrics])
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) if i < 2 else h.rjust(w)
                       for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for b in body:
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(b, widths))))
    lines.append("(final day: mean ± 95% CI half-width over the runs of each row)")
    return "\n".join(lines)


def timeseries_chart(directory, path: Path, labels: dict | None = None) -> Path | None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    store, manifest = open_results(directory)
    swept, is_design = group_labels(manifest)
    metrics = list(METRICS)
    df = current_results(store.dir, columns=["scenario", "point", *swept, *metrics])
    metrics = [m for m in metrics if m in df.columns]
    if df.empty or not metrics:
        return None
    if is_design:
        df["group"] = df["scenario"].astype(str)
    else:
        df["group"] = df["scenario"].astype(str)
        if swept:
            df["group"] = df["group"] + " " + df[swept].astype(str).agg(", ".join, axis=1).map(
                lambda s: f"({s})")
    groups = list(dict.fromkeys(df["group"]))
    shown = groups[:MAX_LINES]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), squeeze=False)
    for ax, m in zip(axes.flat, metrics):
        for g in shown:
            sub = df[df["group"] == g]
            stats = sub.groupby("step")[m].agg(["mean", "std", "count"])
            half = np.nan_to_num(half_width(stats["std"].to_numpy(), stats["count"].to_numpy()))
            x = stats.index.to_numpy()
            ax.plot(x, stats["mean"], label=g, linewidth=1.5)
            ax.fill_between(x, stats["mean"] - half, stats["mean"] + half, alpha=0.2)
        ax.set_title(SERIES[m])
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    title = manifest.get("spec", {}).get("title") or manifest.get("spec", {}).get("name") or ""
    note = f" (first {MAX_LINES} of {len(groups)} groups)" if len(groups) > MAX_LINES else ""
    fig.suptitle(f"{title} mean with 95% CI band{note}".strip())
    handles, lbls = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, lbls, loc="lower center", ncol=min(3, len(lbls)), fontsize="small")
    fig.tight_layout(rect=(0, 0.08 + 0.025 * math.ceil(len(lbls) / 3), 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def sensitivity_chart(directory, path: Path) -> Path | None:
    csv = Path(directory) / "sensitivity.csv"
    if not csv.exists():
        return None
    table = pd.read_csv(csv)
    if table.empty:
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    method = table["method"].iloc[0]
    wanted = ["S1", "ST"] if method == "sobol" else ["mu_star", "sigma"]
    table = table[table["index"].isin(wanted)]
    panels = list(dict.fromkeys(zip(table["scenario"], table["output"])))
    cols = min(2, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 3.6 * rows), squeeze=False)
    for ax, (scenario, output) in zip(axes.flat, panels):
        sub = table[(table["scenario"] == scenario) & (table["output"] == output)]
        params = list(dict.fromkeys(sub["parameter"]))
        x = np.arange(len(params))
        width = 0.38
        for k, idx in enumerate(wanted):
            s = sub[sub["index"] == idx].set_index("parameter").reindex(params)
            err = s["conf"].to_numpy(dtype=float)
            ax.bar(x + (k - 0.5) * width, s["value"], width, label=idx,
                   yerr=np.where(np.isfinite(err), err, 0.0), capsize=3)
        ax.set_xticks(x, params, rotation=20, ha="right", fontsize="small")
        ax.set_title(f"{scenario}: {output}", fontsize="medium")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.legend(fontsize="small")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"{method} sensitivity indices (final day, 95% CI)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def make_report(directory, charts: bool = True, out: Path | None = None) -> dict:
    store, manifest = open_results(directory)
    table = summary_table(store.dir)
    report_dir = Path(out) if out else store.dir / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(report_dir / "summary.csv", table.to_csv(index=False))
    files = [report_dir / "summary.csv"]
    if charts:
        p = timeseries_chart(store.dir, report_dir / "timeseries.png")
        if p:
            files.append(p)
        p = sensitivity_chart(store.dir, report_dir / "sensitivity.png")
        if p:
            files.append(p)
    runs = manifest.get("runs", {})
    failed = {k: v.get("error", "") for k, v in runs.items() if v.get("status") == "failed"}
    pending = [k for k, v in runs.items() if v.get("status") not in ("done", "failed")]
    return {"table": table, "text": format_table(table), "files": files, "failed": failed,
            "pending": pending, "manifest": manifest}


def sensitivity_text(directory) -> str | None:
    path = Path(directory) / "sensitivity.json"
    csv = Path(directory) / "sensitivity.csv"
    if not path.exists():
        return None
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return f"sensitivity: {path} is damaged; rerun the sweep to recompute it"
    if not isinstance(info, dict):
        return f"sensitivity: {path} is damaged; rerun the sweep to recompute it"
    if info.get("status") == "skipped":
        return f"sensitivity: skipped: {info.get('reason')}"
    if not csv.exists():
        return None
    t = pd.read_csv(csv)
    key = "ST" if info.get("method") == "sobol" else "mu_star"
    t = t[t["index"] == key]
    lines = [f"sensitivity ({info.get('method')}, {key}; higher = more influential):"]
    for (scenario, output), sub in t.groupby(["scenario", "output"], sort=False):
        ranked = sub.sort_values("value", ascending=False)
        lines.append(f"  {scenario} / {output}: " + ", ".join(
            f"{r.parameter} {r.value:.3g}" for r in ranked.itertuples()))
    for s in info.get("skipped", []):
        lines.append(f"  skipped {s}")
    return "\n".join(lines)


def compare_table(directory, a: str, b: str) -> str:
    """B minus A on the final-day metrics, with a Welch 95% CI of the difference."""
    df = current_results(directory, columns=["scenario", *METRICS])
    last = df.groupby("run_id", sort=False)["step"].transform("max")
    final = df[df["step"] == last]
    lines = [f"difference {b} - {a} (final day, Welch 95% CI):"]
    for m, label in METRICS.items():
        if m not in final.columns:
            continue
        xa = final.loc[final["scenario"] == a, m].to_numpy(dtype=float)
        xb = final.loc[final["scenario"] == b, m].to_numpy(dtype=float)
        if np.isfinite(xa).sum() < 2 or np.isfinite(xb).sum() < 2:
            lines.append(f"  {label:<14} n/a (need 2+ replications each)")
            continue
        est = welch_diff(xa, xb)
        diff, half = est.value, est.half
        if half == 0:
            lines.append(f"  {label:<14} {diff:+,.3f} (no variation)")
            continue
        verdict = "higher" if est.low > 0 else "lower" if est.high < 0 else "no clear difference"
        lines.append(f"  {label:<14} {diff:+,.3f} ± {half:,.3f}  ({b} {verdict})"
                     if verdict != "no clear difference"
                     else f"  {label:<14} {diff:+,.3f} ± {half:,.3f}  (no clear difference)")
    return "\n".join(lines)
