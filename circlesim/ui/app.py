"""circlesim in the browser: run, watch and compare scenarios (Solara page).

Start it with ``circlesim ui`` (or ``python -m circlesim.ui``). The page is a thin layer over
circlesim's public API: :mod:`circlesim.ui.session` holds the runs, :mod:`circlesim.ui.forms`
the controls' logic, :mod:`circlesim.ui.views` and :mod:`circlesim.ui.svg` what is drawn.
Every browser session builds its own :class:`~circlesim.ui.session.Session` inside the page
component, so two sessions never share a model.
"""

from __future__ import annotations

import logging
import time

import reacton.core
import solara
from solara.alias import rv

from .forms import (
    FORM,
    field_text,
    grouped_fields,
    parse_seed,
    scenario_choices,
    scenario_values,
    validate,
)
from .session import RunSpec, Session
from .svg import network_svg
from .views import RUN_COLOURS, chart_svgs, headline_rows

logger = logging.getLogger("circlesim.ui")

SPEEDS = {"1/s": 1.0, "2/s": 2.0, "5/s": 5.0, "10/s": 10.0, "max": 0.0}
DEFAULT_SPEED = "5/s"
DEFAULT_STOP_DAY = 180
NO_COMPARE = "(no comparison)"

CSS = """
.circlesim-day { font-size: 30px; font-weight: 700; }
.circlesim-stats { display: flex; flex-wrap: wrap; gap: 10px; }
.circlesim-stat { border-left: 4px solid #0072B2; padding: 2px 12px; min-width: 120px; }
.circlesim-stat .l { font-size: 15px; color: #555; }
.circlesim-stat .n { font-size: 26px; font-weight: 600; line-height: 1.2; }
.circlesim-stat .n small { font-size: 14px; font-weight: 600; }
.circlesim-legend { font-size: 17px; font-weight: 600; }
.circlesim-question { font-size: 16px; color: #333; }
.circlesim-help { font-size: 13px; color: #555; margin: -4px 0 10px 0; }
.circlesim-charts { display: grid; gap: 4px 14px;
  grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
.circlesim-chart-cell { min-width: 0; }
.v-expansion-panel-content__wrap { padding: 4px 12px 8px 12px; }
"""


# --------------------------------------------------------------------------------- controls


@solara.component
def ScenarioPicker(scenarios, value: str, on_value, label: str = "Scenario", none: str = "",
                   css: str = "circlesim-scenario"):
    """A select of the presets there are, with the chosen one's title and question."""
    names = [s.name for s in scenarios]
    by_name = {s.name: s for s in scenarios}
    values = ([none] if none else []) + names
    solara.Select(label=label, values=values, value=value, on_value=on_value, classes=[css])
    chosen = by_name.get(value)
    if chosen is not None:
        solara.Text(getattr(chosen, "title", chosen.name),
                    style={"font-weight": "600", "font-size": "16px"})
        question = getattr(chosen, "question", "")
        if question:
            solara.Text(question, classes=["circlesim-question"])


@solara.component
def ParameterField(spec, base_value, texts: solara.Reactive, error: str | None):
    """One parameter: a switch, a select or a text field with its help text (or error)."""
    name = spec.name
    shown = texts.value.get(name, field_text(spec, base_value))

    def set_text(text):
        new = dict(texts.value)
        new[name] = "" if text is None else str(text)
        texts.value = new

    label = f"{name.replace('_', ' ')}" + (f" ({spec.unit})" if spec.unit else "")
    if spec.kind == "bool":
        solara.Switch(label=label, value=shown == "true",
                      on_value=lambda v: set_text("true" if v else "false"))
        solara.Text(spec.help, classes=["circlesim-help"])
        if error:
            solara.Error(error, dense=True, classes=[f"circlesim-error-{name}"])
    elif spec.kind == "choice" and spec.choices:
        solara.Select(label=label, values=list(spec.choices), value=shown, on_value=set_text)
        solara.Text(spec.help, classes=["circlesim-help"])
        if error:
            solara.Error(error, dense=True, classes=[f"circlesim-error-{name}"])
    else:
        solara.InputText(label=label, value=shown, on_value=set_text, error=error or False,
                         message=spec.help, classes=[f"circlesim-field-{name}"],
                         hide_details=False)


