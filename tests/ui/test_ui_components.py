"""The controls' logic without a browser: ``solara.render`` of the page's components."""

from __future__ import annotations

import math
import types

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara

from circlesim.parameters import PARAMETERS
from circlesim.ui.app import NO_COMPARE, NO_COMPARE_TEXT, Simulator
from circlesim.ui.forms import grouped_fields


def walk(widget):
    yield widget
    for child in getattr(widget, "children", None) or []:
        if isinstance(child, widgets.Widget):
            yield from walk(child)
    # the live panel draws its parts (headlines, networks, charts) in one template widget
    for classes, html in widget.parts() if hasattr(widget, "parts") else ():
        yield types.SimpleNamespace(class_=classes, unsafe_innerHTML=html, children=[])


class App:
    """The simulator rendered without a browser (its own header and settings column)."""

    def __init__(self):
        self.box, self.rc = solara.render(Simulator(), handle_error=False)

    def by_class(self, css):
        def classes(w):
            attributes = getattr(w, "attributes", None) or {}
            return ((getattr(w, "class_", None) or "") + " " + attributes.get("class", "")).split()

        return [w for w in walk(self.box) if css in classes(w)]

    def one(self, css):
        found = self.by_class(css)
        assert len(found) == 1, (css, found)
        return found[0]

    def button(self, text):
        import time

        deadline = time.monotonic() + 10  # a play loop may still be finishing
        while True:
            found = [w for w in self.rc.find(v.Btn).widgets if text in w.children]
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert found, f"no button {text!r}"
        return found[0]

    @property
    def day(self) -> int:
        return int(self.one("circlesim-day").children[0].split()[-1])

    def open_all_groups(self):
        panels = self.rc.find(v.ExpansionPanels).widget
        panels.v_model = list(range(len(grouped_fields())))

    def field(self, name):
        if not self.by_class(f"circlesim-field-{name}"):
            self.open_all_groups()
        return self.one(f"circlesim-field-{name}")

    def type(self, name, text):
        field = self.field(name)
        field.v_model = text
        field.fire_event("focusout", None)  # the field commits on focus-out or Enter

    def text(self, css) -> str:
        return " ".join(str(w.children[0]) if w.children else "" for w in self.by_class(css))

    def wait(self, condition, timeout=20.0):
        import time

        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert condition()

    def chart(self, key):
        html = self.by_class(f"circlesim-chart-{key}")[0]
        return html.unsafe_innerHTML


@pytest.fixture
def app():
    return App()


def bounded_float():
    return next(s for s in PARAMETERS.values()
                if s.ui and s.kind == "float" and s.high is not None and math.isfinite(s.high))


def test_every_ui_parameter_has_a_field_grouped_by_mechanism(app):
    app.open_all_groups()
    shown = {s.name for s in PARAMETERS.values() if s.ui}
    hidden = {s.name for s in PARAMETERS.values() if not s.ui}
    text_fields = {w.class_.split("circlesim-field-")[1] for w in app.rc.find(v.TextField).widgets
                   if "circlesim-field-" in (w.class_ or "")}
    switch_labels = {w.label for w in app.rc.find(v.Switch).widgets}
    for spec in PARAMETERS.values():
        if spec.kind in ("int", "float") and spec.ui:
            assert spec.name in text_fields
        if spec.kind == "bool" and spec.ui:
            assert any(label.startswith(spec.name.replace("_", " ")) for label in switch_labels)
    assert not hidden & text_fields
    headers = [w.children[0] for w in app.rc.find(v.ExpansionPanelHeader).widgets]
    groups = [g for g, _ in grouped_fields()]
    assert [h.split("  ·")[0] for h in headers] == [g.capitalize() for g in groups]
    assert sum(len(specs) for _, specs in grouped_fields()) == len(shown)


def test_help_text_is_shown_with_each_field(app):
    spec = bounded_float()
    app.field(spec.name)
    param = app.one(f"circlesim-param-{spec.name}")
    assert spec.help in " ".join(str(w.children) for w in walk(param) if isinstance(w, v.Html))


