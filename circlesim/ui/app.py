"""circlesim in the browser: run, watch and compare scenarios (Solara page).

Start it with ``circlesim ui`` (or ``python -m circlesim.ui``). The page is a thin layer over
circlesim's public API: :mod:`circlesim.ui.session` holds the runs, :mod:`circlesim.ui.forms`
the controls' logic, :mod:`circlesim.ui.views` and :mod:`circlesim.ui.svg` what is drawn,
:mod:`circlesim.ui.live` the live view's widgets (the play loop draws each frame straight into
them, paced by the browser), :mod:`circlesim.ui.claims_view` the claims atlas. Every browser session builds its own
:class:`~circlesim.ui.session.Session` inside the page component, so two sessions never share a
model.

Layout (made for a projector): a header with the tabs and two switches (settings panel,
presentation mode); a control bar (day, Step/Play/Reset, run to day N) and the headline numbers;
then the network and the charts. The settings panel is a column beside the results (it pushes
them, never covers them) and is closed by default on narrow screens.
"""

from __future__ import annotations

import contextlib
import logging
import time

import reacton.core
import solara
from solara.alias import rv

from .forms import (
    FORM,
    carry_edits,
    decode_state,
    encode_state,
    field_text,
    grouped_fields,
    parse_seed,
    parse_whole,
    scenario_choices,
    scenario_values,
    slider_range,
    validate,
)
from .session import RunSpec, Session, estimated_bytes, memory_problem, stop_reason
from .live import LiveFrame
from .views import CHARTS, chart_svgs, glossary

logger = logging.getLogger("circlesim.ui")

SPEEDS = {"1/s": 1.0, "2/s": 2.0, "5/s": 5.0, "10/s": 10.0, "max": 0.0}
DEFAULT_SPEED = "5/s"
DEFAULT_STOP_DAY = 180
NO_COMPARE = ""
NO_COMPARE_TEXT = "(no comparison)"
#: Builds whose model (the engine's estimate, the interpreter left out) needs more memory than
#: this run in the background with a busy sign. Memory tracks build work, which grows with the
#: members, not the lazy market: the baseline needs ~2 MB and builds at once; 20,000 founding
#: members need ~32 MB and about 2 s.
SYNC_BUILD_BYTES = 8 * 1024**2
#: One batch of "run to day N" / "draw every N days" steps at most this long (s) before the
#: page is drawn and a Pause can get through.
BATCH_SECONDS = 0.4
MAX_DAY = 100_000

CSS = """
.cs-root { display: flex; flex-direction: column; height: 100vh; overflow: hidden;
  font-family: Roboto, Arial, sans-serif; }
.cs-header { display: flex; align-items: center; gap: 8px; padding: 0 10px; min-height: 46px;
  background: #0d3b66; color: #fff; flex: 0 0 auto; }
.cs-header .cs-title { font-size: 20px; font-weight: 600; margin-right: 12px; white-space: nowrap; }
.cs-header .v-tabs { flex: 1 1 auto; min-width: 0; }
.cs-header .v-tabs-bar { height: 46px !important; background: transparent !important; }
.cs-header .v-tab { color: #fff !important; font-size: 15px; }
.cs-body { display: flex; flex: 1 1 auto; min-height: 0; }
.cs-settings { flex: 0 0 310px; width: 310px; overflow-y: auto; overflow-x: hidden;
  border-right: 1px solid #ddd;
  padding: 8px 10px 40px 10px; background: #fafafa; }
.cs-settings-auto .cs-settings { display: block; }
.cs-settings-closed .cs-settings { display: none; }
.cs-main { flex: 1 1 auto; min-width: 0; overflow-y: auto; padding: 4px 10px 30px 10px; }
.cs-show-wide, .cs-show-narrow { display: inline-flex; }
.cs-settings-auto .cs-show-narrow { display: none; }
@media (max-width: 1000px) {
  .cs-settings-auto .cs-settings { display: none; }
  .cs-settings-auto .cs-show-wide { display: none; }
  .cs-settings-auto .cs-show-narrow { display: inline-flex; }
  .cs-settings-open .cs-settings { flex-basis: 280px; width: 280px; }
}
.cs-present .cs-settings { display: none !important; }
.cs-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.circlesim-day { font-size: 30px; font-weight: 700; min-width: 118px; white-space: nowrap; }
.cs-bar .v-input { flex: 0 0 auto; }
.cs-small-field { width: 108px; }
.cs-small-field .v-messages__message { font-size: 13px; line-height: 1.2; }
.circlesim-stats { display: flex; flex-wrap: wrap; gap: 4px 8px; margin: 2px 0 6px 0; }
.circlesim-stat { border-left: 4px solid #0072B2; padding: 0 8px; }
.circlesim-speed .v-btn { min-width: 0 !important; padding: 0 8px !important; }
.circlesim-stat .l { font-size: 15px; color: #444; white-space: nowrap; }
.circlesim-stat .n { font-size: 25px; font-weight: 600; line-height: 1.15; }
.circlesim-stat .n small { font-size: 14px; font-weight: 600; }
.circlesim-legend { font-size: 17px; font-weight: 600; }
.circlesim-question { font-size: 15px; color: #333; }
.circlesim-help { font-size: 13px; color: #555; margin: 0 0 8px 0; }
.cs-live { display: flex; gap: 10px; align-items: flex-start; }
.cs-network-col { flex: 0 0 300px; width: 300px; }
.circlesim-charts { display: grid; gap: 6px 12px; flex: 1 1 auto; min-width: 0;
  grid-template-columns: repeat(auto-fill, minmax(305px, 1fr)); }
.cs-compare .circlesim-charts { grid-template-columns: repeat(auto-fill, minmax(305px, 1fr)); }
.circlesim-chart-cell { min-width: 0; }
/* redrawn many times a second while playing: keep the browser's style and layout work inside */
.cs-network-col, .circlesim-chart-cell { contain: content; }
.circlesim-chart-cell svg { display: block; }
@media (min-width: 1380px) { .cs-network-col { flex-basis: 330px; width: 330px; } }
.cs-present .circlesim-day { font-size: 46px; }
.cs-present .circlesim-stat .l { font-size: 21px; }
.cs-present .circlesim-stat .n { font-size: 40px; }
.cs-present .circlesim-stat { min-width: 150px; }
.cs-present .cs-network-col { flex-basis: 32%; width: 32%; }
.cs-present .circlesim-charts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.cs-present .circlesim-settings-toggle { display: none !important; }
.cs-present .v-btn { font-size: 18px; }
.cs-busy { display: inline-flex; align-items: center; gap: 6px; font-size: 15px; color: #0d3b66;
  opacity: 0; animation: cs-appear 0s linear 0.5s forwards; }
@keyframes cs-appear { to { opacity: 1; } }
.circlesim-status { font-size: 15px; color: #333; }
.circlesim-restart { font-size: 15px; color: #0d3b66; background: #e8f1fb; padding: 2px 8px;
  border-radius: 4px; }
.circlesim-field-error { color: #b00020; font-size: 13px; }
.cs-param { margin-bottom: 4px; }
.cs-param-row { display: flex; align-items: flex-start; gap: 6px; }
.cs-param-row .v-slider { margin-top: 14px; }
.cs-param-row .cs-exact { flex: 0 0 96px; width: 96px; }
.cs-param-row .cs-slider { flex: 1 1 auto; min-width: 0; }
.v-expansion-panel-content__wrap { padding: 4px 8px 8px 8px; }
.cs-claim { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; margin: 8px 0;
  max-width: 1100px; }
.cs-claim h3 { font-size: 19px; margin: 0 0 4px 0; }
.cs-verdict { font-weight: 700; font-size: 17px; }
.cs-claim td { padding: 2px 12px 2px 0; font-size: 15px; vertical-align: top; }
.cs-glossary td { padding: 4px 12px 4px 0; font-size: 15px; vertical-align: top; }
.cs-glossary { max-width: 1100px; border-collapse: collapse; }
.cs-glossary tr { border-bottom: 1px solid #eee; }
.cs-doc { white-space: pre-wrap; font-size: 14px; max-width: 1000px; background: #fafafa;
  padding: 10px; border: 1px solid #ddd; }
"""