@solara.component
def ParameterForm(scenario: str, texts: solara.Reactive, errors: dict,
                  edited: frozenset = frozenset()):
    """Every ``ui`` parameter, grouped by mechanism, generated from PARAMETERS."""
    try:
        base = scenario_values(scenario)
    except Exception:
        base = {}
    groups = grouped_fields()
    opened = solara.use_reactive([])
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
def RunControls(session: Session, playing: solara.Reactive, speed: solara.Reactive,
                stop_day: solara.Reactive, tick: solara.Reactive, problem: solara.Reactive):
    """Step, Play/Pause with speed, Reset; runs the play loop in a thread."""

    def safe_step() -> bool:
        """One day; a model error stops playing and is shown, never a crash."""
        try:
            session.step()
            return True
        except Exception as exc:
            logger.exception("the model failed to step")
            problem.value = (session.generation,
                             f"The model stopped on day {session.day}: {type(exc).__name__}: {exc}")
            playing.value = False
            return False

    def loop(cancel):
        if not playing.value:
            return
        interval = SPEEDS.get(speed.value, 5.0)
        interval = 1.0 / interval if interval else 0.0
        next_at = time.perf_counter()
        while not cancel.is_set():
            if stop_day.value and session.day >= stop_day.value:
                playing.value = False
                return
            if not safe_step():
                return
            # back-pressure: change state only while no render pass runs (another thread's
            # pass would take the change into its own pass, and one that never settles is
            # stopped by Solara), then wait until that day has been drawn
            lock = getattr(session.render_context, "thread_lock", None)
            while lock is not None and lock.locked() and not cancel.is_set():
                cancel.wait(0.001)
            frame = tick.value + 1
            tick.value = frame
            waited = time.perf_counter()
            while (session.rendered_tick < frame and not cancel.is_set()
                   and time.perf_counter() - waited < 2.0):
                cancel.wait(0.002)
            next_at += interval
            delay = next_at - time.perf_counter()
            if delay < 0:
                next_at = time.perf_counter()
                delay = 0.002  # a breath between frames: lets a Pause click through
            cancel.wait(delay)

    solara.use_thread(loop, dependencies=[playing.value, speed.value, stop_day.value],
                      intrusive_cancel=False)

    def step():
        if safe_step():
            tick.value = tick.value + 1

    def reset():
        playing.value = False
        problem.value = None
        session.reset()
        tick.value = tick.value + 1

    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Step", icon_name="mdi-skip-next", on_click=step, disabled=playing.value,
                      color="primary", outlined=True, classes=["circlesim-step"])
        if playing.value:
            solara.Button("Pause", icon_name="mdi-pause", on_click=lambda: playing.set(False),
                          color="primary", classes=["circlesim-pause"])
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=lambda: playing.set(True),
                          color="primary", classes=["circlesim-play"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=reset, outlined=True,
                      classes=["circlesim-reset"])
    solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), classes=["circlesim-speed"])

    def set_stop(text):
        try:
            stop_day.value = max(0, int(float(text)))
        except ValueError:
            pass

    solara.InputText("stop playing at day (0 = never)", value=str(stop_day.value),
                     on_value=set_stop, dense=True, classes=["circlesim-stop-day"])


# ------------------------------------------------------------------------------ live views


@solara.component
def Headlines(session: Session, labels, tick: int = 0):
    """Day counter and a few big numbers (one per run, coloured by run in compare mode)."""
    runs = session.runs
    if not runs:
        return
    compare = len(runs) > 1
    cards = []
    with session.lock:
        rows = headline_rows(runs)
        day = session.day
    for label, values in rows:
        numbers = "".join(
            f'<div class="n" style="color:{RUN_COLOURS[i] if compare else "#222"}">'
            + (f'<small>{"AB"[i]}</small> ' if compare else "") + f"{value}</div>"
            for i, value in enumerate(values)
        )
        cards.append(f'<div class="circlesim-stat"><div class="l">{label}</div>{numbers}</div>')
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "20px"}):
        solara.Text(f"Day {day}", classes=["circlesim-day"])
        solara.HTML(tag="div", unsafe_innerHTML="".join(cards), classes=["circlesim-stats"])


