# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 2 — A weak centre, and what happens when the organiser leaves
#
# **Learning goals.** After this lesson you can
#
# * tell a star around the organiser from a weakly centred network, and measure the
#   difference with *degree centralization*;
# * measure how "self-running" a group is: the organiser's share of all content over time;
# * weigh the trade-off: a strong centre can grow a group fast, but the group may then depend
#   on its centre.
#
# **The question.** The second source text says:
#
# > "Social marketing is a network structure, everyone has a voice, everyone is the subject
# > of communication, is a process of weakening the centre, but does not mean that there is
# > no centre. The community builder and organizer, is the centre of the community."
#
# > "The great feature of community marketing is that community members can create and
# > share information on their own, thus realising the self-operation of community
# > marketing. This can make the cost of the enterprise to be reduced significantly."
#
# Is a weak centre better than a strong one? And can a group run itself when its organiser
# leaves?

# %% [markdown]
# **How to use this notebook.** Run the cells from top to bottom (*Shift + Enter*). Every
# comparison runs each arm once for each of the same 20 seeds, so you get the same numbers as
# your classmates and the arms differ only in the factor being compared. Numbers are given as
# a mean over the seeds with its **95% confidence interval (CI)**, and every chart shows that
# interval as a shaded band or error bars. The sentences headed *In these runs* are computed
# from the runs above them, and the `assert` cells check what the text says: if the model
# changes, the lesson stops with an error instead of telling you something false. The
# exercises at the end have a parameter to change; they run as they are.

# %%
import warnings
warnings.filterwarnings("ignore", message="IProgress not found")  # progress bars need ipywidgets

import networkx as nx
import pandas as pd
import matplotlib.pyplot as plt

from circlesim import CommunityModel, Member, load_scenario
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})

# %% [markdown]
# ## 1. Three ways to run a group
#
# We compare three presets. Read their own descriptions:

# %%
ARMS = {"strong centre": "strong-centre", "weak centre": "baseline",
        "self-running": "self-running"}
COLOURS = {"strong centre": "#d62728", "weak centre": "#1f77b4", "self-running": "#2ca02c"}
for label, preset in ARMS.items():
    scenario = load_scenario(preset)
    print(f"{label.upper()} ({preset}): {scenario.title}")
    print("   changes:", scenario.parameters or "none (the defaults)")

# %% [markdown]
# Each arm runs for 60 days, 20 seeds, cap lifted, in a market of 10,000 people (half the
# default, to keep the runs quick). A second copy of each arm has the organiser stop
# everything — posting, answering, paying — on day 30 (`organiser_stops_at=30`). The seeds
# are the same in every arm.

# %%
DAYS, STOP, MARKET = 60, 30, 10_000
stays = {label: kit.replicate(DAYS, preset, max_members=kit.OPEN, market_size=MARKET)
         for label, preset in ARMS.items()}
leaves = {label: kit.replicate(DAYS, preset, max_members=kit.OPEN, market_size=MARKET,
                               organiser_stops_at=STOP)
          for label, preset in ARMS.items()}
centralization = {label: kit.mean_ci(kit.final(stays[label], "centralization"))
                  for label in ARMS}

# %% [markdown]
# What do the networks look like? One run of each of the first two arms on day 30 (each dot a
# member, coloured by engagement: yellow = enthusiastic, purple = indifferent; the red dot is
# the organiser), and the centralization of all 20 runs on day 60 (1 = a perfect star).


# %%
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


fig, axes = kit.figure("A star and a weakly centred group", ncols=3, width=15)
for ax, label in zip(axes, ["strong centre", "weak centre"]):
    model = CommunityModel(scenario=ARMS[label], rng=1, market_size=MARKET)
    model.run(STOP)
    draw_group(model, ax, f"{label}: one run on day {STOP}")
kit.estimates_bar(axes[2], centralization, colors=[COLOURS[k] for k in ARMS])
kit.labels(axes[2], "degree centralization (mean of 20 runs, 95% CI)", "",
           f"All runs, day {DAYS}")
axes[2].set_ylabel("arm")
kit.show(fig)

# %% [markdown]
# ## 2. Who speaks, and what does it cost?

# %%
fig, (left, right) = kit.figure("Who speaks in the group, and what each member costs", ncols=2)
for label in ARMS:
    kit.band(left, stays[label], "organiser_content_share", label=label, color=COLOURS[label],
             smooth=7)
    kit.band(right, stays[label], "cost_per_member", label=label, color=COLOURS[label])
kit.labels(left, "day", "organiser's share of content (7-day mean)", "Organiser's share")
kit.labels(right, "day", "spend so far / everyone who joined", "Cost per member")
right.set_yscale("log")
kit.show(fig)

# %%
early = {label: kit.mean_ci(kit.window(stays[label], "organiser_content_share", 1, 30))
         for label in ARMS}
late = {label: kit.mean_ci(kit.window(stays[label], "organiser_content_share", DAYS - 29))
        for label in ARMS}
cost = {label: kit.mean_ci(kit.final(stays[label], "cost_per_member")) for label in ARMS}
spend = {label: kit.mean_ci(kit.final(stays[label], "spend")) for label in ARMS}
day30 = stays["self-running"].query("step == 30").set_index("seed").cost_per_member
cost_day30 = kit.mean_ci(day30)
fall_words = kit.direction(kit.difference(day30, kit.final(stays["self-running"],
                                                          "cost_per_member")),
                           "falls", "rises", "does not clearly change")
