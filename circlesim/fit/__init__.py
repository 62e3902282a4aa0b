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

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

#: Public name -> the module that defines it (imported on first use: circlesim.lazy).
_EXPORTS = {
    **dict.fromkeys(("FITTABLE_COLUMNS", "DataError", "History", "history_from_frame",
                     "load_history"), ".data"),
    **dict.fromkeys(("Posterior", "run_abc"), ".inference"),
    **dict.fromkeys(("Forecast", "GoodnessOfFit", "forecast", "goodness_of_fit", "what_if"),
                    ".predict"),
    **dict.fromkeys(("DEFAULT_RANGES", "Prior", "make_priors"), ".priors"),
    **dict.fromkeys(("Problem", "summary_statistics"), ".simulate"),
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what editors and type checkers see
    from .data import FITTABLE_COLUMNS, DataError, History, history_from_frame, load_history
    from .inference import Posterior, run_abc
    from .predict import Forecast, GoodnessOfFit, forecast, goodness_of_fit, what_if
    from .priors import DEFAULT_RANGES, Prior, make_priors
    from .simulate import Problem, summary_statistics

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