@solara.component
def NetworkView(session: Session, labels, tick: int = 0):
    runs = session.runs
    with solara.Row(style={"flex-wrap": "nowrap", "gap": "12px"}):
        for i, run in enumerate(runs):
            with session.lock:
                pos, view = run.network()
            title = labels[i] if len(runs) > 1 else ""
            svg = network_svg(pos, view, title=title, size=520)
            width = "100%" if len(runs) == 1 else "min(560px, calc(50% - 8px))"
            solara.HTML(tag="div", unsafe_innerHTML=svg,
                        style={"width": width, "min-width": "300px"},
                        classes=[f"circlesim-network-{'ab'[i]}"])


@solara.component
def Charts(session: Session, labels, tick: int = 0, columns: int = 0):
    with session.lock:  # a consistent snapshot, never half a step
        svgs = chart_svgs(session.runs, labels=[label[:1] for label in labels])
    style = {"grid-template-columns": f"repeat({columns}, minmax(0, 1fr))"} if columns else {}
    with solara.Div(classes=["circlesim-charts"], style=style):
        for key, svg in svgs.items():
            solara.HTML(tag="div", unsafe_innerHTML=svg,
                        classes=["circlesim-chart-cell", f"circlesim-chart-{key}"])


@solara.component
def LiveView(session: Session, tick: solara.Reactive, generation: int, labels):
    """Everything that changes each day; the only part re-rendered while playing."""
    now = tick.value  # subscribe: re-render on every step (children get it as a prop,
    # since a component whose arguments did not change is not re-rendered)
    if not session.runs:
        solara.Text("Fix the highlighted settings to start a run.")
        return
    session.rendered_tick = now  # read by the play loop (back-pressure)
    session.render_context = reacton.core.get_render_context(required=False)
    Headlines(session, labels, now)
    if len(session.runs) > 1:
        # compare: the overlaid charts first, then the two groups side by side
        solara.HTML(tag="div", classes=["circlesim-legend"], unsafe_innerHTML="".join(
            f'<span style="color:{RUN_COLOURS[i]};margin-right:28px">{label}</span>'
            for i, label in enumerate(labels)))
        Charts(session, labels, now, columns=3)
        NetworkView(session, labels, now)
        return
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start", "gap": "12px"}):
        with solara.Column(style={"flex": "1 1 420px", "max-width": "600px"}):
            NetworkView(session, labels, now)
        with solara.Column(style={"flex": "2 1 700px"}):
            Charts(session, labels, now)


@solara.component
def DownloadButtons(session: Session, tick: solara.Reactive, labels):
    _ = tick.value
    with solara.Row(style={"flex-wrap": "wrap"}):
        for i, run in enumerate(session.runs):
            label = "Download CSV" + (f" ({labels[i][:1]})" if len(session.runs) > 1 else "")
            solara.FileDownload(data=run.csv, filename=run.csv_filename(), label=label,
                                icon_name="mdi-download")


# ----------------------------------------------------------------------------- sweep viewer


@solara.component
def SweepViewer():
    from . import sweeps
    from .svg import PALETTE, Series, line_chart

    root = sweeps.results_dir()
    names = sweeps.list_sweeps(root)
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
    try:
        runs, manifest = sweeps.open_sweep(folder, root)
    except Exception as exc:  # a half-written folder must not crash the page
        solara.Error(f"Could not read {folder}: {exc}")
        return
    metrics = sweeps.metric_columns(runs)
    if not metrics:
        solara.Warning("This folder has no metric columns to chart.")
        return
    shown = metric.value if metric.value in metrics else (
        "members" if "members" in metrics else metrics[0])
    solara.Select("Metric", values=metrics, value=shown, on_value=metric.set)
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


