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


def _parsed(texts: dict[str, str]):
    """``(name, text, value, problem)`` for every field of ``texts`` that is a parameter;
    ``problem`` is None, or ``(key, one-line message)`` when the text does not parse."""
    for name, text in texts.items():
        if name not in PARAMETERS:
            continue
        try:
            yield name, text, parse_value(name, str(text)), None
        except ParameterError as exc:
            yield name, text, None, (getattr(exc, "key", None) or name, str(exc))
        except (ValueError, TypeError) as exc:
            yield name, text, None, (name, f"{name}: {exc}")


def validate(scenario: str, texts: dict[str, str]) -> FormResult:
    """Parse the edited fields and check the combination; never raises for bad input."""
    errors: dict[str, str] = {}
    overrides: dict[str, Any] = {}
    try:
        base = scenario_values(scenario)
    except Exception as exc:  # a broken preset file must not crash the page
        return FormResult({}, {FORM: f"scenario {scenario!r} could not be loaded: {exc}"})
    for name, _text, value, problem in _parsed(texts):
        if problem is not None:
            errors[problem[0]] = problem[1]
        elif value != base.get(name):
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


# ----------------------------------------------------------------------- sliders and numbers

#: Most steps a slider offers; a whole-number range wider than this gets no slider.
SLIDER_STEPS = 200
MAX_INT_SLIDER_RANGE = 2_000


def slider_range(spec) -> tuple[float, float, float] | None:
    """(min, max, step) for a slider beside ``spec``'s box, or None (unbounded, or too wide).

    Only bounded numbers get a slider; the exact-value box next to it takes any valid value.
    """
    if spec.kind not in ("int", "float") or spec.low is None or spec.high is None:
        return None
    lo, hi = float(spec.low), float(spec.high)
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return None
    if spec.kind == "int":
        if hi - lo > MAX_INT_SLIDER_RANGE:
            return None
        return lo, hi, 1.0
    step = (hi - lo) / SLIDER_STEPS
    step = 10 ** math.floor(math.log10(step))  # a round step: 0.001, 0.01, 0.1 ...
    return lo, hi, step


def parse_whole(text, key: str, low: int = 0, high: int = 10**7) -> tuple[int | None, str | None]:
    """A whole number from a box (stop day, run to day, every N days): (value, None) or
    (None, one-line message naming the box and what is allowed). Never raises.

    Uses the package's one whole-number parser (:func:`circlesim.errors.parse_whole_number`)."""
    from circlesim.errors import UsageError, parse_whole_number

    try:
        return parse_whole_number(str(text), key, low, high), None
    except UsageError as exc:
        return None, str(exc)


# ------------------------------------------------------------------------- carrying edits


def carry_edits(texts: dict[str, str], old: str, new: str) -> tuple[dict[str, str], list, list]:
    """Edits typed under preset ``old`` that still apply under preset ``new``.

    An edit applies if it is a valid value that differs from ``new``'s own value; an edit equal
    to ``new``'s value is no longer an edit, and text that does not parse is kept (the user is
    still fixing it). Returns (texts for ``new``, names kept, names dropped).
    """
    try:
        before, after = scenario_values(old), scenario_values(new)
    except Exception:
        return dict(texts), list(texts), []
    kept: dict[str, str] = {}
    dropped = []
    for name, text, value, problem in _parsed(texts):
        if problem is not None:
            kept[name] = text
            continue
        if value == before.get(name):
            continue  # not an edit in the first place
        if value == after.get(name):
            dropped.append(name)
            continue
        kept[name] = text
    return kept, sorted(kept), sorted(dropped)


# ---------------------------------------------------------------------------- the URL query

URL_KEYS = ("preset", "seed", "compare")


def encode_state(preset: str, seed, compare: str | None, edits_a: dict, edits_b: dict) -> str:
    """The view as a URL query: ``preset=..&seed=..&compare=..&a.<name>=..&b.<name>=..``."""
    from urllib.parse import urlencode

    items = [("preset", preset), ("seed", str(seed))]
    if compare:
        items.append(("compare", compare))
    items += [(f"a.{k}", _text(PARAMETERS[k], v)) for k, v in sorted(edits_a.items())
              if k in PARAMETERS]
    if compare:
        items += [(f"b.{k}", _text(PARAMETERS[k], v)) for k, v in sorted(edits_b.items())
                  if k in PARAMETERS]
    return urlencode(items)


def _text(spec, value) -> str:
    if spec.kind == "float":
        return repr(float(value)) if math.isfinite(float(value)) else "inf"
    return field_text(spec, value)


def decode_state(search: str | None, presets: list[str]) -> tuple[dict, list[str]]:
    """Parse a URL query written by :func:`encode_state`. Returns (state, problems): unknown
    presets and keys are left out and named in ``problems`` (shown on the page)."""
    from urllib.parse import parse_qsl

    state = {"preset": None, "seed": None, "compare": None, "a": {}, "b": {}}
    problems = []
    for key, value in parse_qsl(search or "", keep_blank_values=True)[:200]:
        if key in ("preset", "compare"):
            if value in presets:
                state[key] = value
            else:
                problems.append(f"{key}={value!r} is not a preset (allowed: {', '.join(presets)})")
        elif key == "seed":
            state["seed"] = value[:40]
        elif key[:2] in ("a.", "b.") and key[2:] in PARAMETERS and PARAMETERS[key[2:]].ui:
            state[key[0]][key[2:]] = value[:100]
        else:
            problems.append(f"{key!r} in the link is not a setting")
    return state, problems
