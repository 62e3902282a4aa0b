"""Per-browser-session state: one or two runs of the model, stepped together.

No Solara here: the page components call this thin layer over circlesim's public API, and the
tests drive it directly. Every browser session builds its own :class:`Session` (the page does it
inside ``solara.use_memo``), so two sessions never share a model.
"""

from __future__ import annotations

import json
import os
import platform
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from circlesim import CommunityModel

from .layout import IncrementalLayout

__all__ = ["CHART_COLUMNS", "MAX_DRAWN_MEMBERS", "Run", "RunSpec", "Session", "drawn_sample",
           "memory_problem", "session_memory_limit", "stop_reason"]

#: Environment variable: the most memory (MB) one browser session may ask a model to use.
MEMORY_ENV = "CIRCLESIM_UI_SESSION_MEMORY_MB"


def session_memory_limit() -> int:
    """Per-session memory limit in bytes: ``$CIRCLESIM_UI_SESSION_MEMORY_MB``, else a quarter of
    the engine's default limit (so four sessions at their limit still fit the server)."""
    from circlesim.budget import default_memory_limit

    raw = os.environ.get(MEMORY_ENV, "").strip()
    if raw:
        try:
            mb = float(raw)
            if mb > 0 and mb == mb and mb != float("inf"):
                return int(mb * 1024**2)
        except ValueError:
            pass
    return default_memory_limit() // 4


def _parameters(spec: RunSpec):
    from circlesim.parameters import Parameters
    from circlesim.scenarios import load_scenario

    preset = dict(getattr(load_scenario(spec.scenario), "parameters", {}) or {})
    return Parameters.from_mapping({**preset, **dict(spec.overrides)})


def memory_problem(spec: RunSpec, limit: int | None = None) -> str | None:
    """One line if building ``spec`` would exceed the session's memory limit
    (the engine's estimate, ``circlesim.budget.check_memory``), else None."""
    from circlesim.budget import check_memory
    from circlesim.parameters import ParameterError

    from circlesim.budget import estimate_memory

    limit = session_memory_limit() if limit is None else limit
    try:
        params = _parameters(spec)
        # the server's interpreter is already running: a session pays only for its model
        runtime = estimate_memory(params).parts.get("runtime", 0)
        check_memory(params, limit_bytes=limit + runtime)
    except ParameterError as exc:
        return f"{exc} (this app's limit per session: {limit / 1024**2:,.0f} MB)"
    return None


#: The most members the network picture draws (a stable sample beyond that): the layout
#: holds ``drawn x drawn`` distances, ~16 MB at 1,000.
MAX_DRAWN_MEMBERS = 1_000


def drawn_sample(view: dict, limit: int) -> dict:
    """``view`` (see :meth:`CommunityModel.network_view`) cut to the organiser and at most
    ``limit`` members. The members kept are those with the smallest hash of their id, so a
    member drawn today is still drawn tomorrow unless the group grew past them; ties to
    members not drawn are dropped. ``members_total`` gives the group's real size."""
    is_organiser = np.asarray(view["is_organiser"], bool)
    members = int((~is_organiser).sum())
    out = dict(view, members_total=members)
    if members <= limit:
        return out
    ids = np.asarray(view["node_id"], np.int64)
    hashed = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps: a fixed shuffle
    hashed = hashed ^ (hashed >> np.uint64(29))
    hashed[is_organiser] = 0
    keep = np.zeros(ids.size, bool)
    keep[np.argsort(hashed, kind="stable")[: limit + int(is_organiser.sum())]] = True
    for key in ("node_id", "is_organiser", "engagement", "activity", "newcomer"):
        if key in view:
            out[key] = np.asarray(view[key])[keep]
    kept_ids = ids[keep]
    edges = np.asarray(view["edges"], np.int64).reshape(-1, 2)
    out["edges"] = edges[np.isin(edges, kept_ids).all(axis=1)]
    return out


def estimated_bytes(spec: RunSpec) -> int:
    """The engine's estimate of the bytes the model of ``spec`` adds to the running process
    (decides whether to build it in the background); 0 when the settings are invalid (the
    build reports that itself)."""
    from circlesim.budget import estimate_memory

    try:
        estimate = estimate_memory(_parameters(spec))
        return int(estimate.total_bytes - estimate.parts.get("runtime", 0))
    except Exception:
        return 0


def stop_reason(session: Session, stop_day: int) -> str | None:
    """Why playing must stop now (one sentence), or None to keep going."""
    if stop_day and session.day >= stop_day:
        return f"Stopped: reached the stop day ({stop_day}). Raise it, or set 0 to play on."
    runs = session.runs
    if runs and all(float(r.latest().get("members", 1) or 0) <= 0 for r in runs):
        return f"Stopped on day {session.day}: the group is empty (no members left)."
    return None


