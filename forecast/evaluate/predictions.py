"""Held-out predictions: the predictors compared, their columns, and the model's probabilities.

Every predictor gives four probabilities per held-out row, P(none, diplomatic, material,
military), stored in :attr:`forecast.evaluate.Evaluation.predictions` as ``p_<level>`` for the
model and ``p_<level>_<baseline>`` for each baseline (:func:`_cols`). :func:`mean_probs` gives
the model's: posterior means, with rows of a conflict unseen in training drawing that
conflict's effect from its population (:meth:`forecast.model.Fit.draws_for`), as a new
scenario would.
"""

from __future__ import annotations

import numpy as np

from ..cases import RESPONSES
from ..design import Design

#: Predictors scored side by side: the model, then the baselines.
PREDICTORS: tuple[str, ...] = ("model", "base_rate", "obligation_rate", "logistic")
#: Predictors of the aggressor side (``p_aggressor_<predictor>``; the model's is ``p_aggressor``).
AGGRESSOR_PREDICTORS: tuple[str, ...] = ("model", "base_rate", "logistic")


def _cols(predictor: str) -> list[str]:
    """Names of the four probability columns of a predictor in ``Evaluation.predictions``."""
    suffix = "" if predictor == "model" else f"_{predictor}"
    return [f"p_{r}{suffix}" for r in RESPONSES]


def _subset(design: Design, rows: slice) -> Design:
    """Rows of a design, with its labels kept (so group draws stay aligned)."""
    return Design(
        X=design.X[rows],
        covariates=design.covariates,
        scaling=design.scaling,
        index={g: v[rows] for g, v in design.index.items()},
        labels=design.labels,
        y=design.y[rows],
        military=design.military[rows],
        aggressor=design.aggressor[rows],
        dispute=design.dispute,
    )


def mean_probs(fitted, design: Design, seed: int = 0, chunk_cells: int = 4_000_000) -> np.ndarray:
    """Posterior-mean four-level probabilities of help to the target (see :func:`mean_outcomes`).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_rows, 4)``.
    """
    return mean_outcomes(fitted, design, seed, chunk_cells)[0]


def mean_outcomes(
    fitted, design: Design, seed: int = 0, chunk_cells: int = 4_000_000
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior-mean four-level probabilities of every row, in row chunks to bound memory.

    The draws of new levels (new conflicts) are made once for the whole design, so rows of one
    new conflict share them whatever the chunking.

    Parameters
    ----------
    fitted : forecast.model.Fit
        A fit.
    design : Design
        Rows coded with the fit's scaling (``make_design(table, fitted.design.scaling)``).
    seed : int, default 0
        Randomness of new levels (:meth:`forecast.model.Fit.draws_for`).
    chunk_cells : int, default 4_000_000
        Draws x rows x 4 computed at once.

    Returns
    -------
    tuple of numpy.ndarray
        ``(n_rows, 4)``: P(none), P(diplomatic), P(material), P(military) of help to the
        target, unconditional on the side (fighting for the aggressor counts as none); and
        ``(n_rows,)``: P(fights for the aggressor).
    """
    from ..model.predictive import outcome_probs

    draws = fitted.draws_for(design, seed)
    s = draws["beta"].shape[0]
    step = max(1, chunk_cells // max(1, 4 * s))
    out = np.empty((design.n_rows, 4))
    side = np.empty(design.n_rows)
    for start in range(0, design.n_rows, step):
        part = _subset(design, slice(start, start + step))
        p_a, probs = outcome_probs(part, draws)
        out[start : start + step] = probs.mean(axis=0)
        side[start : start + step] = p_a.mean(axis=0)
    return out, side
