"""The atlas as a text table, as docs/claims.md, and as one figure per claim."""

from __future__ import annotations

import json
import math
from pathlib import Path

from .definitions import SOURCES, SWITCHES

__all__ = ["figure", "markdown", "table", "to_json"]


def _g(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}g}"


def to_json(atlas: dict) -> str:
    return json.dumps(atlas, indent=1, allow_nan=False, default=str) + "\n"


def table(atlas: dict) -> str:
    """One line per claim: effect at the defaults with its CI, share of the space, verdict."""
    head = (f"{'claim':<21} {'outcome (claimed)':<26} {'effect':>9} {'95% CI':>21} {'n':>4} "
            f"{'share':>6} {'verdict'}")
    lines = [head, "-" * len(head)]
    for c in atlas["claims"]:
        o = next(o for o in c["outcomes"] if o["name"] == c["primary_outcome"])
        ci = f"[{_g(c['ci'][0])}, {_g(c['ci'][1])}]"
        share = c["robustness"]["share"]
        verdict = c["verdict"]
        if verdict == "holds when":
            verdict = f"holds when {c['robustness']['condition']}"
        lines.append(f"{c['id']:<21} {(o['name'] + ' (' + o['claimed_direction'] + ')')[:26]:<26} "
                     f"{_g(c['effect'], 4):>9} {ci:>21} {c['n']:>4} "
                     f"{_g(share, 2) if share is not None else 'n/a':>6} {verdict}")
    lines.append("")
    lines.append(f"{'quick mode, ' if atlas['quick'] else ''}{atlas['steps']} days, "
                 f"{atlas['replications']} paired replications at the defaults, "
                 f"{atlas['robustness_points']} Latin-hypercube points x "
                 f"{atlas.get('point_replications', 1)} over the plausible ranges; "
                 f"{atlas.get('runs', '?')} sweep runs in {atlas.get('seconds', '?')} s")
    return "\n".join(lines)


