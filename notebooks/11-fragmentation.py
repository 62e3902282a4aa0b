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
# # Lesson 11 — Fragmentation: many topics, and what they do to a group
#
# **Learning goals.** After this lesson you can
#
# * measure how fragmented a group's conversation is with the *topic entropy* of its posts
#   (in bits: 0 = every post on one topic; log2(12) ≈ 3.6 = posts spread evenly over the 12
#   topic bins);
# * trace a chain of consequences with one-factor contrasts: more diverse members → more
#   diverse posts → fewer posts relevant to each reader → fewer replies → engagement;
# * tell a diverse *market* from a diverse *group*: who may join decides what the group talks
#   about;
# * say whether "diverse, fragmented content" helps or hurts a group in these runs.
#
# **The question.** The second source text says:
#
# > "Because of the diversity of the community, the ability of community members to organise
# > and create information ... is a form of fragmentation. However, as long as it is used
# > wisely, the value of community marketing can be maximised."
#
# Is fragmentation a strength (something for everyone) or a cost (little that is relevant to
# anyone)?
#
# **In the model.** Potential members' interests cluster around a few topics
# (`topic_spread` is how far they scatter around each cluster); who joins depends on the
# interest match with the niche (`niche_width`). Members post on their own interest; a reader
# replies only to posts close to its interest (`relevance_width`).

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

from circlesim import PARAMETERS
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
SPREAD = PARAMETERS["topic_spread"].default
WIDTH = PARAMETERS["niche_width"].default
for name in ["niche_width", "topic_spread", "relevance_width"]:
    print(f"{name:15} default {PARAMETERS[name].default!s:6} {PARAMETERS[name].help}")

# %% [markdown]
# ## 1. A diverse group, and a diverse market
#
# Three arms, 90 days, the same 20 seeds, the normal cap, in a market of 10,000 people (half
# the default, to keep the runs quick). Each differs from the baseline in one factor:
#
# * the **baseline** (a narrow niche, `niche_width` = 0.06);
# * a **wide niche** (`niche_width` = 0.2): people far from the core interest may join, so the
#   members are diverse;
# * a **scattered market** (`topic_spread` × 4): the people outside are more diverse, but who
#   may join is the same narrow niche.

# %%
DAYS, SMALL = 90, 10_000
ARMS = {
    "baseline": kit.replicate(DAYS, market_size=SMALL),
    "wide niche": kit.replicate(DAYS, market_size=SMALL, niche_width=0.2),
    "scattered market": kit.replicate(DAYS, market_size=SMALL, topic_spread=SPREAD * 4),
}
for frame in ARMS.values():
    frame["replies_per_post"] = frame.replies / frame.posts.clip(lower=1)
COLOURS = ["#1f77b4", "#d62728", "#2ca02c"]
fig, axes = kit.figure("Diverse members: fragmentation of posts and its consequences", ncols=3,
                       width=15)
for (label, frame), colour in zip(ARMS.items(), COLOURS):
    kit.band(axes[0], frame[frame.step >= 7], "topic_entropy", label=label, color=colour,
             smooth=14)
    kit.band(axes[1], frame, "replies_per_post", label=label, color=colour, smooth=14)
    kit.band(axes[2], frame, "mean_engagement", label=label, color=colour)
kit.labels(axes[0], "day", "topic entropy of member posts (bits, 14-day mean)", "Fragmentation")
kit.labels(axes[1], "day", "replies per post (14-day mean)", "Replies")
kit.labels(axes[2], "day", "mean engagement of members", "Engagement")
kit.show(fig)

# %%
measures = {label: {
    "topic entropy (bits, last 30 days)": kit.window(frame, "topic_entropy", DAYS - 29),
    "replies per post (last 30 days)": kit.window(frame, "replies_per_post", DAYS - 29),
    "mean engagement, last day": kit.final(frame, "mean_engagement"),
    f"members on day {DAYS}": kit.final(frame, "members"),
    "member posts in all": kit.total(frame, "member_posts"),
} for label, frame in ARMS.items()}
kit.table({arm: {k: kit.mean_ci(v) for k, v in m.items()} for arm, m in measures.items()},
          ".3g")

# %%
base, wide, scattered = measures.values()
effects = {measure: kit.difference(wide[measure], base[measure]) for measure in base}
market = {measure: kit.difference(scattered[measure], base[measure]) for measure in base}
fig, axes = kit.figure("Each arm minus the baseline, same seeds (95% CI)", ncols=len(effects),
                       width=16, height=3.4)
for ax, measure in zip(axes, effects):
    kit.estimates_bar(ax, {"wide niche": effects[measure], "scattered\nmarket": market[measure]},
                      colors=COLOURS[1:])
    ax.axvline(0, color="black", linewidth=0.8)
    kit.labels(ax, "difference", "arm", measure)
kit.show(fig)

# %%
def line(measure, effect):
    return (f"* {measure}: {effect:+.3g} "
            f"({kit.direction(effect, 'higher', 'lower', 'no clear difference')})")


entropy_key = "topic entropy (bits, last 30 days)"
all_runs = pd.concat([pd.DataFrame({"entropy": m[entropy_key],
                                    "replies": m["replies per post (last 30 days)"]})
                      for m in measures.values()])
r = kit.correlation(all_runs.entropy, all_runs.replies)
kit.say("**In these runs.** A wide niche minus the baseline (same seeds):\n\n" +
        "\n".join(line(m, e) for m, e in effects.items()) +
        "\n\nA scattered market minus the baseline:\n\n" +
        "\n".join(line(m, e) for m, e in market.items()) +
        f"\n\nAcross all {r.n} runs, topic entropy and replies per post correlate at "
        f"r = {r:+.2f}: **{kit.strength(r)}**. Read the chain link by link: where a link's CI "
        "includes zero, these runs do not show that step.")

# %%
# topic entropy is measured over 12 topic bins: between 0 (one topic) and log2(12) bits
for frame in ARMS.values():
    assert frame.topic_entropy.between(0, np.log2(12) + 1e-9).all()

# %% [markdown]
# **The claims atlas** on fragmentation:

# %%
kit.say(kit.atlas_note("fragmentation"))

# %% [markdown]
# ## Exercises
#
# **11.1 Tolerance for other topics.** `relevance_width` is how far a post's topic may be from
# a reader's interest and still be relevant. Raise it in the wide-niche arm: do replies per
# post change?

# %%
RELEVANCE_EX = 0.3    # try 0.05, 0.15 (default), 0.3
ex = kit.replicate(DAYS, seeds=range(3), market_size=SMALL, niche_width=0.2,
                   relevance_width=RELEVANCE_EX)
ex["replies_per_post"] = ex.replies / ex.posts.clip(lower=1)
print(f"relevance_width = {RELEVANCE_EX}, wide niche, 3 seeds: replies per post "
      f"{kit.window(ex, 'replies_per_post', DAYS - 29).mean():.3f}, engagement "
      f"{kit.final(ex, 'mean_engagement').mean():.3f}")

# %% tags=["teacher"]
tolerant = kit.replicate(DAYS, seeds=range(10), market_size=SMALL, niche_width=0.2,
                         relevance_width=0.3)
tolerant["replies_per_post"] = tolerant.replies / tolerant.posts.clip(lower=1)
kit.answer("11.1", "Wide niche, relevance_width 0.3 minus the default: replies per post in "
           "the last 30 days (seeds 0-9):",
           kit.difference(kit.window(tolerant, "replies_per_post", DAYS - 29),
                          wide["replies per post (last 30 days)"].iloc[:10]), "+.3f")