def bump(tick: solara.Reactive, session: Session) -> int:
    """Ask for a new frame: one render pass for every view that follows ``tick`` (set outside a
    batch, each follower would start a pass of its own)."""
    context = session.render_context
    with context if context is not None else contextlib.nullcontext():
        frame = tick.value + 1
        tick.value = frame
    return frame


# --------------------------------------------------------------------------------- controls


def preset_items(scenarios, none: str = "") -> list[dict]:
    """Items for a preset chooser: the title shown, the preset's name as the value."""
    items = [{"text": none, "value": NO_COMPARE}] if none else []
    items += [{"text": getattr(s, "title", s.name) or s.name, "value": s.name} for s in scenarios]
    return items


@solara.component
def ScenarioPicker(scenarios, value: str, on_value, label: str = "Scenario", none: str = "",
                   css: str = "circlesim-scenario"):
    """A chooser of the presets by title, with the chosen one's question."""
    by_name = {s.name: s for s in scenarios}
    rv.Select(label=label, items=preset_items(scenarios, none), v_model=value,
              on_v_model=lambda v: on_value(v or NO_COMPARE), class_=css, dense=True,
              hide_details=True)
    chosen = by_name.get(value)
    question = getattr(chosen, "question", "") if chosen is not None else ""
    solara.Text(question or "", classes=["circlesim-question"])


@solara.component
def ParameterField(spec, base_value, texts: solara.Reactive, error: str | None):
    """One parameter: a switch, a select, or a slider with its exact-value box.

    The widgets are the same whether or not there is an error (only their message changes),
    so a bad value never re-creates the field, and the focus stays where it was."""
    name = spec.name
    shown = texts.value.get(name, field_text(spec, base_value))

    def set_text(text):
        new = dict(texts.value)
        new[name] = "" if text is None else str(text)
        texts.value = new

    label = f"{name.replace('_', ' ')}" + (f" ({spec.unit})" if spec.unit else "")
    with solara.Div(classes=["cs-param", f"circlesim-param-{name}"]):
        if spec.kind == "bool":
            solara.Switch(label=label, value=shown == "true",
                          on_value=lambda v: set_text("true" if v else "false"))
            solara.Text(spec.help, classes=["circlesim-help"])
            solara.Text(error or "", classes=["circlesim-field-error",
                                              f"circlesim-error-{name}"])
        elif spec.kind == "choice" and spec.choices:
            solara.Select(label=label, values=list(spec.choices), value=shown, on_value=set_text)
            solara.Text(spec.help, classes=["circlesim-help"])
            solara.Text(error or "", classes=["circlesim-field-error",
                                              f"circlesim-error-{name}"])
        else:
            bounds = slider_range(spec)
            if bounds is None:
                solara.InputText(label=label, value=shown, on_value=set_text,
                                 error=error or False, message=error or spec.help,
                                 classes=[f"circlesim-field-{name}"], hide_details=False)
            else:
                lo, hi, step = bounds
                try:
                    number = min(max(float(shown), lo), hi)
                except ValueError:
                    number = float(base_value)
                solara.Text(label, style={"font-size": "14px", "font-weight": "500"})
                with solara.Div(classes=["cs-param-row"]):
                    slider = rv.Slider(v_model=number, min=lo, max=hi, step=step,
                                       hide_details=True, dense=True,
                                       class_=f"cs-slider circlesim-slider-{name}")

                    def on_change(*args):
                        value = args[-1]
                        if isinstance(value, (int, float)):
                            v = float(value)
                            set_text(field_text(spec, round(v) if spec.kind == "int" else v))

                    rv.use_event(slider, "change", on_change)
                    solara.InputText(label="exact", value=shown, on_value=set_text,
                                     error=error or False, message=error or "",
                                     classes=["cs-exact", f"circlesim-field-{name}"],
                                     hide_details=False, dense=True)
                solara.Text(spec.help, classes=["circlesim-help"])


