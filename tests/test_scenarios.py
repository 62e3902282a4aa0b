"""Scenario presets and the scenario-file loader: every preset runs; bad files give one line."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circlesim import CommunityModel
from circlesim.cli import main
from circlesim.parameters import PARAMETERS
from circlesim.scenarios import ScenarioError, list_scenarios, load_scenario, preset_names

REQUIRED_PRESETS = {
    "baseline", "strong-centre", "self-running", "emotional-campaign", "interest-replacement",
    "niche-targeting", "broad-targeting", "rapid-response", "slow-support", "mass-media",
    "viral-push", "organiser-leaves", "pure-cascade",
}


def test_every_required_preset_exists_with_a_title_and_a_question():
    assert REQUIRED_PRESETS <= set(preset_names())
    for scenario in list_scenarios():
        assert scenario.title and len(scenario.question) > 60, scenario.name


@pytest.mark.parametrize("name", sorted(REQUIRED_PRESETS))
def test_every_preset_runs(name):
    model = CommunityModel(scenario=name, rng=1)
    model.run(30)
    assert len(model.to_frame()) == 31


def test_presets_differ_from_the_baseline_where_they_say():
    assert load_scenario("strong-centre").parameters["centre_strength"] == 1.0
    assert load_scenario("interest-replacement").parameters["pruning"] is True
    assert load_scenario("mass-media").parameters["interaction"] is False
    assert load_scenario("organiser-leaves").parameters["organiser_stops_at"] == 60


def test_scenarios_command_lists_presets_with_questions(capsys):
    assert main(["scenarios"]) == 0
    printed = capsys.readouterr().out
    for scenario in list_scenarios():
        assert f"{scenario.name}: {scenario.title}" in printed


@pytest.mark.parametrize("text,expected", [
    ("title = 'x'\n[parameters]\ncentre_strenght = 0.5\n", "did you mean centre_strength"),
    ("title = 'x'\n[parameters]\ncentre_strength = 'high'\n", "centre_strength='high' is invalid"),
    ("title = 'x'\n[parameters]\ncentre_strength = 1.5\n", "centre_strength=1.5 is out of range"),
    ("title = 'x'\n[parameters]\nmax_members = 10.5\n", "max_members=10.5 is invalid"),
    ("title = 'x'\nparameters = 3\n", "[parameters] must be a table"),
    ("title = 'x'\nquestoin = 'q'\n", "did you mean question"),
    ("title = 'x\n", "not valid TOML"),
    ("title = 3\n", "title must be text"),
    ("extends = 'no-such-preset'\n", "unknown scenario 'no-such-preset'"),
])
def test_bad_scenario_files_give_one_line_naming_file_and_key(tmp_path, text, expected):
    path = tmp_path / "lesson.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    message = str(err.value)
    assert expected in message and "lesson.toml" in message and "\n" not in message


def test_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.toml").write_text(f"extends = '{tmp_path / 'b.toml'}'\n")
    (tmp_path / "b.toml").write_text(f"extends = '{tmp_path / 'a.toml'}'\n")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(str(tmp_path / "a.toml"))


def test_a_child_overrides_its_parent(tmp_path):
    path = tmp_path / "child.toml"
    path.write_text("extends = 'interest-replacement'\n[parameters]\nprune_fraction = 0.3\n")
    scenario = load_scenario(str(path))
    assert scenario.parameters["pruning"] is True and scenario.parameters["prune_fraction"] == 0.3


# ---------------------------------------------------------------- fuzzing
_names = st.sampled_from(sorted(PARAMETERS) + ["centre_strenght", "x", "", "title", "1abc"])
_values = st.one_of(
    st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.text(string.printable, max_size=12),
    st.lists(st.integers(-5, 5), max_size=3),
)


def _toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def scenario_texts(draw):
    """Mostly well-formed TOML with random keys and values, sometimes raw garbage."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=80))
    lines = []
    if draw(st.booleans()):
        lines.append(f"title = {_toml_value(draw(_values))}")
    if draw(st.integers(0, 4)) == 0:
        lines.append(f"extends = {_toml_value(draw(st.sampled_from(['baseline', 'nope', 'x'])))}")
    lines.append("[parameters]")
    keys = draw(st.lists(_names, max_size=4, unique=True))
    for key in keys:
        if key and key.isidentifier():
            lines.append(f"{key} = {_toml_value(draw(_values))}")
    return "\n".join(lines) + "\n"


@settings(max_examples=10_000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=scenario_texts())
def test_fuzzed_scenario_files_never_raise_anything_but_a_one_line_scenario_error(tmp_path, text):
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_scenario(str(path))
    except ScenarioError as exc:
        assert "\n" not in str(exc)
