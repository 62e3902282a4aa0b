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
# # Lesson 5 — Community vs mass media
#
# **Learning goals.** After this lesson you can
#
# * compare two channels bought with the same money: cost per acquired member and per
#   engaged member;
# * describe an adoption curve with the Bass model — *p*, innovation (people who adopt
#   because of the advertising), and *q*, imitation (people who adopt because others did) —
#   and fit it to data;
# * say when the community is the cheaper channel, and when mass media is.
#
# **The question.** The first source text claims:
#
# > "low cost. Note that low cost rather than free. Compared with traditional media
# > investment of millions of dollars, a good social platform is often a year's budget is
# > only hundreds of thousands"
#
# > "Although community marketing can not be compared with the mass media
# > pan-dissemination, but it reaches the precise target population"
#
# **How the model compares them.** Every run has a *mass-media arm*: each day it spends exactly
# what the community spent that day on ads (impressions at a price per 1,000, `media_cpm`)
# shown to the whole market. Each impression converts a person with probability
# `media_conversion` × their interest match, and adopters bring in others by word of mouth
# (a Bass model with imitation `media_imitation`), but there is no group, no replies and
# no sharing.

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
from scipy.optimize import curve_fit

from circlesim import PARAMETERS
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
FOUNDERS = PARAMETERS["initial_members"].default
for name in ["media_cpm", "media_conversion", "media_imitation"]:
    print(f"{name:17} default {PARAMETERS[name].default!s:7} {PARAMETERS[name].help}")

# %% [markdown]
# ## 1. Cost per member for the same money
#
# The baseline for 150 days, 20 seeds, cap lifted so that the community can grow into its
# niche, in a market of 10,000 people (half the default, to keep the runs quick; the
# mass-media arm advertises to the same market). *Acquired* people are everyone who ever joined after day 0 (the community) or was
# converted (mass media).

# %%
DAYS, SMALL = 150, 10_000
QUICK = {"max_members": kit.OPEN, "market_size": SMALL}
runs = kit.replicate(DAYS, **QUICK)
runs["acquired"] = runs.groupby("seed").joined.cumsum()

fig, (left, right) = kit.figure(f"Same money, {DAYS} days: cost per member", ncols=2)
kit.band(left, runs, "cost_per_member", label="community, per acquired member",
         color="#2ca02c")
kit.band(left, runs[runs.step >= 30], "media_cost_per_member",
         label="mass media, per acquired member", color="#7f7f7f")
left.set_yscale("log")
kit.labels(left, "day", "money per member (log scale)", "Over time")
final_costs = {
    "community,\nper acquired member": kit.mean_ci(kit.final(runs, "cost_per_member")),
    "community,\nper engaged member": kit.mean_ci(kit.final(runs, "cost_per_engaged_member")),
    "mass media,\nper acquired member": kit.mean_ci(kit.final(runs, "media_cost_per_member")),
}
kit.estimates_bar(right, final_costs, horizontal=False,
                  colors=["#2ca02c", "#98df8a", "#7f7f7f"])
kit.labels(right, "channel", "money per member (mean, 95% CI)", f"On day {DAYS}")
kit.show(fig)

# %%
spend = kit.mean_ci(kit.final(runs, "spend"))
community, engaged, media = final_costs.values()
times = kit.ratio(kit.final(runs, "media_cost_per_member"), kit.final(runs, "cost_per_member"))
day60 = kit.mean_ci(runs.query("step == 60").cost_per_member)
fall = kit.difference(runs.query("step == 60").set_index("seed").cost_per_member,
                      kit.final(runs, "cost_per_member"))
fall_words = kit.direction(fall, "falls", "rises", "does not clearly change")
kit.say(f"""**In these runs.** In {DAYS} days both channels spent {spend:,.0f}. The community
acquired {kit.mean_ci(kit.final(runs, "acquired")):,.0f} people at **{community:.1f} each**
({engaged:.1f} per member engaged at the end); the same money on mass media acquired
{kit.mean_ci(kit.final(runs, "media_members")):,.0f} people at **{media:.1f} each**, that is
{times:.1f} times the community's cost. The community's cost per member on day 60 was
{day60:.1f}: it {fall_words} over time.""")

# %%
# cost per member is the spend so far divided by everyone who ever joined (founders included)
ever = kit.final(runs, "acquired") + (0 if runs.query("step == 0").joined.sum() else FOUNDERS)
assert np.allclose(kit.final(runs, "spend") / ever, kit.final(runs, "cost_per_member"))

