"""Per-browser-session state: one or two runs of the model, stepped together.

No Solara here: the page components call this thin layer over circlesim's public API, and the
tests drive it directly. Every browser session builds its own :class:`Session` (the page does it
inside ``solara.use_memo``), so two sessions never share a model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from circlesim import CommunityModel

from .layout import IncrementalLayout

__all__ = ["CHART_COLUMNS", "Run", "RunSpec", "Session"]

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
        """(positions, view) for drawing; the layout is extended, never recomputed."""
        if self._network_cache is not None and self._network_cache[0] == self.day:
            return self._network_cache[1], self._network_cache[2]
        view = self.model.network_view()
        pos = self.layout.update(view["node_id"], view["is_organiser"], view["edges"])
        self._network_cache = (self.day, pos, view)
        return pos, view

    def frame(self) -> pd.DataFrame:
        return self.model.to_frame()

    def csv(self) -> str:
        frame = self.frame()
        frame.insert(0, "seed", self.spec.seed)
        frame.insert(0, "scenario", self.spec.scenario)
        return frame.to_csv(index=False)

    def csv_filename(self) -> str:
        edited = "-edited" if self.spec.overrides else ""
        return f"circlesim-{self.spec.scenario}{edited}-seed{self.spec.seed}-day{self.day}.csv"


@dataclass
class Session:
    """The runs one browser session looks at: ``a`` always, ``b`` in compare mode."""

    spec_a: RunSpec | None = None
    spec_b: RunSpec | None = None
    a: Run | None = None
    b: Run | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    generation: int = 0  # bumped on every rebuild
    rendered_tick: int = 0  # the last frame the page drew (the play loop waits for it)
    render_context: Any = None  # the page's render context (its lock tells a pass is running)

    def configure(self, spec_a: RunSpec, spec_b: RunSpec | None = None) -> bool:
        """Rebuild the runs if what to build changed; return whether it did."""
        with self.lock:
            if self.a is not None and spec_a == self.spec_a and spec_b == self.spec_b:
                return False
            self.spec_a, self.spec_b = spec_a, spec_b
            self._build()
            return True

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