@solara.component
def ParameterForm(scenario: str, texts: solara.Reactive, errors: dict, opened: solara.Reactive,
                  edited: frozenset = frozenset()):
    """Every ``ui`` parameter, grouped by mechanism, generated from PARAMETERS."""
    try:
        base = scenario_values(scenario)
    except Exception:
        base = {}
    groups = grouped_fields()
    # a group holding an invalid field opens by itself, so the message is seen
    with_error = [i for i, (_, specs) in enumerate(groups) if any(s.name in errors for s in specs)]
    shown = sorted(set(opened.value) | set(with_error))
    with rv.ExpansionPanels(multiple=True, accordion=True, v_model=shown,
                            on_v_model=lambda v: opened.set(list(v or [])),
                            class_="circlesim-parameters"):
        for i, (group, specs) in enumerate(groups):
            changed = sum(1 for s in specs if s.name in edited)
            title = group.capitalize() + (f"  ·  {changed} changed" if changed else "")
            with rv.ExpansionPanel():
                rv.ExpansionPanelHeader(children=[title], class_="font-weight-medium")
                with rv.ExpansionPanelContent():
                    # only open groups hold their fields: fewer widgets to walk on every step
                    if i in shown:
                        for spec in specs:
                            ParameterField(spec, base.get(spec.name, spec.default), texts,
                                           errors.get(spec.name))


@solara.component
def NumberBox(label: str, text: solara.Reactive, error: str | None, css: str, hint: str = ""):
    """A small box for a whole number; its message sits under it (same widget either way)."""
    solara.InputText(label, value=text, error=error or False, message=error or hint,
                     classes=["cs-small-field", css], hide_details=False, dense=True)


# ------------------------------------------------------------------------------ live views


@solara.component
def LiveView(session: Session, tick: solara.Reactive, labels, live: LiveFrame,
             generation: int = 0):
    """Everything that changes each day. Its widgets belong to ``live``: while playing, the
    play loop puts each frame into them directly (no render pass per frame); this component
    places them, and draws the current day whenever it is rendered (Step, Reset, a rebuild)."""
    now = tick.value  # subscribe: re-render on every bump (Step, Reset, rebuilds)
    session.rendered_tick = now
    session.render_context = reacton.core.get_render_context(required=False)
    live.draw(session, hover=True)
    if not session.runs:
        solara.Text("Fix the highlighted settings to start a run.")
        return
    solara.Div(children=[live.panel])


@solara.component
def Exports(session: Session, labels, generation: int = 0):
    """Downloads: daily CSV (with parameter values), JSON sidecar, member table, chart SVGs.

    Re-rendered only when the runs are rebuilt, not on every step (a download button given new
    data re-renders itself several times: too slow for every frame); the data is made when
    the button is pressed, so it is always the current day's."""
    chart = solara.use_reactive(CHARTS[0].key)
    runs = session.runs
    solara.Text("Export", style={"font-weight": "600", "font-size": "16px"})
    for i, run in enumerate(runs):
        tag = f" ({labels[i][:1]})" if len(runs) > 1 else ""
        with solara.Row(style={"flex-wrap": "wrap", "gap": "2px"}):
            solara.FileDownload(data=run.csv, filename=run.csv_filename(),
                                label="Download CSV" + tag, icon_name="mdi-download",
                                mime_type="text/csv")
            solara.FileDownload(data=run.sidecar, filename=run.csv_filename("run", "json"),
                                label="Run settings JSON" + tag, icon_name="mdi-code-json",
                                mime_type="application/json")
            solara.FileDownload(data=run.members_csv, filename=run.csv_filename("members"),
                                label="Member table CSV" + tag, icon_name="mdi-account-group",
                                mime_type="text/csv")
    titles = {c.key: c.title for c in CHARTS}

    def chart_svg():
        with session.lock:
            svg = chart_svgs(session.runs, labels=[label[:1] for label in labels])[chart.value]
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg

    rv.Select(label="Chart", items=[{"text": t, "value": k} for k, t in titles.items()],
              v_model=chart.value, on_v_model=chart.set, dense=True, hide_details=True,
              class_="circlesim-chart-choice")
    solara.FileDownload(data=chart_svg, filename=f"circlesim-{chart.value}.svg",
                        label="Download chart (SVG)", icon_name="mdi-chart-line",
                        mime_type="image/svg+xml")


# ----------------------------------------------------------------------------- other tabs


