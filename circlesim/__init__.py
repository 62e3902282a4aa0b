"""circlesim: an agent-based simulation of community marketing.

>>> from circlesim import CommunityModel
>>> model = CommunityModel(scenario="baseline", rng=1)
>>> model.run(30)
>>> frame = model.to_frame()
"""

from .agents import Member, Organiser
from .model import OUTPUT_COLUMNS, CommunityModel
from .parameters import PARAMETERS, ParameterError, Parameters, independent_cascade_overrides
from .scenarios import ScenarioError, list_scenarios, load_scenario

__version__ = "0.1.0"

__all__ = [
    "CommunityModel",
    "Member",
    "OUTPUT_COLUMNS",
    "Organiser",
    "PARAMETERS",
    "ParameterError",
    "Parameters",
    "ScenarioError",
    "independent_cascade_overrides",
    "list_scenarios",
    "load_scenario",
]
