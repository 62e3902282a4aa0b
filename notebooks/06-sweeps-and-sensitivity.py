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
# # Lesson 6 — Sweeps and sensitivity: which parameters matter most?
#
# **Learning goals.** After this lesson you can
#
# * explain why a stochastic model needs replications, and how a 95% confidence interval
#   shrinks as you add them;
# * run a small parameter sweep and read it with its uncertainty;
# * run a Morris screening (the *elementary effects* method) and rank the parameters by how
#   much they move an outcome.
#
# **The question.** The source texts name many ingredients of success — low cost, two-way
# interaction, precision, fast spread, emotion, fast answers, interest replacement. The
# first text says:
#
# > "When you really master the method of community marketing, you will appreciate what is
# > called one to ten, ten to a hundred."
#
# Which of the model's levers move the group's size most?

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

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from circlesim import CommunityModel, PARAMETERS
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
FOUNDERS = PARAMETERS["initial_members"].default

# %% [markdown]
# ## 1. Replications: one run is an anecdote
#
# The same parameters with different seeds give different groups, because who shares, who
# joins and who leaves is random. Twenty runs of the baseline, 60 days, in a market of 10,000
# people (half the default, to keep the runs quick). Below: every run as a dot, and the mean
# of the first *n* runs with its 95% CI for growing *n*.

# %%
DAYS, SMALL = 60, 10_000
CAP = 1_000     # high enough to be rarely reached in 60 days, low enough to keep runs fast
base = kit.replicate(DAYS, max_members=CAP, market_size=SMALL)
repl = kit.final(base, "members")
N_VALUES = [3, 5, 10, 20]
by_n = [kit.mean_ci(repl.iloc[:n]) for n in N_VALUES]

fig, (left, right) = kit.figure(f"Twenty runs of the same baseline, {DAYS} days", ncols=2)
left.plot(repl.values, np.random.default_rng(0).uniform(-0.3, 0.3, len(repl)), "o",
          markersize=8, alpha=0.6)
left.set_ylim(-1, 1)
left.set_yticks([])
kit.labels(left, f"members after {DAYS} days", "runs (jittered)", "Every run")
kit.errorbars(right, N_VALUES, by_n, fmt="o")
kit.labels(right, "runs averaged (n)", "mean members (95% CI)", "The mean and its CI")
kit.show(fig)

# %%
sd = repl.std()
kit.say(f"""**In these runs.** Twenty seeds end with {repl.min():.0f} to {repl.max():.0f}
members (standard deviation {sd:.0f}, {sd / repl.mean():.0%} of the mean). The mean of all 20
is {by_n[-1]:.0f}; from the first 3 runs it would have been {by_n[0]:.0f}. The CI narrows
roughly as 1/√n: to tell two settings apart, compare them on the same seeds and look at
the CI of their difference.""")

# %%
assert repl.nunique() > 1, "different seeds give different groups"
assert by_n[-1].high - by_n[-1].low < by_n[0].high - by_n[0].low, "more runs, narrower CI"

# %% [markdown]
# ## 2. A small sweep: how often members share
#
# One lever of "one to ten": how often members share (`share_probability`): a quarter of its
# default, the default, and one and a half times it; 20 seeds per value, the same seeds at
# every value.
# (Bigger sweeps are a job for the command line: see section 4.)

# %%
DEFAULT_SHARE = PARAMETERS["share_probability"].default
FACTORS = [0.25, 1.0, 1.5]
sweep = {f: (base if f == 1.0 else
             kit.replicate(DAYS, max_members=CAP, market_size=SMALL,
                           share_probability=DEFAULT_SHARE * f))
         for f in FACTORS}
