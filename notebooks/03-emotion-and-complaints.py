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
# # Lesson 3 — Emotional marketing and complaints
#
# **Learning goals.** After this lesson you can
#
# * describe emotional contagion in the model: each post a member reads pulls its engagement
#   a little toward the post's tone;
# * measure, with the contagion switched on and off on the same seeds, how much engagement,
#   sharing and growth it adds — and see that it carries cold moods as well as warm ones;
# * measure what fast answers to complaints (by the organiser or by members) change, and
#   judge a correlation by its confidence interval, not by a single number.
#
# **The question.** The second source text says:
#
# > "Community emotional marketing refers to the community within the community can give
# > people the value, interesting emotions, prompting the group because the people are
# > infected, and then continue to increase the group members."
#
# and, about complaints:
#
# > "communication is smooth to reduce complaints and report unpleasant information, when the
# > user product or service project has a problem, a short period of time through the
# > community to solve their difficulties, on the other hand, rapid response is very easy to
# > get customer recognition."
#
# Do "infected" members grow the group? Do fast answers keep people in?

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

import pandas as pd
import matplotlib.pyplot as plt

from circlesim import PARAMETERS
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
DAYS, SMALL = 50, 10_000   # 50 days in a market of 10,000 (half the default): quick runs
QUICK = {"max_members": kit.OPEN, "market_size": SMALL}

# %% [markdown]
# ## 1. Emotional contagion on and off
#
# Three arms, 50 days, 20 seeds each (the same seeds), cap lifted, in a market of 10,000: the
# baseline, the
# baseline with contagion off (the only difference), and the `emotional-campaign` preset (a
# warmer, more frequent campaign with stronger contagion). Their settings:

# %%
EMOTION_KNOBS = ["contagion", "campaign_tone", "organiser_posts"]
pd.DataFrame({
    "contagion off": kit.settings("baseline", *EMOTION_KNOBS, contagion=0.0),
    "baseline": kit.settings("baseline", *EMOTION_KNOBS),
    "emotional campaign": kit.settings("emotional-campaign", *EMOTION_KNOBS),
}).T

# %%
EMOTION = {
    "contagion off": kit.replicate(DAYS, contagion=0.0, **QUICK),
    "baseline": kit.replicate(DAYS, **QUICK),
    "emotional campaign": kit.replicate(DAYS, "emotional-campaign", **QUICK),
}
fig, (left, right) = kit.figure("Emotional contagion: engagement and members", ncols=2)
for label, frame in EMOTION.items():
    kit.band(left, frame, "mean_engagement", label=label)
    kit.band(right, frame, "members", label=label)
kit.labels(left, "day", "mean engagement of members", "Engagement")
kit.labels(right, "day", "members (mean of 20 runs, 95% CI)", "Members")
kit.show(fig)

# %%
on, off, warm = EMOTION["baseline"], EMOTION["contagion off"], EMOTION["emotional campaign"]
engagement = kit.difference(kit.final(on, "mean_engagement"), kit.final(off, "mean_engagement"))
shares = kit.ratio(kit.total(on, "shares"), kit.total(off, "shares"))
members = kit.ratio(kit.final(on, "members"), kit.final(off, "members"))
size_words = kit.direction(kit.difference(kit.final(on, "members"), kit.final(off, "members")),
                           "a larger group", "a smaller group", "no clear difference in size")
warm_vs_on = kit.ratio(kit.final(warm, "members"), kit.final(on, "members"))
kit.say(f"""**In these runs.** Switching contagion on (the only difference, same seeds) changes
the members' final mean engagement by {engagement:+.3f}. Members share
{shares:.2f} times as much, and the group ends {members:.2f} times as large: {size_words}.
The emotional campaign (warmer, more posts, stronger contagion) ends {warm_vs_on:.2f} times the
baseline's size. The pull of one post is small: each post read moves engagement
{PARAMETERS["contagion"].default:.1%} of the way to its tone.""")

# %% [markdown]
# **The claims atlas** on emotional contagion growing the group:

# %%
kit.say(kit.atlas_note("emotional"))

