"""Mesa interoperability: scenarios as Mesa ``Scenario`` objects.

``CommunityModel(scenario=...)`` accepts a preset name, a path to a scenario TOML file, or a
``mesa.experimental.scenarios.Scenario`` instance whose attributes are parameters (and whose
``rng`` seeds the run). :class:`CommunityScenario` is that Scenario generated from
:data:`circlesim.parameters.PARAMETERS`: every parameter is a typed attribute with its default,
so Mesa's tools (``SolaraViz``, ``batch_run``) can create and re-create the model.
``model.scenario`` keeps Mesa's meaning (the Scenario of the run); the preset's name is
``model.scenario_name``.
"""

from __future__ import annotations

import os
from typing import Any

from mesa.experimental.scenarios import Scenario

from .parameters import PARAMETERS
from .scenarios import load_scenario

__all__ = ["CommunityScenario", "resolve_scenario", "scenario_parameters"]

_NOT_PARAMETERS = {"rng", "model", "_scenario_id", "preset"}


def _annotation(kind: str) -> Any:
    return {"float": float, "int": int, "bool": bool, "choice": str}.get(kind, Any)


def _make_scenario_class() -> type[Scenario]:
    annotations: dict[str, Any] = {"preset": str}
    namespace: dict[str, Any] = {"preset": "baseline"}
    for name, spec in PARAMETERS.items():
        if spec.kind in ("graph", "int_list"):
            continue  # API-only parameters (graphs, id lists) are passed as keywords
        annotations[name] = _annotation(spec.kind)
        namespace[name] = spec.default
    namespace["__annotations__"] = annotations
    namespace["__doc__"] = (
        "A Mesa Scenario of circlesim: ``preset`` (a preset name or TOML path) and every "
        "parameter of circlesim.parameters.PARAMETERS as an attribute with its default; "
        "attributes that differ from the defaults override the preset.")
    namespace["__module__"] = __name__
    return type("CommunityScenario", (Scenario,), namespace)


#: A Mesa ``Scenario`` with every circlesim parameter as a typed attribute (see the module doc).
CommunityScenario = _make_scenario_class()


def scenario_parameters(scenario: Scenario) -> dict[str, Any]:
    """The parameter overrides a Mesa Scenario carries (for a :class:`CommunityScenario`, only
    the attributes that differ from the defaults, so its preset's values stand)."""
    values = {k: v for k, v in scenario.__dict__.items() if k not in _NOT_PARAMETERS}
    if isinstance(scenario, CommunityScenario):
        values = {k: v for k, v in values.items()
                  if k not in PARAMETERS or PARAMETERS[k].default != v}
    return values


def resolve_scenario(scenario: Any, rng: Any) -> tuple[str, dict[str, Any], Scenario | None, Any]:
    """(preset name, parameters, Mesa Scenario or None, rng) for ``CommunityModel``."""
    if scenario is None:
        return "custom", {}, None, rng
    if isinstance(scenario, Scenario):
        preset_name = getattr(scenario, "preset", None)
        base: dict[str, Any] = {}
        name = "custom"
        if preset_name:
            preset = load_scenario(preset_name)
            base, name = dict(preset.parameters), preset.name
        if rng is None:
            rng = scenario.rng
        elif scenario.rng is None:
            scenario.rng = rng
        return name, {**base, **scenario_parameters(scenario)}, scenario, rng
    if isinstance(scenario, (str, os.PathLike)):
        preset = load_scenario(scenario)
        return preset.name, dict(preset.parameters), None, rng
    from .parameters import ParameterError

    raise ParameterError("scenario", f"scenario={scenario!r} is invalid: allowed a preset name, "
                                     "a scenario .toml path or a mesa Scenario")
