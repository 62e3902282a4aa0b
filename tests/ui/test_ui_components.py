"""The controls' logic without a browser: ``solara.render`` of the page's components."""

from __future__ import annotations

import math

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara

from circlesim.parameters import PARAMETERS
from circlesim.ui.app import NO_COMPARE, Simulator
from circlesim.ui.forms import grouped_fields


def walk(widget):
    yield widget
    for child in getattr(widget, "children", None) or []:
        if isinstance(child, widgets.Widget):
            yield from walk(child)


class App:
    """The simulator rendered inside an AppLayout (so the sidebar's widgets exist)."""

    def __init__(self):
        self.box, self.rc = solara.render(solara.AppLayout(children=[Simulator()]),
                                          handle_error=False)

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
        found = [w for w in self.rc.find(v.Btn).widgets if text in w.children]
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
    assert app.field(spec.name).messages == [spec.help]


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
    assert picker.items == [s.name for s in scenarios]
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
    assert compare.items[0] == NO_COMPARE
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
    message = app.one("circlesim-model-error")
    assert "boom" in str(message.children)
    monkeypatch.undo()
    app.button("Reset").click()
    assert not app.by_class("circlesim-model-error")
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
