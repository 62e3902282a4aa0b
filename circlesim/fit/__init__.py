"""Fit circlesim to a community's daily history and forecast it (``circlesim fit``).

Public API::

    history = load_history("group.csv")            # or history_from_frame(frame)
    fitted, held_out = history.split(fit_days=42)
    priors = make_priors(["share_probability", "post_rate"])
    problem = Problem(fitted, priors, fixed={"market_size": 2000})
    posterior = run_abc(problem, "out/", particles=200, generations=8, workers=2)
    fc = forecast(problem, posterior, history, horizon=30, draws=100)
    print(goodness_of_fit(fc, history, fitted.last_day).verdict)

See docs/fitting.md.
"""

from .data import FITTABLE_COLUMNS, DataError, History, history_from_frame, load_history
from .inference import Posterior, run_abc
from .predict import Forecast, GoodnessOfFit, forecast, goodness_of_fit, what_if
from .priors import DEFAULT_RANGES, Prior, make_priors
from .simulate import Problem, summary_statistics

__all__ = [
    "DEFAULT_RANGES", "DataError", "FITTABLE_COLUMNS", "Forecast", "GoodnessOfFit", "History",
    "Posterior", "Prior", "Problem", "forecast", "goodness_of_fit", "history_from_frame",
    "load_history", "make_priors", "run_abc", "summary_statistics", "what_if",
]