size = {f: kit.mean_ci(kit.final(frame, "members")) for f, frame in sweep.items()}
fig, ax = kit.figure(f"Members after {DAYS} days by how often members share")
kit.errorbars(ax, [DEFAULT_SHARE * f for f in FACTORS], list(size.values()))
ax.axhline(FOUNDERS, color="red", linestyle=":", label=f"{FOUNDERS} founders")
ax.set_yscale("log")
kit.labels(ax, "daily chance a visiting member shares", "members (mean of 20 runs, 95% CI)")
kit.show(fig)

# %%
shrinks = ("shrinks below its founders" if size[0.25].high < FOUNDERS else
           "does not clearly grow beyond its founders" if size[0.25].low <= FOUNDERS else
           "still grows, slowly")
kit.say(f"""**In these runs.** At a quarter of the default sharing rate the group ends with
{size[0.25]:.0f} members after {DAYS} days ({FOUNDERS} founders: it {shrinks}), at the default
with {size[1.0]:.0f} and at one and a half times the default with {size[1.5]:.0f}.""")

# %%
assert size[0.25].high < size[1.5].low, "more sharing, more members"

# %% [markdown]
# ## 3. Morris screening: which parameters matter most?
#
# A grid over four parameters would need thousands of runs. The **Morris method** moves one
# parameter at a time along random *trajectories* through the parameter space and records
# each step's *elementary effect* on the outcome. For each parameter:
#
# * **μ\*** (mu-star), the mean absolute elementary effect: how much it matters;
# * **σ**, their standard deviation: how much its effect depends on the other parameters.
#
# With *k* parameters and *r* trajectories it takes *r (k + 1)* runs — here 20 × 5 = 100.
# Each trajectory has its own seed (so the 20 trajectories are 20 seeds) and within a
# trajectory the seed is fixed, so each step's effect comes from the parameter, not from luck.
# The outcome is log10 of the members after 30 days, in a market of 5,000 people to keep
# the runs quick.

# %%
def span(name, low, high):
    """A range from low to high times the parameter's default, within its allowed limits."""
    spec = PARAMETERS[name]
    return (max(spec.low, spec.default * low), min(spec.high, spec.default * high))


RANGES = {                             # low, high: plausible ranges around the defaults
    "share_probability": span("share_probability", 0.25, 2),
    "reach_probability": span("reach_probability", 0.5, 3),
    "join_probability": span("join_probability", 0.4, 1.6),
    "contagion": span("contagion", 0, 2.5),
}
HUMAN = {"share_probability": "how often members share",
         "reach_probability": "friends who see a share",
         "join_probability": "exposed people who join",
         "contagion": "emotional contagion"}
TRAJECTORIES, K = 20, len(RANGES)
problem = {"num_vars": K, "names": list(RANGES), "bounds": list(RANGES.values())}
design = morris_sample.sample(problem, N=TRAJECTORIES, num_levels=4, seed=1)
outcomes = []
for row, point in enumerate(design):
    model = CommunityModel(rng=row // (K + 1), max_members=CAP, market_size=5_000,
                           **dict(zip(RANGES, map(float, point))))
    model.run(30)
    outcomes.append(model.to_frame().iloc[-1])
outcomes = pd.DataFrame(outcomes).reset_index(drop=True)
print(f"{len(design)} runs; members after 30 days range from "
      f"{outcomes.members.min():.0f} to {outcomes.members.max():.0f}")


# %%
def screen(values):
    """Morris indices of one outcome (one value per design row), sorted by mu*, with the
    95% CI of mu* (SALib's bootstrap over the trajectories)."""
    result = morris_analyze.analyze(problem, design, np.asarray(values, dtype=float),
                                    num_levels=4, seed=1)
    return pd.DataFrame({"mu_star": result["mu_star"], "sigma": result["sigma"],
                         "ci": result["mu_star_conf"]},
                        index=problem["names"]).sort_values("mu_star", ascending=False)


ranking = screen(np.log10(outcomes.members + 1))
mu = {HUMAN[name]: kit.Estimate(row.mu_star, row.mu_star - row.ci, row.mu_star + row.ci,
                                TRAJECTORIES) for name, row in ranking.iterrows()}