@solara.component
def Simulator():
    scenarios = solara.use_memo(scenario_choices, [])
    first = "baseline" if any(s.name == "baseline" for s in scenarios) else (
        scenarios[0].name if scenarios else "baseline")
    scenario = solara.use_reactive(first)
    compare = solara.use_reactive(NO_COMPARE)
    seed_text = solara.use_reactive("1")
    texts = solara.use_reactive({})
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    stop_day = solara.use_reactive(DEFAULT_STOP_DAY)
    # a plain reactive (not use_reactive): only the components that read it re-render on a
    # step, not this one with its fifty fields
    tick = solara.use_memo(lambda: solara.reactive(0), [])
    session = solara.use_memo(Session, [])  # per browser session, never module level
    problem = solara.use_memo(lambda: solara.reactive(None), [])  # (generation, message)

    def choose_scenario(name):
        texts.value = {}  # a preset brings its own values
        scenario.value = name

    form = validate(scenario.value, texts.value)
    seed, seed_error = parse_seed(seed_text.value)
    errors = dict(form.errors)
    if form.ok and seed_error is None:
        labels = ["A: " + _label(scenarios, scenario.value, form.overrides)]
        spec_a = RunSpec.make(scenario.value, seed, form.overrides, labels[0])
        spec_b = None
        if compare.value != NO_COMPARE:
            labels.append("B: " + _label(scenarios, compare.value))
            spec_b = RunSpec.make(compare.value, seed, {}, labels[1])
        try:
            session.configure(spec_a, spec_b)
        except Exception as exc:  # the model refused the combination: show it, keep the page
            key = getattr(exc, "key", None)
            errors[key if key else FORM] = str(exc)
    labels = [r.spec.label for r in session.runs] or ["A", "B"]

    with solara.Sidebar():
        with solara.Card(style={"padding": "10px"}):
            ScenarioPicker(scenarios, scenario.value, choose_scenario)
            solara.InputText("seed", value=seed_text, error=seed_error or False,
                             message="Same seed, same run: the random numbers are repeatable.",
                             classes=["circlesim-seed"], hide_details=False)
            RunControls(session, playing, speed, stop_day, tick, problem)
        with solara.Card(style={"padding": "10px"}):
            ScenarioPicker(scenarios, compare.value, compare.set, label="Compare with (same seed)",
                           none=NO_COMPARE, css="circlesim-compare")
            if compare.value == NO_COMPARE:
                solara.Text("Pick a second scenario to run both side by side, stepping "
                            "together, charts overlaid.", classes=["circlesim-help"])
        if problem.value and problem.value[0] == session.generation:
            solara.Error(problem.value[1], classes=["circlesim-model-error"])
        if errors.get(FORM):
            solara.Error(errors[FORM], classes=["circlesim-form-error"])
        if errors:
            solara.Warning("A setting is invalid: the run keeps the last valid settings "
                           "until it is fixed.", dense=True, classes=["circlesim-invalid"])
        solara.Text("Settings (changing one restarts the run at day 0)",
                    style={"font-weight": "600", "font-size": "16px"})
        with solara.Row():
            solara.Button("Back to the scenario's values", text=True, small=True,
                          on_click=lambda: texts.set({}), disabled=not texts.value)
        ParameterForm(scenario.value, texts, errors, frozenset(form.overrides))
        DownloadButtons(session, tick, labels)

    with solara.lab.Tabs(background_color="transparent"):
        with solara.lab.Tab("Simulation", classes=["circlesim-tab-sim"]):
            LiveView(session, tick, session.generation, labels)
        with solara.lab.Tab("Sweep results", classes=["circlesim-tab-sweeps"]):
            SweepViewer()


@solara.component
def Page():
    solara.Style(CSS)
    solara.Title("circlesim")
    with solara.AppBar():
        pass
    solara.AppBarTitle("circlesim · community marketing, step by step")
    Simulator()
