"""Sweep specifications: from a TOML file or from command-line flags, validated up front.

A spec file looks like this (every key optional except a scenario)::

    name = "centre-strength"          # default out dir: results/<name>
    scenarios = ["baseline"]          # or: scenario = "baseline"; names or paths to .toml files
    replications = 3
    steps = 30
    seed = 42                         # root seed; omitted -> fresh entropy, kept in the manifest
    out = "results/centre"            # relative to the current directory

    [set]                             # fixed overrides for every run
    market_size = 2000

    [grid]                            # full factorial over these values
    centre_strength = [0.2, 0.8]

    [design]                          # instead of [grid]: a SALib design
    method = "sobol"                  # or "morris"
    samples = 64                      # sobol: N, a power of two (N*(D+2) rows); morris: trajectories
    second_order = false              # sobol only: N*(2D+2) rows
    levels = 4                        # morris only
    [design.ranges]
    centre_strength = [0.1, 0.9]
    share_probability = [0.01, 0.2]

Every problem is reported as a :class:`SpecError` (a ``ValueError``) whose message is one line
naming the file (or flag), the key and what is allowed.
"""

from __future__ import annotations

import difflib
import itertools
import math
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circlesim.errors import MAX_SEED, MAX_STEPS

from .seeds import canonical, design_seed, is_power_of_two, run_seed, short_hash

__all__ = [
    "DEFAULT_RUNNER",
    "MAX_RUNS",
    "DesignSpec",
    "RunSpec",
    "SpecError",
    "SweepSpec",
    "load_spec",
    "spec_from_mapping",
    "spec_from_text",
]

DEFAULT_RUNNER = "circlesim.sweep.worker:run_model"
DEFAULT_STEPS = 180
MAX_RUNS = 100_000
MAX_REPLICATIONS = 100_000
MAX_VALUES = 10_000
DESIGN_METHODS = ("sobol", "morris")

TOP_KEYS = (
    "name",
    "title",
    "description",
    "scenario",
    "scenarios",
    "replications",
    "steps",
    "seed",
    "out",
    "set",
    "grid",
    "design",
    "runner",
)
DESIGN_KEYS = ("method", "samples", "second_order", "levels", "ranges")


class SpecError(ValueError):
    """Invalid sweep specification; ``str(err)`` is a single line for the user."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(" ".join(str(message).split()))
        self.key = key


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _suggest(key: str, options: Iterable[str]) -> str:
    match = difflib.get_close_matches(str(key), list(options), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _core():
    """The core's parameter registry (imported lazily: the sweep package loads without it)."""
    from circlesim.parameters import PARAMETERS, ParameterError, Parameters, parse_value

    return PARAMETERS, Parameters, ParameterError, parse_value


def _scenarios():
    from circlesim.scenarios import ScenarioError, load_scenario

    return load_scenario, ScenarioError


