"""Form logic for the controls, kept out of the components so it can be tested alone.

The parameter fields are generated from :data:`circlesim.parameters.PARAMETERS` (those with
``ui=True``), grouped by mechanism in the order the table declares them. Text typed into a
field is parsed with :func:`circlesim.parameters.parse_value`; the whole set is then checked with
:meth:`Parameters.from_mapping`, so an invalid combination is reported on the field it names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from circlesim.parameters import PARAMETERS, ParameterError, Parameters, parse_value

__all__ = [
    "FORM",
    "FormResult",
    "field_text",
    "grouped_fields",
    "parse_seed",
    "scenario_choices",
    "scenario_values",
    "validate",
]

FORM = "_form"  # key for a message that belongs to no single field


def grouped_fields() -> list[tuple[str, list]]:
    """[(group, [ParamSpec, ...]), ...] for the fields shown in the UI, in table order."""
    groups: dict[str, list] = {}
    for spec in PARAMETERS.values():
        if not getattr(spec, "ui", True):
            continue
        groups.setdefault(spec.group, []).append(spec)
    return list(groups.items())


def field_text(spec, value: Any) -> str:
    """How a value is shown in its text field."""
    if value is None:
        return ""
    if spec.kind == "bool":
        return "true" if value else "false"
    if spec.kind == "int":
        return str(int(value))
    if spec.kind == "float":
        v = float(value)
        if math.isinf(v):
            return "inf"
        return f"{v:g}" if abs(v) < 1e6 else f"{v:.6g}"
    return str(value)


def scenario_choices() -> list:
    """The scenario presets there are (whatever the scenarios package lists)."""
    from circlesim.scenarios import list_scenarios

    return list(list_scenarios())


def scenario_values(scenario: str) -> dict[str, Any]:
    """Every parameter's value under ``scenario`` (its overrides on top of the defaults)."""
    from circlesim.scenarios import load_scenario

    preset = load_scenario(scenario)
    return Parameters.from_mapping(dict(getattr(preset, "parameters", {}) or {})).to_dict()


@dataclass
class FormResult:
    overrides: dict[str, Any]  # values that differ from the scenario's
    errors: dict[str, str]  # field name (or FORM) -> one-line message

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(scenario: str, texts: dict[str, str]) -> FormResult:
    """Parse the edited fields and check the combination; never raises for bad input."""
    errors: dict[str, str] = {}
    overrides: dict[str, Any] = {}
    try:
        base = scenario_values(scenario)
    except Exception as exc:  # a broken preset file must not crash the page
        return FormResult({}, {FORM: f"scenario {scenario!r} could not be loaded: {exc}"})
    for name, text in texts.items():
        spec = PARAMETERS.get(name)
        if spec is None:
            continue
        try:
            value = parse_value(name, str(text))
        except ParameterError as exc:
            errors[getattr(exc, "key", None) or name] = str(exc)
            continue
        except (ValueError, TypeError) as exc:
            errors[name] = f"{name}: {exc}"
            continue
        if value != base.get(name):
            overrides[name] = value
    if not errors:
        from circlesim.scenarios import load_scenario

        preset = dict(getattr(load_scenario(scenario), "parameters", {}) or {})
        try:
            Parameters.from_mapping({**preset, **overrides})
        except ParameterError as exc:
            key = getattr(exc, "key", None)
            errors[key if key in PARAMETERS else FORM] = str(exc)
        except (ValueError, TypeError) as exc:
            errors[FORM] = str(exc)
    return FormResult(overrides, errors)


def parse_seed(text: str) -> tuple[int | None, str | None]:
    """(seed, None) or (None, message)."""
    raw = str(text).strip().replace("_", "")
    try:
        seed = int(raw)
    except ValueError:
        return None, f"seed={text!r} is invalid: allowed a whole number from 0 to 2**32-1"
    if not 0 <= seed < 2**32:
        return None, f"seed={seed} is out of range: allowed 0 to 2**32-1"
    return seed, None
