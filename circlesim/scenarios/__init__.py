"""Scenario presets and the scenario-file loader.

A scenario is a TOML file with a ``title``, the ``question`` it answers (a few sentences a
teacher can read aloud), optionally ``extends = "other-preset"``, and a ``[parameters]`` table of
overrides validated against :data:`circlesim.parameters.PARAMETERS`. Presets ship in this folder;
any path to a ``.toml`` file works wherever a preset name does.

In a scenario file, a relative path (``extends = "parent.toml"``, ``market_graph =
"graph.csv"``) is relative to the folder of the file that names it, not to the current
directory. An ``extends`` chain may be at most :data:`MAX_EXTENDS` files long and a value at
most :data:`MAX_NESTING` arrays/tables deep; beyond that the loader says so in one line.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..parameters import ParameterError, Parameters

__all__ = ["MAX_EXTENDS", "MAX_NESTING", "Scenario", "ScenarioError", "list_scenarios",
           "load_scenario", "preset_names"]

_TOP_KEYS = {"title", "question", "extends", "parameters"}
#: longest ``extends`` chain (this file, its parent, ...)
MAX_EXTENDS = 32
#: deepest nesting of arrays and tables in a scenario file
MAX_NESTING = 16
#: largest scenario file read
MAX_BYTES = 1_000_000


class ScenarioError(ValueError):
    """A scenario name or file is invalid. ``str(error)`` is one line naming file and key."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(" ".join(str(message).split()))
        self.key = key


class _ChainError(ScenarioError):
    """An ``extends`` cycle or a chain too long: reported once, from the first file."""

    def __init__(self, reason: str):
        super().__init__(reason, key="extends")
        self.reason = reason


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


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or os.sep in text or "/" in text


def _read(name_or_path: str | os.PathLike, base_dir: Path | None = None
          ) -> tuple[str, str, str, dict[str, Any], Path | None]:
    """(label, source shown in messages, identity for cycle checks, parsed TOML, folder of the
    file or None for a preset). A relative path is taken relative to ``base_dir`` if given."""
    text_name = os.fspath(name_or_path)
    if not isinstance(text_name, str):
        raise ScenarioError(f"scenario {text_name!r}: expected a preset name or a .toml path")
    shown = text_name if len(text_name) < 200 else text_name[:197] + "..."
    if "\x00" in text_name or not text_name.strip():
        raise ScenarioError(f"scenario {shown!r}: expected a preset name or a .toml path",
                            key="scenario")
    path = Path(text_name)
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    try:
        is_file = path.is_file()
        is_dir = not is_file and path.is_dir()
    except OSError as exc:
        raise ScenarioError(f"scenario file {shown}: {exc.strerror or exc}") from None
    if _looks_like_path(text_name) or is_file:
        if is_dir:
            raise ScenarioError(f"scenario file {shown} is a folder, not a .toml file")
        if not is_file:
            where = f" (looked in {base_dir})" if base_dir is not None and \
                not Path(text_name).is_absolute() else ""
            raise ScenarioError(f"scenario file {shown} does not exist{where}")
        label, source, identity = path.stem, str(path), str(path.resolve())
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ScenarioError(f"{source}: larger than {MAX_BYTES:,} bytes; a scenario "
                                    "file is a short TOML file")
            raw = path.read_bytes()
        except OSError as exc:
            raise ScenarioError(f"{source}: cannot read: {exc.strerror}") from None
        folder: Path | None = path.resolve().parent
    else:
        if text_name not in preset_names():
            close = difflib.get_close_matches(text_name, preset_names(), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ScenarioError(
                f"unknown scenario {shown!r}{hint} (presets: {', '.join(preset_names())})",
                key="scenario")
        label, source = text_name, f"{text_name}.toml"
        identity = f"preset:{text_name}"
        raw = resources.files(__package__).joinpath(f"{text_name}.toml").read_bytes()
        folder = None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{source}: not UTF-8 text (byte {exc.start}); a scenario is a "
                            "TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{source}: arrays or tables nested too deeply (at most "
                            f"{MAX_NESTING} levels)") from None
    if not isinstance(data, dict):  # pragma: no cover - tomllib always gives a table
        raise ScenarioError(f"{source}: not a TOML table")
    if _depth(data) > MAX_NESTING:
        raise ScenarioError(f"{source}: arrays or tables nested too deeply (at most "
                            f"{MAX_NESTING} levels)")
    return label, source, identity, data, folder


def _depth(value: Any) -> int:
    """Nesting depth of arrays and tables, without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def _resolve_graph(overrides: dict[str, Any], folder: Path | None) -> dict[str, Any]:
    """A relative ``market_graph`` path is relative to the scenario file's folder."""
    graph = overrides.get("market_graph")
    if folder is None or not isinstance(graph, str) or not graph.strip() or "\x00" in graph:
        return overrides
    if Path(graph).is_absolute():
        return overrides
    return {**overrides, "market_graph": str(folder / graph)}


def load_scenario(name_or_path: str | os.PathLike, _seen: tuple[str, ...] = (),
                  _base_dir: Path | None = None) -> Scenario:
    """Load a preset by name or a scenario file by path, following ``extends``.

    A relative ``extends`` or ``market_graph`` path in a file is relative to that file's folder.

    Raises
    ------
    ScenarioError
        Unknown preset, missing file, bad TOML, an unknown key (with a suggestion), a value of
        the wrong type or out of range, an ``extends`` cycle or a chain longer than
        :data:`MAX_EXTENDS`, nesting deeper than :data:`MAX_NESTING`: one line naming file
        and key.
    """
    try:
        if not _seen and _base_dir is None and isinstance(name_or_path, str) \
                and not _looks_like_path(name_or_path) and name_or_path in _preset_set():
            preset = _load_preset(name_or_path)  # shipped files do not change: read once
            return dataclasses.replace(preset, parameters=dict(preset.parameters))
        return _load(name_or_path, _seen, _base_dir)
    except _ChainError as exc:
        if _seen:
            raise
        raise ScenarioError(exc.reason, key="extends") from None


@functools.lru_cache(maxsize=None)
def _preset_set() -> frozenset[str]:
    return frozenset(preset_names())


@functools.lru_cache(maxsize=None)
def _load_preset(name: str) -> Scenario:
    return _load(name, (), None)


def _load(name_or_path, _seen: tuple[str, ...], _base_dir: Path | None) -> Scenario:
    label, source, identity, data, folder = _read(name_or_path, _base_dir)
    if identity in _seen:
        raise _ChainError(f"{_seen_source(_seen[0])}: extends makes a cycle through {source}")
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
    overrides = _resolve_graph(overrides, folder)
    inherited: dict[str, Any] = {}
    if "extends" in data:
        parent = data["extends"]
        chain = _seen + (identity,)
        if len(chain) >= MAX_EXTENDS:
            raise _ChainError(f"{_seen_source(chain[0])}: extends chain is longer than "
                              f"{MAX_EXTENDS} files (stopped at {source})")
        try:
            inherited = _load(parent, chain, folder).parameters
        except _ChainError:
            raise
        except ScenarioError as exc:
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


def _seen_source(identity: str) -> str:
    return identity.removeprefix("preset:") + (".toml" if identity.startswith("preset:") else "")