# %% [markdown]
# ## 2. Rapid response vs slow support
#
# Members hit problems (`problem_probability`: a small daily chance) and post a complaint.
# Until it is answered, the complaint is read by the complainer's neighbours as a post of
# tone 0, and the complainer is more likely to leave. Four arms, the same 20 seeds:
#
# * `rapid-response`: the organiser answers up to 50 complaints a day, the same day;
# * `baseline`: up to 5 a day, a day late;
# * `slow-support`: one a day, a week late, and members rarely help;
# * slow support **with helpful members** (`member_help=0.3`): the organiser is still slow,
#   but members answer each other.

# %%
SUPPORT_KNOBS = ["answer_capacity", "answer_delay", "member_help", "problem_probability"]
pd.DataFrame({
    "rapid response": kit.settings("rapid-response", *SUPPORT_KNOBS),
    "baseline": kit.settings("baseline", *SUPPORT_KNOBS),
    "slow support": kit.settings("slow-support", *SUPPORT_KNOBS),
    "slow, members help": kit.settings("slow-support", *SUPPORT_KNOBS, member_help=0.3),
}).T

# %%
SUPPORT = {
    "rapid response": kit.replicate(DAYS, "rapid-response", **QUICK),
    "baseline": EMOTION["baseline"],
    "slow support": kit.replicate(DAYS, "slow-support", **QUICK),
    "slow, members help": kit.replicate(DAYS, "slow-support", member_help=0.3, **QUICK),
}


def leave_rate(frame):
    """People who left per 1,000 member-days, one number per seed."""
    by_seed = frame.groupby("seed")
    return 1000 * by_seed.left.sum() / by_seed.members.sum()


measures = {label: {
    "open complaints (day 20 on)": kit.window(frame, "complaints_open", 20),
    "left per 1,000 member-days": leave_rate(frame),
    "mean engagement, last day": kit.final(frame, "mean_engagement"),
    f"members on day {DAYS}": kit.final(frame, "members"),
} for label, frame in SUPPORT.items()}
kit.table({label: {k: kit.mean_ci(v) for k, v in m.items()} for label, m in measures.items()})

# %%
COLOURS = ["#2ca02c", "#1f77b4", "#d62728", "#9467bd"]
fig, axes = kit.figure("Answering complaints: fast, slow, and members helping", ncols=2,
                       nrows=2, width=12)
for label, frame in SUPPORT.items():
    kit.band(axes[0, 0], frame, "complaints_open", label=label, smooth=7)
kit.labels(axes[0, 0], "day", "open complaints (7-day mean)", "Complaints waiting")
for ax, measure in zip([axes[0, 1], axes[1, 0], axes[1, 1]],
                       ["left per 1,000 member-days", "mean engagement, last day",
                        f"members on day {DAYS}"]):
    kit.estimates_bar(ax, {label: kit.mean_ci(m[measure]) for label, m in measures.items()},
                      colors=COLOURS)
    kit.labels(ax, f"{measure} (mean, 95% CI)", "arm", measure.capitalize())
kit.show(fig)

# %%
fast, base, slow, helped = (measures[k] for k in SUPPORT)
key, leaving, size = "open complaints (day 20 on)", "left per 1,000 member-days", \
    f"members on day {DAYS}"
open_gap = kit.difference(slow[key], fast[key])
leave_gap = kit.difference(slow[leaving], fast[leaving])
size_slow = kit.difference(slow[size], fast[size])
size_base = kit.difference(fast[size], base[size])
help_gap = kit.difference(helped[key], slow[key])
kit.say(f"""**In these runs.** Slow support leaves {open_gap:.1f} more complaints open at a
time than rapid response, and leaving changes by {leave_gap:+.2f} people per 1,000
member-days ({kit.direction(leave_gap, "more leave", "fewer leave", "no clear difference")}). The slow
group ends with {size_slow:+.0f} members compared with rapid response
({kit.direction(size_slow, "more", "fewer", "no clear difference")}). **Rapid response against
the baseline** (up to 5 answers a day, one day late): {size_base:+.0f} members
({kit.direction(size_base, "more than the baseline", "fewer than the baseline",
"no clear difference from the baseline")}). Helpful members change the slow organiser's open
complaints by {help_gap:+.1f}: the community itself can answer.""")

