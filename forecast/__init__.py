"""forecast: coalition-response forecasting.

When a state is attacked, which states will come to its aid, and how far will they go? The
package builds a table of historical cases from the original research data, fits a hierarchical
Bayesian ordered-response model to it, and turns present-day scenarios into calibrated
probabilities for each responder and for the coalition as a whole.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .cases import SCHEMA_VERSION, load_cases, validate_cases
from .errors import (
    CaseTableError,
    ConvergenceWarning,
    ForecastError,
    ModelMismatchError,
    NotFittedError,
    ScenarioError,
    UnknownStateError,
)

__all__ = [
    "SCHEMA_VERSION",
    "CaseTableError",
    "ConvergenceWarning",
    "Fit",
    "ForecastError",
    "ForecastModel",
    "ModelMismatchError",
    "NotFittedError",
    "Prediction",
    "Scenario",
    "ScenarioError",
    "UnknownStateError",
    "__version__",
    "fit",
    "load",
    "load_cases",
    "load_scenario",
    "predict",
    "validate_cases",
]


def __getattr__(name: str):
    """Import the model lazily: ``import forecast`` stays fast (no PyMC import)."""
    if name in ("fit", "load", "Fit"):
        from . import model

        return getattr(model, name)
    if name == "ForecastModel":
        from .estimator import ForecastModel

        return ForecastModel
    if name in ("predict", "Prediction"):
        from . import coalition

        return getattr(coalition, name)
    if name in ("load_scenario", "Scenario"):
        from . import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")
