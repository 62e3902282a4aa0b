"""Property-based fuzzing of every input surface: nothing but a one-line user error.

In-process and fast (no model runs): command lines of every command (parsed and validated up
to the point where work would start), scenario files on disk (nesting, extends chains,
relative paths, raw bytes), market-graph files (edge lists and GraphML, text and bytes) and
sweep manifests (JSON of any shape). 10,500 generated cases in all (the big ones marked slow).
"""

from __future__ import annotations

import io
import json
import string
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circlesim.errors import UsageError, parse_whole_number, run_guarded, user_errors


def fuzz(n: int) -> settings:
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def one_line_or_ok(fn) -> tuple[int, str]:
    """Run ``fn`` through the package's one error path; (status, stderr)."""
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        status = run_guarded(fn, "circlesim")
    text = err.getvalue()
    assert "Traceback" not in text
    if status == 2:
        assert len(text.strip().splitlines()) == 1, text
        assert text.startswith("circlesim: error: ")
    else:
        assert status == 0, text
    return status, text


# ------------------------------------------------------------------------ command lines
WORDS = ["run", "sweep", "report", "compare", "validate", "ui", "params", "scenarios", "x", ""]
FLAG_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["0", "1", "-1", "2.9", "1e9", "inf", "nan", "99999", "65536", "1_0",
                     "99999999999999999999999", "", "=", "centre_strength=2",
                     "centre_strength=0.5", "no_such=1", "pruning=maybe", "initial_people=1,2",
                     "initial_people=", "market_graph=/nonexistent.csv", "network", "",
                     "baseline", "nope", "x.toml", "/sys/x.csv", "/proc/x.csv", "a.csv",
                     "a.parquet", "a.xlsx", "/", ".", "..", "tcp://127.0.0.1:1", "sobol",
                     "centre_strength=0.1:0.9", "share_probability=0.01:0.2", "\x00"]),
)
FLAGS = {
    "run": ["--scenario", "--set", "--steps", "--seed", "--out", "--members-out", "--quiet"],
    "sweep": ["--scenario", "--grid", "--set", "--replications", "--steps", "--seed",
              "--workers", "--design", "--range", "--samples", "--levels", "--scheduler",
              "--allow-code"],
    "validate": ["--replications", "--seed", "--set", "--workers", "--quick"],
    "ui": ["--port", "--host"],
    "params": ["--group"],
    "scenarios": [],
    "report": ["--no-charts"],
    "compare": ["--replications", "--steps", "--seed", "--set", "--workers"],
}
SWITCHES = {"--quiet", "--allow-code", "--quick", "--no-charts"}


_PARSER = []


def _parser():
    from circlesim.cli import build_parser

    if not _PARSER:
        _PARSER.append(build_parser())
    return _PARSER[0]


def _validate_only(argv: list[str], tmp: Path):
    """Parse ``argv`` and run each command's checks, stopping before any work starts."""
    from circlesim.cli import _check_outputs, parse_assignments

    def go() -> int:
        args = _parser().parse_args(argv)
        if args.command == "run":
            parse_assignments(args.assignments)
            _check_outputs(args)
        elif args.command == "validate":
            parse_assignments(args.assignments)
        elif args.command in ("sweep", "compare"):
            from circlesim.sweep.cli import build_spec
            from circlesim.sweep.spec import apply_flags

            if args.command == "sweep":
                build_spec(args)
            else:
                apply_flags(None, scenarios=[args.a, args.b], sets=args.set or None,
                            replications=args.replications, steps=args.steps, seed=args.seed)
        elif args.command == "params":
            from circlesim.cli import _cmd_params

            _cmd_params(args)
        return 0

    return go


@pytest.mark.slow
@fuzz(2000)
@given(command=st.sampled_from(list(FLAGS)),
       pairs=st.lists(st.tuples(st.integers(0, 20), FLAG_VALUES), max_size=5),
       extra=st.lists(st.sampled_from(WORDS + ["--help-me", "-x", "--"]), max_size=2))
