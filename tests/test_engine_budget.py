"""The memory budget: estimates, refusals in one line, and the estimate against measured RSS."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from circlesim import CommunityModel, ParameterError, Parameters
from circlesim.budget import (MemoryBudgetError, MemoryEstimate, check_memory,
                              default_memory_limit, estimate_memory, parse_size)


def test_estimate_has_parts_with_their_drivers():
    est = estimate_memory(Parameters.from_mapping({}))
    assert isinstance(est, MemoryEstimate)
    assert est.total_bytes == sum(est.parts.values())
    assert set(est.parts) == set(est.drivers)
    assert "seeding_budget" in est.drivers["paid exposures"]
    # more members, more memory; a bigger paid budget, more memory
    more = estimate_memory(Parameters.from_mapping({"max_members": 100_000,
                                                    "market_size": 1_000_000}))
    assert more.parts["members"] > 100 * est.parts["members"]


def test_over_budget_paid_seeding_is_refused_in_one_line_naming_both_parameters():
    params = Parameters.from_mapping({"seeding_budget": 1e9, "cost_per_seeded_exposure": 0.0001})
    with pytest.raises(MemoryBudgetError) as info:
        check_memory(params, 16 * 2**30)
    message = str(info.value)
    assert "\n" not in message
    assert info.value.key == "seeding_budget"
    assert "cost_per_seeded_exposure=0.0001" in message and "TiB" in message
    assert "limit 16.0 GiB" in message
    assert isinstance(info.value, ParameterError)


def test_model_checks_at_construction_before_building():
    with pytest.raises(MemoryBudgetError, match="friends_mean"):
        CommunityModel(rng=1, friends_mean=5000, max_members=1_000_000, initial_members=100,
                       market_size=100_000_000, memory_limit=2 * 2**30)
    with pytest.raises(MemoryBudgetError, match="raise the memory limit"):
        CommunityModel(rng=1, memory_limit=10 * 2**20)
    assert 0 < default_memory_limit()
    # the group never outgrows the market: a huge cap on a small market is fine
    check_memory(Parameters.from_mapping({"max_members": 10_000_000}), 2 * 2**30)


def test_sizes_parse_and_bad_sizes_are_one_line_errors():
    assert parse_size("2G") == 2 * 2**30
    assert parse_size("500M") == 500 * 2**20
    assert parse_size("1.5GiB") == int(1.5 * 2**30)
    assert parse_size("4096") == 4096
    for bad in ("2X", "-1G", "", "0"):
        with pytest.raises(ParameterError, match="memory_limit"):
            parse_size(bad)


# The child's peak is VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and
# exec, so a child of a big pytest worker "peaked" at the worker's size (774 MB in CI, for a
# model that needs 260 MB). VmHWM belongs to the process image exec made.
_CHILD = textwrap.dedent("""
    import json, sys
    from circlesim import CommunityModel
    from circlesim.budget import estimate_memory
    kw = json.loads(sys.argv[1])
    m = CommunityModel(rng=1, **kw)
    m.run(20)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))
    print(json.dumps({"peak": peak, "estimate": estimate_memory(m.params).total_bytes}))
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux's VmHWM")
@pytest.mark.parametrize("kw", [{}, {"initial_members": 20_000, "max_members": 20_000,
                                     "market_size": 200_000}])
def test_estimate_agrees_with_measured_peak_rss_within_a_generous_factor(kw):
    # the first run on a fresh clone compiles the rules (LLVM peaks at several hundred MB once);
    # the estimate is for a compiled, cached engine, so measure a second run
    subprocess.run([sys.executable, "-c", _CHILD, json.dumps({})], capture_output=True,
                   text=True, check=True, timeout=600)
    out = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(kw)], capture_output=True,
                         text=True, check=True, timeout=600)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    ratio = got["estimate"] / got["peak"]
    # measured with a warm cache: 261 MB estimated / 260 MB peak (baseline), 300 / 318 MB
    # (20,000 members); a cold first run peaks at ~435 MB while LLVM compiles, which the
    # estimate leaves out on purpose (it is paid once per machine, not per model)
    assert 0.5 < ratio < 2.0, got