def test_step_and_reset(app):
    assert app.day == 0
    app.button("Step").click()
    app.button("Step").click()
    assert app.day == 2
    assert 'data-days="2"' in app.chart("members")
    app.button("Reset").click()
    assert app.day == 0


def test_bad_value_shows_message_on_the_field_and_keeps_the_run(app):
    spec = bounded_float()
    app.button("Step").click()
    app.type(spec.name, str(spec.high * 10 + 1))
    field = app.field(spec.name)
    assert field.error is True
    assert spec.name in field.messages[0]
    assert app.by_class("circlesim-invalid")
    assert app.day == 1  # the run with the last valid settings goes on
    app.button("Step").click()
    assert app.day == 2


def test_text_that_is_no_number_shows_message(app):
    spec = bounded_float()
    app.type(spec.name, "lots")
    assert app.field(spec.name).error is True
    assert "lots" in app.field(spec.name).messages[0]


def test_invalid_combination_is_reported_on_the_named_field(app):
    if not {"initial_members", "max_members"} <= set(PARAMETERS):
        pytest.skip("no initial_members/max_members pair")
    app.type("max_members", "10")
    app.type("initial_members", "50")
    field = app.field("initial_members")
    assert field.error is True and "initial_members" in field.messages[0]


def test_valid_edit_restarts_the_run_with_the_new_value(app):
    spec = bounded_float()
    app.button("Step").click()
    new = spec.low if spec.default != spec.low else spec.high
    app.type(spec.name, str(new))
    assert app.field(spec.name).error is False
    assert app.day == 0
    headers = " ".join(w.children[0] for w in app.rc.find(v.ExpansionPanelHeader).widgets)
    assert "1 changed" in headers


def test_seed_must_be_a_whole_number(app):
    seed = app.one("circlesim-seed")
    seed.v_model = "abc"
    seed.fire_event("focusout", None)
    assert app.one("circlesim-seed").error is True


def test_scenario_picker_shows_title_and_question(app):
    from circlesim.scenarios import list_scenarios

    scenarios = list(list_scenarios())
    picker = app.one("circlesim-scenario")
    assert [i["value"] for i in picker.items] == [s.name for s in scenarios]
    assert [i["text"] for i in picker.items] == [s.title for s in scenarios]  # titles shown
    target = scenarios[-1]
    picker.v_model = target.name
    texts = [w.children[0] for w in app.rc.find(v.Html).widgets if w.children
             and isinstance(w.children[0], str)]
    all_text = " ".join(str(w.children) for w in walk(app.box) if isinstance(w, v.Html))
    assert target.title in all_text
    if target.question:
        assert target.question in all_text
    del texts


def test_compare_mode_adds_a_second_run(app):
    from circlesim.scenarios import list_scenarios

    compare = app.one("circlesim-compare")
    assert compare.items[0] == {"text": NO_COMPARE_TEXT, "value": NO_COMPARE}
    compare.v_model = list(list_scenarios())[0].name
    assert app.by_class("circlesim-network-b")
    app.button("Step").click()
    assert 'data-series="4"' in app.chart("members")
    app.one("circlesim-compare").v_model = NO_COMPARE
    assert not app.by_class("circlesim-network-b")


def test_play_loop_runs_and_pauses():
    import time

    app = App()
    app.one("circlesim-stop-day").v_model = "0"
    app.button("Play").click()
    deadline = time.monotonic() + 20
    while app.day < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.day >= 3
    app.button("Pause").click()
    time.sleep(0.5)
    settled = app.day
    time.sleep(0.5)
    assert app.day == settled


def test_two_renders_have_independent_sessions():
    first, second = App(), App()
    first.button("Step").click()
    first.button("Step").click()
    assert (first.day, second.day) == (2, 0)


def test_a_model_error_is_shown_not_raised(monkeypatch):
    from circlesim.ui.session import Session

    app = App()

    def broken(self, n=1):
        raise RuntimeError("boom")

    monkeypatch.setattr(Session, "step", broken)
    app.button("Step").click()
    assert "boom" in app.text("circlesim-model-error")
    monkeypatch.undo()
    app.button("Reset").click()
    assert app.text("circlesim-model-error").strip() == ""
    app.button("Step").click()
    assert app.day == 1