# %% [markdown]
# ## 2. Adoption curves and the Bass model
#
# The Bass model (1969) describes how a new product spreads through a market of *M*
# potential adopters: each day a non-adopter adopts with hazard *p + q·(share already
# adopted)*. The cumulative number of adopters follows
#
# $$N(t) = M \, \frac{1 - e^{-(p+q)t}}{1 + (q/p)\, e^{-(p+q)t}},$$
#
# an S-curve. Published averages over many products are *p* ≈ 0.03 and *q* ≈ 0.38 per year
# (Sultan, Farley & Lehmann 1990); the model's mass-media arm uses `media_imitation` as its
# *q* per **month**. We fit *M*, *p* and *q* to the mean adoption curve of each channel and
# get their 95% CIs by refitting to 30 bootstrap resamples of the 20 seeds.


# %%
def bass(t, M, p, q):
    growth = np.exp(-(p + q) * t)
    return M * (1 - growth) / (1 + (q / p) * growth)


def fit_bass(curve):
    """Fit M, p, q (p and q per day) to a cumulative adoption curve indexed by day; M is at
    most the market (nobody outside it can adopt)."""
    t, y = curve.index.to_numpy(dtype=float), curve.to_numpy(dtype=float)
    (M, p, q), _ = curve_fit(bass, t, y, p0=[2 * y[-1] + 1, 1e-3, 0.03],
                             bounds=([max(y[-1], 1), 1e-8, 0], [SMALL, 1, 1]), max_nfev=2_000)
    r2 = 1 - np.sum((y - bass(t, M, p, q)) ** 2) / np.sum((y - y.mean()) ** 2)
    return {"M": M, "p": 30 * p, "q": 30 * q, "R2": r2}


wide = {"community": runs.pivot(index="step", columns="seed", values="acquired"),
        "mass media": runs.pivot(index="step", columns="seed", values="media_members")}
rng = np.random.default_rng(0)
resamples = [rng.integers(0, 20, 20) for _ in range(30)]
fits = {}
for name, table in wide.items():
    point = fit_bass(table.mean(axis=1))
    boot = pd.DataFrame([fit_bass(table.iloc[:, pick].mean(axis=1)) for pick in resamples])
    fits[name] = {key: kit.Estimate(point[key], *np.percentile(boot[key], [2.5, 97.5]), 20)
                  for key in point}
kit.table(fits, ".4g")

# %%
fig, ax = kit.figure(f"Adoption curves, {DAYS} days, with Bass fits")
for (name, table), colour in zip(wide.items(), ["#2ca02c", "#7f7f7f"]):
    frame = table.stack().rename("acquired").reset_index()
    kit.band(ax, frame, "acquired", label=f"{name} (model, 95% CI)", color=colour)
    f = fits[name]
    t = table.index.to_numpy(dtype=float)
    ax.plot(t, bass(t, f["M"].mean, f["p"].mean / 30, f["q"].mean / 30), color=colour,
            linestyle="--", label=f"{name} (Bass fit)")
kit.labels(ax, "day", "people acquired so far")
kit.show(fig)

# %%
c, m = fits["community"], fits["mass media"]
kit.say(f"""**In these runs.** The Bass model describes both curves (R² {c["R2"].mean:.3f} and
{m["R2"].mean:.3f}). The community's imitation is *q* = {c["q"]:.3f} per month and its
innovation *p* = {c["p"]:.4f}; the mass-media fit finds *q* = {m["q"]:.3f} (the model uses
{PARAMETERS["media_imitation"].default}) and *p* = {m["p"]:.5f} — what the ads buy each month.
After {DAYS} days mass media has acquired
{kit.ratio(kit.final(runs, "media_members"), kit.final(runs, "acquired")):.0%} as many people
as the community.""" + (
    f" The community's fitted *M* sits at its bound, the whole market of {SMALL:,}: its curve "
    "is still far from any ceiling after this time, so its *p* and *q* are rough."
    if c["M"].mean > 0.99 * SMALL else ""))

# %%
assert c["R2"].mean > 0.95 and m["R2"].mean > 0.9, "both adoption curves are Bass-like"

# %% [markdown]
# ## 3. When mass media wins
#
# The community's advantage rests on precision: a niche interest, friends with similar
# interests, trust. Take that away — a generic product for everyone (`broad-targeting`: a
# much wider niche, each exposure converting less often) — and make impressions cheaper
# (`media_cpm` at a fifth of the default). 90 days, the same 20 seeds; the niche baseline is
# read on day 90 of the runs above.

# %%
KNOBS = ["niche_width", "join_probability", "media_cpm"]
print(pd.DataFrame({preset: kit.settings(preset, *KNOBS)
                    for preset in ["baseline", "broad-targeting"]}))
