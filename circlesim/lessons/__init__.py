"""The small toolkit the classroom lessons (``notebooks/NN-*.py``) share.

A lesson runs each arm of a comparison once per seed (the same seeds for every arm, so the
arms differ only in the factor being compared), summarises a number over the seeds as a mean
with a 95% confidence interval, and draws every chart with its uncertainty band::

    from circlesim import lessons as kit

    base = kit.replicate(90)                       # 20 seeds of the baseline, 90 days
    off = kit.replicate(90, contagion=0.0)         # the same seeds, contagion off
    fig, ax = kit.figure("Members with and without contagion")
    kit.band(ax, base, "members", label="contagion on")
    kit.band(ax, off, "members", label="contagion off")
    kit.labels(ax, "day", "members (mean, 95% CI)")
    kit.show(fig)                                  # checks title, labels, band; then draws
    effect = kit.difference(kit.final(base, "members"), kit.final(off, "members"))
    kit.say(f"Contagion adds {effect:.0f} members.")   # "12 (95% CI 5 to 19)"

:func:`show` refuses a figure without a title, with an unlabelled axis, a raw column name as
a label, or no uncertainty band / error bar drawn by this module, so a lesson cannot show a
bare chart. It tags the figure's output so the lesson tests can check every image.

:func:`answer` records an exercise's expected number for the answer key (cells tagged
``teacher`` are removed from the student edition, see ``circlesim.lessons.build``).
:func:`atlas_claim` reads a verdict of the claims atlas when the installed circlesim has one.

Only circlesim's public API is used here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from circlesim import OUTPUT_COLUMNS, PARAMETERS, CommunityModel, load_scenario
from circlesim import stats

__all__ = [
    "SEEDS", "OPEN", "Estimate", "replicate", "final", "window", "total", "mean_ci",
    "difference", "ratio", "direction", "correlation", "strength", "daily", "figure", "band", "estimates_bar", "labels", "show",
    "say", "answer", "answers", "atlas", "atlas_claim", "atlas_note", "settings", "table",
]

#: Replications per arm: every arm of a lesson is run once for each of these seeds.
SEEDS: tuple[int, ...] = tuple(range(20))
#: A group cap so high that growth is never stopped (the default cap is WeChat's 500).
OPEN = 100_000
#: Confidence level of every interval in the lessons.
LEVEL = 0.95
#: The gid given to the artists that show uncertainty (bands, error bars).
UNCERTAINTY = "circlesim-uncertainty"
#: Output metadata key of a checked figure and of an answer.
FIGURE_KEY = "circlesim/figure"
ANSWER_KEY = "circlesim/answer"

_RAW_NAMES = {name for name in list(OUTPUT_COLUMNS) + list(PARAMETERS) if "_" in name}
_ANSWERS: list[dict[str, Any]] = []


# --------------------------------------------------------------------------- running
def replicate(days: int, scenario: str = "baseline", seeds: Iterable[int] = SEEDS,
              **params: Any) -> pd.DataFrame:
    """Run ``scenario`` with ``params`` once per seed for ``days`` days.

    Returns the daily tables (:meth:`CommunityModel.to_frame`) stacked, with a ``seed``
    column. Every arm of a comparison should use the same ``seeds``.
    """
    frames = []
    for seed in seeds:
        model = CommunityModel(scenario=scenario, rng=seed, **params)
        model.run(days)
        frames.append(model.to_frame().assign(seed=seed))
    return pd.concat(frames, ignore_index=True)


def final(frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` on the last day, one number per seed."""
    return frame[frame.step == frame.step.max()].set_index("seed")[column]


def window(frame: pd.DataFrame, column: str, first: int, last: int | None = None) -> pd.Series:
    """Mean of ``column`` over days ``first`` .. ``last`` (default: the last day), per seed."""
    last = int(frame.step.max()) if last is None else last
    part = frame[(frame.step >= first) & (frame.step <= last)]
    return part.groupby("seed")[column].mean()


def total(frame: pd.DataFrame, column: str) -> pd.Series:
    """Sum of a daily ``column`` over the whole run, per seed."""
    return frame.groupby("seed")[column].sum()


def settings(scenario: str, *names: str, **overrides: Any) -> dict[str, Any]:
    """The values of parameters ``names`` in a scenario preset (its own, else the defaults)."""
    values = {name: PARAMETERS[name].default for name in names}
    values.update(load_scenario(scenario).parameters)
    values.update(overrides)
    return {name: values[name] for name in names}