@solara.component
def SweepViewer():
    """Reads nothing until its tab is opened (the page renders it only then); reads only the
    columns a chart needs, and at most ``sweeps.MAX_ROWS`` rows."""
    from . import sweeps

    root = sweeps.results_dir()
    names = solara.use_memo(lambda: sweeps.list_sweeps(root), [])
    chosen = solara.use_reactive(names[0] if names else None)
    metric = solara.use_reactive(None)
    solara.Text(f"Sweep results folders in {root}", style={"font-size": "16px"})
    if not names:
        solara.Info(
            "No sweep results yet. Run a sweep (circlesim sweep ... ) that writes a folder "
            "into this directory, or start the app with CIRCLESIM_RESULTS_DIR set to the "
            "directory that holds the folders.",
            classes=["circlesim-no-sweeps"],
        )
        return
    folder = chosen.value if chosen.value in names else names[0]
    solara.Select("Sweep folder", values=names, value=folder, on_value=chosen.set)
    SweepFolder(root, folder, metric)


def _attempt(fn):
    """(value, None) or (None, message): a half-written folder must not crash the page."""
    try:
        return fn(), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


@solara.component
def SweepFolder(root, folder: str, metric: solara.Reactive):
    from . import sweeps

    info, error = solara.use_memo(lambda: _attempt(lambda: sweeps.describe(folder, root)),
                                  [folder])
    if error:
        solara.Error(f"Could not read {folder}: {error}")
        return
    if not info.metrics:
        solara.Warning("This folder has no metric columns to chart.")
        return
    shown = metric.value if metric.value in info.metrics else (
        "members" if "members" in info.metrics else info.metrics[0])
    solara.Select("Metric", values=info.metrics, value=shown, on_value=metric.set)
    SweepChart(root, folder, shown)


@solara.component
def SweepChart(root, folder: str, shown: str):
    from . import sweeps
    from .svg import PALETTE, Series, line_chart

    result, error = solara.use_memo(
        lambda: _attempt(lambda: sweeps.read_sweep(folder, root, metric=shown)), [folder, shown])
    if error:
        solara.Error(f"Could not read {folder}: {error}")
        return
    runs, manifest, note = result
    if note:
        solara.Warning(note, dense=True, classes=["circlesim-sweep-capped"])
    summary = sweeps.summarise(runs, shown)
    groups = list(dict.fromkeys(summary["group"]))
    if len(groups) > sweeps.MAX_GROUPS:
        solara.Warning(f"{len(groups)} groups: showing the first {sweeps.MAX_GROUPS}.",
                       dense=True)
    series = []
    for i, group in enumerate(groups[: sweeps.MAX_GROUPS]):
        part = summary[summary["group"] == group]
        n = int(part["count"].max())
        series.append(Series(f"{group} (n={n})", part["mean"], x=part["step"],
                             colour=PALETTE[i % len(PALETTE)], low=part["low"],
                             high=part["high"]))
    svg = line_chart(f"{shown}: mean and 95% CI across runs", series,
                     y_label=shown, width=760, height=380, y_min=None)
    solara.HTML(tag="div", unsafe_innerHTML=svg, style={"max-width": "1000px"},
                classes=["circlesim-sweep-chart"])
    n_runs = runs["run_id"].nunique() if "run_id" in runs.columns else len(runs)
    facts = ", ".join(f"{k}={v}" for k, v in manifest.items()
                      if not isinstance(v, (dict, list)))[:400]
    solara.Text(f"{n_runs} runs; shaded: 95% confidence interval of the mean across runs. "
                + (f"Manifest: {facts}" if facts else ""), classes=["circlesim-help"])


@solara.component
def ClaimsTab(on_show):
    """Each claim of the atlas: verdict, effect and CI, when it holds, and "show me"."""
    from . import claims_view

    loaded = solara.use_memo(claims_view.load, [])
    claims, problem = loaded
    solara.Text("What the source texts claim, and what the model says. Each claim compares "
                "two arms with many seeds; \"show me\" loads both arms into Compare (A and B).",
                style={"font-size": "16px"})
    if problem:
        solara.Info(problem, classes=["circlesim-no-claims"])
        return
    import html

    for claim in claims:
        row = claims_view.claim_rows(claim)
        colour = claims_view.VERDICT_COLOURS.get(row["verdict"], "#333")
        cells = [("Effect on " + (row["outcome"] or "the outcome"), row["effect"]
                  + (f", n = {row['n']} runs per arm" if row["n"] else "")),
                 ("Holds", row["condition"] or row["robust_share"] or "–"),
                 ("Depends most on", row["deciding"] or "–"),
                 ("Compared", row["changed"] or "–")]
        table = "".join(f"<tr><td><b>{html.escape(a)}</b></td><td>{html.escape(b)}</td></tr>"
                        for a, b in cells)
        quote = html.escape(str(claim.get("quote", "")))
        body = (f'<h3>{html.escape(str(claim.get("title", claim["id"])))}</h3>'
                + (f"<div><i>“{quote}”</i> ({html.escape(str(claim.get('source', '')))})"
                   "</div>" if quote else "")
                + f'<div class="cs-verdict" style="color:{colour}">'
                f'{html.escape(row["verdict"] or "no verdict")}</div>'
                + (f"<div>{html.escape(row['verdict_text'])}</div>" if row["verdict_text"]
                   else "")
                + f"<table>{table}</table>")
        with solara.Div(classes=["cs-claim", f"circlesim-claim-{claim['id']}"]):
            solara.HTML(tag="div", unsafe_innerHTML=body)
            solara.Button("Show me", icon_name="mdi-eye", color="primary", outlined=True,
                          on_click=lambda c=claim: on_show(c),
                          classes=["circlesim-show-claim"])


DOCS = (("The model (ODD)", "docs/odd.md"), ("Teacher guide", "docs/teacher-guide.md"),
        ("Claims", "docs/claims.md"))


def _doc_text(relative: str) -> str | None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path.read_text(encoding="utf-8", errors="replace")[:200_000]


