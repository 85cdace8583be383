"""Summaries of simulated joint decisions: per responder, coalition sizes, likely coalitions.

Pure functions of arrays of simulated draws, shared by :mod:`forecast.coalition`, the reports
and the plots.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "LEVELS",
    "coalition_sizes",
    "conditional_matrix",
    "likely_coalitions",
    "responder_summary",
]

#: Per-responder quantities: name and lowest response level counted.
LEVELS: tuple[tuple[str, int], ...] = (
    ("p_diplomatic_plus", 1),
    ("p_material_plus", 2),
    ("p_military", 3),
)


def responder_summary(probs: np.ndarray, interval: float = 0.9) -> dict[str, np.ndarray]:
    """Posterior means and intervals of P(diplomatic+), P(material+) and P(military).

    Parameters
    ----------
    probs : numpy.ndarray
        Category probabilities, shape ``(draws, responders, 4)``.
    interval : float, default 0.9
        Mass of the equal-tailed interval.

    Returns
    -------
    dict of str to numpy.ndarray
        For each name in :data:`LEVELS`, ``name``, ``name_lower``, ``name_upper``, each of
        length ``responders``.
    """
    lo, hi = (1 - interval) / 2, 1 - (1 - interval) / 2
    tail = np.cumsum(probs[..., ::-1], axis=-1)[..., ::-1]  # P(level >= k)
    out = {}
    for name, k in LEVELS:
        p = np.clip(tail[..., k], 0.0, 1.0)
        q = np.quantile(p, [lo, hi], axis=0)
        out[name], out[f"{name}_lower"], out[f"{name}_upper"] = p.mean(axis=0), q[0], q[1]
    return out


def coalition_sizes(military: np.ndarray) -> np.ndarray:
    """Distribution of the number of responders giving military help.

    Parameters
    ----------
    military : numpy.ndarray
        Simulated decisions, bool, shape ``(draws, responders)``.

    Returns
    -------
    numpy.ndarray
        Length ``responders + 1``: the share of draws with 0, 1, ... responders fighting.
    """
    m = np.asarray(military, dtype=bool)
    counts = np.bincount(m.sum(axis=1), minlength=m.shape[1] + 1)
    return counts / max(m.shape[0], 1)


def likely_coalitions(military: np.ndarray, names: list[str], n: int = 10) -> pd.DataFrame:
    """The most frequent sets of responders giving military help.

    Parameters
    ----------
    military : numpy.ndarray
        Simulated decisions, bool, shape ``(draws, responders)``.
    names : list of str
        Responder names, one per column.
    n : int, default 10
        How many coalitions to return.

    Returns
    -------
    pandas.DataFrame
        ``members`` (tuple of names, in responder order; the empty tuple is "nobody"),
        ``size`` and ``probability``, most likely first (ties: smaller, then earlier in
        responder order).
    """
    m = np.asarray(military, dtype=bool)
    if m.shape[0] == 0:
        return pd.DataFrame(columns=["members", "size", "probability"])
    sets, counts = np.unique(m, axis=0, return_counts=True)
    sizes = sets.sum(axis=1)
    order = np.lexsort((sizes, -counts))[:n]
    return pd.DataFrame(
        {
            "members": [tuple(np.asarray(names)[sets[i]].tolist()) for i in order],
            "size": sizes[order].astype(int),
            "probability": counts[order] / m.shape[0],
        }
    )


def conditional_matrix(military: np.ndarray, names: list[str]) -> pd.DataFrame:
    """P(j gives military help | i gives military help) from joint simulations.

    Parameters
    ----------
    military : numpy.ndarray
        Simulated decisions, bool, shape ``(draws, responders)``.
    names : list of str
        Responder names.

    Returns
    -------
    pandas.DataFrame
        Rows ``i`` (the condition), columns ``j``; NaN in row ``i`` when ``i`` never fights
        in the simulation (P(i) = 0). The diagonal is 1 where defined.
    """
    m = np.asarray(military, dtype=float)
    joint = np.einsum("di,dj->ij", m, m)  # no BLAS: its thread start-up costs more here
    n_i = np.diag(joint).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        cond = joint / n_i[:, None]
    cond[n_i == 0, :] = np.nan
    index = pd.Index(list(names), name="given")
    return pd.DataFrame(cond, index=index, columns=list(names))


# ---------------------------------------------------------------------------------------------
# the prediction


def _plain(x: Any) -> Any:
    """JSON-ready value: numpy scalars to Python, NaN and NA to None."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple | np.ndarray):
        return [_plain(v) for v in x]
    if x is None or x is pd.NA:
        return None
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return str(x)
