"""How fast could any engine run the 10k-at-cap case? A floor, measured beside the real one.

``bench_core.py`` times 10,000 members held at the cap for a year (target: >= 7M member-steps/s
and >= 20x VirusOnNetwork at 2,000 nodes). This script measures what the model's own work
costs there with everything else taken away: an idealised day that does only the per-member
draws and arithmetic of the mechanisms, fused into a few passes over a dense block of members,
plus the exposures of the day's shares to the lazy market. It uses the engine's own functions
wherever the work is theirs (the random stream, ``rules.engagement_after``,
``rules.leave_probability``, ``rules.member_relevance``, ``kernels.gaussian_match``, the lazy
market's ``lazy_friend_count``, ``lazy_friend``, ``lazy_interest`` and the people table's
``table_or``) and leaves out all that the engine must also do:

- no outputs: no daily record (53 columns, a Gini and an entropy among them), no member table;
- no per-member bookkeeping (posts, replies, shares, value window, last visit, tenure);
- no new rows: a leaver is replaced in place, with no draws and no ties for the joiner;
- no complaint answering, no organiser (posts, replies, attention), no mass-media comparison;
- no Mesa (clock, agents), no allocation per day but ``member_relevance``'s own, no Python between
  days.

So it is a lower bound on the time of a faithful engine, not a model: its members do not
evolve as the model's do (the share of messages read is held at the real run's mean, a joiner
is not placed). It starts from the state of a real run on day 60 (members' engagement,
activity, interests, ties; the people table; the market), measures 365 days, and is timed side
by side with the real 10k-at-cap run (``bench_core``'s case, set-up included) and
VirusOnNetwork at 2,000 nodes, round by round. It also times the floor with parts switched off,
to show what each part costs. Prints a table and writes ``benchmarks/results/bench_floor.json``.

    .venv/bin/python benchmarks/bench_floor.py            # 3 seeds x 3 rounds
    .venv/bin/python benchmarks/bench_floor.py --quick    # 2 seeds x 2 rounds, 120 days
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from bench_core import _agent_steps, _at_cap, _timed, _virus  # noqa: E402

from circlesim import PARAMETERS, CommunityModel  # noqa: E402
from circlesim.kernels import (EMPTY, EXPOSED, FORMER, MEMBER, binomial_small,  # noqa: E402
                               gaussian_match, poisson, table_or, table_rehash, uniform)
from circlesim.market import lazy_friend, lazy_friend_count, lazy_interest  # noqa: E402
from circlesim.outputs import RELEVANCE_BINS  # noqa: E402
from circlesim.rules import engagement_after, leave_probability, member_relevance  # noqa: E402

SIZE = 10_000
#: the parts of the floor day, switched on one after another
PARTS = ("draws", "reading", "relevance", "market")


@njit(cache=False)
def floor_days(days, parts, e, activity, interest, ties, tie_count, complaint, scale, ratio,
               organiser_match, topic_weights, person, slots, count, market, prm, rs):
    """``days`` idealised days; ``parts`` how many of :data:`PARTS` are on. ``market`` holds
    seed, size, topics; ``prm`` the parameters (see ``_prm``). Returns joins and exposures."""
    n = e.shape[0]
    (visit_floor, post_rate, share_probability, problem, read_share, reply_probability,
     relevance_width, contagion, reply_reward, decay, leave_rate, complaint_risk, overload_risk,
     irrelevance_risk, reach, join, niche_width, friends_mean, homophily, scale_ids, spread,
     centre, organiser_weight, niche_center, initial_engagement) = (
        prm[0], prm[1], prm[2], prm[3], prm[4], prm[5], prm[6], prm[7], prm[8], prm[9],
        prm[10], prm[11], prm[12], prm[13], prm[14], prm[15], prm[16], prm[17], prm[18],
        prm[19], prm[20], prm[21], prm[22], prm[23], prm[24])
    seed, size, topics = market[0], market[1], market[2]
    visited = np.zeros(n, dtype=np.bool_)
    posts = np.zeros(n, dtype=np.int64)
    sharers = np.empty(n, dtype=np.int64)
    seen = np.zeros(n)
    tone = np.zeros(n)
    received = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=np.bool_)
    relevance = np.ones(n)
    reached = np.empty(4 * n, dtype=np.int64)
    log_miss = math.log1p(-reach)
    joins = 0
    exposures = 0
    for _ in range(days):
        # draws: problems, visits, posts, shares (rules.draw_problems, draw_visits,
        # draw_member_posts, draw_sharers), fused
        shared = 0
        for i in range(n):
            if not complaint[i] and uniform(rs) < problem:
                complaint[i] = True
            v = uniform(rs) < visit_floor + (1.0 - visit_floor) * e[i]
            visited[i] = v
            posts[i] = poisson(rs, post_rate * activity[i] * e[i]) if v else 0
            if v and uniform(rs) < min(1.0, share_probability * 2.0 * e[i]):
                sharers[shared] = i
                shared += 1
            seen[i] = 0.0
            tone[i] = 0.0
            received[i] = 0
        # reading and replying over the posters' ties (rules.read_and_reply, members only)
        if parts >= 2:
            for s in range(n):
                items = posts[s] + (1 if complaint[s] else 0)
                if items == 0:
                    continue
                for k in range(tie_count[s]):
                    r = ties[s, k]
                    if r < 0 or not visited[r] or uniform(rs) >= read_share:
                        continue
                    seen[r] += items
                    tone[r] += posts[s] * e[s]
                    if posts[s] > 0:
                        p = min(1.0, reply_probability * e[r]
                                * gaussian_match(interest[r], interest[s], relevance_width))
                        received[s] += binomial_small(rs, posts[s], p)
        # the relevance of recent content to each member (the engine's own function)
        if parts >= 3:
            relevance, _ = member_relevance(interest, alive, n, topic_weights,
                                            organiser_weight, niche_center, relevance_width,
                                            scale, ratio, organiser_match)
        # engagement, then leaving; a leaver's row goes to a joiner as it is
        for i in range(n):
            e[i] = engagement_after(e[i], seen[i], tone[i], received[i], False, contagion,
                                    reply_reward, decay)
            leave = leave_probability(e[i], 1.0 if complaint[i] else 0.0, read_share,
                                      relevance[i], leave_rate, complaint_risk, overload_risk,
                                      irrelevance_risk)
            if uniform(rs) < leave:
                e[i] = initial_engagement
                complaint[i] = False
        # the shares reach outside friends (rules.spread_shares), then those reached may join
        # (rules.recruit): two loops, as in the engine, so that the people table's lookups
        # (cache misses) overlap instead of waiting on the friend draws between them
        if parts >= 4:
            m = 0
            for q in range(shared):
                p = person[sharers[q]]
                k = lazy_friend_count(seed, friends_mean, p)
                slot = -1
                while True:
                    slot += 1 + int(math.floor(math.log(1.0 - uniform(rs)) / log_miss))
                    if slot >= k:
                        break
                    j = lazy_friend(seed, size, homophily, scale_ids, p, slot)
                    if j < 0:
                        continue
                    if m == reached.shape[0]:
                        reached = np.concatenate((reached, np.empty_like(reached)))
                    reached[m] = j
                    m += 1
            exposures += m
            if 2 * (count[0] + m) > slots.shape[0]:  # the engine's load limit
                grown = np.full(2 * slots.shape[0], EMPTY, dtype=np.int64)
                table_rehash(slots, grown)
                slots = grown
            for q in range(m):
                j = reached[q]
                old = table_or(slots, count, j, EXPOSED)
                if (old & (MEMBER | FORMER)) != 0:
                    continue
                u = uniform(rs)
                if u >= join:
                    continue
                x = lazy_interest(seed, size, topics, spread, centre, j)
                if u < join * gaussian_match(x, niche_center, niche_width):
                    table_or(slots, count, j, MEMBER)
                    joins += 1
    return joins, exposures


def _at_cap_model(seed: int) -> CommunityModel:
    """The real 10k-at-cap run of ``bench_core``, stopped on day 60."""
    model = CommunityModel(rng=seed, initial_members=SIZE, max_members=SIZE,
                           market_size=100 * SIZE, niche_width=0.3)
    model.run(60)
    return model


def _prm(model: CommunityModel) -> np.ndarray:
    p = model.params
    market = model.market
    read_share = float(model.to_frame()["read_share"].iloc[1:].mean())
    return np.array([
        p.visit_floor, p.post_rate, p.share_probability, p.problem_probability,
        read_share, p.reply_probability, p.relevance_width, p.contagion,
        p.reply_reward, p.engagement_decay, p.leave_rate, p.complaint_leave_risk,
        p.overload_leave_risk, p.irrelevance_leave_risk, p.reach_probability,
        p.join_probability, p.niche_width, market.friends_mean, market.homophily,
        market.scale, market.spread, market.centre, p.organiser_posts, p.niche_center,
        p.initial_engagement], dtype=np.float64)


def _floor_inputs(model: CommunityModel, seed: int) -> tuple:
    """The members of ``model`` packed to the front (``MemberState.compact``: departed rows
    archived, ties renumbered; the model is not run again) and a copy of its people table, for
    :func:`floor_days`."""
    s = model.state
    s.compact()
    n = s.n
    interest = s.interest[:n].copy()
    # the posts of the last week binned by topic, as the engine's ring holds them: every bin
    # that has members has posts at this size, so the members' interests stand in for them
    weights = np.bincount(np.minimum((interest * RELEVANCE_BINS).astype(np.int64),
                                     RELEVANCE_BINS - 1), minlength=RELEVANCE_BINS) * 0.05
    market = model.market
    return (s.engagement[:n].copy(), s.activity[:n].copy(), interest, s.ties[:n].copy(),
            s.tie_count[:n].copy(), np.zeros(n, dtype=np.bool_), np.zeros(n), np.zeros(n),
            np.zeros(n), weights.astype(np.float64), s.person[:n].copy(),
            model.people.slots.copy(), np.array(model.people.count).copy(),
            np.array([market.seed, market.size, market.topics], dtype=np.int64), _prm(model),
            np.array([(seed + 1) * 0x9E3779B97F4A7C15 % 2**64], dtype=np.uint64))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--quick", action="store_true", help="2 seeds x 2 rounds, 120 days")
    args = parser.parse_args()
    seeds, rounds, days = (2, 2, 120) if args.quick else (args.seeds, args.rounds, args.days)

    def say(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    say("warming up: the compiled engine, the floor kernel, VirusOnNetwork")
    _at_cap(SIZE, 2, 1000)
    _virus(2_000, 2, 1000)
    say(f"the day-60 state of {seeds} real runs")
    starts = {seed: _floor_inputs(_at_cap_model(seed), seed) for seed in range(seeds)}
    floor_days(1, len(PARTS), *[a.copy() for a in starts[0]])
    cases = [f"floor: {'+'.join(PARTS[:k])}" for k in range(1, len(PARTS) + 1)]
    cases += ["engine: 10k at cap", "VirusOnNetwork 2000"]
    runs: dict[str, list[list[dict]]] = {case: [[] for _ in range(seeds)] for case in cases}
    for r in range(rounds):
        say(f"round {r + 1} of {rounds}")
        for seed in range(seeds):
            for k in range(1, len(PARTS) + 1):
                inputs = [a.copy() for a in starts[seed]]
                cpu, wall, (joins, exposures) = _timed(
                    lambda: floor_days(days, k, *inputs))
                runs[cases[k - 1]][seed].append(
                    {"cpu_s": cpu, "wall_s": wall, "agent_steps": days * inputs[0].size,
                     "joins_per_day": joins / days, "exposures_per_day": exposures / days})
            cpu, wall, model = _timed(lambda: _at_cap(SIZE, days, seed))
            frame = model.to_frame().iloc[1:]
            runs["engine: 10k at cap"][seed].append(
                {"cpu_s": cpu, "wall_s": wall, "agent_steps": _agent_steps(model, days),
                 "joins_per_day": float(frame["joined"].mean()),
                 "exposures_per_day": float(frame["exposures"].mean())})
            del model, frame
            cpu, wall, model = _timed(lambda: _virus(2_000, days, seed))
            runs["VirusOnNetwork 2000"][seed].append(
                {"cpu_s": cpu, "wall_s": wall, "agent_steps": _agent_steps(model, days)})
            del model
    rows = {}
    for case, per_seed in runs.items():
        fastest = [min(seed_runs, key=lambda run: run["cpu_s"]) for seed_runs in per_seed]
        rate = statistics.median(run["agent_steps"] / run["cpu_s"] for run in fastest)
        rows[case] = {"runs": per_seed, "agent_steps_per_cpu_s": rate,
                      "ns_per_agent_step": 1e9 / rate,
                      "exposures_per_day": statistics.median(
                          run.get("exposures_per_day", 0.0) for run in fastest)}
    virus = rows["VirusOnNetwork 2000"]["agent_steps_per_cpu_s"]
    for row in rows.values():
        row["ratio_vs_virus2000"] = row["agent_steps_per_cpu_s"] / virus
    print(f"{'case (' + str(days) + ' days)':<40}{'ns/member-day':>14}{'M steps/cpu s':>15}"
          f"{'vs VoN(2000)':>14}{'exposures/day':>15}")
    for case, row in rows.items():
        print(f"{case:<40}{row['ns_per_agent_step']:>14.0f}"
              f"{row['agent_steps_per_cpu_s'] / 1e6:>15.2f}{row['ratio_vs_virus2000']:>13.1f}x"
              f"{row['exposures_per_day']:>15.0f}")
    floor = rows[cases[len(PARTS) - 1]]
    print(f"targets: 7M member-steps/s = {1e9 / 7e6:.0f} ns/member-day; 20x VirusOnNetwork(2000)"
          f" = {1e9 / (20 * virus):.0f} ns/member-day on this machine; the floor: "
          f"{floor['ns_per_agent_step']:.0f} ns")
    RESULTS.mkdir(exist_ok=True)
    payload = {"benchmark": "floor", "python": platform.python_version(),
               "machine": platform.machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
               "seeds": seeds, "rounds": rounds, "days": days, "parts": list(PARTS),
               "summary": {case: {k: v for k, v in row.items() if k != "runs"}
                           for case, row in rows.items()},
               "rows": rows}
    (RESULTS / "bench_floor.json").write_text(json.dumps(payload, indent=2))
    print(f"written {RESULTS / 'bench_floor.json'}")


if __name__ == "__main__":
    main()