@solara.component
def InfoTab():
    """The glossary of the headline numbers and chart lines, and the project's documents."""
    import html

    doc = solara.use_reactive(None)
    solara.Text("What the numbers mean", style={"font-size": "20px", "font-weight": "600"})
    rows = "".join(
        f"<tr><td><b>{html.escape(k.replace('_', ' '))}</b><br><code>{html.escape(k)}</code>"
        f"</td><td>{html.escape(plain)}<br><span style='color:#555'>Exactly: "
        f"{html.escape(exact)}.</span></td></tr>"
        for k, exact, plain in glossary())
    solara.HTML(tag="table", unsafe_innerHTML=rows, classes=["cs-glossary"])
    solara.Text("Documents (shipped with circlesim): " + ", ".join(p for _, p in DOCS),
                style={"font-size": "16px", "margin-top": "12px"})
    with solara.Row(style={"flex-wrap": "wrap"}):
        for title, path in DOCS:
            solara.Button(title, icon_name="mdi-file-document", text=True,
                          on_click=lambda p=path: doc.set(p), classes=["circlesim-doc-link"])
    if doc.value:
        text = _doc_text(doc.value)
        solara.HTML(tag="div", classes=["cs-doc", "circlesim-doc"], unsafe_innerHTML=html.escape(
            text if text is not None else f"{doc.value} is not in this copy of circlesim yet."))


# ------------------------------------------------------------------------------------- page


def _label(scenarios, name, overrides=None) -> str:
    """A run's name: the preset's title, plus what the user changed."""
    title = next((getattr(s, "title", s.name) for s in scenarios if s.name == name), name)
    if not overrides:
        return title
    changes = [f"{k.replace('_', ' ')} {v}" if not isinstance(v, bool)
               else f"{k.replace('_', ' ')} {'on' if v else 'off'}"
               for k, v in sorted(overrides.items())]
    shown = ", ".join(changes[:2]) + (f" +{len(changes) - 2} more" if len(changes) > 2 else "")
    return f"{title}, with {shown}"


def describe_restart(old: tuple, new: tuple, day: int, note: str = "") -> str:
    """One line announcing a restart: what changed between the old and new (spec_a, spec_b)."""
    (oa, ob), (na, nb) = old, new
    parts = []
    if oa.scenario != na.scenario:
        parts.append(f"preset is now {na.scenario}")
    if oa.seed != na.seed:
        parts.append(f"seed is now {na.seed}")
    before, after = dict(oa.overrides), dict(na.overrides)
    changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    if changed and oa.scenario == na.scenario:
        parts.append("changed " + ", ".join(
            f"{k} = {after[k]}" if k in after else f"{k} back to the preset" for k in changed[:3])
            + (" …" if len(changed) > 3 else ""))
    if (ob is None) != (nb is None):
        parts.append("compare on" if nb is not None else "compare off")
    elif ob is not None and nb is not None and (ob.scenario, ob.overrides) != (nb.scenario,
                                                                              nb.overrides):
        parts.append("run B changed")
    what = "; ".join(parts) or "settings changed"
    return f"Restarted at day 0 (was day {day}): {what}." + (f" {note}" if note else "")