def figure(entry: dict, path: Path) -> None:
    """Left: each outcome's effect (b - a) as a share of arm a's mean, with its 95% CI and the
    claimed direction. Right: the robustness map over the two deciding parameters."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1, 1]})
    outs = entry["outcomes"]
    for i, o in enumerate(outs):
        base = abs(o["mean_a"]) if o["mean_a"] not in (None, 0) else None
        if o["effect"] is None:
            continue
        scale = 100.0 / base if base else 1.0
        lo, hi = o["ci"]
        lo = o["effect"] if lo is None else lo
        hi = o["effect"] if hi is None else hi
        good = (o["effect"] > 0) == (o["claimed_direction"] == "+") and o["effect"] != 0
        color = "tab:green" if good else "tab:red"
        ax1.errorbar([o["effect"] * scale], [i], xerr=[[max(0.0, (o["effect"] - lo) * scale)],
                                                      [max(0.0, (hi - o["effect"]) * scale)]],
                     fmt="o", color=color, capsize=4)
        arrow = "claimed: up" if o["claimed_direction"] == "+" else "claimed: down"
        ax1.annotate(arrow, (0, i), xytext=(4, 6), textcoords="offset points", fontsize=7,
                     color="0.4")
    ax1.axvline(0, color="0.5", lw=1)
    ax1.set_yticks(range(len(outs)))
    ax1.set_yticklabels([(o["label"][:34] + ("*" if o["mean_a"] in (None, 0) else ""))
                         for o in outs], fontsize=8)
    ax1.set_ylim(-0.7, len(outs) - 0.3)
    ax1.set_xlabel("b - a, % of arm a (95% CI, paired)", fontsize=8)
    ax1.set_title(f"{entry['changed']['parameter']}: {entry['changed']['a']} -> "
                  f"{entry['changed']['b']}", fontsize=9)
    m = entry["robustness"]["map"]
    pts = m["points"]
    if pts and m["x"] and m["y"]:
        xs_h = [p[0] for p in pts if p[2]]
        ys_h = [p[1] for p in pts if p[2]]
        xs_n = [p[0] for p in pts if not p[2]]
        ys_n = [p[1] for p in pts if not p[2]]
        ax2.scatter(xs_h, ys_h, s=12, c="tab:green", label="direction holds")
        ax2.scatter(xs_n, ys_n, s=12, c="tab:red", marker="x", label="does not")
        region = entry["robustness"].get("region")
        if region and entry["verdict"] == "holds when":
            for rule in region["rules"]:
                if rule["parameter"] == m["x"]:
                    ax2.axvline(rule["threshold"], color="k", ls="--", lw=1)
                elif rule["parameter"] == m["y"]:
                    ax2.axhline(rule["threshold"], color="k", ls="--", lw=1)
        ax2.set_xlabel(m["x"], fontsize=8)
        ax2.set_ylabel(m["y"], fontsize=8)
        ax2.legend(fontsize=7, loc="best")
    r = entry["robustness"]
    ax2.set_title(f"holds in {_g(100 * r['share'] if r['share'] is not None else None)}% of "
                  f"{r['points']} points: {entry['verdict']}", fontsize=9)
    fig.suptitle(entry["title"], fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def markdown(atlas: dict, figures: str | None = "claims") -> str:
    """docs/claims.md: method, the verdict table, and one section per claim."""
    q = " (QUICK MODE: tiny sizes, for tests; not a result)" if atlas["quick"] else ""
    lines = [
        "# Claims the model earns",
        "",
        "<!-- generated by scripts/make-claims-docs from circlesim/claims/atlas.json; "
        "do not edit by hand -->",
        "",
        f"Generated by `circlesim claims`{q}: {atlas['steps']} days, "
        f"{atlas['replications']} paired replications at the defaults, "
        f"{atlas['robustness_points']} Latin-hypercube points x "
        f"{atlas.get('point_replications', 1)} paired run(s) over the plausible ranges, root "
        f"seed {atlas.get('seed')}; {atlas.get('runs', '?')} runs in {atlas.get('seconds', '?')} s "
        f"on {atlas.get('workers', '?')} worker(s).",
        "",
        "## Method",
        "",
        "Each claim of the two source texts is a **one-factor contrast**: arm *a* and arm *b* "
        "share one base parameter set and differ in exactly one parameter (or one documented "
        "switch), run with the same seeds (common random numbers). The effect is the mean "
        "paired difference b - a with a 95% Student-t interval. Each outcome carries the "
        "direction the text claims; the claim's verdict reads its first (primary) outcome.",
        "",
        "**Robustness.** The assumed and calibrated parameters are sampled over their "
        "plausible ranges (`plausible` and `plausible_source` in `circlesim.parameters."
        "PARAMETERS`, listed by `circlesim params`) with a seeded Latin hypercube; at every point "
        "both arms run with one seed. The share of points where the primary effect has the "
        "claimed sign is reported with a Wilson 95% interval. *Deciding parameters* are the "
        "first-order variance shares of the effect (correlation ratio over quantile bins). "
        "The condition is the largest region (one or two thresholds, at least 20% of the space) "
        "where the direction holds in at least 90% of points and clearly more often than "
        "outside.",
        "",
        "**Verdicts** (fixed before any run): *holds robustly* = the direction holds in at "
        "least 90% of the plausible space; *holds when ...* = it holds in such a region; "
        "*does not hold* = neither. A claim that does not hold is a result, not a bug: nothing "
        "in the model is tuned toward the texts (DESIGN.md section 7). With one run per point, "
        "noise alone can flip the sign of a small effect, so a small real effect may still fall "
        "short of 90%.",
        "",
        "Switches: " + "; ".join(f"`{k}`: {v}" for k, v in SWITCHES.items()) + ".",
        "",
        "Sources: " + "; ".join(f"`{k}` = {v}" for k, v in SOURCES.items()) + ".",
        "",
        "## Verdicts",
        "",
        "| claim | changed (a -> b) | primary outcome (claimed) | effect [95% CI], n | "
        "share of space [95% CI] | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for c in atlas["claims"]:
        r = c["robustness"]
        o = next(o for o in c["outcomes"] if o["name"] == c["primary_outcome"])
        verdict = c["verdict"] if c["verdict"] != "holds when" else f"holds when {r['condition']}"
        lines.append(
            f"| [{c['title']}](#{c['id']}) | `{c['changed']['parameter']}`: {c['changed']['a']} "
            f"-> {c['changed']['b']} | {o['label']} ({o['claimed_direction']}) | "
            f"{_g(c['effect'])} [{_g(c['ci'][0])}, {_g(c['ci'][1])}], {c['n']} | "
            f"{_g(100 * r['share'] if r['share'] is not None else None)}% "
            f"[{_g(100 * r['ci'][0] if r['ci'][0] is not None else None)}, "
            f"{_g(100 * r['ci'][1] if r['ci'][1] is not None else None)}] | **{verdict}** |")
    lines.append("")
    for c in atlas["claims"]:
        r = c["robustness"]
        lines += [
            f"<a id=\"{c['id']}\"></a>",
            f"## {c['title']}",
            "",
            f"> {c['quote']}",
            f"> — {c['source']}",
            "",
            f"- **Arms:** a = {c['arms']['a']['label']}; b = {c['arms']['b']['label']} "
            f"(`{c['changed']['parameter']}` {c['changed']['a']} -> {c['changed']['b']}; both "
            f"arms: scenario `{c['scenario']}`"
            + (", " + ", ".join(f"`{k}={v}`" for k, v in c['arms']['a']['parameters'].items()
                                if k != c['changed']['parameter'])
               if len(c['arms']['a']['parameters']) > (0 if c['changed']['kind'] == 'switch'
                                                       else 1) else "")
            + f"; {c['horizon_days']} days).",
            f"- **Mechanism:** {c['mechanism']}. **Why fair:** {c['fairness']}.",
            f"- **Verdict: {c['verdict']}.** {c['verdict_text']}",
            "",
            "| outcome | claimed | a | b | b - a [95% CI] | n |",
            "|---|---|---|---|---|---|",
        ]
        for o in c["outcomes"]:
            lines.append(f"| {o['label']} | {o['claimed_direction']} | {_g(o['mean_a'])} | "
                         f"{_g(o['mean_b'])} | {_g(o['effect'])} [{_g(o['ci'][0])}, "
                         f"{_g(o['ci'][1])}] | {o['n']} |")
        dec = ", ".join(f"{d['name']} ({d['importance']:.2f})" for d in r["deciding_parameters"]
                        if d["importance"] > 0)
        lines += ["", f"Deciding parameters (first-order share of the effect's variance): "
                      f"{dec or 'none measurable'}.", ""]
        if figures:
            lines += [f"![{c['title']}]({figures}/{c['id']}.png)", ""]
    return "\n".join(lines) + "\n"