def test_network_draws_current_members_only(app):
    import re

    for _ in range(10):
        app.button("Step").click()
    svg = app.by_class("circlesim-network-a")[0].unsafe_innerHTML
    nodes = int(re.search(r'data-nodes="(\d+)"', svg).group(1))
    members = int(re.search(r'members</div><div class="n"[^>]*>([\d,]+)',
                            app.by_class("circlesim-stats")[0].unsafe_innerHTML)
                  .group(1).replace(",", ""))
    assert nodes == members + 1  # the organiser and the members there are now
    assert "organiser" in svg


# ------------------------------------------------------------------ classroom controls (#12)


def test_bad_value_keeps_open_groups_and_the_same_field_widget(app):
    """A bad value shows its message under the field; the open groups stay open and the
    field is the same widget (so the browser keeps the focus in it)."""
    spec = bounded_float()
    app.open_all_groups()
    panels = app.rc.find(v.ExpansionPanels).widget
    opened = list(panels.v_model)
    field = app.field(spec.name)
    app.type(spec.name, "abc")
    assert app.field(spec.name) is field  # not re-created
    assert field.error is True and "abc" in field.messages[0]
    assert list(app.rc.find(v.ExpansionPanels).widget.v_model) == opened
    app.type(spec.name, str(spec.high * 10 + 1))
    assert app.field(spec.name) is field and spec.name in field.messages[0]
    assert list(app.rc.find(v.ExpansionPanels).widget.v_model) == opened


def test_number_boxes_say_what_is_wrong_by_the_box(app):
    for css in ("circlesim-stop-day", "circlesim-every", "circlesim-run-to", "circlesim-seed"):
        for bad in ("inf", "-3", "abc", "1e99"):
            box = app.one(css)
            box.v_model = bad
            box.fire_event("focusout", None)
            box = app.one(css)
            assert box.error is True, (css, bad)
            message = box.messages[0]
            assert "allowed" in message or "expected a whole number" in message, message
        box.v_model = "1"
        box.fire_event("focusout", None)
    app.button("Step").click()  # the page still works
    assert app.day == 1


def test_switching_preset_keeps_edits_that_still_apply_and_says_so(app):
    from circlesim.ui.forms import scenario_values

    app.type("share_probability", "0.3")
    app.type("niche_width", "0.03")  # niche-targeting's own value: no longer an edit there
    app.button("Step").click()
    app.one("circlesim-scenario").v_model = "niche-targeting"
    restart = app.text("circlesim-restart")
    assert "Restarted at day 0 (was day 1)" in restart
    assert "kept your edits: share_probability" in restart and "niche_width" in restart
    assert app.day == 0
    assert app.field("share_probability").v_model == "0.3"
    assert scenario_values("niche-targeting")["niche_width"] == 0.03


def test_compare_keeps_a_and_can_edit_b(app):
    from circlesim.scenarios import list_scenarios

    app.type("share_probability", "0.3")
    app.one("circlesim-compare").v_model = list(list_scenarios())[0].name
    assert "compare on" in app.text("circlesim-restart")
    assert "Run A keeps its settings" in app.text("circlesim-restart")
    edit = app.one("circlesim-edit-run")
    edit.v_model = 1  # edit run B
    app.type("contagion", "0.2")
    members = app.chart("members")
    assert 'data-series="4"' in members
    assert "run B changed" in app.text("circlesim-restart")
    legend = app.by_class("circlesim-legend")[0].unsafe_innerHTML
    assert "share probability 0.3" in legend and "contagion 0.2" in legend


def test_run_to_day_and_draw_every_n_days(app):
    box = app.one("circlesim-run-to")
    box.v_model = "40"
    box.fire_event("focusout", None)
    app.button("Go").click()
    app.wait(lambda: app.day == 40 and "Ran to day 40" in app.text("circlesim-status"))
    every = app.one("circlesim-every")
    every.v_model = "7"
    every.fire_event("focusout", None)
    stop = app.one("circlesim-stop-day")
    stop.v_model = "61"
    stop.fire_event("focusout", None)
    app.one("circlesim-speed").v_model = 4  # max
    app.button("Play").click()
    app.wait(lambda: "stop day (61)" in app.text("circlesim-status"))
    assert app.day == 61  # 40 + 3 frames of 7 days, the last cut at the stop day
    assert 'data-days="61"' in app.chart("members")
    app.button("Play").click()  # at the stop day Play says why it does not go on
    app.wait(lambda: "stop day (61)" in app.text("circlesim-status"))
    assert app.day == 61