# --------------------------------------------------------------------------- estimates
@dataclass(frozen=True)
class Estimate:
    """A mean over seeds with its 95% confidence interval.

    Formatting applies the format spec to all three numbers:
    ``f"{e:.1f}"`` -> ``"12.3 (95% CI 10.1 to 14.5)"``; ``f"{e:.0%}"`` for shares.
    """

    mean: float
    low: float
    high: float
    n: int

    def __format__(self, spec: str) -> str:
        spec = spec or ".3g"
        return (f"{format(self.mean, spec)} (95% CI {format(self.low, spec)} to "
                f"{format(self.high, spec)})")

    def __str__(self) -> str:
        return format(self, "")

    @property
    def excludes_zero(self) -> bool:
        """True when the whole interval is on one side of zero."""
        return self.low > 0 or self.high < 0

    @property
    def above_zero(self) -> bool:
        return self.low > 0

    @property
    def below_zero(self) -> bool:
        return self.high < 0


def mean_ci(values: Iterable[float]) -> Estimate:
    """Mean of ``values`` (one per seed) with a t-based 95% confidence interval.

    Yes/no outcomes (booleans, e.g. ``members >= 100``: "did the cascade take off") get the
    Wilson score interval instead, which stays between 0 and 1.
    """
    raw = np.asarray(values if isinstance(values, (pd.Series, np.ndarray)) else list(values))
    if raw.dtype == bool:
        return _wilson(int(raw.sum()), len(raw))
    est = stats.mean_ci(raw.astype(float), LEVEL)  # the package's one t-interval
    return Estimate(est.value, est.low, est.high, est.n)


def _wilson(successes: int, n: int) -> Estimate:
    """A share of yes/no outcomes with its Wilson score interval (stays within 0..1)."""
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + LEVEL / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def _paired(a: pd.Series | Sequence[float], b: pd.Series | Sequence[float]):
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        a, b = a.align(b, join="inner")
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


def difference(a, b) -> Estimate:
    """Mean of ``a - b`` seed by seed (same seeds: a paired comparison), with its 95% CI."""
    x, y = _paired(a, b)
    return mean_ci(x - y)


def ratio(a, b, resamples: int = 2000) -> Estimate:
    """``mean(a) / mean(b)`` with a paired bootstrap 95% CI (resampling seeds, fixed rng)."""
    x, y = _paired(a, b)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(x), size=(resamples, len(x)))
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = x[picks].mean(axis=1) / y[picks].mean(axis=1)
        point = x.mean() / y.mean()
    low, high = np.nanpercentile(boot, [50 * (1 - LEVEL), 50 * (1 + LEVEL)])
    return Estimate(float(point), float(low), float(high), len(x))


def direction(estimate: Estimate, up: str, down: str, neither: str) -> str:
    """``up`` if the CI of ``estimate`` is above zero, ``down`` if below, else ``neither``.

    For phrasing an interpretation from the numbers, never from what a source text says.
    """
    if estimate.above_zero:
        return up
    if estimate.below_zero:
        return down
    return neither


def correlation(x, y) -> Estimate:
    """Pearson correlation of paired values with its 95% CI (Fisher z)."""
    from scipy.stats import norm

    a, b = _paired(x, y)
    r = float(np.corrcoef(a, b)[0, 1])
    half = float(norm.ppf(0.5 + LEVEL / 2)) / math.sqrt(max(len(a) - 3, 1))
    z = math.atanh(max(min(r, 0.999999), -0.999999))
    return Estimate(r, math.tanh(z - half), math.tanh(z + half), len(a))


def strength(r: Estimate) -> str:
    """Words for a correlation judged by its whole CI (Cohen: 0.1 small, 0.3 medium, 0.5
    large): 'no clear link', 'a weak link', 'a moderate link' or 'a strong link'."""
    if r.low <= 0 <= r.high:
        return "no clear link"
    weakest = min(abs(r.low), abs(r.high))
    return "a " + ("strong" if weakest >= 0.5 else "moderate" if weakest >= 0.3 else "weak") \
        + " link"


def daily(frame: pd.DataFrame, column: str, smooth: int | None = None) -> pd.DataFrame:
    """Day-by-day mean of ``column`` over seeds with its 95% CI (columns mean, low, high).

    ``smooth``: first average each seed over a trailing window of that many days.
    """
    wide = frame.pivot(index="step", columns="seed", values=column)
    if smooth:
        wide = wide.rolling(smooth, min_periods=1).mean()
    n = wide.notna().sum(axis=1)
    mean = wide.mean(axis=1)
    half = pd.Series(stats.half_width(wide.std(axis=1, ddof=1).to_numpy(), n.to_numpy(), LEVEL),
                     index=wide.index).fillna(0)
    return pd.DataFrame({"mean": mean, "low": mean - half, "high": mean + half})


