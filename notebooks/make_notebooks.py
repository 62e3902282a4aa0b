"""Write the classroom notebooks of circlesim (``notebooks/*.ipynb``) from the cell texts below.

The notebooks are generated, not edited by hand, so that they are always stored without
outputs and with stable cell ids (a clean diff). Edit a lesson here, then run::

    python notebooks/make_notebooks.py          # rewrites the six notebooks next to this file
    python notebooks/make_notebooks.py --check  # exits 1 if a notebook differs from this script

Every lesson uses only circlesim's public API (``CommunityModel``, ``Member``,
``independent_cascade_overrides``, ``list_scenarios``, ``load_scenario``, ``PARAMETERS``).
Every sentence that states a number is computed from the runs (f-strings), and every claim the
text makes is also checked by an ``assert`` cell, so the prose cannot drift from the model.
``tests/notebooks/test_notebooks.py`` executes each notebook top to bottom.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- shared cells
SETUP = r'''
import warnings
warnings.filterwarnings("ignore", message="IProgress not found")  # progress bars need ipywidgets

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from circlesim import CommunityModel, PARAMETERS, load_scenario

plt.rcParams.update({"figure.figsize": (10, 4), "figure.dpi": 80, "axes.grid": True,
                     "grid.alpha": 0.3})

SEEDS = range(8)   # replications: every arm is run once per seed (the same seeds for each arm)
OPEN = 100_000     # a group cap so high that growth is never stopped at WeChat's 500
FOUNDERS = PARAMETERS["initial_members"].default   # people the organiser invites on day 0


def runs(days, scenario="baseline", seeds=SEEDS, **params):
    """Run a scenario once per seed; the daily tables stacked, with a `seed` column."""
    frames = []
    for seed in seeds:
        model = CommunityModel(scenario=scenario, rng=seed, **params)
        model.run(days)
        frames.append(model.to_frame().assign(seed=seed))
    return pd.concat(frames, ignore_index=True)


def final(frame, column):
    """`column` on the last day: one number per seed."""
    return frame[frame.step == frame.step.max()].set_index("seed")[column]


def daily_mean(frame, column):
    """The mean over seeds of `column`, day by day."""
    return frame.groupby("step")[column].mean()


def settings(scenario, *names, **overrides):
    """The values of parameters `names` in a scenario preset (its own, else the defaults)."""
    values = {name: PARAMETERS[name].default for name in names}
    values.update(load_scenario(scenario).parameters, **overrides)
    return {name: values[name] for name in names}


def say(text):
    """Show a computed sentence as formatted text."""
    display(Markdown(text))
'''

HOW_TO = """
**How to use this notebook.** Run the cells from top to bottom (*Shift + Enter*). Each run of
the model is seeded, so you get the same numbers as your classmates. The boxes headed *What the
model says* are computed from the runs above them, and the `assert` cells check every claim the
text makes: if the model changes, the lesson stops with an error instead of telling you
something false. The exercises at the end are cells with a parameter to change; they run as
they are, with few seeds to stay quick (use more seeds for a firmer answer).
"""


def md(text: str):
    return new_markdown_cell(textwrap.dedent(text).strip("\n"))


def code(text: str):
    return new_code_cell(textwrap.dedent(text).strip("\n"))


# =========================================================================== lesson 1
LESSON_1 = [
    md("""
    # Lesson 1 — One to ten, ten to a hundred

    **Learning goals.** After this lesson you can

    * do the exposure arithmetic of *500 members × 100 friends* and explain why the number of
      *different* people reached is smaller (overlap);
    * read a recruitment tree: generations, recruits per recruiter, who brought whom;
    * explain the threshold of word of mouth: when each member brings in fewer than about one
      new member, the spread dies out.

    **The question.** The first source text promises:

    > "When you really master the method of community marketing, you will appreciate what is
    > called one to ten, ten to a hundred."

    and the second asks us to do the sums:

    > "Assuming there are 500 people in the group and 100 people in a person's WeChat circle of
    > friends, how much exposure will there be if each person helps you share your content
    > once? We can do the math by ourselves."

    Does a community really multiply like this, and when does it not?
    """),
    md(HOW_TO),
    code(SETUP + r'''
import networkx as nx
from circlesim import independent_cascade_overrides
'''),
    md("""
    ## 1. The arithmetic: 500 × 100

    On paper: 500 members × 100 friends = 50,000 exposures. To check it in the model we switch
    off everything but sharing (`independent_cascade_overrides(1.0)`: every member shares once
    and the share reaches *every* friend), set `join_probability = 0` so that nobody joins, put
    500 members in the group and count one day. The model keeps two counters: **exposures**
    (every time a share reaches a person, with repeats) and **unique reach** (different people).

    Friends are drawn mostly among people with similar interests, and the market of potential
    members is finite, so many of the 500 have friends in common.
    We try three market sizes.
    """),
    code(r'''
GROUP, FRIENDS = 500, 100
naive = GROUP * FRIENDS


def share_once(market_size, friends=FRIENDS, seed=0):
    """Exposures and unique reach after each of GROUP members shares once to all friends."""
    params = {**independent_cascade_overrides(1.0), "join_probability": 0.0,
              "initial_members": GROUP, "max_members": GROUP,
              "market_size": market_size, "friends_mean": friends}
    model = CommunityModel(rng=seed, **params)
    model.step()
    day = model.to_frame().iloc[-1]
    return int(day["exposures"]), int(day["unique_reach"])


MARKET = PARAMETERS["market_size"].default   # the default market
rows = []
for market in sorted({5_000, MARKET, 50_000}):
    exposures, reach = share_once(market)
    rows.append({"market": market, "exposures": exposures, "unique_reach": reach,
                 # if the exposures fell on people at random: M (1 - exp(-E / M))
                 "random_overlap": round(market * (1 - np.exp(-exposures / market)))})
arith = pd.DataFrame(rows).set_index("market")
arith["reach_per_exposure"] = (arith.unique_reach / arith.exposures).round(3)
arith
'''),
    code(r'''
ax = arith[["exposures", "unique_reach"]].plot.bar(rot=0, color=["#999999", "#1f77b4"])
ax.axhline(naive, color="black", linestyle="--", label=f"{GROUP} x {FRIENDS} = {naive:,}")
ax.set_xlabel("people in the market")
ax.set_ylabel("people")
ax.set_title("Every member shares once: exposures vs different people reached")
ax.legend()
plt.show()
'''),
    code(r'''
e20, r20 = arith.loc[MARKET, ["exposures", "unique_reach"]]
e50, r50 = arith.loc[50_000, ["exposures", "unique_reach"]]
say(f"""**What the model says.** {GROUP} members sharing once to about {FRIENDS} friends make
{naive:,} exposures on paper, and the model counts {e20:,}. But in the default market of
{MARKET:,} people they reach only **{r20:,} different people ({r20 / e20:.0%} of the exposures)**;
in a market of 50,000 it is {r50:,} ({r50 / e50:.0%}). The rest are repeats: friends of
members are often friends of other members. The overlap is close to what random repeats
would give ({arith.loc[MARKET, "random_overlap"]:,} for {MARKET:,} people): the larger the
exposures compared with the market, the more of them land on someone already reached.""")
'''),
    code(r'''
# the claims of this section, checked
assert abs(e20 - naive) < 0.05 * naive, "exposures should follow the 500 x 100 arithmetic"
assert r20 < 0.85 * e20, "unique reach should be clearly smaller than exposures (overlap)"
assert arith.reach_per_exposure.is_monotonic_increasing, "overlap should shrink as the market grows"
expected = arith.loc[MARKET, "random_overlap"]
assert abs(r20 - expected) < 0.1 * expected, "overlap should be close to random repeats"
'''),
    md("""
    In the normal model a share does not reach all friends: feeds show it to some of them.
    That is the parameter `reach_probability`. Every parameter is documented in `PARAMETERS`:
    """),
    code(r'''
for name in ["reach_probability", "share_probability", "join_probability", "friends_mean"]:
    spec = PARAMETERS[name]
    print(f"{name:18} default {spec.default!s:7} {spec.help}")
'''),
    md("""
    ## 2. Does the group multiply? Growth and the recruitment tree

    Now the full model (`baseline`: a few founding members, sharing, emotion, complaints, leaving)
    for 150 days, 8 seeds. We lift the group cap (`max_members=OPEN`) so that growth is not
    simply stopped at 500.
    """),
    code(r'''
DAYS = 150
growth = runs(DAYS, max_members=OPEN)
members = growth.pivot(index="step", columns="seed", values="members")
median = members.median(axis=1)

fig, ax = plt.subplots()
ax.plot(members.index, members, color="#1f77b4", alpha=0.25, linewidth=1)
ax.plot(median.index, median, color="#1f77b4", linewidth=3, label="median of 8 runs")
start = median.iloc[0]
for factor in [10, 100]:
    ax.axhline(start * factor, color="grey", linestyle=":")
    ax.text(0, start * factor * 1.08, f"{factor} x the founders", color="grey")
ax.set_yscale("log")
ax.set_xlabel("day")
ax.set_ylabel("members (log scale)")
ax.set_title("Baseline group, cap lifted: members over time")
ax.legend()
plt.show()
'''),
    code(r'''
growth_factor = median.iloc[-1] / start
tenfold = median[median >= 10 * start]
tenfold_day = int(tenfold.index[0]) if len(tenfold) else None
last_members = final(growth, "members")
reach = final(growth, "unique_reach").median()
say(f"""**What the model says.** From {start:.0f} founders the median group has
{median.iloc[-1]:.0f} members after {DAYS} days: it grew **{growth_factor:.0f}x** (the 8 runs
end between {last_members.min():.0f} and {last_members.max():.0f}). """ + (
    f"It took {tenfold_day} days to reach ten times the founders: 'one to ten' takes "
    f"{'months' if tenfold_day > 60 else 'weeks'}, not days. " if tenfold_day is not None else
    f"It did not reach ten times the founders within {DAYS} days. ") +
    f"Its shares reached {reach:,.0f} different people, about "
    f"{reach / median.iloc[-1]:.0f} for every member.")
'''),
    md("""
    Who brought whom? `recruitment_tree()` returns a networkx graph rooted at `"organiser"`
    (who invited the founders); `members_frame()` has one row per person who ever joined, with
    `generation` (0 = founder, 1 = brought by a founder, ...) and `recruits`.
    """),
    code(r'''
model = CommunityModel(rng=3, max_members=OPEN)
model.run(DAYS)
people = model.members_frame()
tree = model.recruitment_tree()
day = model.to_frame().iloc[-1]


def tree_layout(tree, root="organiser"):
    """A tidy tree: leaves side by side, each parent above the middle of its children."""
    pos, next_leaf = {}, [0]

    def place(node, depth):
        children = list(tree.successors(node))
        if children:
            xs = [place(child, depth + 1) for child in children]
            x = sum(xs) / len(xs)
        else:
            x = next_leaf[0]
            next_leaf[0] += 1
        pos[node] = (x, -depth)
        return x

    place(root, 0)
    return pos


fig, ax = plt.subplots(figsize=(12, 4.5))
pos = tree_layout(tree)
colours = ["red" if n == "organiser" else ("#1f77b4" if tree.nodes[n]["alive"] else "#bbbbbb")
           for n in tree.nodes]
nx.draw_networkx_edges(tree, pos, ax=ax, arrows=False, width=0.5, alpha=0.5)
nx.draw_networkx_nodes(tree, pos, ax=ax, node_size=8, node_color=colours)
ax.set_title(f"Recruitment tree of one run after {DAYS} days "
             "(red: organiser, blue: still a member, grey: gone)")
ax.set_ylabel("generation (down = later)")
plt.show()
'''),
    code(r'''
per_generation = people.generation.value_counts().sort_index()
recruits = people.recruits

fig, (left, right) = plt.subplots(1, 2)
left.bar(per_generation.index, per_generation.values)
left.set_xlabel("generation (0 = founders)")
left.set_ylabel("people who joined")
left.set_title("How many joined in each generation")
counts = recruits.value_counts().sort_index()
right.bar(counts.index, counts.values, color="#ff7f0e")
right.set_yscale("log")
right.set_xlabel("people this member brought in")
right.set_ylabel("members (log scale)")
right.set_title("Recruits per member")
plt.tight_layout()
plt.show()
'''),
    code(r'''
share_none = (recruits == 0).mean()
top_recruiter = int(recruits.max())
peak_generation = int(per_generation.idxmax())
say(f"""**What the model says.** The tree of this run is {int(day.generations)} generations
deep. **{share_none:.0%} of the {len(people)} people who ever joined brought in nobody**;
the members who recruited anyone brought {day.recruits_per_recruiter:.1f} each on average,
and the best recruiter brought {top_recruiter}. The largest generation is number
{peak_generation} with {per_generation.max()} people. 'One to ten, ten to a hundred' is not
every member bringing ten: it is a few members bringing a few, generation after generation.""")
'''),
    code(r'''
assert growth_factor > 5, "the baseline group should multiply, not just add"
assert share_none > 0.5, "most members should recruit nobody"
assert day.recruits_per_recruiter < 10, "recruiters bring a few each, not ten"
assert day.generations >= 4, "recruitment chains should be several generations deep"
'''),
    md("""
    ## 3. When does spread die out?

    The `pure-cascade` preset is the textbook *independent cascade*: each member shares once,
    each friend sees it with probability `reach_probability` and always joins. With about 100
    friends (`friends_mean`), each member brings in on average
    **R = reach_probability × friends_mean** new members.
    We start from a *single* member (one enthusiastic fan), in a market of 5,000 to keep it
    fast, for 40 days, 10 seeds per value of R. A cascade *takes off* if it reaches 100
    members.

    Branching-process theory says: below R = 1 every cascade dies out; above it a cascade
    survives with probability *s*, the solution of *s = 1 − exp(−R s)*.
    """),
    code(r'''
R_VALUES = [0.5, 0.8, 1.2, 1.6, 2.0]
TAKEOFF = 100
cascade_rows = []
FRIENDS_MEAN = PARAMETERS["friends_mean"].default
for R in R_VALUES:
    frame = runs(40, "pure-cascade", seeds=range(10), reach_probability=R / FRIENDS_MEAN,
                 initial_members=1, market_size=5_000)
    for seed, size in final(frame, "members").items():
        cascade_rows.append({"R": R, "seed": seed, "final_members": size})
cascades = pd.DataFrame(cascade_rows)
took_off = cascades.assign(up=cascades.final_members >= TAKEOFF).groupby("R").up.mean()


def survival(R, iterations=500):
    """Chance that a branching process with Poisson(R) offspring never dies out."""
    s = 0.9
    for _ in range(iterations):
        s = 1 - np.exp(-R * s)
    return s if R > 1 else 0.0


grid = np.linspace(0.4, 2.2, 100)
fig, (left, right) = plt.subplots(1, 2)
left.plot(grid, [survival(r) for r in grid], color="black", label="theory")
left.plot(took_off.index, took_off.values, "o", markersize=9, label="model, 10 runs")
left.axvline(1, color="grey", linestyle=":")
left.set_xlabel("R = new members per member")
left.set_ylabel(f"share of runs reaching {TAKEOFF} members")
left.legend()
right.scatter(cascades.R + np.random.default_rng(0).uniform(-0.05, 0.05, len(cascades)),
              cascades.final_members, alpha=0.6)
right.axhline(TAKEOFF, color="grey", linestyle=":")
right.set_yscale("log")
right.set_xlabel("R")
right.set_ylabel("members after 40 days (log)")
right.set_title("Every run, from one member")
plt.tight_layout()
plt.show()
'''),
    code(r'''
below = cascades[cascades.R < 1]
say(f"""**What the model says.** With R below 1 none of the {len(below)} cascades took off
(the largest reached {below.final_members.max()} members). Above the threshold, the share
that took off was {took_off[1.2]:.0%} at R = 1.2, {took_off[1.6]:.0%} at R = 1.6 and
{took_off[2.0]:.0%} at R = 2 (theory: {survival(1.2):.0%}, {survival(1.6):.0%},
{survival(2.0):.0%}). Even above the threshold many cascades die after a few shares:
**most cascades are small**, and a lucky few make the 'one to ten, ten to a hundred'.""")
'''),
    code(r'''
assert took_off[took_off.index < 1].max() == 0, "below R = 1 no cascade should take off"
assert took_off[1.6] >= 0.3 and took_off[2.0] >= 0.3, "above R = 1 cascades should often take off"
assert took_off[1.2] < 1, "near the threshold some cascades should still die out"
'''),
    md("""
    The same threshold holds in the full model, where members share on many days with a
    probability that rises with their engagement (`share_probability` is the daily chance at
    engagement 0.5). Below some sharing rate the group shrinks instead of growing:
    """),
    code(r'''
DEFAULT_SHARE = PARAMETERS["share_probability"].default
SHARE_VALUES = [round(DEFAULT_SHARE * f, 4) for f in (0.1, 0.25, 1.0)]  # the default, and less
sweep = {s: final(runs(120, seeds=range(6), max_members=OPEN, share_probability=s), "members")
         for s in SHARE_VALUES}
sweep = pd.DataFrame(sweep)
ax = sweep.boxplot()
ax.axhline(FOUNDERS, color="red", linestyle=":", label=f"{FOUNDERS} founders")
ax.set_yscale("log")
ax.set_xlabel("share_probability")
ax.set_ylabel("members after 120 days (log)")
ax.legend()
plt.show()
medians = sweep.median()
say(f"""**What the model says.** With `share_probability` = {SHARE_VALUES[0]} (a tenth of the
default) the median group ends with {medians.iloc[0]:.0f} members — fewer than the
{FOUNDERS} founders: the spread dies out and people drift away. At a quarter of the default
({SHARE_VALUES[1]}) it ends with {medians.iloc[1]:.0f}, at the default ({SHARE_VALUES[-1]})
with {medians.iloc[-1]:.0f}. 'One to ten' needs members who share often enough.""")
assert medians.iloc[0] < FOUNDERS, "with rare sharing the group should shrink"
assert medians.iloc[-1] > 3 * FOUNDERS, "with the default sharing it should multiply"
'''),
    md("""
    ## Exercises

    **1. More friends, more reach?** Change `FRIENDS_EX` (and `MARKET_EX`) and run the cell.
    Does doubling the number of friends double the number of different people reached? Why
    not?
    """),
    code(r'''
FRIENDS_EX = 200      # try 50, 200, 400
MARKET_EX = 20_000    # try 5_000, 50_000
exposures, reach = share_once(MARKET_EX, friends=FRIENDS_EX)
print(f"{GROUP} x {FRIENDS_EX} = {GROUP * FRIENDS_EX:,} on paper; "
      f"model: {exposures:,} exposures, {reach:,} different people ({reach / exposures:.0%})")
'''),
    md("""
    **2. Find the threshold.** Change `SHARE_EX` (here a fraction of the default sharing
    rate). Around which value does the group stop shrinking? What else could you change to
    bring a group back above the threshold (look at `join_probability` and
    `reach_probability`)?
    """),
    code(r'''
SHARE_EX = 0.3 * DEFAULT_SHARE   # try 0.1, 0.2, 0.3, 0.5 times the default
ex = runs(120, seeds=range(3), max_members=OPEN, share_probability=SHARE_EX)
print(f"share_probability = {SHARE_EX:.4f}: members after 120 days per seed:",
      final(ex, "members").tolist())
'''),
    md("""
    **3. Start with more fans.** At R = 1.2, a single member's cascade often dies. Change
    `START_EX`, the number of founding members. How does the chance of taking off change?
    Compare with theory: with *n* independent starters it is *1 − (1 − s)ⁿ*.
    """),
    code(r'''
START_EX = 3          # try 1, 3, 10
R_EX = 1.2
ex = runs(40, "pure-cascade", seeds=range(10), reach_probability=R_EX / FRIENDS_MEAN,
          initial_members=START_EX, market_size=5_000)
up = (final(ex, "members") >= TAKEOFF).mean()
print(f"{START_EX} starters, R = {R_EX}: {up:.0%} took off; "
      f"theory {1 - (1 - survival(R_EX)) ** START_EX:.0%}")
'''),
]

# =========================================================================== lesson 2
LESSON_2 = [
    md("""
    # Lesson 2 — A weak centre, and what happens when the organiser leaves

    **Learning goals.** After this lesson you can

    * tell a star around the organiser from a weakly centred network, and measure the
      difference with *degree centralization*;
    * measure how "self-running" a group is: the organiser's share of all content over time;
    * explain the trade-off: a strong centre can grow a group fast, but the group then depends
      on its centre.

    **The question.** The second source text says:

    > "Social marketing is a network structure, everyone has a voice, everyone is the subject
    > of communication, is a process of weakening the centre, but does not mean that there is
    > no centre. The community builder and organizer, is the centre of the community."

    > "The great feature of community marketing is that community members can create and
    > share information on their own, thus realising the self-operation of community
    > marketing. This can make the cost of the enterprise to be reduced significantly."

    Is a weak centre better than a strong one? And can a group run itself when its organiser
    leaves?
    """),
    md(HOW_TO),
    code(SETUP + r'''
import networkx as nx
from circlesim import Member
'''),
    md("""
    ## 1. Three ways to run a group

    We compare three presets. Read their own descriptions:
    """),
    code(r'''
ARMS = {"strong centre": "strong-centre", "weak centre": "baseline",
        "self-running": "self-running"}
COLOURS = {"strong centre": "#d62728", "weak centre": "#1f77b4", "self-running": "#2ca02c"}
for label, preset in ARMS.items():
    scenario = load_scenario(preset)
    print(f"{label.upper()} ({preset}): {scenario.title}")
    print("   changes:", scenario.parameters or "none (the defaults)")
'''),
    md("""
    What do the two networks look like? One run of each, on day 60. Each dot is a member,
    coloured by engagement (yellow = enthusiastic, purple = indifferent); the red dot is the
    organiser.
    """),
    code(r'''
def draw_group(model, ax, title):
    graph = model.network.G
    engagement = {m.unique_id: m.engagement for m in model.agents_by_type[Member]}
    organiser = [a.unique_id for a in model.agents if not isinstance(a, Member)]
    graph = graph.subgraph(list(engagement) + organiser)
    pos = nx.spring_layout(graph, seed=1, iterations=60)
    nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.15, width=0.6)
    nodes = list(engagement)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_size=25, cmap="viridis",
                           node_color=[engagement[n] for n in nodes], vmin=0, vmax=1)
    nx.draw_networkx_nodes(graph, pos, nodelist=organiser, ax=ax, node_size=150,
                           node_color="red")
    ax.set_title(title)
    ax.axis("off")


fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, label in zip(axes, ["strong centre", "weak centre"]):
    model = CommunityModel(scenario=ARMS[label], rng=1)
    model.run(60)
    c = model.to_frame().centralization.iloc[-1]
    draw_group(model, ax, f"{label}: {model.to_frame().members.iloc[-1]} members, "
                          f"centralization {c:.2f}")
plt.show()
'''),
    md("""
    ## 2. Growth, centralization and the organiser's share of content

    Each arm for 120 days, 8 seeds, cap lifted. A second copy of each arm has the organiser
    stop everything — posting, answering, paying — on day 60 (`organiser_stops_at=60`).
    """),
    code(r'''
DAYS, STOP = 120, 60
stays = {label: runs(DAYS, preset, max_members=OPEN) for label, preset in ARMS.items()}
leaves = {label: runs(DAYS, preset, max_members=OPEN, organiser_stops_at=STOP)
          for label, preset in ARMS.items()}


def window(frame, column, first, last):
    """Mean of `column` over days first..last, one number per seed."""
    part = frame[(frame.step >= first) & (frame.step <= last)]
    return part.groupby("seed")[column].mean()


STAYS = f"members on day {DAYS}, organiser stays"
LEAVES = f"members on day {DAYS}, organiser leaves on day {STOP}"
EARLY = "organiser share of content, days 1-30"
LATE = f"organiser share of content, days {DAYS - 29}-{DAYS}"
summary = pd.DataFrame({label: {
    "centralization": final(stays[label], "centralization").mean(),
    EARLY: window(stays[label], "organiser_content_share", 1, 30).mean(),
    LATE: window(stays[label], "organiser_content_share", DAYS - 29, DAYS).mean(),
    STAYS: final(stays[label], "members").mean(),
    LEAVES: final(leaves[label], "members").mean(),
    "spend so far": final(stays[label], "spend").mean(),
    "cost per member": final(stays[label], "cost_per_member").mean(),
} for label in ARMS})
summary.loc["members lost because the organiser left"] = \
    1 - summary.loc[LEAVES] / summary.loc[STAYS]
summary.round(2)
'''),
    code(r'''
fig, (left, right) = plt.subplots(1, 2)
for label in ARMS:
    share = daily_mean(stays[label], "organiser_content_share").rolling(7, min_periods=1).mean()
    left.plot(share.index, share, color=COLOURS[label], label=label)
    cost = daily_mean(stays[label], "cost_per_member")
    right.plot(cost.index, cost, color=COLOURS[label], label=label)
left.set_xlabel("day")
left.set_ylabel("organiser's share of content (7-day mean)")
left.set_title("Who speaks in the group?")
left.legend()
right.set_xlabel("day")
right.set_ylabel("spend so far / everyone who joined")
right.set_title("Cost per member")
right.set_yscale("log")
plt.tight_layout()
plt.show()
'''),
    code(r'''
self_run = summary["self-running"]
say(f"""**What the model says.** In the star every member is tied to the organiser:
centralization {summary.loc["centralization", "strong centre"]:.2f} (1 = a perfect star),
against {summary.loc["centralization", "weak centre"]:.2f} in the weakly centred baseline.
In the self-running group the organiser writes {self_run[EARLY]:.0%} of the content in the
first month but only **{self_run[LATE]:.0%} in the last month**: members have taken over the
talking, and the cost per member has fallen from
{daily_mean(stays["self-running"], "cost_per_member").iloc[30]:.1f} on day 30 to
{self_run["cost per member"]:.1f} on day {DAYS}.""")
'''),
    md("""
    ## 3. The organiser leaves on day 60
    """),
    code(r'''
fig, ax = plt.subplots()
for label in ARMS:
    ax.plot(daily_mean(stays[label], "members"), color=COLOURS[label],
            label=f"{label}: organiser stays")
    ax.plot(daily_mean(leaves[label], "members"), color=COLOURS[label], linestyle="--",
            label=f"{label}: organiser leaves")
ax.axvline(STOP, color="grey", linestyle=":")
ax.text(STOP + 1, ax.get_ylim()[1] * 0.9, "organiser stops", color="grey")
ax.set_xlabel("day")
ax.set_ylabel("members (mean of 8 runs)")
ax.legend(fontsize=8)
plt.show()
'''),
    code(r'''
lost = summary.loc["members lost because the organiser left"]
strong, weak = summary["strong centre"], summary["weak centre"]
say(f"""**What the model says.** Honest first: a busy organiser at the centre of a star grows
the group fastest here — {strong[STAYS]:.0f} members after {DAYS} days against
{weak[STAYS]:.0f} for the weak centre — but it spends {strong["spend so far"]:,.0f}
against {weak["spend so far"]:,.0f}. Weakening the centre is not the fastest way to grow.
Its advantage shows when the centre goes away: the star then ends **{lost["strong centre"]:.0%}
smaller** than if the organiser had stayed, the weakly centred baseline {lost["weak centre"]:.0%}
smaller, and the self-running group {abs(lost["self-running"]):.0%}
{"smaller" if lost["self-running"] >= 0 else "larger"}. A group whose members talk, reply and
answer each other does not need its centre to survive.""")
'''),
    code(r'''
assert strong["centralization"] > 0.9 > 0.5 > weak["centralization"], "star vs weak centre"
assert strong[STAYS] > weak[STAYS], "the busy star grows fastest while its organiser stays"
assert self_run[LATE] < self_run[EARLY] - 0.2, "members take over the talking"
assert self_run[LATE] < 0.2, "the organiser writes little of the content late on"
assert self_run["cost per member"] < daily_mean(stays["self-running"], "cost_per_member").iloc[30]
assert self_run["spend so far"] < strong["spend so far"], "self-running costs less than a star"
assert lost["strong centre"] > lost["self-running"] + 0.2, "the star depends more on its centre"
assert lost["strong centre"] > lost["weak centre"], "the star loses more than the weak centre"
'''),
    md("""
    ## Exercises

    **1. A star without a busy organiser.** The `organiser-leaves` preset asks: "Try it with
    `centre_strength = 1` as well." Change `CENTRE_EX` and compare members on day 120.
    """),
    code(r'''
CENTRE_EX = 1.0       # try 0.0, 0.3 (the default), 1.0
ex = runs(DAYS, "organiser-leaves", seeds=range(3), max_members=OPEN, centre_strength=CENTRE_EX)
print(f"centre_strength = {CENTRE_EX}: members on day {DAYS}, organiser gone since day 60:",
      final(ex, "members").round().tolist(),
      f"centralization {final(ex, 'centralization').mean():.2f}")
'''),
    md("""
    **2. How much self-help is enough?** In the weakly centred baseline with the organiser
    leaving on day 60, raise `HELP_EX` (members answering each other's complaints) and
    `REPLY_EX` (members replying to posts). Which matters more for surviving without the
    organiser?
    """),
    code(r'''
HELP_EX, REPLY_EX = 0.05, 0.25    # defaults; try (0.3, 0.25) and (0.05, 0.4)
ex = runs(DAYS, "organiser-leaves", seeds=range(3), max_members=OPEN,
          member_help=HELP_EX, reply_probability=REPLY_EX)
print(f"member_help = {HELP_EX}, reply_probability = {REPLY_EX}: mean members on day {DAYS}: "
      f"{final(ex, 'members').mean():.0f}, mean engagement {final(ex, 'mean_engagement').mean():.2f}")
'''),
    md("""
    **3. Leaving early.** Change `STOP_EX`, the day the organiser of the self-running group
    stops. Does a group that has had only 10 or 20 days with its organiser run itself too?
    """),
    code(r'''
STOP_EX = 20          # try 5, 20, 60
ex = runs(DAYS, "self-running", seeds=range(3), max_members=OPEN, organiser_stops_at=STOP_EX)
print(f"self-running, organiser stops on day {STOP_EX}: members on day {DAYS}:",
      final(ex, "members").round().tolist())
'''),
]

# =========================================================================== lesson 3
LESSON_3 = [
    md("""
    # Lesson 3 — Emotional marketing and complaints

    **Learning goals.** After this lesson you can

    * describe emotional contagion in the model: each post a member reads pulls its engagement
      a little toward the post's tone;
    * show, with the contagion switched on and off, how engagement drives sharing and growth —
      and that contagion carries bad moods as well as good ones;
    * explain how unanswered complaints spread a negative tone and drive people out, and what
      fast answers (by the organiser or by members) change.

    **The question.** The second source text says:

    > "Community emotional marketing refers to the community within the community can give
    > people the value, interesting emotions, prompting the group because the people are
    > infected, and then continue to increase the group members."

    and, about complaints:

    > "communication is smooth to reduce complaints and report unpleasant information, when the
    > user product or service project has a problem, a short period of time through the
    > community to solve their difficulties, on the other hand, rapid response is very easy to
    > get customer recognition."

    Do "infected" members grow the group? Do fast answers keep people in?
    """),
    md(HOW_TO),
    code(SETUP),
    md("""
    ## 1. Emotional contagion on and off

    Four arms, 100 days, 8 seeds, cap lifted: the baseline, the baseline with contagion off,
    the `emotional-campaign` preset (a warm, frequent campaign) and a *cold* campaign
    (`campaign_tone=0.2`). Their settings:
    """),
    code(r'''
EMOTION_KNOBS = ["contagion", "campaign_tone", "organiser_posts"]
pd.DataFrame({
    "contagion off": settings("baseline", *EMOTION_KNOBS, contagion=0.0),
    "baseline": settings("baseline", *EMOTION_KNOBS),
    "emotional campaign": settings("emotional-campaign", *EMOTION_KNOBS),
    "cold campaign": settings("baseline", *EMOTION_KNOBS, campaign_tone=0.2),
}).T
'''),
    code(r'''
DAYS = 100
EMOTION = {
    "contagion off": runs(DAYS, max_members=OPEN, contagion=0.0),
    "baseline": runs(DAYS, max_members=OPEN),
    "emotional campaign": runs(DAYS, "emotional-campaign", max_members=OPEN),
    "cold campaign": runs(DAYS, max_members=OPEN, campaign_tone=0.2),
}
fig, (left, right) = plt.subplots(1, 2)
for label, frame in EMOTION.items():
    left.plot(daily_mean(frame, "mean_engagement"), label=label)
    right.plot(daily_mean(frame, "members"), label=label)
left.set_xlabel("day")
left.set_ylabel("mean engagement of members")
left.legend()
right.set_xlabel("day")
right.set_ylabel("members (mean of 8 runs)")
right.set_yscale("log")
plt.tight_layout()
plt.show()
'''),
    code(r'''
emotion = pd.DataFrame({label: {
    "mean engagement": final(frame, "mean_engagement").mean(),
    f"shares in {DAYS} days": frame.groupby("seed").shares.sum().mean(),
    "members": final(frame, "members").mean(),
} for label, frame in EMOTION.items()}).T
emotion.round(3)
'''),
    code(r'''
on, off = emotion.loc["baseline"], emotion.loc["contagion off"]
warm, cold = emotion.loc["emotional campaign"], emotion.loc["cold campaign"]
say(f"""**What the model says.** With contagion on, members end with mean engagement
{on["mean engagement"]:.2f} instead of {off["mean engagement"]:.2f}; engaged members share
more ({on[f"shares in {DAYS} days"]:.0f} shares instead of {off[f"shares in {DAYS} days"]:.0f}), and
the group ends **{on["members"] / off["members"]:.1f}x as large** ({on["members"]:.0f} vs
{off["members"]:.0f} members). A warm, frequent campaign multiplies this: {warm["members"]:.0f}
members. But contagion is not magic: it pulls people toward the tone of what they read, so a
cold campaign ends with {cold["members"]:.0f} members, {cold["members"] / on["members"]:.0%}
of the baseline. The effect per post is small (each post read moves engagement
{PARAMETERS["contagion"].default:.0%} of the way to its tone); it is the many posts, every day,
that add up.""")
'''),
    code(r'''
assert on["mean engagement"] > off["mean engagement"] + 0.02, "contagion should raise engagement"
assert on["members"] > 1.3 * off["members"], "infected members should grow the group"
assert on[f"shares in {DAYS} days"] > off[f"shares in {DAYS} days"], "engaged members share more"
assert warm["members"] > on["members"], "a warm campaign should grow it more"
assert cold["members"] < on["members"], "a cold tone spreads too"
'''),
    md("""
    ## 2. Rapid response vs slow support

    Members hit problems (`problem_probability`: a small daily chance) and post a complaint.
    Until it is answered the complaint is read by the complainer's neighbours as a negative
    post, and the complainer is more likely to leave. Four arms, 8 seeds:

    * `rapid-response`: the organiser answers many complaints a day, at once;
    * `baseline`: a few a day, after a short delay;
    * `slow-support`: one a day, a week late, and members rarely help;
    * slow support **with helpful members** (`member_help=0.3`): the organiser is still slow,
      but members answer each other.
    """),
    code(r'''
SUPPORT_KNOBS = ["answer_capacity", "answer_delay", "member_help", "problem_probability"]
pd.DataFrame({
    "rapid response": settings("rapid-response", *SUPPORT_KNOBS),
    "baseline": settings("baseline", *SUPPORT_KNOBS),
    "slow support": settings("slow-support", *SUPPORT_KNOBS),
    "slow, members help": settings("slow-support", *SUPPORT_KNOBS, member_help=0.3),
}).T
'''),
    code(r'''
SUPPORT = {
    "rapid response": runs(DAYS, "rapid-response", max_members=OPEN),
    "baseline": EMOTION["baseline"],
    "slow support": runs(DAYS, "slow-support", max_members=OPEN),
    "slow, members help": runs(DAYS, "slow-support", max_members=OPEN, member_help=0.3),
}


def leave_rate(frame):
    """People who left per 1,000 member-days, one number per seed."""
    by_seed = frame.groupby("seed")
    return 1000 * by_seed.left.sum() / by_seed.members.sum()


support = pd.DataFrame({label: {
    "open complaints (mean, day 30 on)": frame[frame.step >= 30].complaints_open.mean(),
    "days to answer": frame.mean_answer_delay.mean(),
    "answered by members": frame.groupby("seed").member_answers.sum().mean(),
    "left per 1,000 member-days": leave_rate(frame).mean(),
    "mean engagement": final(frame, "mean_engagement").mean(),
    "members": final(frame, "members").mean(),
} for label, frame in SUPPORT.items()}).T
support.round(2)
'''),
    code(r'''
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
for label, frame in SUPPORT.items():
    axes[0].plot(daily_mean(frame, "complaints_open").rolling(7, min_periods=1).mean(), label=label)
axes[0].set_xlabel("day")
axes[0].set_ylabel("open complaints (7-day mean)")
axes[0].legend(fontsize=8)
support["left per 1,000 member-days"].plot.barh(ax=axes[1], color="#d62728")
axes[1].set_xlabel("left per 1,000 member-days")
support["members"].plot.barh(ax=axes[2], color="#1f77b4")
axes[2].set_xlabel(f"members on day {DAYS}")
plt.tight_layout()
plt.show()
'''),
    code(r'''
fast, slow = support.loc["rapid response"], support.loc["slow support"]
helped = support.loc["slow, members help"]
key = "open complaints (mean, day 30 on)"
say(f"""**What the model says.** With rapid response complaints wait
{fast["days to answer"]:.1f} days and on average {fast[key]:.1f} are open at a time; with slow
support they wait {slow["days to answer"]:.1f} days and **{slow[key]:.1f} are open**. While they
wait, complainers leave: {slow["left per 1,000 member-days"]:.1f} people leave per 1,000
member-days against {fast["left per 1,000 member-days"]:.1f}, and the slow group ends with
{slow["members"]:.0f} members instead of {fast["members"]:.0f}. The source text is right —
and the community itself can be the rapid response: with helpful members the slow organiser's
group has only {helped[key]:.1f} open complaints ({helped["answered by members"]:.0f} answered
by members) and ends with {helped["members"]:.0f} members.""")
'''),
    code(r'''
assert slow[key] > 3 * fast[key] + 1, "slow support should pile up open complaints"
assert slow["days to answer"] > fast["days to answer"] + 3
leaving = "left per 1,000 member-days"
assert slow[leaving] > 1.1 * fast[leaving], "waiting drives people out"
assert slow["members"] < fast["members"]
assert helped[key] < slow[key] / 2, "members' answers should replace the slow organiser"
'''),
    md("""
    ## 3. How unanswered complaints spread

    An open complaint does not only hurt the complainer: every neighbour who reads it sees a
    post of tone 0 and loses a little engagement (contagion again). Each dot below is one run
    of the arms above. Does a run with more open complaints end with a cooler group, and lose
    more people?
    """),
    code(r'''
dots = pd.concat([pd.DataFrame({
    "arm": label,
    "open complaints": frame[frame.step >= 30].groupby("seed").complaints_open.mean(),
    "mean engagement": final(frame, "mean_engagement"),
    "left per 1,000 member-days": leave_rate(frame),
}) for label, frame in SUPPORT.items()])
fig, (left, right) = plt.subplots(1, 2)
for label, part in dots.groupby("arm", sort=False):
    left.scatter(part["open complaints"], part["mean engagement"], label=label)
    right.scatter(part["open complaints"], part["left per 1,000 member-days"], label=label)
left.set_xlabel("open complaints (mean, day 30 on)")
left.set_ylabel(f"mean engagement on day {DAYS}")
left.legend(fontsize=8)
right.set_xlabel("open complaints (mean, day 30 on)")
right.set_ylabel("left per 1,000 member-days")
plt.tight_layout()
plt.show()
r_engagement = dots["open complaints"].corr(dots["mean engagement"])
r_leaving = dots["open complaints"].corr(dots["left per 1,000 member-days"])
cool = support["mean engagement"]


def strength(r):
    return "strong" if abs(r) >= 0.5 else ("moderate" if abs(r) >= 0.3 else "weak")


say(f"""**What the model says.** Arm by arm, the answer is yes: with slow support the group's
mean engagement ends at **{cool["slow support"]:.3f}**, against {cool["rapid response"]:.3f}
with rapid response and {cool["baseline"]:.3f} in the baseline — open complaints are read as
negative posts and cool everyone who sees them, not only the complainers. Run by run the link
is {strength(r_engagement)} (correlation {r_engagement:+.2f} with final engagement,
{r_leaving:+.2f} with leaving, over {len(dots)} runs)""" + (
    ": even single runs with more open complaints end cooler." if r_engagement <= -0.5 else
    ": a few unanswered complaints are a small force next to everything else that happens in "
    "a group. That is why we compare arms run with the same seeds, several times, rather than "
    "single runs."))
assert cool["slow support"] < min(cool["rapid response"], cool["baseline"]), \
    "unanswered complaints should cool the group"
'''),
    md("""
    ## Exercises

    **1. How late is too late?** Change `DELAY_EX`, the days before the organiser answers
    (with one answer a day and no help from members). At which delay do open complaints start
    piling up?
    """),
    code(r'''
DELAY_EX = 3          # try 0, 1, 3, 7, 14
ex = runs(DAYS, seeds=range(3), max_members=OPEN, answer_capacity=1, answer_delay=DELAY_EX,
          member_help=0.0)
print(f"answer_delay = {DELAY_EX}: open complaints (day 30 on) "
      f"{ex[ex.step >= 30].complaints_open.mean():.1f}, left per 1,000 member-days "
      f"{leave_rate(ex).mean():.1f}, members {final(ex, 'members').mean():.0f}")
'''),
    md("""
    **2. A worse product.** Raise `PROBLEM_EX`, the daily chance that a member hits a problem.
    Can rapid response keep up? Compare `rapid-response` with `slow-support`. If a group with
    *more* problems does better, look up the *service recovery paradox*: why can a problem
    solved quickly make a more loyal customer than no problem at all?
    """),
    code(r'''
PROBLEM_EX = 0.02     # try 0.005, 0.01, 0.02, 0.05
for preset in ["rapid-response", "slow-support"]:
    ex = runs(DAYS, preset, seeds=range(3), max_members=OPEN, problem_probability=PROBLEM_EX)
    print(f"{preset:15} problem_probability = {PROBLEM_EX}: members {final(ex, 'members').mean():.0f}, "
          f"engagement {final(ex, 'mean_engagement').mean():.2f}")
'''),
    md("""
    **3. How contagious?** Change `CONTAGION_EX` (the pull of each post read) and `TONE_EX`
    (the organiser's tone). Is a strong contagion good news for an organiser with a lukewarm
    tone of 0.5?
    """),
    code(r'''
CONTAGION_EX, TONE_EX = 0.05, 0.5   # try contagion 0, 0.02, 0.05, 0.1 with tone 0.5 or 0.9
ex = runs(DAYS, seeds=range(3), max_members=OPEN, contagion=CONTAGION_EX, campaign_tone=TONE_EX)
print(f"contagion = {CONTAGION_EX}, campaign_tone = {TONE_EX}: members {final(ex, 'members').mean():.0f}, "
      f"engagement {final(ex, 'mean_engagement').mean():.2f}")
'''),
]

# =========================================================================== lesson 4
LESSON_4 = [
    md("""
    # Lesson 4 — Interest replacement and participation inequality

    **Learning goals.** After this lesson you can

    * describe interest replacement (pruning): every 30 days the organiser removes members who
      contributed nothing and invites replacements from the niche;
    * measure what it changes: the share of active members, engagement, and who is lost;
    * measure participation inequality: lurkers, contributors and heavy contributors against
      Nielsen's 90-9-1 rule, the Gini coefficient and the Lorenz curve of posts.

    **The question.** The second source text says:

    > "This form of community marketing wants to survive and develop in the long term, it is
    > necessary to make each member of the group produce value and contribute to the
    > community. The specific method can be the replacement of people who cannot produce value.
    > Both enhance the vitality of the group, but also to ensure the integrity of the
    > community."

    Does removing those who add nothing keep a group alive? And can every member "produce
    value" at all, when online groups are famously unequal?
    """),
    md(HOW_TO),
    code(SETUP + r'''
from circlesim import Member
'''),
    md("""
    ## 1. Pruning on and off

    The baseline against the `interest-replacement` preset, 180 days, 12 seeds, with the normal
    group cap. Every `prune_interval` days the organiser removes members whose contributions in
    the last `value_window` days are below `prune_threshold` — at most `prune_fraction` of the
    group — and invites as many people from the niche. An *active* member posted, replied,
    shared or answered a complaint within the last `value_window` days.
    """),
    code(r'''
settings("interest-replacement", "pruning", "prune_interval", "prune_fraction",
         "prune_threshold", "value_window", "max_members")
'''),
    code(r'''
DAYS = 180
PAIRS = range(12)   # the effect is small: a few more seeds than usual
kept = runs(DAYS, seeds=PAIRS)
pruned = runs(DAYS, "interest-replacement", seeds=PAIRS)
ARMS = {"no pruning (baseline)": kept, "interest replacement": pruned}
for frame in ARMS.values():
    frame["active_share"] = frame.active_members / frame.members.clip(lower=1)

fig, axes = plt.subplots(1, 3, figsize=(13, 4))
for label, frame in ARMS.items():
    axes[0].plot(daily_mean(frame, "active_share"), label=label)
    axes[1].plot(daily_mean(frame, "mean_engagement"), label=label)
    axes[2].plot(daily_mean(frame, "members"), label=label)
for ax in axes:
    interval = settings("interest-replacement", "prune_interval")["prune_interval"]
    for day in range(interval, DAYS + 1, interval):
        ax.axvline(day, color="grey", linestyle=":", linewidth=0.8)
    ax.set_xlabel("day (dotted: pruning rounds)")
axes[0].set_ylabel("share of members active")
axes[1].set_ylabel("mean engagement")
axes[2].set_ylabel("members")
axes[0].legend(fontsize=8)
plt.tight_layout()
plt.show()
'''),
    code(r'''
def window(frame, column, first):
    """Mean of `column` from day `first` to the end, one number per seed."""
    return frame[frame.step >= first].groupby("seed")[column].mean()


LATE = DAYS - 60
INTERVAL = settings("interest-replacement", "prune_interval")["prune_interval"]
ROUNDS = [day for day in range(2 * INTERVAL, DAYS + 1, INTERVAL)]   # pruning days from the 2nd on


def on_rounds(frame, column):
    """Mean of `column` on pruning days, one number per seed."""
    return frame[frame.step.isin(ROUNDS)].groupby("seed")[column].mean()


compare = pd.DataFrame({label: {
    "active share on pruning days": on_rounds(frame, "active_share").mean(),
    f"active share (days {LATE}-{DAYS})": window(frame, "active_share", LATE).mean(),
    f"mean engagement (days {LATE}-{DAYS})": window(frame, "mean_engagement", LATE).mean(),
    "members removed by pruning": frame.groupby("seed").pruned.sum().mean(),
    "members who left on their own": frame.groupby("seed").left.sum().mean(),
    f"members on day {DAYS}": final(frame, "members").mean(),
    "cost per member": final(frame, "cost_per_member").mean(),
} for label, frame in ARMS.items()})
compare.round(3)
'''),
    code(r'''
a_key, e_key = f"active share (days {LATE}-{DAYS})", f"mean engagement (days {LATE}-{DAYS})"
r_key = "active share on pruning days"
on, off = compare["interest replacement"], compare["no pruning (baseline)"]
paired = on_rounds(pruned, "active_share") - on_rounds(kept, "active_share")
say(f"""**What the model says.** On pruning days the share of active members is
**{on[r_key]:.1%}** with interest replacement against {off[r_key]:.1%} without it (higher in
{(paired > 0).sum()} of {len(paired)} paired runs): the organiser has just removed members who
contributed nothing. Between rounds the share sinks back (the saw-tooth in the chart);
averaged over the last two months it is {on[a_key]:.1%} against {off[a_key]:.1%}
({100 * (on[a_key] - off[a_key]):+.1f} points). Mean engagement is {on[e_key]:.3f} against
{off[e_key]:.3f}. So the claim holds in a narrow sense: pruning makes the group more active
on the day it is done and a little more engaged, at the cost of
{on["members removed by pruning"]:.0f} people per run who might have shared later; and
{1 - on[a_key]:.0%} of the members still contributed nothing in the last window. The next
section shows why: inequality of participation is built into the group.""")
'''),
    code(r'''
assert on[r_key] > off[r_key], "pruning should raise the share of active members"
assert on[e_key] > off[e_key], "pruning should raise mean engagement"
assert on["members removed by pruning"] > 0
assert on[a_key] < 0.95, "even with pruning many members stay inactive"
'''),
    md("""
    ## 2. Lurkers, contributors, heavy contributors: the 90-9-1 rule

    Jakob Nielsen's rule of thumb for online communities: about 90 % of users never post
    (*lurkers*), 9 % post now and then, 1 % post most of the content. The model counts a
    member who posted at least twice and on average once a week as a *heavy contributor*.
    The model has no 90-9-1 built in: each member's activity is drawn from a heavy-tailed
    (log-normal) distribution, and posting also rises with engagement.
    """),
    code(r'''
split = pd.DataFrame({
    "model (baseline, day 180)": [final(kept, column).mean() for column in
                                  ["lurker_share", "contributor_share", "heavy_share"]],
    "90-9-1 rule": [0.90, 0.09, 0.01],
}, index=["lurkers", "contributors", "heavy contributors"])
ax = split.plot.bar(rot=0)
ax.set_ylabel("share of members")
ax.set_title("Who posts?")
plt.show()
split.round(3)
'''),
    md("""
    ## 3. The Lorenz curve and the Gini coefficient

    Sort the members from the fewest posts to the most and plot the share of all posts written
    by the bottom *x* % of members: that is the **Lorenz curve**. If everybody posted the same,
    it would be the diagonal. The **Gini coefficient** is twice the area between the diagonal
    and the curve: 0 = perfect equality, near 1 = a few write everything. We compute it by hand
    from `members_frame()` and check it against the model's own `participation_gini`.
    """),
    code(r'''
model = CommunityModel(rng=0)
model.run(DAYS)
people = model.members_frame()
posts = np.sort(people.loc[people.status == "member", "posts"].to_numpy(dtype=float))
n = posts.size
lorenz_x = np.arange(n + 1) / n
lorenz_y = np.concatenate([[0], np.cumsum(posts)]) / posts.sum()
area_under = np.sum((lorenz_y[1:] + lorenz_y[:-1]) / 2) / n  # trapezoids
gini_by_hand = 1 - 2 * area_under
gini_model = model.to_frame().participation_gini.iloc[-1]
top1 = posts[-max(1, int(np.ceil(0.01 * n))):].sum() / posts.sum()

fig, ax = plt.subplots(figsize=(5.5, 5))
ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="everyone posts the same")
ax.plot(lorenz_x, lorenz_y, linewidth=2, label=f"the group on day {DAYS} (Gini {gini_by_hand:.2f})")
ax.fill_between(lorenz_x, lorenz_y, lorenz_x, alpha=0.15)
ax.set_xlabel("share of members, fewest posts first")
ax.set_ylabel("share of all member posts")
ax.legend()
plt.show()
'''),
    code(r'''
model_split = split["model (baseline, day 180)"]
posters = 1 - model_split["lurkers"]
health = ("in line with" if posters < 0.25 else "more than in") + \
    " large health communities, where under a quarter of members ever post"
say(f"""**What the model says.** In the baseline **{model_split["lurkers"]:.0%} of members never
posted**, {model_split["contributors"]:.0%} posted now and then and
{model_split["heavy contributors"]:.1%} are heavy contributors: a strongly unequal group,
though less extreme than 90-9-1 ({posters:.0%} ever posted, {health}). In the run above the
top 1 % of members wrote **{top1:.0%} of all member posts** and the Gini coefficient of posts is
{gini_by_hand:.2f} (the model reports {gini_model:.2f}). "Make each member of the group produce
value" runs against this: most members never post, and removing every member who never posted
would remove {model_split["lurkers"]:.0%} of the group. Yet lurkers read, are moved by what
they read, and share.""")
'''),
    code(r'''
assert abs(gini_by_hand - gini_model) < 1e-6, "our Gini is the model's participation_gini"
assert model_split["lurkers"] > 0.5, "most members never post"
assert model_split["lurkers"] < 0.9, "fewer lurkers than the 90-9-1 rule says"
assert top1 > 0.4 and gini_by_hand > 0.8, "a few members write most posts"
shares_by_lurkers = people.loc[people.posts == 0, "shares"].sum() / people.shares.sum()
assert shares_by_lurkers > 0.2, "lurkers share too"
say(f"Lurkers made {shares_by_lurkers:.0%} of all shares to outside friends in this run.")
'''),
    md("""
    ## Exercises

    **1. A more equal group?** `activity_sigma` is the spread of the members' activity (the
    log-normal sigma). Make it smaller: how do the Gini coefficient and the lurker share change?
    """),
    code(r'''
SIGMA_EX = 1.0        # try 0.5, 1.0, 3.0 (the default is in PARAMETERS["activity_sigma"])
ex = runs(DAYS, seeds=range(3), activity_sigma=SIGMA_EX)
print(f"activity_sigma = {SIGMA_EX}: Gini {final(ex, 'participation_gini').mean():.2f}, "
      f"lurkers {final(ex, 'lurker_share').mean():.0%}, "
      f"top 1% write {final(ex, 'top1_post_share').mean():.0%} of posts")
'''),
    md("""
    **2. Prune harder.** Change `FRACTION_EX` (largest share removed per round) and
    `THRESHOLD_EX` (members with fewer contributions than this in 30 days may be removed).
    Does harder pruning keep raising the active share? What does it do to the group's size?
    """),
    code(r'''
FRACTION_EX, THRESHOLD_EX = 0.3, 2.0   # try (0.1, 1.0), (0.3, 2.0), (0.5, 5.0)
ex = runs(DAYS, "interest-replacement", seeds=range(3), prune_fraction=FRACTION_EX,
          prune_threshold=THRESHOLD_EX)
ex["active_share"] = ex.active_members / ex.members.clip(lower=1)
print(f"prune_fraction = {FRACTION_EX}, prune_threshold = {THRESHOLD_EX}: active share "
      f"{window(ex, 'active_share', LATE).mean():.1%}, pruned {ex.groupby('seed').pruned.sum().mean():.0f}, "
      f"members {final(ex, 'members').mean():.0f}")
'''),
    md("""
    **3. Who are the heavy contributors?** Use `model.agents_by_type[Member]` (the members of
    the run above) to compare the activity and engagement of the ten members with the most
    posts against the rest.
    """),
    code(r'''
TOP_EX = 10           # try 5, 20
members = sorted(model.agents_by_type[Member], key=lambda m: m.posts, reverse=True)
top, rest = members[:TOP_EX], members[TOP_EX:]
for name, group in [("top posters", top), ("the rest", rest)]:
    print(f"{name:12} mean activity {np.mean([m.activity for m in group]):6.2f}   "
          f"mean engagement {np.mean([m.engagement for m in group]):.2f}   "
          f"posts each {np.mean([m.posts for m in group]):.1f}")
'''),
]

# =========================================================================== lesson 5
LESSON_5 = [
    md("""
    # Lesson 5 — Community vs mass media

    **Learning goals.** After this lesson you can

    * compare two channels bought with the same money: cost per acquired member and per
      engaged member;
    * describe an adoption curve with the Bass model — *p*, innovation (people who adopt
      because of the advertising), and *q*, imitation (people who adopt because others did) —
      and fit it to data;
    * say when the community wins, and when mass media does.

    **The question.** The first source text claims:

    > "low cost. Note that low cost rather than free. Compared with traditional media
    > investment of millions of dollars, a good social platform is often a year's budget is
    > only hundreds of thousands"

    > "Although community marketing can not be compared with the mass media
    > pan-dissemination, but it reaches the precise target population"

    **How the model compares them.** Every run has a *mass-media arm*: each day it spends exactly
    what the community spent that day on ads (impressions at a price per 1,000, `media_cpm`)
    shown to the whole market. Each impression converts a person with probability
    `media_conversion` × their interest match, and adopters bring in others by word of mouth
    (a Bass model with imitation `media_imitation`), but there is no group, no replies and
    no sharing.
    """),
    md(HOW_TO),
    code(SETUP + r'''
from scipy.optimize import curve_fit
for name in ["media_cpm", "media_conversion", "media_imitation"]:
    print(f"{name:17} default {PARAMETERS[name].default!s:7} {PARAMETERS[name].help}")
'''),
    md("""
    ## 1. Cost per member for the same money

    The baseline for a year (365 days), 5 seeds, cap lifted so that the community can grow
    into its whole niche.
    """),
    code(r'''
YEAR = 365
year = runs(YEAR, seeds=range(5), max_members=OPEN)
year["ever_joined"] = year.groupby("seed").joined.cumsum()

costs = pd.DataFrame({f"day {d}": {
    "spend (each channel)": year[year.step == d].spend.mean(),
    "community: people acquired": year[year.step == d].ever_joined.mean(),
    "community: cost per acquired member": year[year.step == d].cost_per_member.mean(),
    "community: cost per engaged member": year[year.step == d].cost_per_engaged_member.mean(),
    "mass media: people acquired": year[year.step == d].media_members.mean(),
    "mass media: cost per acquired member": year[year.step == d].media_cost_per_member.mean(),
} for d in [90, 180, YEAR]})
costs.round(1)
'''),
    code(r'''
at = costs[f"day {YEAR}"]
bars = pd.Series({
    "community,\nper acquired member": at["community: cost per acquired member"],
    "community,\nper engaged member": at["community: cost per engaged member"],
    "mass media,\nper acquired member": at["mass media: cost per acquired member"],
})
ax = bars.plot.bar(rot=0, color=["#2ca02c", "#98df8a", "#7f7f7f"])
ax.set_ylabel("money per member")
ax.set_title(f"Same money, one year: cost per member")
plt.show()
ratio = at["mass media: cost per acquired member"] / at["community: cost per acquired member"]
say(f"""**What the model says.** In a year both channels spent {at["spend (each channel)"]:,.0f}.
The community acquired {at["community: people acquired"]:,.0f} people at
**{at["community: cost per acquired member"]:.1f} each** ({at["community: cost per engaged member"]:.1f}
per member who is engaged at the end); the same money on mass media acquired
{at["mass media: people acquired"]:,.0f} people at **{at["mass media: cost per acquired member"]:.1f}
each — {ratio:.0f} times as much**. The community's cost per member also falls over time
(from {costs.loc["community: cost per acquired member", "day 90"]:.1f} on day 90), because
members, not the organiser, do the recruiting.""")
assert ratio > 5, "for a niche product the community should be much cheaper per member"
per_member = "community: cost per acquired member"
assert at[per_member] < costs.loc[per_member, "day 90"], "the community gets cheaper over time"
assert at["mass media: cost per acquired member"] > at["community: cost per engaged member"]
'''),
    md("""
    ## 2. Adoption curves and the Bass model

    The Bass model (1969) describes how a new product spreads through a market of *M*
    potential adopters: each day a non-adopter adopts with hazard *p + q·(share already
    adopted)*. The cumulative number of adopters follows

    $$N(t) = M \\, \\frac{1 - e^{-(p+q)t}}{1 + (q/p)\\, e^{-(p+q)t}},$$

    an S-curve. Published averages over many products are *p* ≈ 0.03 and *q* ≈ 0.38 per year
    in the original studies (Sultan, Farley & Lehmann 1990); the model's mass-media arm uses
    `media_imitation` (printed at the top) as its *q* per **month**. We fit *M*, *p* and *q* to
    the mean adoption curve of each channel (people acquired beyond the founders) and report
    *p* and *q* per month.
    """),
    code(r'''
def bass(t, M, p, q):
    growth = np.exp(-(p + q) * t)
    return M * (1 - growth) / (1 + (q / p) * growth)


def fit_bass(curve):
    """Fit M, p, q (per day) to a cumulative adoption curve indexed by day."""
    t, y = curve.index.to_numpy(dtype=float), curve.to_numpy(dtype=float)
    (M, p, q), _ = curve_fit(bass, t, y, p0=[2 * y[-1] + 1, 1e-3, 0.03],
                             bounds=([max(y[-1], 1), 1e-8, 0], [1e7, 1, 1]), maxfev=20_000)
    fitted = bass(t, M, p, q)
    r2 = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
    return {"M": M, "p per month": 30 * p, "q per month": 30 * q, "R2": r2}


curves = {
    "community": year.groupby("step").ever_joined.mean() - FOUNDERS,
    "mass media": year.groupby("step").media_members.mean(),
}
fits = pd.DataFrame({name: fit_bass(curve) for name, curve in curves.items()}).T
fits.round(4)
'''),
    code(r'''
fig, (left, right) = plt.subplots(1, 2)
for (name, curve), colour in zip(curves.items(), ["#2ca02c", "#7f7f7f"]):
    f = fits.loc[name]
    t = curve.index.to_numpy(dtype=float)
    fitted = bass(t, f.M, f["p per month"] / 30, f["q per month"] / 30)
    left.plot(t, curve, color=colour, linewidth=4, alpha=0.4, label=f"{name} (model)")
    left.plot(t, fitted, color=colour, linestyle="--", label=f"{name} (Bass fit)")
    right.plot(t[1:], np.diff(curve.to_numpy()), color=colour, alpha=0.5)
    right.plot(t[1:], np.diff(fitted), color=colour, linestyle="--", label=name)
left.set_xlabel("day")
left.set_ylabel("people acquired so far")
left.legend(fontsize=8)
right.set_xlabel("day")
right.set_ylabel("people acquired per day")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()
'''),
    code(r'''
c, m = fits.loc["community"], fits.loc["mass media"]
say(f"""**What the model says.** Both curves are well described by the Bass model
(R² {c.R2:.3f} and {m.R2:.3f}). The community's curve is an S that after a year has reached
{curves["community"].iloc[-1] / c.M:.0%} of its fitted market of {c.M:,.0f} people (its niche),
and almost all of its growth is imitation —
*q* = {c["q per month"]:.2f} per month against *p* = {c["p per month"]:.4f}, a ratio of
{c["q per month"] / c["p per month"]:.0f}. The mass-media curve has the same imitation built in
(the fit finds *q* = {m["q per month"]:.2f} per month, the model uses
{PARAMETERS["media_imitation"].default}), but its innovation *p* = {m["p per month"]:.5f} per
month — what the ads buy — is {c["p per month"] / m["p per month"]:.0f} times smaller than the
community's: after a year it has only reached
{curves["mass media"].iloc[-1] / curves["community"].iloc[-1]:.0%} of the community's adopters.""")
'''),
    code(r'''
assert c.R2 > 0.98 and m.R2 > 0.95, "both adoption curves should be Bass-like"
assert c["q per month"] > 10 * c["p per month"], "community growth is driven by imitation"
assert abs(m["q per month"] - PARAMETERS["media_imitation"].default) < 0.15, \
    "the fit should recover the media arm's q"
assert c["p per month"] > m["p per month"]
assert curves["mass media"].iloc[-1] < curves["community"].iloc[-1]
'''),
    md("""
    ## 3. When mass media wins

    The community's advantage rests on precision: a niche interest, friends with similar
    interests, trust. Take that away — a generic product for everyone (`broad-targeting`: a
    much wider niche, each exposure converting less often) — and make impressions cheaper
    (`media_cpm`, the price of 1,000 impressions, at the default and at a fifth of it).
    180 days, 5 seeds per arm.
    """),
    code(r'''
KNOBS = ["niche_width", "join_probability", "media_cpm"]
print(pd.DataFrame({preset: settings(preset, *KNOBS) for preset in ["baseline", "broad-targeting"]}))
DEFAULT_CPM = PARAMETERS["media_cpm"].default
CPMS = [DEFAULT_CPM, DEFAULT_CPM / 5]
rows = []
for preset in ["baseline", "broad-targeting"]:
    for cpm in CPMS:
        frame = runs(180, preset, seeds=range(5), max_members=OPEN, media_cpm=cpm)
        rows.append({"market": preset, "media_cpm": cpm,
                     "community cost per member": final(frame, "cost_per_member").mean(),
                     "media cost per member": final(frame, "media_cost_per_member").mean()})
duel = pd.DataFrame(rows)
duel["cheaper"] = np.where(duel["media cost per member"] < duel["community cost per member"],
                           "mass media", "community")
duel.round(1)
'''),
    code(r'''
fig, axes = plt.subplots(1, 2, sharey=True)
for ax, (market, part) in zip(axes, duel.groupby("market")):
    ax.plot(part.media_cpm, part["community cost per member"], "o-", color="#2ca02c", label="community")
    ax.plot(part.media_cpm, part["media cost per member"], "s-", color="#7f7f7f", label="mass media")
    ax.set_xlabel("media_cpm (price of 1,000 impressions)")
    ax.set_title(market)
    ax.set_yscale("log")
axes[0].set_ylabel("cost per acquired member (log)")
axes[0].legend()
plt.tight_layout()
plt.show()
'''),
    code(r'''
get = duel.set_index(["market", "media_cpm"])
cheap = min(CPMS)
niche_default, niche_cheap = get.loc[("baseline", DEFAULT_CPM)], get.loc[("baseline", cheap)]
broad_default = get.loc[("broad-targeting", DEFAULT_CPM)]
broad_cheap = get.loc[("broad-targeting", cheap)]
say(f"""**What the model says.** For the niche product the community is cheaper """ + (
    "at every price tried" if niche_cheap["cheaper"] == "community" else "at the default price only") +
    f""": at a CPM of {cheap:g}, mass media costs {niche_cheap["media cost per member"]:.1f} per
member against {niche_cheap["community cost per member"]:.1f}. For a broad, generic product the
picture turns. The community's cost per member rises from {niche_default["community cost per member"]:.1f}
to {broad_default["community cost per member"]:.1f}, because its shares reach people who rarely
join, while mass media, which never relied on precision, costs
{broad_default["media cost per member"]:.1f} at the default CPM of {DEFAULT_CPM:g} ({broad_default["cheaper"]}
is cheaper) and **{broad_cheap["media cost per member"]:.1f} at a CPM of {cheap:g} —
{broad_cheap["cheaper"]} wins**. The source text's "low cost" is the cost of reaching a precise
circle; for everyone at once, buying reach can be the cheaper way.""")
assert niche_default["cheaper"] == "community", "with a niche, the community should win"
assert broad_cheap["cheaper"] == "mass media", "broad market, cheap ads: mass media should win"
assert broad_default["community cost per member"] > 2 * niche_default["community cost per member"]
'''),
    md("""
    ## Exercises

    **1. Better ads.** Change `CPM_EX` and `CONVERSION_EX` for the niche baseline. How good
    would the ads have to be for mass media to match the community?
    """),
    code(r'''
CPM_EX, CONVERSION_EX = 10.0, 0.0005   # try other prices and conversion rates
ex = runs(180, seeds=range(3), max_members=OPEN, media_cpm=CPM_EX, media_conversion=CONVERSION_EX)
print(f"media_cpm = {CPM_EX}, media_conversion = {CONVERSION_EX}: "
      f"community {final(ex, 'cost_per_member').mean():.1f} per member, "
      f"mass media {final(ex, 'media_cost_per_member').mean():.1f} per member")
'''),
    md("""
    **2. Paying for seeding.** The `viral-push` preset buys targeted exposures every day
    (see its settings below). Change `BUDGET_EX`: does paid seeding make the community's
    members cheaper or dearer? (Remember the mass-media arm always gets the same money.)
    """),
    code(r'''
print(settings("viral-push", "seeding_budget", "cost_per_seeded_exposure"))
BUDGET_EX = 50.0      # try 0, 10, 50, 200
ex = runs(120, "viral-push", seeds=range(3), max_members=OPEN, seeding_budget=BUDGET_EX)
print(f"seeding_budget = {BUDGET_EX}: members {final(ex, 'members').mean():.0f}, "
      f"spend {final(ex, 'spend').mean():,.0f}, community {final(ex, 'cost_per_member').mean():.1f} "
      f"per member, mass media {final(ex, 'media_cost_per_member').mean():.1f} per member")
'''),
    md("""
    **3. Fit Bass to another scenario.** Change `SCENARIO_EX` to another preset (see
    `list_scenarios()`) and compare its *p* and *q* with the baseline's.
    """),
    code(r'''
from circlesim import list_scenarios
print(list_scenarios())
SCENARIO_EX = "emotional-campaign"   # try "self-running", "niche-targeting", "viral-push"
ex = runs(YEAR, SCENARIO_EX, seeds=range(2), max_members=OPEN)
curve = ex.assign(ever=ex.groupby("seed").joined.cumsum()).groupby("step").ever.mean() - FOUNDERS
print(SCENARIO_EX, {k: round(v, 4) for k, v in fit_bass(curve).items()})
'''),
]

# =========================================================================== lesson 6
LESSON_6 = [
    md("""
    # Lesson 6 — Sweeps and sensitivity: which parameters matter most?

    **Learning goals.** After this lesson you can

    * explain why a stochastic model needs replications, and how many;
    * run a small parameter sweep and read it as a map (where does the group grow, where does
      it die?);
    * run a Morris screening (the *elementary effects* method) and rank the parameters by how
      much they move an outcome.

    **The question.** The source texts name many ingredients of success — low cost, two-way
    interaction, precision, fast spread, emotion, fast answers, interest replacement. The
    first text says:

    > "When you really master the method of community marketing, you will appreciate what is
    > called one to ten, ten to a hundred."

    Which of the model's levers does one have to *master* — which move the group's size most?
    """),
    md(HOW_TO),
    code(SETUP + r'''
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample
'''),
    md("""
    ## 1. Replications: one run is an anecdote

    The same parameters with different seeds give different groups, because who shares, who
    joins and who leaves is random. Eight runs of the baseline, 90 days:
    """),
    code(r'''
DAYS = 90
CAP = 1_000     # high enough to be rarely reached in 90 days, low enough to keep runs fast
repl = final(runs(DAYS, max_members=CAP), "members")
sd, mean = repl.std(), repl.mean()
fig, ax = plt.subplots(figsize=(8, 3))
ax.plot(repl.values, np.zeros(len(repl)), "o", markersize=10, alpha=0.6)
ax.set_yticks([])
ax.set_xlabel(f"members after {DAYS} days, 8 seeds")
plt.show()
say(f"""**What the model says.** Eight seeds end with {repl.min():.0f} to {repl.max():.0f}
members (mean {mean:.0f}, standard deviation {sd:.0f}, coefficient of variation
{sd / mean:.0%}). The standard error of a mean of *n* runs is sd/√n: with 8 runs
{sd / np.sqrt(8):.0f} members, with 32 runs {sd / np.sqrt(32):.0f}. To tell two settings apart,
their difference must be several standard errors.""")
assert repl.nunique() > 1, "different seeds should give different groups"
'''),
    md("""
    ## 2. A small sweep: sharing × joining

    Two levers of "one to ten": how often members share (`share_probability`) and how often an
    exposed person with a matching interest joins (`join_probability`), each from below to
    above its default. Four by three grid points, 3 seeds each, 90 days. (A bigger sweep is a
    job for the command line: see the end of the notebook.)
    """),
    code(r'''
def around_default(name, factors):
    """Values of a parameter at multiples of its default (kept within its allowed range)."""
    spec = PARAMETERS[name]
    return [round(min(spec.high, spec.default * f), 4) for f in factors]


SHARE = around_default("share_probability", [0.25, 0.5, 1, 1.5])
JOIN = around_default("join_probability", [0.4, 1, 1.6])
cells = []
for s in SHARE:
    for j in JOIN:
        sizes = final(runs(DAYS, seeds=range(3), max_members=CAP, share_probability=s,
                           join_probability=j), "members")
        cells.append({"share_probability": s, "join_probability": j, "members": sizes.median()})
grid = pd.DataFrame(cells).pivot(index="join_probability", columns="share_probability",
                                  values="members")

fig, ax = plt.subplots(figsize=(7, 4))
image = ax.imshow(np.log10(grid.clip(lower=1)), origin="lower", cmap="viridis", aspect="auto")
ax.grid(False)
ax.set_xticks(range(len(SHARE)), SHARE)
ax.set_yticks(range(len(JOIN)), JOIN)
for i in range(len(JOIN)):
    for k in range(len(SHARE)):
        value = grid.iloc[i, k]
        ax.text(k, i, f"{value:.0f}", ha="center", va="center",
                color="white" if np.log10(max(value, 1)) < np.log10(grid.values.max()) - 0.5
                else "black")
ax.set_xlabel("share_probability")
ax.set_ylabel("join_probability")
ax.set_title(f"Median members after {DAYS} days (colour: log scale; {FOUNDERS} founders)")
fig.colorbar(image, label="log10 members")
plt.show()
'''),
    code(r'''
shrinking = (grid < FOUNDERS).sum().sum()
say(f"""**What the model says.** Members after {DAYS} days range from {grid.values.min():.0f}
(rare sharing, rare joining) to {grid.values.max():.0f} (frequent both). In
{shrinking} of the {grid.size} grid points the group ends smaller than its {FOUNDERS} founders. The
two levers multiply: what matters is roughly their product — new members per member — and
below a threshold the group shrinks instead of growing.""")
assert shrinking >= 1, "rare sharing with rare joining should shrink the group"
assert grid.loc[max(JOIN), max(SHARE)] > 10 * grid.loc[min(JOIN), min(SHARE)]
by_share = np.log10(grid.clip(lower=1)).mean()   # mean over join_probability, per share value
assert by_share.iloc[-1] > by_share.iloc[0] + 0.5, "more sharing, more members"
'''),
    md("""
    ## 3. Morris screening: which parameters matter most?

    A grid over eight parameters would need thousands of runs. The **Morris method** moves one
    parameter at a time along random *trajectories* through the parameter space and records
    each step's *elementary effect* on the outcome. For each parameter:

    * **μ\\*** (mu-star), the mean absolute elementary effect: how much it matters;
    * **σ**, their standard deviation: how much its effect depends on the other parameters
      (interactions, non-linearity).

    With *k* parameters and *r* trajectories it takes *r (k + 1)* runs — here 4 × 9 = 36.
    Every run uses the same seed (common random numbers), so differences come from the
    parameters, not from luck. The outcome is log10 of the members after 90 days (growth is
    multiplicative, so a log scale compares fairly).
    """),
    code(r'''
def span(name, low, high):
    """A range from low to high times the parameter's default, within its allowed limits."""
    spec = PARAMETERS[name]
    return (max(spec.low, spec.default * low), min(spec.high, spec.default * high))


RANGES = {                             # low, high: plausible ranges around the defaults
    "share_probability": span("share_probability", 0.25, 2),
    "reach_probability": span("reach_probability", 0.5, 3),
    "join_probability": span("join_probability", 0.4, 1.6),
    "contagion": span("contagion", 0, 2.5),
    "campaign_tone": (0.3, 1.0),
    "centre_strength": (0.0, 1.0),
    "reply_probability": (0.05, 0.5),
    "problem_probability": (0.0, 0.02),
}
problem = {"num_vars": len(RANGES), "names": list(RANGES), "bounds": list(RANGES.values())}
design = morris_sample.sample(problem, N=4, num_levels=4, seed=1)
outcomes = []
for point in design:
    model = CommunityModel(rng=7, max_members=CAP, **dict(zip(RANGES, map(float, point))))
    model.run(DAYS)
    outcomes.append(model.to_frame().iloc[-1])
outcomes = pd.DataFrame(outcomes).reset_index(drop=True)
print(f"{len(design)} runs; members after {DAYS} days range from "
      f"{outcomes.members.min():.0f} to {outcomes.members.max():.0f}")
'''),
    code(r'''
def screen(values):
    """Morris indices of one outcome (one value per design row), sorted by mu*."""
    result = morris_analyze.analyze(problem, design, np.asarray(values, dtype=float),
                                    num_levels=4, seed=1)
    return pd.DataFrame({"mu_star": result["mu_star"], "sigma": result["sigma"],
                         "mu_star_conf": result["mu_star_conf"]},
                        index=problem["names"]).sort_values("mu_star", ascending=False)


ranking = screen(np.log10(outcomes.members + 1))
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
ranking.mu_star[::-1].plot.barh(ax=left, xerr=ranking.mu_star_conf[::-1], color="#1f77b4")
left.set_xlabel("mu* (effect on log10 members)")
left.set_title("Which parameters matter?")
right.scatter(ranking.mu_star, ranking.sigma)
for name, row in ranking.iterrows():
    right.annotate(name, (row.mu_star, row.sigma), fontsize=8)
right.plot([0, ranking.mu_star.max()], [0, ranking.mu_star.max()], color="grey", linestyle=":")
right.set_xlabel("mu* (importance)")
right.set_ylabel("sigma (interactions)")
right.set_title("Morris plot")
plt.tight_layout()
plt.show()
ranking.round(3)
'''),
    code(r'''
SPREAD = ["share_probability", "reach_probability", "join_probability"]
top = ranking.index[0]
spread_mean = ranking.loc[SPREAD, "mu_star"].mean()
other_mean = ranking.drop(SPREAD).mu_star.mean()
entangled = ranking.loc[SPREAD, "sigma"].mean() / spread_mean
say(f"""**What the model says.** The most influential parameter for the group's size is
**{top}** (μ\\* = {ranking.mu_star.iloc[0]:.2f}: moving it across its whole range multiplies
the final size by about {10 ** ranking.mu_star.iloc[0]:.0f} on average), followed by
{ranking.index[1]} and {ranking.index[2]}. The three levers of word of mouth — how often members
share, how many friends see a share, how many of those join — have a mean μ\\* of
{spread_mean:.2f}, {spread_mean / other_mean:.1f} times the mean of the other five
({other_mean:.2f}). Their σ is {entangled:.0%} of their μ\\*: """ + (
    "their effects depend on each other's values, as the sweep above showed. "
    if entangled > 0.5 else "their effects are roughly additive. ") +
    """"One to ten, ten to a hundred" is mostly a matter of these three; tone, contagion
and the network's centre matter, but less.""")
assert top in SPREAD, "a word-of-mouth lever should matter most"
assert spread_mean > 1.5 * other_mean, "word-of-mouth levers should dominate the screening"
'''),
    md("""
    ## 4. Bigger sweeps from the command line

    For sweeps with more points, more replications and several CPU cores, circlesim has a
    command (it writes Parquet files to a results folder and can resume):

    ```bash
    circlesim sweep --grid share_probability=0.03,0.06,0.12,0.18 \\
        --grid join_probability=0.02,0.05,0.08 --replications 10 --steps 90 --out /tmp/grid
    circlesim sweep --design morris --range share_probability=0.03:0.24 \\
        --range reach_probability=0.05:0.3 --range contagion=0:0.05 --samples 10 \\
        --steps 90 --out /tmp/morris
    ```

    `circlesim sweep --help` lists every option. The in-notebook loop above does the same on a
    small scale, so you can see every step.
    """),
    md("""
    ## Exercises

    **1. Another outcome, the same runs.** Morris needs no new runs to screen another outcome:
    change `OUTCOME_EX` to any column of `to_frame()` (for example `cost_per_member`,
    `mean_engagement`, `participation_gini`, `complaints_open`). Which parameters matter for it?
    """),
    code(r'''
OUTCOME_EX = "mean_engagement"   # try "cost_per_member", "participation_gini", "centralization"
print(screen(outcomes[OUTCOME_EX].fillna(0)).round(3))
'''),
    md("""
    **2. How many replications?** Change `N_EX` and compare the standard error of the mean
    final size with the difference you would like to detect.
    """),
    code(r'''
N_EX = 4              # try 2, 4, 8
ex = final(runs(DAYS, seeds=range(100, 100 + N_EX), max_members=CAP), "members")
print(f"{N_EX} runs: mean {ex.mean():.0f}, standard error {ex.std() / np.sqrt(N_EX):.0f} members")
'''),
    md("""
    **3. Screen a different horizon.** Does the ranking change over a shorter horizon? Change
    `DAYS_EX` (a small design of four parameters and two trajectories, 10 runs).
    """),
    code(r'''
DAYS_EX = 30          # try 30, 60, 150
small = {"num_vars": 4, "names": SPREAD + ["contagion"],
         "bounds": [RANGES[name] for name in SPREAD + ["contagion"]]}
small_design = morris_sample.sample(small, N=2, num_levels=4, seed=2)
small_outcome = []
for point in small_design:
    model = CommunityModel(rng=7, max_members=CAP, **dict(zip(small["names"], map(float, point))))
    model.run(DAYS_EX)
    small_outcome.append(np.log10(model.to_frame().members.iloc[-1] + 1))
result = morris_analyze.analyze(small, small_design, np.array(small_outcome), num_levels=4, seed=2)
print(pd.Series(result["mu_star"], index=small["names"]).sort_values(ascending=False).round(3))
'''),
]

LESSONS = {
    "01-one-to-ten.ipynb": LESSON_1,
    "02-weak-centre.ipynb": LESSON_2,
    "03-emotion-and-complaints.ipynb": LESSON_3,
    "04-interest-replacement-and-inequality.ipynb": LESSON_4,
    "05-community-vs-mass-media.ipynb": LESSON_5,
    "06-sweeps-and-sensitivity.ipynb": LESSON_6,
}


def build(cells) -> nbformat.NotebookNode:
    """A notebook without outputs, with stable cell ids."""
    nb = new_notebook(cells=cells)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:02d}"
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def _content(nb: nbformat.NotebookNode) -> list[tuple]:
    """What a lesson says: cell kinds, ids and sources (not the JSON layout of nbformat)."""
    return [(cell.cell_type, cell.get("id"), cell.source, cell.get("outputs", []),
             cell.get("execution_count")) for cell in nb.cells]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, cells in LESSONS.items():
        notebook = build(cells)
        text = nbformat.writes(notebook) + "\n"
        path = HERE / name
        if check:
            stored = nbformat.read(path, as_version=4) if path.exists() else None
            if stored is None or _content(stored) != _content(notebook):
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date (run python notebooks/make_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