def test_over_budget_settings_get_a_message_instead_of_a_build(app, monkeypatch):
    monkeypatch.setenv("CIRCLESIM_UI_SESSION_MEMORY_MB", "200")
    app.button("Step").click()
    app.open_all_groups()
    app.type("seeding_budget", "1e9")  # 2 x 10^10 paid exposures a day
    message = app.text("circlesim-form-error")
    assert "MB" in message and "seeding_budget" in message, message
    assert app.day == 1  # the last run is kept, nothing was built
    app.button("Step").click()
    assert app.day == 2


def test_claims_tab_lists_claims_and_show_me_loads_both_arms(monkeypatch):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "atlas.json"
    monkeypatch.setenv("CIRCLESIM_CLAIMS_ATLAS", str(fixture))
    app = App()
    tabs = app.rc.find(v.Tabs).widget
    tabs.v_model = 1
    claims = app.by_class("circlesim-show-claim")
    assert len(claims) == 3
    text = " ".join(str(w.unsafe_innerHTML) for w in walk(app.box)
                    if getattr(w, "unsafe_innerHTML", None))
    for verdict in ("holds robustly", "holds when", "does not hold"):
        assert verdict in text
    assert "95% CI -0.1 to 1.7" in text and "when reach_probability &gt;= 0.15" in text
    claims[1].click()  # one-to-ten: pure-cascade, A little sharing, B much sharing
    assert tabs.v_model == 0
    app.wait(lambda: len(app.by_class("circlesim-network-b")) == 1)
    assert "Loaded the claim" in app.text("circlesim-restart") or app.day == 0
    legend = app.by_class("circlesim-legend")[0].unsafe_innerHTML
    assert "share probability 0.05" in legend and "share probability 0.3" in legend


def test_claims_tab_without_an_atlas_says_so(monkeypatch):
    import sys

    monkeypatch.delenv("CIRCLESIM_CLAIMS_ATLAS", raising=False)
    monkeypatch.setitem(sys.modules, "circlesim.claims", None)  # import fails
    app = App()
    app.rc.find(v.Tabs).widget.v_model = 1
    assert app.by_class("circlesim-no-claims")


def test_sweep_viewer_reads_nothing_until_opened(app, monkeypatch):
    from circlesim.ui import sweeps

    calls = []
    for name in ("list_sweeps", "describe", "read_sweep", "open_sweep"):
        original = getattr(sweeps, name)
        monkeypatch.setattr(sweeps, name,
                            lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
    app.button("Step").click()
    app.rc.find(v.Tabs).widget.v_model = 2  # info tab
    assert calls == []
    app.rc.find(v.Tabs).widget.v_model = 3
    assert calls[:1] == ["list_sweeps"]


def test_info_tab_explains_every_headline(app):
    from circlesim.ui.views import HEADLINES

    app.rc.find(v.Tabs).widget.v_model = 2
    table = app.one("cs-glossary").unsafe_innerHTML
    for key, _, _ in HEADLINES:
        assert f"<code>{key}</code>" in table
    assert "one to ten" in table.lower()
    app.by_class("circlesim-doc-link")[0].click()
    assert "ODD" in str(app.one("circlesim-doc").unsafe_innerHTML)[:5000]


def test_slider_sets_the_exact_box_and_restarts(app):
    spec = PARAMETERS["share_probability"]
    app.button("Step").click()
    app.field(spec.name)
    slider = app.one(f"circlesim-slider-{spec.name}")
    value = spec.low + (spec.high - spec.low) / 4
    slider.fire_event("change", value)  # the slider commits when released
    from circlesim.ui.forms import field_text

    assert app.field(spec.name).v_model == field_text(spec, value)
    assert app.day == 0 and spec.name in app.text("circlesim-restart")
