"""Mesa's own ``SolaraViz`` showing a :class:`circlesim.CommunityModel` (served by
``tests/ui/test_solaraviz_browser.py``; run it yourself with
``solara run tests/ui/solaraviz_app.py``).

Only public API on both sides: the model is built from a
:class:`circlesim.interop.CommunityScenario`, the members series is drawn by Mesa's
``make_plot_component`` (its default matplotlib backend) from ``model.datacollector``, and Mesa's
Reset re-creates the model from ``model.scenario``'s class and ``model_params`` (the slider and
the preset choice go into the new scenario).

Mesa's rule for Reset: the new model gets ``model_params`` and the scenario class's defaults,
not the values of the running model's scenario. So whatever must survive Reset (the seed, a
preset other than baseline) belongs in ``model_params``, as here.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from circlesim import CommunityModel
from circlesim.interop import CommunityScenario
from circlesim.scenarios import preset_names

SEED = 1

#: what Mesa's Reset builds the new model from: ``rng`` is a model argument, the rest are
#: attributes of CommunityScenario, so Mesa passes them as ``scenario=CommunityScenario(...)``
model_params = {
    "rng": SEED,
    "preset": {"type": "Select", "value": "baseline", "values": preset_names(),
               "label": "Preset"},
    "initial_members": {"type": "SliderInt", "value": 20, "min": 5, "max": 60, "step": 5,
                        "label": "Initial members"},
}


def members_line(ax) -> None:
    """Mark every day on the members line and name it, so the drawn figure (SVG) shows one
    marker per recorded day under ``<g id="members-line">``."""
    (line,) = ax.get_lines()
    line.set_marker("o")
    line.set_markersize(3)
    line.set_gid("members-line")


@solara.component
def ModelCard(model):
    """Which model SolaraViz holds (a new object after every Reset), its scenario and day."""
    update_counter.get()  # Mesa's signal to redraw after a step (as its own plot components do)
    with solara.Card("Model"):
        with solara.Column(gap="4px"):
            solara.Text(f"{type(model.scenario).__name__} of model {id(model):#x}",
                        classes=["circlesim-viz-scenario"])
            solara.Text(f"preset {model.scenario_name}, {model.params.initial_members} initial "
                        f"members, day {model.steps}, {model.member_count} members",
                        classes=["circlesim-viz-model"])


def make_model() -> CommunityModel:
    return CommunityModel(scenario=CommunityScenario(rng=SEED))


components = [
    make_plot_component("members", post_process=members_line, save_format="svg"),
    ModelCard,
]


@solara.component
def Page():
    # one model per browser session (a module-level model would be shared by all of them)
    model = solara.use_memo(make_model, [])
    SolaraViz(model, components=components, model_params=model_params,
              name="circlesim in SolaraViz")