SHORT = 90
DEFAULT_CPM = PARAMETERS["media_cpm"].default
CHEAP = DEFAULT_CPM / 5
niche = runs[runs.step <= SHORT]
broad = kit.replicate(SHORT, "broad-targeting", **QUICK)
broad_cheap = kit.replicate(SHORT, "broad-targeting", media_cpm=CHEAP, **QUICK)
duel = {
    f"niche, CPM {DEFAULT_CPM:g}": niche,
    f"broad, CPM {DEFAULT_CPM:g}": broad,
    f"broad, CPM {CHEAP:g}": broad_cheap,
}
gaps = {arm: kit.difference(kit.final(frame, "media_cost_per_member"),
                            kit.final(frame, "cost_per_member"))
        for arm, frame in duel.items()}
fig, (left, right) = kit.figure(f"Cost per acquired member on day {SHORT}", ncols=2)
kit.estimates_bar(left, {arm: kit.mean_ci(kit.final(f, "cost_per_member"))
                         for arm, f in duel.items()}, color="#2ca02c")
kit.labels(left, "money per member (mean, 95% CI)", "market and ad price", "Community")
kit.estimates_bar(right, {arm: kit.mean_ci(kit.final(f, "media_cost_per_member"))
                          for arm, f in duel.items()}, color="#7f7f7f")
kit.labels(right, "money per member (mean, 95% CI)", "market and ad price", "Mass media")
kit.show(fig)

# %%
words = {arm: kit.direction(gap, "the community is cheaper", "mass media is cheaper",
                            "neither is clearly cheaper") for arm, gap in gaps.items()}
kit.say("**In these runs** (mass media's cost per member minus the community's, same money, "
        "same seeds):\n\n" + "\n".join(f"* {arm}: {gap:+.1f} — **{words[arm]}**"
                                       for arm, gap in gaps.items()) +
        "\n\nIs the source text's \"low cost\" a property of the channel, or of reaching a "
        "precise circle? Compare the niche and the broad market.")

# %% [markdown]
# **The claims atlas** on low cost and precision:

# %%
kit.say(kit.atlas_note("low_cost"))

# %% [markdown]
# ## Exercises
#
# **5.1 Better ads.** Change `CONVERSION_EX` (the chance an impression converts a perfectly
# matched person) for the niche baseline. How good would the ads have to be for mass media to
# cost the same per member as the community?

# %%
CONVERSION_EX = 0.0005   # try 0.0002, 0.0005, 0.002 (default: PARAMETERS["media_conversion"])
ex = kit.replicate(SHORT, seeds=range(3), media_conversion=CONVERSION_EX, **QUICK)
print(f"media_conversion = {CONVERSION_EX}, 3 seeds: community "
      f"{kit.final(ex, 'cost_per_member').mean():.1f} per member, mass media "
      f"{kit.final(ex, 'media_cost_per_member').mean():.1f} per member")

# %% tags=["teacher"]
better = kit.replicate(SHORT, seeds=range(10), media_conversion=0.0005, **QUICK)
kit.answer("5.1", f"media_conversion 0.0005: mass media's cost per member on day {SHORT} "
           "(seeds 0-9):", kit.mean_ci(kit.final(better, "media_cost_per_member")), ".1f",
           note="community on the same seeds: "
                f"{kit.mean_ci(kit.final(better, 'cost_per_member')):.1f}")

# %% [markdown]
# **5.2 Paying for seeding.** The `viral-push` preset buys targeted exposures every day
# (see its settings below; the group keeps its normal cap of 500). Change `BUDGET_EX`: does
# paid seeding make the community's members cheaper or dearer? (The mass-media arm always
# gets the same money.)

# %%
print(kit.settings("viral-push", "seeding_budget", "cost_per_seeded_exposure"))
BUDGET_EX = 50.0      # try 0, 10, 50, 200
ex = kit.replicate(SHORT, "viral-push", seeds=range(3), seeding_budget=BUDGET_EX,
                   market_size=SMALL)
print(f"seeding_budget = {BUDGET_EX}, 3 seeds: members {kit.final(ex, 'members').mean():.0f}, "
      f"community {kit.final(ex, 'cost_per_member').mean():.1f} per member, "
      f"mass media {kit.final(ex, 'media_cost_per_member').mean():.1f} per member")

# %% tags=["teacher"]
push = kit.replicate(SHORT, "viral-push", seeds=range(10), seeding_budget=50.0,
                     market_size=SMALL)
normal_cap = kit.replicate(SHORT, seeds=range(10), market_size=SMALL)
kit.answer("5.2", f"viral-push with a budget of 50 a day: community cost per member on day "
           f"{SHORT} (seeds 0-9):", kit.mean_ci(kit.final(push, "cost_per_member")), ".1f",
           note="baseline without seeding, same seeds and cap: "
                f"{kit.mean_ci(kit.final(normal_cap, 'cost_per_member')):.1f}")