def _type_name(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "float", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- values


def normalise_value(name: str, value: Any, where: str) -> Any:
    """Coerce a TOML/CLI value to the parameter's kind, validating it with the core.

    Strings are parsed with the core's ``parse_value`` (so ``"0.5"`` works like 0.5);
    ints are accepted for float parameters. Raises SpecError naming ``where``.
    """
    PARAMETERS, Parameters, ParameterError, parse_value = _core()
    if name not in PARAMETERS:
        raise SpecError(f"{where}: unknown parameter {name!r}{_suggest(name, PARAMETERS)}", name)
    spec = PARAMETERS[name]
    try:
        if isinstance(value, str):
            value = parse_value(name, value)
        elif isinstance(value, dict) or (isinstance(value, list) and spec.kind != "int_list"):
            raise SpecError(
                f"{where}: {name} must be a single value{_range(spec)}, got a {_type_name(value)}",
                name,
            )
        elif isinstance(value, list) and not all(
            isinstance(x, int) and not isinstance(x, bool) for x in value
        ):
            raise SpecError(f"{where}: {name} must be a list of whole numbers", name)
        if hasattr(spec, "validate"):
            value = spec.validate(value)  # this field alone: combinations are checked per run
        else:  # pragma: no cover - older core
            Parameters.from_mapping({name: value})
    except ParameterError as err:
        raise SpecError(f"{where}: {_one_line(err)}", name) from None
    if spec.kind == "float":
        value = float(value)
    elif spec.kind == "int":
        value = int(value)
    elif isinstance(value, tuple):
        value = list(value)
    return value


def _range(spec) -> str:
    if hasattr(spec, "allowed"):
        return f" (allowed: {spec.allowed()})"
    if spec.kind in ("float", "int") and spec.low is not None and spec.high is not None:
        return f" (allowed: {spec.low} to {spec.high})"
    return ""


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class DesignSpec:
    method: str
    ranges: tuple[tuple[str, float, float], ...]
    samples: int
    second_order: bool = False
    levels: int = 4

    @property
    def names(self) -> list[str]:
        return [r[0] for r in self.ranges]

    def problem(self) -> dict:
        return {
            "num_vars": len(self.ranges),
            "names": self.names,
            "bounds": [[lo, hi] for _, lo, hi in self.ranges],
        }

    def row_count(self) -> int:
        d = len(self.ranges)
        if self.method == "sobol":
            return self.samples * ((2 * d + 2) if self.second_order else (d + 2))
        return self.samples * (d + 1)

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "samples": self.samples,
            "second_order": self.second_order,
            "levels": self.levels,
            "ranges": {n: [lo, hi] for n, lo, hi in self.ranges},
        }


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: what it is, and the seed that follows from that."""

    index: int  # position in the plan (for sorting only, never for seeding)
    run_id: str
    scenario: str  # scenario name (from the scenario file)
    scenario_ref: str  # what to pass to CommunityModel(scenario=...)
    point: int  # grid point / design row index within the spec
    replication: int
    overrides: dict  # parameters set by the sweep ([set] + grid point / design row)
    params: dict  # every parameter, resolved (defaults < scenario < overrides)
    seed: int

    def identity_columns(self) -> dict:
        """The constant columns that go in front of the run's metrics in the results."""
        return {"run_id": self.run_id, "scenario": self.scenario, "point": self.point,
                "replication": self.replication, **self.params, "seed": self.seed}

    def task(self, steps: int, runner: str, with_columns: bool = False) -> dict:
        task = {
            "run_id": self.run_id,
            "scenario": self.scenario_ref,
            "overrides": dict(self.overrides),
            "seed": self.seed,
            "steps": steps,
            "runner": runner,
        }
        if with_columns:
            task["columns"] = self.identity_columns()
        return task


@dataclass(frozen=True)
class SweepSpec:
    scenarios: tuple[str, ...]
    replications: int = 1
    steps: int = DEFAULT_STEPS
    seed: int | None = None
    fixed: tuple[tuple[str, Any], ...] = ()
    grid: tuple[tuple[str, tuple], ...] = ()
    design: DesignSpec | None = None
    out: str | None = None
    name: str | None = None
    title: str | None = None
    runner: str = DEFAULT_RUNNER
    source: str = "command line"

    # ----------------------------------------------------------- derived

    def with_seed(self, seed: int) -> SweepSpec:
        from dataclasses import replace

        return replace(self, seed=int(seed))

    def default_out(self) -> str:
        if self.out:
            return self.out
        label = self.name or "-".join(Path(s).stem for s in self.scenarios)
        label = "".join(c if (c.isalnum() or c in "-_.") else "_" for c in label)[:80] or "sweep"
        return os.path.join("results", f"sweep-{label}")

    def point_count(self) -> int:
        if self.design is not None:
            return self.design.row_count()
        return math.prod(len(v) for _, v in self.grid) if self.grid else 1

    def run_count(self) -> int:
        return len(self.scenarios) * self.point_count() * self.replications

    def to_dict(self) -> dict:
        """JSON form kept in the manifest (and compared on resume)."""
        return {
            "name": self.name,
            "title": self.title,
            "scenarios": list(self.scenarios),
            "replications": self.replications,
            "steps": self.steps,
            "seed": self.seed,
            "set": {k: v for k, v in self.fixed},
            "grid": {k: list(v) for k, v in self.grid},
            "design": self.design.to_dict() if self.design else None,
            "runner": self.runner,
            "source": self.source,
        }

    def compat_key(self) -> dict:
        """What must not change for a directory to be resumed."""
        return {
            "steps": self.steps,
            "seed": self.seed,
            "design": self.design.to_dict() if self.design else None,
        }

    def points(self) -> list[dict]:
        """The grid points (or design rows) as override dicts, in spec order."""
        if self.design is not None:
            return design_points(self.design, self.seed)
        keys = [k for k, _ in self.grid]
        return [dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in self.grid))]

    def plan(self) -> list[RunSpec]:
        """Every run of the sweep, validated against the core (raises SpecError)."""
        if self.seed is None:
            raise SpecError("internal: plan() needs a root seed (use with_seed)")
        if self.run_count() > MAX_RUNS:
            raise SpecError(
                f"{self.source}: the sweep has {self.run_count():,} runs; at most {MAX_RUNS:,} allowed"
            )
        PARAMETERS, Parameters, ParameterError, _ = _core()
        load_scenario, ScenarioError = _scenarios()
        points = self.points()
        fixed = dict(self.fixed)
        runs: list[RunSpec] = []
        seen_names: dict[str, str] = {}
        for ref in self.scenarios:
            try:
                scenario = load_scenario(ref)
            except ScenarioError as err:
                where = "--scenario" if self.source == "command line" else f"{self.source}: scenario"
                raise SpecError(f"{where}: {_one_line(err)}", "scenario") from None
            name = str(scenario.name)
            if name in seen_names:
                raise SpecError(f"{self.source}: scenario {name!r} is listed twice", "scenarios")
            seen_names[name] = ref
            base = dict(scenario.parameters or {})
            for p_index, point in enumerate(points):
                overrides = {**fixed, **point}
                merged = {**base, **overrides}
                try:
                    Parameters.from_mapping(merged)
                except ParameterError as err:
                    where = _where_of(getattr(err, "key", None), fixed, point, self)
                    src = "" if self.source == "command line" else f"{self.source}: "
                    raise SpecError(
                        f"{src}{where}{_one_line(err)} (scenario {name!r})",
                        getattr(err, "key", None),
                    ) from None
                params = {k: s.default for k, s in PARAMETERS.items()}
                params.update(merged)
                params = {k: _column_value(v) for k, v in params.items()
                          if PARAMETERS[k].kind not in ("graph", "int_list") or v is not None}
                row = p_index if self.design is not None else None
                ident = short_hash({"scenario": base, "overrides": overrides, "row": row})
                tag = f"d{p_index:05d}-" if row is not None else ""
                for rep in range(self.replications):
                    runs.append(
                        RunSpec(
                            index=len(runs),
                            run_id=f"{name}-{tag}{ident}-r{rep:03d}",
                            scenario=name,
                            scenario_ref=ref,
                            point=p_index,
                            replication=rep,
                            overrides=overrides,
                            params=params,
                            seed=run_seed(self.seed, name, overrides, rep, row),
                        )
                    )
        return runs