fig, ax = kit.figure("Morris screening: which parameters move the group's size?")
kit.estimates_bar(ax, mu, color="#1f77b4")
kit.labels(ax, "mu* (mean absolute effect on log10 members, 95% CI)", "parameter")
kit.show(fig)
ranking.round(3)

# %%
SPREAD = ["share_probability", "reach_probability", "join_probability"]
top = ranking.index[0]
spread_mean = ranking.loc[SPREAD, "mu_star"].mean()
other_mean = ranking.drop(SPREAD).mu_star.mean()
first = mu[HUMAN[top]]
kit.say(f"""**In these runs.** The most influential parameter for the group's size is
**{HUMAN[top]}** (`{top}`, μ\\* = {first:.2f}: moving it across its range multiplies the final
size by about {10 ** first.mean:.1f} on average), followed by {HUMAN[ranking.index[1]]} and
{HUMAN[ranking.index[2]]}. The three levers of word of mouth — how often members share, how
many friends see a share, how many of those join — have a mean μ\\* of {spread_mean:.2f},
against {other_mean:.2f} for emotional contagion. Note the width of the CIs: a ranking from 20
trajectories separates big effects from small ones, not neighbours.""")

# %%
assert ranking.loc[SPREAD, "mu_star"].max() > ranking.drop(SPREAD).mu_star.max(), \
    "a word-of-mouth lever matters most in this screening"

# %% [markdown]
# ## 4. Bigger sweeps from the command line
#
# For sweeps with more points, more replications and several CPU cores, circlesim has a
# command (it writes Parquet files to a results folder and can resume):
#
# ```bash
# circlesim sweep --grid share_probability=0.03,0.06,0.12,0.18 \
#     --grid join_probability=0.02,0.05,0.08 --replications 20 --steps 90 --out /tmp/grid
# circlesim sweep --design morris --range share_probability=0.03:0.24 \
#     --range reach_probability=0.05:0.3 --range contagion=0:0.05 --samples 10 \
#     --steps 90 --out /tmp/morris
# ```
#
# `circlesim sweep --help` lists every option.

# %% [markdown]
# ## Exercises
#
# **6.1 Another outcome, the same runs.** Morris needs no new runs to screen another outcome:
# change `OUTCOME_EX` to another column of `to_frame()` (for example `mean_engagement`,
# `participation_gini`, `cost_per_member`). Which parameters matter for it?

# %%
OUTCOME_EX = "mean_engagement"   # try "cost_per_member", "participation_gini"
print(screen(outcomes[OUTCOME_EX].fillna(0)).round(3))

# %% tags=["teacher"]
engagement_rank = screen(outcomes["mean_engagement"].fillna(0))
kit.answer("6.1", "The parameter with the largest μ* for mean engagement:",
           HUMAN[engagement_rank.index[0]],
           note=f"μ* = {engagement_rank.mu_star.iloc[0]:.3f} "
                f"(95% CI ± {engagement_rank.ci.iloc[0]:.3f})")

# %% [markdown]
# **6.2 How many replications?** Change `N_EX` and look at the width of the 95% CI of the
# mean final size. How many runs would you need to halve it?

# %%
N_EX = 5              # try 2, 5, 10, 20
print(f"{N_EX} runs: {kit.mean_ci(repl.iloc[:N_EX]):.0f} members")

# %% tags=["teacher"]
half = {n: kit.mean_ci(repl.iloc[:n]) for n in (5, 20)}
widths = {n: est.high - est.low for n, est in half.items()}
kit.answer("6.2", "Width of the 95% CI of the mean members from 5 runs, and from 20:",
           f"{half[5].high - half[5].low:.0f} and {half[20].high - half[20].low:.0f} members",
           note=f"the ratio of the widths is {widths[5] / widths[20]:.1f}; 1/√n predicts 2 "
                "for four times the runs")