@solara.component
def Simulator():
    scenarios = solara.use_memo(scenario_choices, [])
    names = [s.name for s in scenarios]
    router = solara.use_router()
    initial, link_problems = solara.use_memo(
        lambda: decode_state(getattr(router, "search", None), names), [])
    first = initial["preset"] or ("baseline" if "baseline" in names else
                                  (names[0] if names else "baseline"))
    scenario = solara.use_reactive(first)
    compare = solara.use_reactive(initial["compare"] or NO_COMPARE)
    seed_text = solara.use_reactive(initial["seed"] or "1")
    texts_a = solara.use_reactive(initial["a"])
    texts_b = solara.use_reactive(initial["b"])
    editing = solara.use_reactive("A")
    opened = solara.use_reactive([])  # open settings groups (kept across re-renders)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    stop_text = solara.use_reactive(str(DEFAULT_STOP_DAY))
    every_text = solara.use_reactive("1")
    runto_text = solara.use_reactive("180")
    target = solara.use_reactive(0)  # > 0: "run to day" in progress
    tab = solara.use_reactive(0)
    settings_state = solara.use_reactive("auto")  # auto: open when wide, closed when narrow
    present = solara.use_reactive(False)
    note = solara.use_reactive("")  # added to the next restart announcement
    restart = solara.use_reactive("")
    rebuild = solara.use_reactive(0)  # a Reset of a run too big to rebuild while drawing
    # plain reactives (not use_reactive): only the components that read them re-render
    tick = solara.use_memo(lambda: solara.reactive(0), [])
    status = solara.use_memo(lambda: solara.reactive(""), [])
    problem = solara.use_memo(lambda: solara.reactive(None), [])  # (generation, message)
    session = solara.use_memo(Session, [])  # per browser session, never module level
    live = solara.use_memo(LiveFrame, [])  # the live view's widgets, drawn by the play loop
    context = reacton.core.get_render_context(required=False)

    def batch():
        """One re-render for several changes (else each would restart the run on its own)."""
        return context if context is not None else contextlib.nullcontext()

    def choose_scenario(name):
        if not name or name == scenario.value:
            return
        with batch():
            _choose_scenario(name)

    def _choose_scenario(name):
        kept, kept_names, dropped = carry_edits(texts_a.value, scenario.value, name)
        texts_a.value = kept
        bits = []
        if kept_names:
            bits.append("kept your edits: " + ", ".join(kept_names))
        if dropped:
            bits.append("dropped (the new preset has the same value): " + ", ".join(dropped))
        note.value = "; ".join(bits) + ("." if bits else "")
        scenario.value = name

    def choose_compare(name):
        if name == compare.value:
            return
        with batch():
            _choose_compare(name)

    def _choose_compare(name):
        if name and compare.value:
            kept, _, _ = carry_edits(texts_b.value, compare.value, name)
            texts_b.value = kept
        elif not name:
            editing.value = "A"
        note.value = "Run A keeps its settings." if texts_a.value else ""
        compare.value = name

    stop_day, stop_error = parse_whole(stop_text.value, "stop day", 0, MAX_DAY)
    every, every_error = parse_whole(every_text.value, "draw every", 1, 10_000)
    runto, runto_error = parse_whole(runto_text.value, "run to day", 1, MAX_DAY)

    form_a = validate(scenario.value, texts_a.value)
    form_b = validate(compare.value, texts_b.value) if compare.value else None
    seed, seed_error = parse_seed(seed_text.value)
    errors_a, errors_b = dict(form_a.errors), dict(form_b.errors) if form_b else {}
    budget_error = None
    wanted = None
    if form_a.ok and (form_b is None or form_b.ok) and seed_error is None:
        labels = ["A: " + _label(scenarios, scenario.value, form_a.overrides)]
        spec_a = RunSpec.make(scenario.value, seed, form_a.overrides, labels[0])
        spec_b = None
        if form_b is not None:
            labels.append("B: " + _label(scenarios, compare.value, form_b.overrides))
            spec_b = RunSpec.make(compare.value, seed, form_b.overrides, labels[1])
        try:
            budget_error = memory_problem(spec_a) or (spec_b and memory_problem(spec_b))
        except Exception as exc:  # the parameters were refused: show it by the form
            key = getattr(exc, "key", None)
            errors_a[key if key else FORM] = str(exc)
        if not budget_error and not errors_a:
            wanted = (spec_a, spec_b)
    big = wanted is not None and max(estimated_bytes(s) for s in wanted if s) > SYNC_BUILD_BYTES

    def announce(old, old_day):
        if old[0] is not None and old != wanted:
            restart.value = describe_restart(old, wanted, old_day, note.value)
        note.value = ""

    if wanted is not None and not big and (session.spec_a, session.spec_b) != wanted:
        old, old_day = (session.spec_a, session.spec_b), session.day
        try:
            session.configure(*wanted)
            playing.value = False
            target.value = 0
            status.value = ""
            announce(old, old_day)
        except Exception as exc:  # the model refused the combination: show it, keep the page
            key = getattr(exc, "key", None)
            errors_a[key if key else FORM] = str(exc)

    def build_in_background(cancel):
        if wanted is None or not big:
            return None
        same = (session.spec_a, session.spec_b) == wanted
        if same and session.reset_token == rebuild.value:
            return None
        playing.value = False
        old, old_day = (session.spec_a, session.spec_b), session.day
        runs = session.build(*wanted)
        if cancel.is_set():
            return None
        session.install(wanted, runs)
        session.reset_token = rebuild.value
        if same:
            restart.value = f"Reset: back to day 0 (was day {old_day}), same settings."
        else:
            announce(old, old_day)
        target.value = 0
        status.value = ""
        bump(tick, session)
        return True

    building = solara.use_thread(build_in_background, dependencies=[wanted, big, rebuild.value],
                                 intrusive_cancel=False)
    busy_building = big and building.state == solara.ResultState.RUNNING
    if building.state == solara.ResultState.ERROR and building.error is not None:
        errors_a.setdefault(FORM, f"The model could not be built: {building.error}")
    labels = [r.spec.label for r in session.runs] or ["A", "B"]

    # the view lives in the URL, so a link reproduces it
    query = encode_state(scenario.value, seed if seed is not None else seed_text.value,
                         compare.value, form_a.overrides, form_b.overrides if form_b else {})

    def push_url():
        if getattr(router, "set_path", None) is None:
            return  # rendered outside a server (tests)
        if (router.search or "") != query:
            router.push(f"{router.path or '/'}?{query}")

    solara.use_effect(push_url, [query])

    def show_claim(claim):
        with batch():
            _show_claim(claim)

    def _show_claim(claim):
        from . import claims_view

        preset = claim.get("scenario") if claim.get("scenario") in names else first
        label_a, edits_a = claims_view.arm_texts(claim, "a")
        label_b, edits_b = claims_view.arm_texts(claim, "b")
        note.value = f"Loaded the claim “{claim.get('title', claim['id'])}”: A = {label_a}, " \
                     f"B = {label_b}."
        if (claim.get("changed") or {}).get("kind") == "switch":
            note.value += (" Both arms run the same group: this claim compares channels, so read "
                           "the cost chart's community and mass-media lines.")
        scenario.value = preset
        texts_a.value = edits_a
        compare.value = preset
        texts_b.value = edits_b
        editing.value = "A"
        tab.value = 0

    settings_css = f"cs-settings-{settings_state.value}"
    with solara.Div(classes=["cs-root", settings_css] + (["cs-present"] if present.value else [])):
        with solara.Div(classes=["cs-header"]):
            solara.Text("circlesim", classes=["cs-title"])
            with rv.Tabs(v_model=tab.value, on_v_model=lambda v: tab.set(int(v or 0)),
                         background_color="transparent", dark=True, show_arrows=True,
                         class_="circlesim-tabs"):
                for i, (title, css) in enumerate((("Simulation", "sim"), ("Claims", "claims"),
                                                  ("Info", "info"),
                                                  ("Sweep results", "sweeps"))):
                    rv.Tab(children=[title], class_=f"circlesim-tab-{css}")
            # settings switch: which button shows depends on the screen width (CSS)
            if settings_state.value == "auto":
                solara.Button("Hide settings", icon_name="mdi-tune", text=True, dark=True,
                              on_click=lambda: settings_state.set("closed"),
                              classes=["cs-show-wide", "circlesim-settings-toggle"])
                solara.Button("Settings", icon_name="mdi-tune", text=True, dark=True,
                              on_click=lambda: settings_state.set("open"),
                              classes=["cs-show-narrow", "circlesim-settings-toggle"])
            else:
                opened_now = settings_state.value == "open"
                solara.Button("Hide settings" if opened_now else "Settings", icon_name="mdi-tune",
                              text=True, dark=True,
                              on_click=lambda: settings_state.set(
                                  "closed" if opened_now else "open"),
                              classes=["circlesim-settings-toggle"])
            solara.Button("Presentation" if not present.value else "Exit presentation",
                          icon_name="mdi-projector-screen", text=True, dark=True,
                          on_click=lambda: present.set(not present.value),
                          classes=["circlesim-present-toggle"])
        with solara.Div(classes=["cs-body"]):
            with solara.Div(classes=["cs-settings", "circlesim-settings"]):
                Settings(scenarios, scenario, choose_scenario, compare, choose_compare,
                         seed_text, seed_error, texts_a, texts_b, editing, opened, errors_a,
                         errors_b, form_a, form_b, budget_error, link_problems, problem,
                         session, speed, stop_text, stop_error, every_text, every_error, tick,
                         labels)
            with solara.Div(classes=["cs-main"]):
                if tab.value == 0:
                    RunBar(session, playing, speed, stop_day, every, runto_text, runto,
                           runto_error, target, tick, problem, status, restart,
                           busy_building, live, session.generation,
                           (lambda: rebuild.set(rebuild.value + 1)) if big else None)
                    LiveView(session, tick, labels, live, session.generation)
                elif tab.value == 1:
                    ClaimsTab(show_claim)
                elif tab.value == 2:
                    InfoTab()
                else:
                    SweepViewer()


