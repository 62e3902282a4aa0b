"""The one parameter definition: defaults, ranges, parsing and one-line errors."""

import math

import pytest

from circlesim.parameters import (
    GROUPS,
    PARAMETERS,
    ParameterError,
    Parameters,
    independent_cascade_overrides,
    parse_value,
)


def test_every_parameter_is_documented_and_its_default_valid():
    for spec in PARAMETERS.values():
        assert spec.group in GROUPS, spec.name
        assert spec.help.endswith("."), spec.name
        assert spec.origin, spec.name
        assert spec.validate(spec.default) == spec.default or spec.default is None
    Parameters.from_mapping({})  # the defaults form a consistent set


@pytest.mark.parametrize("name", [n for n, s in PARAMETERS.items() if s.kind in ("int", "float")])
def test_out_of_range_values_name_the_key_and_the_range(name):
    spec = PARAMETERS[name]
    bad = (spec.high + 1) if spec.high is not None and not math.isinf(spec.high) else -1
    if spec.low is not None and bad == -1 and spec.low <= -1:
        pytest.skip("no invalid value below the range")
    with pytest.raises(ParameterError) as err:
        Parameters.from_mapping({name: bad})
    message = str(err.value)
    assert err.value.key == name
    assert name in message and "allowed" in message and "\n" not in message


def test_unknown_key_suggests_the_closest_name():
    with pytest.raises(ParameterError, match="did you mean centre_strength"):
        Parameters.from_mapping({"centre_strenght": 0.5})
    with pytest.raises(ParameterError, match="unknown parameter 'no_such_key'"):
        Parameters.from_mapping({"no_such_key": 1})


@pytest.mark.parametrize("name,value", [
    ("initial_members", 2.5), ("interaction", 1), ("share_probability", "0.1"),
    ("share_probability", float("nan")), ("pruning", "yes"), ("max_members", True),
])
def test_wrong_types_are_rejected(name, value):
    with pytest.raises(ParameterError) as err:
        Parameters.from_mapping({name: value})
    assert err.value.key == name


def test_inconsistent_combination_is_rejected():
    with pytest.raises(ParameterError, match="initial_members=600 is out of range: allowed 1 to max_members"):
        Parameters.from_mapping({"initial_members": 600, "max_members": 500})


def test_parse_value_reads_command_line_text():
    assert parse_value("share_probability", "0.2") == 0.2
    assert parse_value("max_members", "1_000") == 1000
    assert parse_value("pruning", "on") is True
    assert parse_value("broadcast", "False") is False
    with pytest.raises(ParameterError, match="centre_strength=2 is out of range"):
        parse_value("centre_strength", "2")
    with pytest.raises(ParameterError, match="max_members='many' is invalid"):
        parse_value("max_members", "many")


def test_market_graph_must_exist(tmp_path):
    with pytest.raises(ParameterError, match="market_graph: no such file"):
        Parameters.from_mapping({"market_graph": str(tmp_path / "missing.csv")})


def test_parameters_are_immutable_and_replace_validates():
    p = Parameters.from_mapping({"share_probability": 0.1})
    q = p.replace(pruning=True)
    assert p.pruning is False and q.pruning is True and q.share_probability == 0.1
    with pytest.raises(ParameterError):
        p.replace(prune_fraction=2)


def test_independent_cascade_overrides_are_valid():
    Parameters.from_mapping(independent_cascade_overrides(0.2))


def test_check_parameters_checks_as_the_model_does_without_building_it():
    from circlesim import CommunityModel, check_parameters
    from circlesim.budget import MemoryBudgetError

    checked = check_parameters("strong-centre", organiser_posts=6.0)
    assert checked == CommunityModel("strong-centre", rng=0, organiser_posts=6.0).params
    with pytest.raises(ParameterError, match="market_size"):
        check_parameters("baseline", market_size=-5)
    with pytest.raises(MemoryBudgetError, match="seeding_budget"):
        check_parameters("baseline", memory_limit=2**30, seeding_budget=1e9,
                         cost_per_seeded_exposure=0.0001)
