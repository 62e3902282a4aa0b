"""Scenario presets and the scenario-file loader.

A scenario is a TOML file with a ``title``, the ``question`` it answers (a few sentences a
teacher can read aloud), optionally ``extends = "other-preset"``, and a ``[parameters]`` table of
overrides validated against :data:`circlesim.parameters.PARAMETERS`. Presets ship in this folder;
any path to a ``.toml`` file works wherever a preset name does.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..parameters import ParameterError, Parameters

__all__ = ["Scenario", "ScenarioError", "list_scenarios", "load_scenario", "preset_names"]

_TOP_KEYS = {"title", "question", "extends", "parameters"}


class ScenarioError(ValueError):
    """A scenario name or file is invalid. ``str(error)`` is one line naming file and key."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: its name, title, question and parameter overrides."""

    name: str
    title: str
    question: str
    parameters: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def preset_names() -> list[str]:
    """Names of the presets shipped with circlesim, sorted, ``baseline`` first."""
    names = [p.name[:-5] for p in resources.files(__package__).iterdir()
             if p.name.endswith(".toml")]
    return sorted(names, key=lambda n: (n != "baseline", n))


def list_scenarios() -> list[Scenario]:
    """Every shipped preset, loaded."""
    return [load_scenario(name) for name in preset_names()]


def _read(name_or_path: str | os.PathLike) -> tuple[str, str, str, dict[str, Any]]:
    """(label, source shown in messages, identity for cycle checks, parsed TOML)."""
    text_name = os.fspath(name_or_path)
    if text_name.endswith(".toml") or os.sep in text_name or Path(text_name).is_file():
        path = Path(text_name)
        if not path.is_file():
            raise ScenarioError(f"scenario file {text_name} does not exist")
        label, source, identity = path.stem, str(path), str(path.resolve())
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ScenarioError(f"{source}: cannot read: {exc.strerror}") from None
    else:
        if text_name not in preset_names():
            close = difflib.get_close_matches(text_name, preset_names(), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ScenarioError(
                f"unknown scenario {text_name!r}{hint} (presets: {', '.join(preset_names())})",
                key="scenario")
        label, source = text_name, f"{text_name}.toml"
        identity = f"preset:{text_name}"
        raw = resources.files(__package__).joinpath(f"{text_name}.toml").read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    if not isinstance(data, dict):  # pragma: no cover - tomllib always gives a table
        raise ScenarioError(f"{source}: not a TOML table")
    return label, source, identity, data


def load_scenario(name_or_path: str | os.PathLike, _seen: tuple[str, ...] = ()) -> Scenario:
    """Load a preset by name or a scenario file by path, following ``extends``.

    Raises
    ------
    ScenarioError
        Unknown preset, missing file, bad TOML, an unknown key (with a suggestion), a value of
        the wrong type or out of range, or an ``extends`` cycle: one line naming file and key.
    """
    label, source, identity, data = _read(name_or_path)
    if identity in _seen:
        raise ScenarioError(f"{source}: extends makes a cycle", key="extends")
    for key in data:
        if key not in _TOP_KEYS:
            close = difflib.get_close_matches(key, sorted(_TOP_KEYS), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ScenarioError(f"{source}: unknown key {key!r}{hint}", key=key)
    for key in ("title", "question", "extends"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{source}: {key} must be text", key=key)
    overrides = data.get("parameters", {})
    if not isinstance(overrides, dict):
        raise ScenarioError(f"{source}: [parameters] must be a table", key="parameters")
    inherited: dict[str, Any] = {}
    if "extends" in data:
        parent = data["extends"]
        try:
            inherited = load_scenario(parent, _seen + (identity,)).parameters
        except ScenarioError as exc:
            if str(exc).endswith("extends makes a cycle"):
                raise ScenarioError(f"{source}: extends {parent!r} makes a cycle",
                                    key="extends") from None
            raise ScenarioError(f"{source}: extends: {exc}", key="extends") from None
    merged = {**inherited, **overrides}
    try:
        Parameters.from_mapping(merged)
    except ParameterError as exc:
        raise ScenarioError(f"{source}: {exc}", key=exc.key) from None
    return Scenario(
        name=label,
        title=data.get("title", label).strip(),
        question=" ".join(data.get("question", "").split()),
        parameters=merged,
        source=source,
    )