@solara.component
def Settings(scenarios, scenario, choose_scenario, compare, choose_compare, seed_text,
             seed_error, texts_a, texts_b, editing, opened, errors_a, errors_b, form_a, form_b,
             budget_error, link_problems, problem, session, speed, stop_text, stop_error,
             every_text, every_error, tick, labels):
    """The settings column: presets, seed, compare, playing options, parameters, export."""
    ScenarioPicker(scenarios, scenario.value, choose_scenario)
    solara.InputText("seed", value=seed_text, error=seed_error or False,
                     message=seed_error or "Same seed, same run: the random numbers repeat.",
                     classes=["circlesim-seed"], hide_details=False, dense=True)
    ScenarioPicker(scenarios, compare.value, choose_compare, label="Compare with (same seed)",
                   none=NO_COMPARE_TEXT, css="circlesim-compare")
    with solara.Row(style={"flex-wrap": "wrap", "gap": "4px", "align-items": "flex-start"}):
        NumberBox("stop at day", stop_text, stop_error, "circlesim-stop-day", "0 = never")
        NumberBox("draw every", every_text, every_error, "circlesim-every", "days per frame")
    solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), classes=["circlesim-speed"],
                               dense=True)
    # message slots: always present (a slot that comes and goes would re-create the form
    # below it, closing its groups and taking the focus away)
    message = problem.value[1] if problem.value and problem.value[0] == session.generation else ""
    solara.Text(message, classes=["circlesim-model-error", "circlesim-field-error"])
    errors = errors_b if editing.value == "B" and form_b is not None else errors_a
    form_message = budget_error or errors_a.get(FORM) or errors_b.get(FORM) or ""
    solara.Text(form_message, classes=["circlesim-form-error", "circlesim-field-error"])
    invalid = bool(errors_a or errors_b)
    solara.Text("A setting is invalid: the run keeps the last valid settings until it is fixed."
                if invalid else "", classes=["circlesim-invalid" if invalid else "cs-valid",
                                             "circlesim-field-error"])
    solara.Text("; ".join(link_problems), classes=["circlesim-link-problem",
                                                    "circlesim-field-error"])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "4px"}):
        solara.Text("Settings", style={"font-weight": "600", "font-size": "16px"})
        if form_b is not None:
            solara.ToggleButtonsSingle(value=editing, values=["A", "B"], dense=True,
                                       classes=["circlesim-edit-run"])
        texts = texts_b if editing.value == "B" and form_b is not None else texts_a
        solara.Button("Preset values", text=True, small=True,
                      on_click=lambda: texts.set({}), disabled=not texts.value,
                      classes=["circlesim-back"])
    solara.Text("Changing one restarts the run at day 0" + (
        f"; editing run {editing.value}" if form_b is not None else ""),
        classes=["circlesim-help"])
    if editing.value == "B" and form_b is not None:
        ParameterForm(compare.value, texts_b, errors, opened, frozenset(form_b.overrides))
    else:
        ParameterForm(scenario.value, texts_a, errors, opened, frozenset(form_a.overrides))
    Exports(session, labels, session.generation)