def table(rows: Mapping[str, Mapping[str, Estimate]], spec: str = ".2f") -> pd.DataFrame:
    """A display table of estimates: ``{row: {column: Estimate}}`` -> formatted strings."""
    return pd.DataFrame({row: {col: format(est, spec) if isinstance(est, Estimate) else est
                               for col, est in cols.items()} for row, cols in rows.items()}).T


# --------------------------------------------------------------------------- figures
def figure(title: str, ncols: int = 1, nrows: int = 1, width: float | None = None,
           height: float | None = None):
    """A new figure with ``title`` on top; returns ``(fig, ax)`` or ``(fig, axes)``."""
    import matplotlib.pyplot as plt

    width = width or (7 if ncols == 1 else 5.5 * ncols)
    height = height or 4 * nrows + 0.4
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=True)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    return fig, axes


def band(ax, frame: pd.DataFrame, column: str, label: str | None = None, color=None,
         smooth: int | None = None, linestyle: str = "-"):
    """Draw the mean over seeds of ``column`` by day with its 95% CI band."""
    d = daily(frame, column, smooth)
    n = frame.seed.nunique()
    (line,) = ax.plot(d.index, d["mean"], color=color, linestyle=linestyle,
                      label=None if label is None else f"{label}")
    poly = ax.fill_between(d.index, d["low"], d["high"], color=line.get_color(), alpha=0.2,
                           linewidth=0)
    poly.set_gid(UNCERTAINTY)
    ax.figure._circlesim_seeds = max(getattr(ax.figure, "_circlesim_seeds", 0), n)
    return d


def estimates_bar(ax, estimates: Mapping[str, Estimate], color=None, horizontal: bool = True,
                  colors: Sequence | None = None):
    """Bars of means with 95% CI error bars, one per label."""
    names = list(estimates)
    means = np.array([estimates[k].mean for k in names])
    err = np.array([[estimates[k].mean - estimates[k].low for k in names],
                    [estimates[k].high - estimates[k].mean for k in names]])
    err = np.nan_to_num(err)
    pos = np.arange(len(names))
    colors = colors or color
    if horizontal:
        ax.barh(pos, means, color=colors, alpha=0.8)
        bars = ax.errorbar(means, pos, xerr=err, fmt="none", ecolor="black", capsize=4)
        ax.set_yticks(pos, names)
        ax.invert_yaxis()
    else:
        ax.bar(pos, means, color=colors, alpha=0.8)
        bars = ax.errorbar(pos, means, yerr=err, fmt="none", ecolor="black", capsize=4)
        ax.set_xticks(pos, names)
    for part in bars.lines[2]:
        part.set_gid(UNCERTAINTY)
    n = min((e.n for e in estimates.values()), default=0)
    ax.figure._circlesim_seeds = max(getattr(ax.figure, "_circlesim_seeds", 0), n)
    return bars


def errorbars(ax, x, estimates: Sequence[Estimate], **kwargs):
    """Points at ``x`` with 95% CI error bars (e.g. a mean per parameter value)."""
    means = np.array([e.mean for e in estimates])
    err = np.nan_to_num(np.array([[e.mean - e.low for e in estimates],
                                  [e.high - e.mean for e in estimates]]))
    kwargs.setdefault("fmt", "o-")
    kwargs.setdefault("capsize", 4)
    bars = ax.errorbar(x, means, yerr=err, **kwargs)
    for part in bars.lines[2]:
        part.set_gid(UNCERTAINTY)
    n = max((e.n for e in estimates), default=0)  # e.g. a CI from 3, 5, ... 20 runs
    ax.figure._circlesim_seeds = max(getattr(ax.figure, "_circlesim_seeds", 0), n)
    return bars


def labels(ax, x: str, y: str, title: str | None = None, legend: bool | None = None) -> None:
    """Set human axis labels (and a panel title); add a legend when there are labelled lines."""
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if title:
        ax.set_title(title)
    handles, _ = ax.get_legend_handles_labels()
    if legend or (legend is None and handles):
        ax.legend(fontsize=8)


def _texts(fig) -> list[str]:
    out = [fig._suptitle.get_text() if fig._suptitle else ""]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend:
            out += [t.get_text() for t in legend.get_texts()]
    return out


