"""circlesim: an agent-based simulation of community marketing.

>>> from circlesim import CommunityModel
>>> model = CommunityModel(scenario="baseline", rng=1)
>>> model.run(30)
>>> frame = model.to_frame()

The names below are imported on first use (PEP 562), so that ``circlesim --help``, ``circlesim
params`` or a first run on a cold cache do not wait for Mesa, pandas and the model to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_exports

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "CommunityModel": ".model",
    "OUTPUT_COLUMNS": ".model",
    "Member": ".agents",
    "Organiser": ".agents",
    "PARAMETERS": ".parameters",
    "ParameterError": ".parameters",
    "Parameters": ".parameters",
    "check_parameters": ".parameters",
    "independent_cascade_overrides": ".parameters",
    "ScenarioError": ".scenarios",
    "list_scenarios": ".scenarios",
    "load_scenario": ".scenarios",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what editors and type checkers see
    from .agents import Member, Organiser
    from .model import OUTPUT_COLUMNS, CommunityModel
    from .parameters import (PARAMETERS, ParameterError, Parameters, check_parameters,
                             independent_cascade_overrides)
    from .scenarios import ScenarioError, list_scenarios, load_scenario


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