def test_fuzz_command_lines(command, pairs, extra, tmp_path_factory):
    tmp = tmp_path_factory.getbasetemp()
    argv = [command]
    flags = FLAGS[command]
    if command == "compare":
        argv += ["baseline", "strong-centre"]
    for i, value in pairs:
        if flags and i < len(flags) * 2:
            flag = flags[i % len(flags)]
            argv += [flag] if flag in SWITCHES else [flag, value]
        else:
            argv.append(value)
    argv += extra
    if command == "scenarios" and len(argv) == 1:
        return  # the plain listing is tested elsewhere (and prints a lot)
    one_line_or_ok(_validate_only(argv, tmp))


@fuzz(4000)
@given(text=st.one_of(st.text(max_size=30), st.integers(-10**30, 10**30).map(str),
                      st.integers(-10**30, 10**30), st.booleans(),
                      st.floats().map(str)),
       low=st.one_of(st.none(), st.integers(-5, 5)),
       span=st.one_of(st.none(), st.integers(0, 10**6)))
def test_fuzz_whole_number_parser(text, low, span):
    high = None if span is None or low is None else low + span
    try:
        value = parse_whole_number(text, "--n", low, high)
    except UsageError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("--n")
    else:
        assert isinstance(value, int) and not isinstance(value, bool)
        assert (low is None or value >= low) and (high is None or value <= high)


# ------------------------------------------------------------------------ scenario files
_scalar = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False,
                                                          width=32),
                    st.booleans(), st.text(string.ascii_letters + string.digits + ",./_-",
                                           max_size=10))


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return json.dumps(v)


_nested = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=3), max_leaves=12)
KEYS = ["initial_people", "market_graph", "centre_strength", "max_members", "market_size",
        "initial_members", "pruning", "title", "nope"]


@pytest.mark.slow
@fuzz(1500)
@given(data=st.data())
def test_fuzz_scenario_files_on_disk(data, tmp_path_factory):
    from circlesim.scenarios import ScenarioError, load_scenario

    folder = tmp_path_factory.getbasetemp() / "scen"
    sub = folder / "sub"
    sub.mkdir(parents=True, exist_ok=True)
    (sub / "g.csv").write_text("1,2\n2,3\n")
    kind = data.draw(st.integers(0, 5))
    if kind == 0:
        raw = data.draw(st.binary(max_size=200))
    elif kind == 1:
        depth = data.draw(st.integers(1, 3000))
        raw = ("x = " + "[" * depth + "]" * depth + "\n").encode()
    elif kind == 2:  # extends chains, sometimes cyclic, relative to each file's folder
        n = data.draw(st.integers(1, 40))
        cyclic = data.draw(st.booleans())
        for i in range(n):
            nxt = f"c{(i + 1) % n if cyclic else i + 1}.toml"
            (sub / f"c{i}.toml").write_text(f'extends = "{nxt}"\n' if (cyclic or i < n - 1)
                                            else 'extends = "baseline"\n')
        raw = b'extends = "sub/c0.toml"\n'
    else:
        lines = []
        if data.draw(st.booleans()):
            lines.append(f'extends = {_toml(data.draw(st.sampled_from(["baseline", "sub/c0.toml", "nope.toml", "../x.toml", "", "/"])))}')
        lines.append("[parameters]")
        for key in data.draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
            value = data.draw(st.one_of(_nested, st.sampled_from(["sub/g.csv", "g.csv", "1,2"])))
            lines.append(f"{key} = {_toml(value)}")
        raw = ("\n".join(lines) + "\n").encode()
    path = folder / "f.toml"
    path.write_bytes(raw)
    try:
        load_scenario(str(path))
    except ScenarioError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 5000


# ------------------------------------------------------------------------ market graph files
GRAPHML = ('<?xml version="1.0" encoding="UTF-8"?><graphml xmlns="http://graphml.graphdrawing'
           '.org/xmlns"><key id="d0" for="node" attr.name="interest" attr.type="{t}"/>'
           '<graph edgedefault="undirected">{body}</graph></graphml>')
