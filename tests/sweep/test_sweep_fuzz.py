"""Fuzz the spec-file loader and the sweep CLI's values: bad input is one line, never a traceback.

Four properties, 10,500 generated inputs in all (hypothesis, no example database so every run
is fresh): structured spec files (known keys with wild values), mutated valid spec files (raw
text, mostly broken TOML), spec files on disk through the CLI, and command lines with wild
flag values. Each input either validates or fails with SpecError (exit status 2 and exactly one
line on stderr for the CLI).
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from circlesim.sweep.spec import SpecError, spec_from_text

from .conftest import run_cli


def fuzz(n: int) -> settings:
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))

PARAM_NAMES = ["centre_strength", "share_probability", "join_probability", "market_size",
               "initial_members", "pruning", "market_graph", "initial_people", "max_members",
               "centre_strenght", "seed", "steps", "", "grid"]

scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 3, -1, 8, 64, 2**31, 10**9]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 0.2, 0.5, 1.0, 1.5, -0.1]),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["baseline", "sobol", "morris", "0.5", "true", "a:b", "x.toml", "1:2",
                     "strong-centre", "pkg.mod:fn", "../nope.toml", "results/x"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=6)), inner,
                    max_size=3),
), max_leaves=4)

# cheap "anything": scalars, short arrays, small tables (the deep recursion lives in `values`)
wild = st.one_of(scalars, st.lists(scalars, max_size=3),
                 st.dictionaries(st.sampled_from(PARAM_NAMES), scalars, max_size=2))
VALID_NAMES = ["centre_strength", "share_probability", "join_probability", "market_size",
               "initial_members", "pruning"]
unit = st.floats(0, 1)
plausible_value = st.one_of(unit, st.integers(1, 3000), st.booleans())


def maybe(plausible, weight: int = 2):
    """Mostly plausible values (so the deep checks run), sometimes anything at all."""
    return st.one_of(*([plausible] * weight), wild)


design_tables = st.fixed_dictionaries({}, optional={
    "method": maybe(st.sampled_from(["sobol", "morris", "sobl"])),
    "samples": maybe(st.sampled_from([2, 4, 7, 8, 3, 0, -4])),
    "second_order": maybe(st.booleans()),
    "levels": maybe(st.sampled_from([2, 3, 4, 6])),
    "ranges": maybe(st.dictionaries(st.sampled_from(PARAM_NAMES), maybe(st.one_of(
        st.lists(unit, min_size=2, max_size=2),
        st.lists(st.one_of(st.floats(-1, 2), st.integers(-5, 5000)), max_size=3),
    )), max_size=4)),
})

spec_dicts = st.fixed_dictionaries({}, optional={
    "scenario": maybe(st.sampled_from(["baseline", "nope", "baselin"])),
    "replications": maybe(st.integers(-1, 3)),
    "steps": maybe(st.integers(-1, 5)),
    "seed": maybe(st.integers(0, 2**64)),
    "out": maybe(st.text(min_size=1, max_size=8)),
    "name": maybe(st.text(max_size=8)),
    "runner": maybe(st.sampled_from(["a.b:c", "x", "a:b:c"]), 1),
    "set": maybe(st.dictionaries(st.sampled_from(PARAM_NAMES), maybe(plausible_value),
                                 max_size=3)),
    "grid": maybe(st.dictionaries(st.sampled_from(VALID_NAMES), maybe(
        st.lists(plausible_value, min_size=1, max_size=4)), max_size=3)),
    "design": maybe(design_tables),
}).flatmap(lambda d: st.one_of(
    st.just({}), st.just({}), st.just({}), st.just({}), st.just({}),
    st.just({"scenarios": ["baseline"]}),
    st.dictionaries(st.one_of(st.just("scenarios"), st.text(max_size=8)), values, max_size=1),
).map(lambda extra: {**d, **extra}))


def _toml_str(text: str) -> str:
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_toml_str(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"


def to_toml(d: dict) -> str:
    return "\n".join(f"{_toml_str(k)} = {_toml_value(v)}" for k, v in d.items()) + "\n"


def _load_and_plan(text: str) -> None:
    try:
        spec = spec_from_text(text, source="fuzz.toml")
        if spec.run_count() <= 500:
            spec.with_seed(spec.seed or 0).plan()
        event("valid spec")
    except SpecError as err:
        event("rejected: " + str(getattr(err, "key", None)))
        message = str(err)
        assert message and "\n" not in message
        assert message.startswith("fuzz.toml")


@fuzz(3500)
@given(d=spec_dicts)
def test_fuzz_structured_spec_files(d):
    _load_and_plan(to_toml(d))


VALID = """name = "ok"
scenario = "baseline"
replications = 2
steps = 5
seed = 3
[set]
market_size = 2000
[grid]
centre_strength = [0.2, 0.8]
[design]
method = "sobol"
samples = 4
[design.ranges]
centre_strength = [0.1, 0.9]
join_probability = [0.01, 0.2]
"""


@fuzz(4000)
@given(st.data())
def test_fuzz_mutated_spec_text(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 12)))
        text = text[:i] + data.draw(st.text(max_size=6)) + text[j:]
    _load_and_plan(text)


@fuzz(1000)
@given(d=spec_dicts)
def test_fuzz_spec_files_through_cli(tmp_path_factory, d):
    path = tmp_path_factory.getbasetemp() / "fuzz-spec.toml"
    path.write_text(to_toml(d), encoding="utf-8")
    out = tmp_path_factory.getbasetemp() / "fuzz-out"
    code, _, err = run_cli(["sweep", str(path), "--dry-run", "--out", str(out)])
    assert code in (0, 2), err
    assert "Traceback" not in err
    event(f"exit {code}")
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err


flag_values = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["0", "1", "2", "-1", "3.5", "1e9", "abc", "", "=", "centre_strength=0.2,0.8",
                     "centre_strength=0.1:0.9", "share_probability=0.01:0.2",
                     "join_probability=", "=0.2", "centre_strenght=0.5", "pruning=maybe",
                     "pruning=true,false", "market_size=2000", "initial_members=5000",
                     "market_graph=x.csv", "initial_people=1,2", "sobol", "morris", "sobl",
                     "baseline", "nope", "tcp://127.0.0.1:1", "http://x", "8", "4096", "100001"]),
)
FLAGS = ["--scenario", "--grid", "--set", "--replications", "--steps", "--seed", "--workers",
         "--design", "--range", "--samples", "--levels", "--scheduler", "--out"]


@fuzz(2000)
@given(pairs=st.lists(st.tuples(st.sampled_from(FLAGS), flag_values), max_size=5),
       second_order=st.booleans())
def test_fuzz_cli_values(pairs, second_order, tmp_path_factory):
    argv = ["sweep", "--dry-run", "--no-progress"]
    for flag, value in pairs:
        if flag == "--out":
            value = str(tmp_path_factory.getbasetemp() / "o" / value.replace("\x00", ""))
        argv += [flag, value]
    if second_order:
        argv.append("--second-order")
    code, _, err = run_cli(argv)
    assert code in (0, 2), err
    assert "Traceback" not in err
    event(f"exit {code}")
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