# %%
assert open_gap.above_zero, "slow support piles up open complaints"
assert help_gap.below_zero, "members' answers replace the slow organiser's"

# %% [markdown]
# ## 3. Is the link visible run by run?
#
# Across the 80 runs of section 2 (four arms × 20 seeds), does a run with more open complaints end with a cooler
# group? We measure the correlation and judge it by its 95% CI (0.1 is small, 0.3 medium,
# 0.5 large). A weak correlation is a finding too: many other things happen in a group.

# %%
runs = pd.concat([pd.DataFrame({"open": m[key], "engagement": m["mean engagement, last day"],
                                "leaving": m[leaving]}) for m in measures.values()])
r_engagement = kit.correlation(runs.open, runs.engagement)
r_leaving = kit.correlation(runs.open, runs.leaving)
kit.say(f"""**In these runs.** Over {len(runs)} runs, open complaints and final engagement
correlate at r = {r_engagement:+.2f}: **{kit.strength(r_engagement)}**. Open complaints and
leaving correlate at r = {r_leaving:+.2f}: **{kit.strength(r_leaving)}**. A correlation over
single runs mixes everything that differs between them; the arms of section 2, run on the
same seeds, isolate one factor.""")

# %% [markdown]
# **The claims atlas** on rapid response:

# %%
kit.say(kit.atlas_note("rapid_response"))

# %% [markdown]
# ## Exercises
#
# **3.1 How late is too late?** Change `DELAY_EX`, the days before the organiser answers
# (one answer a day, no help from members). At which delay do open complaints pile up?

# %%
DELAY_EX = 3          # try 0, 1, 3, 7, 14
ex = kit.replicate(DAYS, seeds=range(3), answer_capacity=1, answer_delay=DELAY_EX,
                   member_help=0.0, **QUICK)
print(f"answer_delay = {DELAY_EX}, 3 seeds: open complaints (day 20 on) "
      f"{kit.window(ex, 'complaints_open', 20).mean():.1f}, "
      f"members {kit.final(ex, 'members').mean():.0f}")

# %% tags=["teacher"]
week = kit.replicate(DAYS, seeds=range(10), answer_capacity=1, answer_delay=7,
                     member_help=0.0, **QUICK)
kit.answer("3.1", "One answer a day, a week late, no member help: open complaints, day 20 on "
           "(seeds 0-9):", kit.mean_ci(kit.window(week, "complaints_open", 20)), ".2f",
           note="with the baseline's answering (same seeds): "
                f"{kit.mean_ci(base[key].iloc[:10]):.2f}")

# %% [markdown]
# **3.2 A cold campaign.** Contagion pulls toward the tone of what members read. Set
# `TONE_EX` below the default and compare members and engagement with the baseline.

# %%
TONE_EX = 0.2         # try 0.2, 0.5, 0.9 (default: see PARAMETERS["campaign_tone"])
ex = kit.replicate(DAYS, seeds=range(3), campaign_tone=TONE_EX, **QUICK)
print(f"campaign_tone = {TONE_EX}, 3 seeds: members {kit.final(ex, 'members').mean():.0f}, "
      f"engagement {kit.final(ex, 'mean_engagement').mean():.2f}; default tone "
      f"{PARAMETERS['campaign_tone'].default}")

# %% tags=["teacher"]
cold = kit.replicate(DAYS, seeds=range(10), campaign_tone=0.2, **QUICK)
cold_gap = kit.difference(kit.final(cold, "mean_engagement"),
                          kit.final(on, "mean_engagement")[:10])
kit.answer("3.2", "Campaign tone 0.2 vs the baseline: change in final mean engagement "
           "(seeds 0-9):", cold_gap, "+.3f",
           note=kit.direction(cold_gap, "a cold campaign raises engagement here",
                              "contagion carries cold moods as well as warm ones",
                              "no clear effect of a cold tone in these runs"))