def _column_value(v: Any) -> Any:
    """A parameter value as a Parquet cell: scalars as they are, anything else as text."""
    if isinstance(v, (bool, int, float, str)):
        return v
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, (list, tuple)):
        return canonical(list(v))
    if hasattr(v, "nodes"):
        return f"<graph: {v.number_of_nodes()} nodes>"
    return str(v)


def _where_of(key, fixed, point, spec: SweepSpec) -> str:
    flags = spec.source == "command line"
    if key is not None and key in point:
        if spec.design is not None:
            return "--range " if flags else "[design] "
        return "--grid " if flags else "[grid] "
    if key is not None and key in fixed:
        return "--set " if flags else "[set] "
    return ""


def design_points(design: DesignSpec, root_seed: int | None) -> list[dict]:
    """SALib sample for the design, rounded for integer parameters."""
    import numpy as np

    PARAMETERS = _core()[0]
    problem = design.problem()
    seed = design_seed(root_seed or 0, design.method)
    if design.method == "sobol":
        from SALib.sample import sobol

        X = sobol.sample(problem, design.samples, calc_second_order=design.second_order, seed=seed)
    else:
        from SALib.sample import morris

        X = morris.sample(problem, design.samples, num_levels=design.levels, seed=seed)
    out = []
    for row in np.asarray(X):
        point = {}
        for (name, lo, hi), x in zip(design.ranges, row):
            if PARAMETERS[name].kind == "int":
                point[name] = int(min(max(round(float(x)), math.ceil(lo)), math.floor(hi)))
            else:
                point[name] = float(min(max(float(x), lo), hi))
        out.append(point)
    return out


# --------------------------------------------------------------------------- parsing