kit.say(f"""**In these runs.** In the star every member is tied to the organiser:
centralization {centralization["strong centre"]:.2f}, against
{centralization["weak centre"]:.2f} in the weakly centred baseline. In the self-running group
the organiser writes {early["self-running"]:.0%} of the content in the first month and
**{late["self-running"]:.0%} in the last month**. Its cost per member is {cost_day30:.1f} on
day 30 and {cost["self-running"]:.1f} on day {DAYS}: it {fall_words} over time. The star's
is {cost["strong centre"]:.1f} on day {DAYS}.""")

# %%
assert centralization["strong centre"].low > 0.9 > 0.5 > centralization["weak centre"].high

# %% [markdown]
# ## 3. The organiser leaves on day 30

# %%
fig, ax = kit.figure(f"The organiser stops on day {STOP}: members with and without the centre")
for label in ARMS:
    kit.band(ax, stays[label], "members", label=f"{label}: organiser stays",
             color=COLOURS[label])
    kit.band(ax, leaves[label], "members", label=f"{label}: organiser leaves",
             color=COLOURS[label], linestyle="--")
ax.axvline(STOP, color="grey", linestyle=":")
kit.labels(ax, "day", "members (mean of 20 runs, 95% CI)")
kit.show(fig)

# %%
members_stay = {label: kit.final(stays[label], "members") for label in ARMS}
members_leave = {label: kit.final(leaves[label], "members") for label in ARMS}
# share of members lost because the organiser left (same seeds: paired)
lost = {label: kit.ratio(members_stay[label] - members_leave[label], members_stay[label])
        for label in ARMS}
stay = {label: kit.mean_ci(members_stay[label]) for label in ARMS}
gap = kit.difference(members_stay["strong centre"], members_stay["weak centre"])
dependence = kit.difference(1 - members_leave["strong centre"] / members_stay["strong centre"],
                            1 - members_leave["self-running"] / members_stay["self-running"])
star_words = kit.direction(dependence, "depends more on its centre",
                           "depends less on its centre",
                           "depends on its centre about as much (no clear difference)")
kit.say(f"""**In these runs.** While the organiser stays, the busy star has
{stay["strong centre"]:.0f} members on day {DAYS} and the weak centre {stay["weak centre"]:.0f}
(difference {gap:.0f}); the star spends {spend["strong centre"]:,.0f} against
{spend["weak centre"]:,.0f}. When the organiser stops on day {STOP}, the star ends
**{lost["strong centre"]:.0%} smaller** than if the organiser had stayed, the weak centre
{lost["weak centre"]:.0%} and the self-running group {lost["self-running"]:.0%}
(negative = larger). The star {star_words} than the self-running group.""")

# %%
# without the organiser nobody posts for the organiser: its content share is 0 after it stops
for frame in leaves.values():
    assert (frame[frame.step > STOP].organiser_posts == 0).all()

# %% [markdown]
# **The claims atlas** on weakening the centre and on self-operation:

# %%
kit.say(kit.atlas_note("weak_centre"))
kit.say(kit.atlas_note("self_running"))
kit.say(kit.atlas_note("multi_directional"))

# %% [markdown]
# ## Exercises
#
# **2.1 A star without a busy organiser.** The `organiser-leaves` preset asks: "Try it with
# `centre_strength = 1` as well." Change `CENTRE_EX` and compare members on day 60 when the
# organiser leaves on day 30.

# %%
CENTRE_EX = 1.0       # try 0.0, 0.3 (the default), 1.0
ex = kit.replicate(DAYS, "baseline", seeds=range(3), max_members=kit.OPEN, market_size=MARKET,
                   organiser_stops_at=STOP, centre_strength=CENTRE_EX)
print(f"centre_strength = {CENTRE_EX}: members on day {DAYS}, 3 seeds:",
      kit.final(ex, "members").round().tolist(),
      f"centralization {kit.final(ex, 'centralization').mean():.2f}")

# %% tags=["teacher"]
star = kit.replicate(DAYS, "baseline", seeds=range(10), max_members=kit.OPEN,
                     market_size=MARKET, organiser_stops_at=STOP, centre_strength=1.0)
kit.answer("2.1", f"Members on day {DAYS} with centre_strength = 1, organiser gone on day "
           f"{STOP} (seeds 0-9):", kit.mean_ci(kit.final(star, "members")), ".0f",
           note=f"against {kit.mean_ci(members_leave['weak centre'][:10]).mean:.0f} for the "
                "default centre_strength 0.3 on the same seeds")

# %% [markdown]
# **2.2 Leaving early.** Change `STOP_EX`, the day the organiser of the self-running group
# stops. Does a group that has had only 5 or 15 days with its organiser run itself too?

# %%
STOP_EX = 15          # try 5, 15, 30
ex = kit.replicate(DAYS, "self-running", seeds=range(3), max_members=kit.OPEN,
                   market_size=MARKET, organiser_stops_at=STOP_EX)
print(f"self-running, organiser stops on day {STOP_EX}: members on day {DAYS}, 3 seeds:",
      kit.final(ex, "members").round().tolist())

# %% tags=["teacher"]
early_stop = kit.replicate(DAYS, "self-running", seeds=range(10), max_members=kit.OPEN,
                           market_size=MARKET, organiser_stops_at=15)
kit.answer("2.2", f"Self-running group, organiser stops on day 15: members on day {DAYS} "
           "(seeds 0-9):", kit.mean_ci(kit.final(early_stop, "members")), ".0f",
           note=f"stopping on day {STOP}: {kit.mean_ci(members_leave['self-running'][:10]).mean:.0f}")
