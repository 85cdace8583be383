"""The tables the exports are made of: their columns' meanings and the draws behind them.

Shared by the writers so each piece is written once: the column meanings and table
descriptions (``_MEANINGS``, ``_DESCRIPTIONS``; Parquet stores them as metadata, NetCDF as
variable descriptions), a fit's posterior draws as ``(chain, draw, label)`` arrays with zeros
for groups that were not sampled, supporter states in COW-code order with their names, and a
prediction's responders frame with the scenario name first (Parquet and CSV).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import states
from ..cases import RESPONSES
from ..errors import ForecastError

if TYPE_CHECKING:
    from ..coalition import Prediction
    from ..model import Fit


#: Column meanings (with units) of each table, written into the Parquet metadata.
_MEANINGS: dict[str, dict[str, str]] = {
    "coefficients": {
        "parameter": "beta (covariate coefficient), cutpoints (ordered-logit cutpoint) or "
        "sigma (scale of a group's varying effects)",
        "label": "covariate name, cutpoint name (lower|upper level) or group name",
        "chain": "MCMC chain, 0-based",
        "draw": "draw within the chain, 0-based",
        "value": "posterior draw; beta and cutpoints on the log-odds scale, sigma the sd of "
        "the group's effects on the log-odds scale",
    },
    "state_effects": {
        "ccode": "Correlates of War country code of the supporter",
        "state": "state name",
        "chain": "MCMC chain, 0-based",
        "draw": "draw within the chain, 0-based",
        "value": "the supporter's varying effect on the log-odds scale (zero-sum over states)",
    },
    "alliance_effects": {
        "alliance": "alliance id (ATOP id or treaty name)",
        "chain": "MCMC chain, 0-based",
        "draw": "draw within the chain, 0-based",
        "value": "the alliance's varying effect on the log-odds scale (zero-sum over alliances)",
    },
    "scenario_draws": {
        "scenario": "scenario name",
        "responder": "responder state name",
        "ccode": "Correlates of War country code of the responder",
        "draw": "simulation draw, 0-based",
        **{f"p_{r}": f"probability that the responder's help is exactly {r}" for r in RESPONSES},
        "level": "simulated level of help in this draw (ordered: none < diplomatic < "
        "material < military)",
        "p_sided_with_aggressor": "probability that the responder fights for the aggressor",
        "sided_with_aggressor": "whether the responder fights for the aggressor in this draw "
        "(its level of help to the target is then none)",
    },
    "scenario_summary": {
        "scenario": "scenario name",
        "responder": "responder state name",
        "ccode": "Correlates of War country code of the responder",
        "obligation": "strongest written commitment of the responder to the target",
        **{
            f"{name}{suffix}": f"{what} of P({level})"
            for name, level in (
                ("p_diplomatic_plus", "diplomatic or more"),
                ("p_material_plus", "material or more"),
                ("p_military", "military"),
            )
            for suffix, what in (
                ("", "posterior mean"),
                ("_lower", "lower bound of the equal-tailed interval"),
                ("_upper", "upper bound of the equal-tailed interval"),
            )
        },
        "simulated_military": "share of simulated draws in which the responder fights",
        **{
            f"p_sided_with_aggressor{suffix}": f"{what} of P(fights for the aggressor)"
            for suffix, what in (
                ("", "posterior mean"),
                ("_lower", "lower bound of the equal-tailed interval"),
                ("_upper", "upper bound of the equal-tailed interval"),
            )
        },
        "simulated_sided_with_aggressor": "share of simulated draws in which the responder "
        "fights for the aggressor",
        "pool": "target: listed among the scenario's responders; aggressor: listed only "
        "among its aggressor_helpers",
    },
}
_DESCRIPTIONS = {
    "coefficients": "posterior draws of the coefficients, cutpoints and group scales",
    "state_effects": "posterior draws of the supporter-state effects",
    "alliance_effects": "posterior draws of the alliance effects",
    "scenario_draws": "per-draw response-level probabilities and simulated levels of a "
    "scenario's responders",
    "scenario_summary": "per-responder probabilities of a scenario with intervals",
}


def _posterior(fit: Fit):
    """The posterior Dataset, its chain and draw coordinates."""
    post = fit.idata["posterior"].to_dataset()
    return post, np.asarray(post["chain"].values), np.asarray(post["draw"].values)


def _draws(post, name: str, dim: str | None, n_labels: int) -> np.ndarray:
    """A variable's draws as ``(chain, draw, n_labels)``; zeros when it is not sampled.

    A group with fewer than two levels has no sampled effect (its zero-sum effect is 0).
    """
    if name not in post:
        return np.zeros((post.sizes["chain"], post.sizes["draw"], n_labels))
    v = post[name].transpose("chain", "draw", *([dim] if dim else []))
    a = np.asarray(v.values, dtype=np.float64)
    return a if dim else a[..., None]


def _state_name(code: str) -> str:
    """A supporter label (COW code as text) to its name; empty when unknown."""
    try:
        return states.name(int(code))
    except (ForecastError, ValueError):
        return ""


def _state_order(fit: Fit) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Supporter positions sorted by COW code, the codes and the names."""
    labels = list(fit.design.labels["supporter"])
    codes = np.array([int(x) for x in labels], dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    return order, codes[order], [_state_name(labels[i]) for i in order]


def _scenario_summary_frame(prediction: Prediction) -> pd.DataFrame:
    frame = prediction.responders_frame()
    frame.insert(0, "scenario", str(prediction.scenario.name))
    return frame