def load_spec(path: str | os.PathLike, allow_code: bool = False) -> SweepSpec:
    """The spec in a TOML file. Its ``runner`` must be registered unless ``allow_code``."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SpecError(f"{p}: no such spec file") from None
    except IsADirectoryError:
        raise SpecError(f"{p}: is a directory, not a spec file") from None
    except OSError as err:
        raise SpecError(f"{p}: cannot read: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(f"{p}: not UTF-8 text (a sweep spec is a TOML file)") from None
    if len(data) > 10_000_000:
        raise SpecError(f"{p}: larger than 10 MB; a sweep spec is a short TOML file")
    return spec_from_text(text, source=str(p), base_dir=p.parent, allow_code=allow_code)


def spec_from_text(text: str, source: str = "<spec>", base_dir: Path | None = None,
                   allow_code: bool = False) -> SweepSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{source}: invalid TOML: {_one_line(err)}") from None
    except RecursionError:
        raise SpecError(f"{source}: arrays or tables nested too deeply") from None
    return spec_from_mapping(data, source=source, base_dir=base_dir, allow_code=allow_code)


def _check_keys(mapping: Mapping, allowed: Sequence[str], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise SpecError(
                f"{where}: unknown key {key!r}{_suggest(key, allowed)} "
                f"(allowed: {', '.join(allowed)})",
                str(key),
            )


def _int_field(value: Any, key: str, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{where}: {key} must be an integer from {low} to {high:,}, "
                        f"got {_type_name(value)} {value!r}"[:300], key)
    if not low <= value <= high:
        raise SpecError(f"{where}: {key} = {value} is out of range (allowed: {low} to {high:,})", key)
    return value


def _resolve_scenario_ref(ref: Any, where: str, base_dir: Path | None) -> str:
    if not isinstance(ref, str) or not ref.strip():
        raise SpecError(f"{where}: scenario must be a preset name or a path to a .toml file, "
                        f"got {_type_name(ref)} {ref!r}"[:300], "scenario")
    ref = ref.strip()
    if ref.endswith(".toml") or os.sep in ref or "/" in ref:
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return str(path.resolve())
    return ref


def spec_from_mapping(
    data: Mapping[str, Any], source: str = "<spec>", base_dir: Path | None = None,
    allow_code: bool = False,
) -> SweepSpec:
    """A validated spec from parsed TOML. ``runner`` must be registered (see
    :mod:`circlesim.sweep.runners`) unless ``allow_code``."""
    if not isinstance(data, Mapping):
        raise SpecError(f"{source}: a sweep spec must be a table of keys")
    _check_keys(data, TOP_KEYS, source)

    # scenarios
    if "scenario" in data and "scenarios" in data:
        raise SpecError(f"{source}: give either 'scenario' or 'scenarios', not both", "scenarios")
    raw = data.get("scenarios", data.get("scenario", "baseline"))
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise SpecError(f"{source}: scenarios must be a non-empty array of scenario names", "scenarios")
    if len(raw) > 1000:
        raise SpecError(f"{source}: scenarios: at most 1000 scenarios allowed", "scenarios")
    scenarios = tuple(_resolve_scenario_ref(r, source, base_dir) for r in raw)

    replications = _int_field(data.get("replications", 1), "replications", source, 1,
                              MAX_REPLICATIONS)
    steps = _int_field(data.get("steps", DEFAULT_STEPS), "steps", source, 1, MAX_STEPS)
    seed = data.get("seed")
    if seed is not None:
        seed = _int_field(seed, "seed", source, 0, MAX_SEED)

    out = data.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip() or "\x00" in out):
        raise SpecError(f"{source}: out must be a directory path (a string)", "out")
    for key in ("name", "title", "description"):
        v = data.get(key)
        if v is not None and not isinstance(v, str):
            raise SpecError(f"{source}: {key} must be a string, got {_type_name(v)}", key)
    from .runners import resolve as resolve_runner

    runner = resolve_runner(data.get("runner", DEFAULT_RUNNER), source, allow_code)

    fixed = _parse_set(data.get("set", {}), f"{source}: [set]")
    grid = _parse_grid(data.get("grid", {}), f"{source}: [grid]")
    design = None
    if "design" in data:
        design = _parse_design(data["design"], f"{source}: [design]")
        if grid:
            raise SpecError(f"{source}: use either [grid] or [design], not both", "design")
    spec = SweepSpec(
        scenarios=scenarios,
        replications=replications,
        steps=steps,
        seed=seed,
        fixed=tuple(fixed.items()),
        grid=tuple(grid.items()),
        design=design,
        out=out.strip() if out else None,
        name=data.get("name"),
        title=data.get("title"),
        runner=runner,
        source=source,
    )
    _check_overlap(spec)
    if spec.run_count() > MAX_RUNS:
        raise SpecError(f"{source}: the sweep has {spec.run_count():,} runs; at most {MAX_RUNS:,} allowed")
    return spec


def _check_overlap(spec: SweepSpec) -> None:
    swept = {k for k, _ in spec.grid} | set(spec.design.names if spec.design else [])
    for k, _ in spec.fixed:
        if k in swept:
            raise SpecError(f"{spec.source}: {k} is both fixed in [set] and swept", k)


def _parse_set(raw: Any, where: str) -> dict:
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where} must be a table of parameter = value", "set")
    return {str(k): normalise_value(str(k), v, where) for k, v in raw.items()}


def _parse_grid(raw: Any, where: str) -> dict:
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where} must be a table of parameter = [values]", "grid")
    grid: dict[str, tuple] = {}
    for key, values in raw.items():
        key = str(key)
        if not isinstance(values, list):
            values = [values]
        if not values:
            raise SpecError(f"{where}: {key} needs at least one value", key)
        if len(values) > MAX_VALUES:
            raise SpecError(f"{where}: {key} has {len(values)} values; at most {MAX_VALUES}", key)
        clean: list = []
        for v in values:
            v = normalise_value(key, v, where)
            if not any(canonical(v) == canonical(c) for c in clean):
                clean.append(v)
        grid[key] = tuple(clean)
    return grid


def _parse_design(raw: Any, where: str) -> DesignSpec:
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where} must be a table", "design")
    _check_keys(raw, DESIGN_KEYS, where)
    method = raw.get("method")
    if method not in DESIGN_METHODS:
        raise SpecError(
            f"{where}: method must be one of {', '.join(DESIGN_METHODS)}, got {method!r}"[:300]
            + _suggest(str(method), DESIGN_METHODS),
            "method",
        )
    ranges = raw.get("ranges")
    if not isinstance(ranges, Mapping) or not ranges:
        raise SpecError(f"{where}: ranges must be a table of parameter = [low, high]", "ranges")
    parsed = []
    for key, bounds in ranges.items():
        parsed.append(parse_range(str(key), bounds, f"{where}.ranges"))
    default_samples = 64 if method == "sobol" else 10
    samples = _int_field(raw.get("samples", default_samples), "samples", where, 2, 2**20)
    second = raw.get("second_order", False)
    if not isinstance(second, bool):
        raise SpecError(f"{where}: second_order must be true or false", "second_order")
    levels = _int_field(raw.get("levels", 4), "levels", where, 2, 100)
    return make_design(method, parsed, samples, second, levels, where)


def make_design(method, ranges, samples, second_order, levels, where) -> DesignSpec:
    if len(ranges) < 2:
        raise SpecError(f"{where}: a {method} design needs ranges for at least 2 parameters", "ranges")
    names = [r[0] for r in ranges]
    if len(set(names)) != len(names):
        raise SpecError(f"{where}: a parameter has two ranges", "ranges")
    if method == "sobol" and not is_power_of_two(samples):
        lower = 1 << (samples.bit_length() - 1)
        raise SpecError(
            f"{where}: samples must be a power of two for sobol (N*(D+2) runs), got {samples}; "
            f"try {lower} or {lower * 2}",
            "samples",
        )
    if method == "morris" and levels % 2:
        raise SpecError(f"{where}: levels must be even for morris, got {levels}", "levels")
    design = DesignSpec(method, tuple(ranges), samples, bool(second_order), levels)
    if design.row_count() > MAX_RUNS:
        raise SpecError(f"{where}: the design has {design.row_count():,} rows; at most {MAX_RUNS:,}")
    return design


def parse_range(key: str, bounds: Any, where: str) -> tuple[str, float, float]:
    PARAMETERS = _core()[0]
    if key not in PARAMETERS:
        raise SpecError(f"{where}: unknown parameter {key!r}{_suggest(key, PARAMETERS)}", key)
    spec = PARAMETERS[key]
    if spec.kind not in ("float", "int"):
        raise SpecError(
            f"{where}: {key} is a {spec.kind} parameter; only numeric parameters can have "
            "a design range (use [grid] for it)",
            key,
        )
    if isinstance(bounds, str):
        parts = bounds.split(":")
        if len(parts) != 2:
            raise SpecError(f"{where}: {key} range must be LOW:HIGH, got {bounds!r}"[:300], key)
        bounds = parts
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise SpecError(f"{where}: {key} range must be [low, high]{_range(spec)}", key)
    lo, hi = (normalise_value(key, b, where) for b in bounds)
    lo, hi = float(lo), float(hi)
    if not lo < hi:
        raise SpecError(f"{where}: {key} range needs low < high, got [{lo}, {hi}]", key)
    return (key, lo, hi)


# --------------------------------------------------------------------------- flags


def split_assignment(text: str, flag: str) -> tuple[str, str]:
    if "=" not in text:
        raise SpecError(f"{flag} {text!r}: expected KEY=VALUE"[:300])
    key, _, value = text.partition("=")
    key = key.strip()
    if not key:
        raise SpecError(f"{flag} {text!r}: missing parameter name before '='"[:300])
    return key, value.strip()


def parse_grid_flag(text: str) -> tuple[str, list]:
    key, value = split_assignment(text, "--grid")
    if value == "":
        raise SpecError(f"--grid {key}: needs values, e.g. --grid {key}=v1,v2", key)
    return key, [v.strip() for v in value.split(",")]


def apply_flags(
    spec: SweepSpec | None,
    *,
    scenarios: Sequence[str] | None = None,
    grid: Sequence[str] | None = None,
    sets: Sequence[str] | None = None,
    replications: int | None = None,
    steps: int | None = None,
    seed: int | None = None,
    out: str | None = None,
    design: str | None = None,
    ranges: Sequence[str] | None = None,
    samples: int | None = None,
    second_order: bool | None = None,
    levels: int | None = None,
) -> SweepSpec:
    """Build a spec from flags, on top of a spec file's values when one was given."""
    from dataclasses import replace

    base = spec or SweepSpec(scenarios=("baseline",))
    changes: dict[str, Any] = {}
    if scenarios:
        changes["scenarios"] = tuple(_resolve_scenario_ref(s, "--scenario", Path.cwd())
                                     for s in scenarios)
    if replications is not None:
        changes["replications"] = _int_field(replications, "--replications", "--replications",
                                             1, MAX_REPLICATIONS)
    if steps is not None:
        changes["steps"] = _int_field(steps, "--steps", "--steps", 1, MAX_STEPS)
    if seed is not None:
        changes["seed"] = _int_field(seed, "--seed", "--seed", 0, MAX_SEED)
    if out is not None:
        if not out.strip() or "\x00" in out:
            raise SpecError("--out: needs a directory path")
        changes["out"] = out
    if sets:
        fixed = dict(base.fixed)
        for text in sets:
            key, value = split_assignment(text, "--set")
            fixed[key] = normalise_value(key, value, "--set")
        changes["fixed"] = tuple(fixed.items())
    if grid:
        g: dict[str, list] = {}
        for text in grid:
            key, values = parse_grid_flag(text)
            if len(values) > MAX_VALUES:
                raise SpecError(f"--grid {key}: at most {MAX_VALUES} values", key)
            g[key] = g.get(key, []) + values
        changes["grid"] = tuple(_parse_grid(g, "--grid").items())
    if design is not None or ranges or samples is not None or second_order or levels is not None:
        cur = base.design
        method = design or (cur.method if cur else None)
        if method is None:
            raise SpecError("--range/--samples/--levels need --design sobol|morris", "design")
        if method not in DESIGN_METHODS:
            raise SpecError(f"--design: must be one of {', '.join(DESIGN_METHODS)}, got {method!r}"
                            f"{_suggest(method, DESIGN_METHODS)}"[:300], "design")
        if ranges:
            rs = []
            for text in ranges:
                key, value = split_assignment(text, "--range")
                rs.append(parse_range(key, value, "--range"))
        elif cur is not None:
            rs = list(cur.ranges)
        else:
            raise SpecError("--design needs --range KEY=LOW:HIGH for at least 2 parameters",
                            "ranges")
        default_samples = 64 if method == "sobol" else 10
        n = samples if samples is not None else (cur.samples if cur else default_samples)
        n = _int_field(n, "--samples", "--samples", 2, 2**20)
        lv = levels if levels is not None else (cur.levels if cur else 4)
        lv = _int_field(lv, "--levels", "--levels", 2, 100)
        so = bool(second_order) if second_order is not None else (cur.second_order if cur else False)
        changes["design"] = make_design(method, rs, n, so, lv, "--design")
    new = replace(base, **changes)
    if new.design is not None and new.grid:
        if "grid" in changes and "design" in changes:
            raise SpecError("use either --grid or --design, not both", "design")
        # flags win over the file: drop whichever the file had
        new = replace(new, grid=()) if "design" in changes else replace(new, design=None)
    _check_overlap(new)
    if new.run_count() > MAX_RUNS:
        raise SpecError(f"the sweep has {new.run_count():,} runs; at most {MAX_RUNS:,} allowed")
    return new