@solara.component
def RunBar(session: Session, playing, speed, stop_day, every, runto_text, runto, runto_error,
           target, tick, problem, status, restart, busy_building, live: LiveFrame,
           generation: int = 0, rebuild_in_background=None):
    """Step, Play/Pause, Reset, run to day N; the play loop runs in a thread.

    The loop draws its frames straight into ``live``'s widgets (no render pass of the page per
    frame), at most two frames ahead of the browser: it steps and builds frame n + 1 while the
    browser paints frame n, and sends it once the browser has said it painted frame n - 1."""

    def safe_step(n: int = 1) -> bool:
        """``n`` days in one batch; a model error stops playing and is shown, never a crash."""
        try:
            session.step(n)
            return True
        except Exception as exc:
            logger.exception("the model failed to step")
            problem.value = (session.generation,
                             f"The model stopped on day {session.day}: {type(exc).__name__}: {exc}")
            playing.value = False
            target.value = 0
            return False

    def batch(cancel, most: int, limit: int | None) -> int:
        """Step up to ``most`` days (fewer past ``limit`` or BATCH_SECONDS); return done."""
        done = 0
        started = time.perf_counter()
        while done < most and not cancel.is_set():
            if limit is not None and session.day >= limit:
                break
            if not safe_step(1):
                return -1
            done += 1
            if time.perf_counter() - started > BATCH_SECONDS:
                break
            if stop_reason(session, 0):  # the group emptied
                break
        return done

    def loop(cancel):
        shown = {"last": None, "before": None, "any": False}

        def draw(cancel) -> None:
            """Build this frame now; send it once the browser painted the one before the last
            one sent (so the browser always has the next frame waiting, never a queue)."""
            payload = live.render(session, hover=False)
            live.wait_drawn(shown["before"], cancel)
            if not cancel.is_set():
                frame = live.show(payload)
                if frame is not None:
                    shown["before"], shown["last"] = shown["last"], frame
                shown["any"] = True

        try:
            run_loop(cancel, draw)
        finally:
            if shown["any"]:  # the frame left on screen gets its tooltips back
                live.draw(session, hover=True)

    def run_loop(cancel, draw):
        if target.value:
            goal = target.value
            while not cancel.is_set() and session.day < goal:
                if batch(cancel, goal - session.day, goal) < 0:
                    return
                draw(cancel)
                why = stop_reason(session, 0)
                if why:
                    status.value = why
                    break
            else:
                if session.day >= goal:
                    status.value = f"Ran to day {goal}."
            target.value = 0
            return
        if not playing.value:
            return
        interval = SPEEDS.get(speed.value, 5.0)
        interval = 1.0 / interval if interval else 0.0
        next_at = time.perf_counter()
        status.value = ""
        while not cancel.is_set():
            why = stop_reason(session, stop_day or 0)
            if why:
                status.value = why
                playing.value = False
                return
            limit = stop_day if stop_day else None
            if batch(cancel, every or 1, limit) < 0:
                return
            draw(cancel)
            next_at += interval
            delay = next_at - time.perf_counter()
            if delay < 0:
                next_at = time.perf_counter()
                delay = 0.002  # a breath between frames: lets a Pause click through
            cancel.wait(delay)

    solara.use_thread(loop, dependencies=[playing.value, speed.value, stop_day, every,
                                          target.value, session.generation],
                      intrusive_cancel=False)

    def step():
        if status.value:
            status.value = ""
        if safe_step():
            bump(tick, session)

    def reset():
        playing.value = False
        target.value = 0
        problem.value = None
        status.value = ""
        if rebuild_in_background is not None:  # a big model: rebuilt with a busy sign
            rebuild_in_background()
            return
        day = session.day
        session.reset()
        restart.value = f"Reset: back to day 0 (was day {day}), same settings."
        bump(tick, session)

    def pause():
        playing.value = False
        target.value = 0
        status.value = f"Paused on day {session.day}."

    def run_to():
        if runto is None:
            return
        playing.value = False
        if session.day >= runto:
            status.value = f"Already past day {runto}: press Reset to start again."
            return
        status.value = ""
        target.value = runto

    running = playing.value or bool(target.value)
    with solara.Div(classes=["cs-bar"]):
        solara.Div(children=[live.day])  # drawn with the live view (see LiveFrame)
        solara.Button("Step", icon_name="mdi-skip-next", on_click=step,
                      disabled=running or busy_building, color="primary", outlined=True,
                      classes=["circlesim-step"])
        if running:
            solara.Button("Pause", icon_name="mdi-pause", on_click=pause,
                          color="primary", classes=["circlesim-pause"])
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=lambda: playing.set(True),
                          color="primary", disabled=busy_building, classes=["circlesim-play"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=reset, outlined=True,
                      disabled=busy_building, classes=["circlesim-reset"])
        NumberBox("run to day", runto_text, runto_error, "circlesim-run-to")
        solara.Button("Go", on_click=run_to, disabled=running or busy_building
                      or runto is None, outlined=True, small=True, classes=["circlesim-go"])
        Busy(busy_building, target.value, tick)
        StatusLine(status, restart)


@solara.component
def Busy(building: bool, target: int, tick: solara.Reactive):
    """A busy sign, visible only when the work takes longer than 0.5 s (CSS delay)."""
    _ = tick.value
    if building:
        text = "Building the model…"
    elif target:
        text = f"Running to day {target}…"
    else:
        text = ""
    with solara.Div(classes=["circlesim-busy-slot"]):
        if text:
            with solara.Div(classes=["cs-busy", "circlesim-busy"]):
                rv.ProgressCircular(indeterminate=True, size=20, width=3, color="primary")
                solara.Text(text)


@solara.component
def StatusLine(status: solara.Reactive, restart: solara.Reactive):
    with solara.Div(style={"display": "flex", "flex-direction": "column"}):
        solara.Text(status.value, classes=["circlesim-status"])
        if restart.value:
            solara.Text(restart.value, classes=["circlesim-restart"])


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    """No AppLayout: the page draws its own header, so nothing covers the results."""
    return solara.Div(children=children)


@solara.component
def Page():
    solara.Style(CSS)
    solara.Title("circlesim")
    Simulator()