_node_ids = st.one_of(st.integers(-5, 50).map(str), st.text(string.ascii_letters, min_size=1,
                                                            max_size=3))


@st.composite
def graph_files(draw):
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return ".csv", draw(st.binary(max_size=300))
    if kind == 1:
        text = draw(st.text(max_size=200))
        enc = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
        return draw(st.sampled_from([".csv", ".txt", ".graphml"])), text.encode(enc, "replace")
    if kind == 2:
        rows = draw(st.lists(st.lists(_node_ids, min_size=0, max_size=3), max_size=12))
        sep = draw(st.sampled_from([",", " ", "\t", ";"]))
        head = draw(st.sampled_from(["", "source,target\n", "# c\n"]))
        return ".csv", (head + "\n".join(sep.join(r) for r in rows)).encode()
    typ = draw(st.sampled_from(["double", "string", "int", "boolean"]))
    nodes = draw(st.lists(st.text(string.ascii_letters, min_size=1, max_size=2), max_size=5,
                          unique=True))
    values = st.sampled_from(["0.5", "NaN", "INF", "-inf", "lots", "", "1e308", "7", "true"])
    body = "".join(f'<node id="{n}"><data key="d0">{draw(values)}</data></node>' for n in nodes)
    if nodes and draw(st.booleans()):
        body += "".join(f'<edge source="{draw(st.sampled_from(nodes))}" '
                        f'target="{draw(st.sampled_from(nodes))}"/>'
                        for _ in range(draw(st.integers(0, 4))))
    text = GRAPHML.format(t=typ, body=body)
    if kind == 4:  # cut or garbled
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]
    return ".graphml", text.encode()


@pytest.mark.slow
@fuzz(2000)
@given(f=graph_files())
def test_fuzz_market_graph_files(f, tmp_path_factory):
    import networkx as nx

    from circlesim.graphfile import GraphFileError, read_graph

    suffix, raw = f
    path = tmp_path_factory.getbasetemp() / f"g{suffix}"
    path.write_bytes(raw)
    try:
        graph = read_graph(path)
    except GraphFileError as exc:
        assert "\n" not in str(exc) and exc.key == "market_graph"
        assert str(path) in str(exc)
    else:
        assert isinstance(graph, nx.Graph) and graph.number_of_edges() > 0


# ------------------------------------------------------------------------ sweep manifests
def _spec():
    from circlesim.sweep.spec import apply_flags

    return apply_flags(None, steps=3, seed=1)


_SPEC = _spec()
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 2**65), st.floats(allow_nan=False),
              st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(
                                ["spec", "runs", "grid", "design", "method", "root_seed",
                                 "status", "point", "index", "scenarios", "set", "x"]), inner,
                                max_size=4)),
    max_leaves=15)


@fuzz(1000)
@given(manifest=st.one_of(_json, st.fixed_dictionaries(
    {"runs": st.dictionaries(st.text(max_size=4), _json, max_size=3)},
    optional={"spec": _json, "root_seed": _json})), garble=st.integers(0, 6))
def test_fuzz_sweep_manifests(manifest, garble, tmp_path_factory):
    from circlesim.sweep.engine import check_compatible
    from circlesim.sweep.report import group_labels
    from circlesim.sweep.store import DamagedResults, ResultStore

    folder = tmp_path_factory.getbasetemp() / "man"
    folder.mkdir(exist_ok=True)
    text = json.dumps(manifest)
    if garble == 0:
        text = text[: len(text) // 2]
    (folder / "manifest.json").write_text(text)
    store = ResultStore(folder)
    try:
        loaded = store.load_manifest()
    except DamagedResults as exc:
        assert "\n" not in str(exc) and "manifest.json" in str(exc)
        return
    group_labels(loaded)
    try:
        check_compatible(loaded, _SPEC, folder)
    except user_errors() as exc:
        assert "\n" not in str(exc)
