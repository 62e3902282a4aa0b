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
# * trace a chain of consequences with one-factor contrasts: more diverse interests → more
#   diverse posts → fewer posts relevant to each reader → fewer replies → engagement;
# * say whether "diverse, fragmented content" helps or hurts a group in these runs.
#
# **The question.** The source texts describe the content of communities as diverse and
# fragmented: members bring many interests, and the conversation drifts. Is fragmentation a
# strength (something for everyone) or a cost (little that is relevant to anyone)?
#
# **In the model.** Potential members' interests cluster around a few topics;
# `topic_spread` is how far interests scatter around each cluster. Members post on their own
# interest; a reader replies only to posts close to its interest (`relevance_width`).

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
for name in ["topic_spread", "topics", "relevance_width", "niche_width"]:
    print(f"{name:15} default {PARAMETERS[name].default!s:6} {PARAMETERS[name].help}")

# %% [markdown]
# ## 1. Three levels of topic spread
#
# `topic_spread` at a quarter of the default, the default and four times it; 90 days, the
# same 20 seeds, the normal cap, in a market of 10,000 people (half the default, to keep the
# runs quick). One factor changes; everything else is the baseline.

# %%
DAYS, SMALL = 90, 10_000
FACTORS = [0.25, 1.0, 4.0]
ARMS = {f: kit.replicate(DAYS, market_size=SMALL, topic_spread=SPREAD * f) for f in FACTORS}
NAMES = {0.25: f"focused ({SPREAD * 0.25:g})", 1.0: f"baseline ({SPREAD:g})",
         4.0: f"scattered ({SPREAD * 4:g})"}
for frame in ARMS.values():
    frame["replies_per_post"] = frame.replies / frame.posts.clip(lower=1)
COLOURS = ["#2ca02c", "#1f77b4", "#d62728"]
fig, axes = kit.figure("Topic spread: fragmentation of posts and its consequences", ncols=3,
                       width=15)
for (f, frame), colour in zip(ARMS.items(), COLOURS):
    kit.band(axes[0], frame[frame.step >= 7], "topic_entropy", label=NAMES[f], color=colour)
    kit.band(axes[1], frame, "replies_per_post", label=NAMES[f], color=colour, smooth=7)
    kit.band(axes[2], frame, "mean_engagement", label=NAMES[f], color=colour)
kit.labels(axes[0], "day", "topic entropy of member posts (bits)", "Fragmentation")
kit.labels(axes[1], "day", "replies per post (7-day mean)", "Replies")
kit.labels(axes[2], "day", "mean engagement of members", "Engagement")
kit.show(fig)

# %%
measures = {NAMES[f]: {
    "topic entropy (bits, last 30 days)": kit.window(frame, "topic_entropy", DAYS - 29),
    "replies per post (last 30 days)": kit.window(frame, "replies_per_post", DAYS - 29),
    "mean engagement, last day": kit.final(frame, "mean_engagement"),
    f"members on day {DAYS}": kit.final(frame, "members"),
    "shares in all": kit.total(frame, "shares"),
} for f, frame in ARMS.items()}
kit.table({arm: {k: kit.mean_ci(v) for k, v in m.items()} for arm, m in measures.items()},
          ".3g")

# %%
focused, base, scattered = measures.values()
effects = {measure: kit.difference(scattered[measure], focused[measure]) for measure in base}
fig, axes = kit.figure("Scattered minus focused interests, same seeds (95% CI)",
                       ncols=len(effects), width=16, height=3.2)
for ax, (measure, effect) in zip(axes, effects.items()):
    kit.estimates_bar(ax, {"scattered\nminus focused": effect}, color="#d62728")
    ax.axvline(0, color="black", linewidth=0.8)
    kit.labels(ax, "difference", "contrast", measure)
kit.show(fig)

# %%
lines = [f"* {measure}: {effect:+.3g} "
         f"({kit.direction(effect, 'higher', 'lower', 'no clear difference')})"
         for measure, effect in effects.items()]
entropy_key = "topic entropy (bits, last 30 days)"
r = kit.correlation(pd.concat([m[entropy_key] for m in measures.values()]),
                    pd.concat([m["replies per post (last 30 days)"] for m in measures.values()]))
kit.say("**In these runs** (scattered minus focused interests, same seeds):\n\n" +
        "\n".join(lines) +
        f"\n\nAcross all {r.n} runs, topic entropy and replies per post correlate at "
        f"r = {r:+.2f}: **{kit.strength(r)}**. Read the chain above link by link: "
        "where a link's CI includes zero, the runs do not show that step.")

# %%
assert effects[entropy_key].above_zero, "scattered interests make posts more fragmented"

# %% [markdown]
# **The claims atlas** on fragmentation:

# %%
kit.say(kit.atlas_note("fragmentation"))

# %% [markdown]
# ## Exercises
#
# **11.1 Tolerance for other topics.** `relevance_width` is how far a post's topic may be from
# a reader's interest and still be relevant. Raise it in the scattered arm: does a tolerant
# audience undo the cost of fragmentation?

# %%
RELEVANCE_EX = 0.3    # try 0.05, 0.15 (default), 0.3
ex = kit.replicate(DAYS, seeds=range(3), market_size=SMALL, topic_spread=SPREAD * 4,
                   relevance_width=RELEVANCE_EX)
ex["replies_per_post"] = ex.replies / ex.posts.clip(lower=1)
print(f"relevance_width = {RELEVANCE_EX}, scattered, 3 seeds: replies per post "
      f"{kit.window(ex, 'replies_per_post', DAYS - 29).mean():.3f}, engagement "
      f"{kit.final(ex, 'mean_engagement').mean():.3f}")

# %% tags=["teacher"]
tolerant = kit.replicate(DAYS, seeds=range(10), market_size=SMALL, topic_spread=SPREAD * 4,
                         relevance_width=0.3)
tolerant["replies_per_post"] = tolerant.replies / tolerant.posts.clip(lower=1)
kit.answer("11.1", "Scattered interests, relevance_width 0.3 minus 0.15: replies per post in "
           "the last 30 days (seeds 0-9):",
           kit.difference(kit.window(tolerant, "replies_per_post", DAYS - 29),
                          scattered["replies per post (last 30 days)"].iloc[:10]), "+.3f")