def versions() -> dict[str, str]:
    """Versions of what produced a run (for the JSON sidecar)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("circlesim", "mesa", "numpy", "pandas", "networkx", "solara"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    import circlesim

    out["circlesim"] = getattr(circlesim, "__version__", out.get("circlesim", ""))
    return out

#: Columns the live charts and headline numbers read from the model's rows.
CHART_COLUMNS = (
    "step",
    "members",
    "active_members",
    "mean_engagement",
    "exposures",
    "total_exposures",
    "unique_reach",
    "complaints_open",
    "cost_per_member",
    "media_cost_per_member",
    "lurker_share",
    "contributor_share",
    "heavy_share",
    "recruits_per_recruiter",
    "spend",
    "media_members",
)


@dataclass(frozen=True)
class RunSpec:
    """What to build: a scenario, a seed and validated parameter overrides."""

    scenario: str = "baseline"
    seed: int = 1
    overrides: tuple[tuple[str, Any], ...] = ()
    label: str = ""

    @classmethod
    def make(cls, scenario: str, seed: int, overrides: dict | None = None, label: str = ""):
        items = tuple(sorted((overrides or {}).items()))
        return cls(scenario, int(seed), items, label)


class Run:
    """One model, its history of chart columns and its (stable) network layout."""

    def __init__(self, spec: RunSpec):
        self.spec = spec
        self.model = CommunityModel(scenario=spec.scenario, rng=spec.seed, **dict(spec.overrides))
        frame = self.model.to_frame()
        self.history: dict[str, list] = {
            c: list(frame[c]) if c in frame.columns else [] for c in CHART_COLUMNS
        }
        self.layout = IncrementalLayout(seed=spec.seed)
        self._network_cache: tuple[int, np.ndarray, dict] | None = None

    @property
    def day(self) -> int:
        return int(self.model.steps)

    def step(self) -> None:
        self.model.step()
        row = self.model.latest()
        for c in CHART_COLUMNS:
            if c in row:
                self.history[c].append(row[c])

    def latest(self) -> dict:
        return self.model.latest()

    def series(self, column: str) -> np.ndarray:
        values = self.history.get(column) or []
        return np.asarray(values, dtype=float)

    def network(self) -> tuple[np.ndarray, dict]:
        """(positions, view) for drawing; the layout is extended, never recomputed.

        A group larger than :data:`MAX_DRAWN_MEMBERS` is drawn as a stable sample of it
        (``view["members_total"]`` says of how many): the layout's cost grows with the square
        of the nodes drawn, and nobody can read 100,000 dots anyway."""
        if self._network_cache is not None and self._network_cache[0] == self.day:
            return self._network_cache[1], self._network_cache[2]
        view = drawn_sample(self.model.network_view(), MAX_DRAWN_MEMBERS)
        pos = self.layout.update(view["node_id"], view["is_organiser"], view["edges"])
        self._network_cache = (self.day, pos, view)
        return pos, view

    def frame(self) -> pd.DataFrame:
        return self.model.to_frame()

    def parameter_values(self) -> dict[str, Any]:
        """Every scalar parameter value of this run (preset plus edits)."""
        values = self.model.params.to_dict()
        return {k: v for k, v in values.items()
                if v is None or isinstance(v, (bool, int, float, str, np.integer, np.floating))}

    def csv(self) -> str:
        """The daily table, with the scenario, seed and every parameter value as columns
        (``param_<name>``: some parameters share a name with an output column)."""
        frame = self.frame()
        frame.insert(0, "seed", self.spec.seed)
        frame.insert(0, "scenario", self.spec.scenario)
        params = {f"param_{k}": v for k, v in self.parameter_values().items()}
        frame = pd.concat([frame, pd.DataFrame({k: [v] * len(frame) for k, v in params.items()},
                                               index=frame.index)], axis=1)
        return frame.to_csv(index=False)

    def sidecar(self) -> str:
        """JSON describing the run: preset, seed, edits, every parameter, versions."""
        return json.dumps({
            "preset": self.spec.scenario,
            "seed": self.spec.seed,
            "edits": {k: _plain(v) for k, v in self.spec.overrides},
            "day": self.day,
            "parameters": {k: _plain(v) for k, v in self.parameter_values().items()},
            "versions": versions(),
        }, indent=2)

    def members_csv(self) -> str:
        return self.model.members_frame().to_csv(index=False)

    def csv_filename(self, kind: str = "daily", ext: str = "csv") -> str:
        edited = "-edited" if self.spec.overrides else ""
        return (f"circlesim-{self.spec.scenario}{edited}-seed{self.spec.seed}"
                + ("" if kind == "daily" else f"-{kind}") + f".{ext}")


@dataclass
class Session:
    """The runs one browser session looks at: ``a`` always, ``b`` in compare mode."""

    spec_a: RunSpec | None = None
    spec_b: RunSpec | None = None
    a: Run | None = None
    b: Run | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    generation: int = 0  # bumped on every rebuild
    rendered_tick: int = 0  # the last tick the live view was rendered for
    render_context: Any = None  # the page's render context (batches a tick's changes)
    reset_token: int = 0  # the page's reset request the runs were (re)built for

    def configure(self, spec_a: RunSpec, spec_b: RunSpec | None = None) -> bool:
        """Rebuild the runs if what to build changed; return whether it did."""
        with self.lock:
            if self.a is not None and spec_a == self.spec_a and spec_b == self.spec_b:
                return False
            self.spec_a, self.spec_b = spec_a, spec_b
            self._build()
            return True

    def build(self, spec_a: RunSpec, spec_b: RunSpec | None = None) -> tuple:
        """Build the runs for these specs without touching the session (no lock held, so a
        long build never blocks drawing); :meth:`install` puts them in place."""
        return Run(spec_a), (Run(spec_b) if spec_b else None)

    def install(self, specs: tuple, runs: tuple) -> None:
        with self.lock:
            self.spec_a, self.spec_b = specs
            self.a, self.b = runs
            self.generation += 1

    def _build(self) -> None:
        self.a = Run(self.spec_a) if self.spec_a else None
        self.b = Run(self.spec_b) if self.spec_b else None
        self.generation += 1

    def reset(self) -> None:
        with self.lock:
            self._build()

    def step(self, n: int = 1) -> int:
        """Advance every run ``n`` days together; return the day."""
        with self.lock:
            for _ in range(n):
                for run in self.runs:
                    run.step()
            return self.day

    @property
    def runs(self) -> list[Run]:
        return [r for r in (self.a, self.b) if r is not None]

    @property
    def day(self) -> int:
        return self.a.day if self.a is not None else 0


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return str(v)
    return v