def check_figure(fig) -> dict[str, Any]:
    """What :func:`show` checks; returns the facts recorded with the figure's output.

    Raises ``ValueError`` naming the problem: no title, a data panel without axis labels, a
    raw column/parameter name in a label, or no uncertainty band or error bar.
    """
    title = fig._suptitle.get_text() if fig._suptitle else ""
    if not title.strip():
        raise ValueError("a lesson figure needs a title: use kit.figure(title)")
    for ax in fig.axes:
        if not ax.axison or ax.get_label() == "<colorbar>":
            continue
        if not (ax.get_xlabel().strip() and ax.get_ylabel().strip()):
            raise ValueError(f"figure {title!r}: a panel lacks an axis label "
                             "(kit.labels(ax, x, y))")
    for text in _texts(fig):
        raw = set(re.findall(r"[a-z]+(?:_[a-z0-9]+)+", text)) & _RAW_NAMES
        if raw:
            raise ValueError(f"figure {title!r}: raw name {sorted(raw)} in a label; "
                             "use human words")
    bands = sum(1 for ax in fig.axes for artist in ax.get_children()
                if artist.get_gid() == UNCERTAINTY)
    seeds = getattr(fig, "_circlesim_seeds", 0)
    if bands == 0:
        raise ValueError(f"figure {title!r}: no uncertainty shown (kit.band, kit.errorbars "
                         "or kit.estimates_bar)")
    if seeds < 20:
        raise ValueError(f"figure {title!r}: uncertainty over {seeds} seeds; use >= 20")
    return {"title": title, "uncertainty_artists": bands, "seeds": seeds}


def show(fig=None) -> None:
    """Check a figure (see :func:`check_figure`), then display it once, tagged for the tests."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    fig = fig or plt.gcf()
    facts = check_figure(fig)
    fig.tight_layout()
    display(fig, metadata={FIGURE_KEY: facts})
    plt.close(fig)


# --------------------------------------------------------------------------- text
def say(text: str) -> None:
    """Show a computed sentence as formatted text."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def _plain(value: Any) -> Any:
    if isinstance(value, Estimate):
        return {"mean": value.mean, "low": value.low, "high": value.high, "n": value.n}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def answer(key: str, question: str, value: Any, spec: str = ".2f", note: str = "") -> None:
    """Record and show the expected answer of exercise ``key`` for the fixed seeds.

    ``value``: an :class:`Estimate`, a number or a short text; ``spec`` formats it. The
    answer key (``docs/answer-key.md``) is built from these records and checked against a
    fresh run by the lesson tests.
    """
    from IPython.display import Markdown, display

    shown = format(value, spec) if isinstance(value, (Estimate, int, float, np.number)) \
        else str(value)
    record = {"key": key, "question": question, "value": _plain(value), "text": shown,
              "note": note}
    _ANSWERS.append(record)
    display(Markdown(f"**Answer {key}.** {question} **{shown}**" + (f" — {note}" if note else "")),
            metadata={ANSWER_KEY: record})


def answers() -> list[dict[str, Any]]:
    """The answers recorded so far in this session."""
    return list(_ANSWERS)


# --------------------------------------------------------------------------- claims atlas
def atlas() -> dict[str, Any] | None:
    """The claims atlas (``circlesim.claims.load_atlas()``), or None where it is not built."""
    try:
        from circlesim.claims import load_atlas  # the claims layer may not be installed yet
    except ImportError:
        return None
    try:
        return load_atlas()
    except Exception:  # an atlas that cannot be read is treated as absent, not as a verdict
        return None


def atlas_claim(claim_id: str) -> dict[str, Any] | None:
    """The claim ``claim_id`` of the atlas (e.g. ``"two_way"``), or None without an atlas."""
    data = atlas()
    if not data:
        return None
    for claim in data.get("claims", []):
        if claim.get("id") == claim_id:
            return claim
    raise KeyError(f"the claims atlas has no claim {claim_id!r}; it has "
                   f"{[c.get('id') for c in data.get('claims', [])]}")


def atlas_note(claim_id: str) -> str:
    """A paragraph with the atlas's verdict on claim ``claim_id``, for a lesson to show next
    to its own runs (the atlas tests the claim over many settings; a lesson over a few)."""
    claim = atlas_claim(claim_id)
    if claim is None:
        return ("*The claims atlas (`circlesim.claims`) is not available in this installation, "
                "so this lesson cannot quote its verdict; see docs/claims.md.*")
    text = (f"**The claims atlas — {claim.get('title', claim_id)}:** "
            f"*{claim.get('verdict', 'no verdict')}*. {claim.get('verdict_text', '')}")
    robust = claim.get("robustness") or {}
    if robust.get("condition"):
        text += f" Condition: {robust['condition']}."
    return text + (" The atlas varies many parameters at once; this lesson changes one factor "
                   "in one setting, so the two can differ — read both.")
