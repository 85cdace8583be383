"""Proper scores of probability forecasts, and the scoring of a held-out prediction table.

Scores of ``P(military)`` (every row codes ``military``), lower is better except the AUC:

- :func:`brier_score`, :func:`log_score` and :func:`roc_auc` go through
  :mod:`sklearn.metrics` (``brier_score_loss``, ``log_loss``, ``roc_auc_score``), behind one
  input check so every score refuses the same bad input with the same message;
- :func:`ranked_probability_score` of the four ordered levels on rows with a coded
  ``response`` (scikit-learn has no ranked probability score);
- :func:`expected_calibration_error` over 10 equal-width bins, with the
  :func:`reliability_table` behind it (both by hand, see :func:`reliability_table`).

:func:`score_predictions` applies them all to every predictor of
:attr:`forecast.evaluate.Evaluation.predictions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..cases import RESPONSES
from .predictions import AGGRESSOR_PREDICTORS, PREDICTORS, _cols

#: Probabilities are clipped to ``[_EPS, 1 - _EPS]`` in :func:`log_score`.
_EPS = 1e-12
#: Equal-width bins of the reliability table and the ECE.
_N_BINS = 10


def _binary(p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int]):
    """Check and flatten probabilities in [0, 1] and 0/1 outcomes of the same length."""
    p = np.asarray(p, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if p.shape != y.shape:
        raise ValueError(f"p has {p.size} values but y has {y.size}")
    if p.size and ((p < 0) | (p > 1) | ~np.isfinite(p)).any():
        raise ValueError("probabilities must lie in [0, 1]")
    if y.size and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("outcomes must be 0 or 1")
    return p, y


def brier_score(p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int]) -> float:
    """Mean squared difference between predicted probabilities and 0/1 outcomes.

    Parameters
    ----------
    p : array-like of float
        Predicted probabilities of the event, in [0, 1].
    y : array-like of int
        Outcomes, 0 or 1, same length.

    Returns
    -------
    float
        ``mean((p - y) ** 2)`` (:func:`sklearn.metrics.brier_score_loss`); 0 is perfect,
        lower is better. NaN for no rows.

    Examples
    --------
    >>> round(brier_score([0.1, 0.8], [0, 1]), 6)  # (0.01 + 0.04) / 2
    0.025
    """
    from sklearn.metrics import brier_score_loss

    p, y = _binary(p, y)
    if not p.size:
        return float("nan")
    # pos_label=1 also when y holds one outcome only (all 0 or all 1)
    return float(brier_score_loss(y, p, pos_label=1))


def log_score(p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int]) -> float:
    """Logarithmic score as a loss: mean negative log probability of what happened.

    Parameters
    ----------
    p : array-like of float
        Predicted probabilities of the event, in [0, 1].
    y : array-like of int
        Outcomes, 0 or 1, same length.

    Returns
    -------
    float
        ``-mean(y * log(p) + (1 - y) * log(1 - p))`` in nats; 0 is perfect, lower is better.
        Probabilities are clipped to ``[1e-12, 1 - 1e-12]`` so a certain miss costs about 27.6
        instead of infinity. NaN for no rows.

    Examples
    --------
    >>> round(log_score([0.5, 0.9], [1, 0]), 4)  # (log 2 + log 10) / 2
    1.4979
    """
    from sklearn.metrics import log_loss

    p, y = _binary(p, y)
    if not p.size:
        return float("nan")
    # sklearn's log_loss clips to [eps, 1 - eps] with eps the float64 machine epsilon
    # (2.2e-16), so a certain miss would cost about 36.0 there, not 27.6. Clipping to
    # [1e-12, 1 - 1e-12] first keeps this score's definition and makes sklearn's own clip a
    # no-op; what is left differs from the former hand formula (log1p(-q) for the non-event)
    # by rounding only, ~1e-16. labels=[0, 1]: y may hold one outcome only.
    q = np.clip(p, _EPS, 1 - _EPS)
    return float(log_loss(y, q, labels=[0, 1]))


def ranked_probability_score(
    probs: np.ndarray | Sequence[Sequence[float]], y: np.ndarray | Sequence[int]
) -> float:
    """Ranked probability score of ordered categorical forecasts.

    Written by hand: scikit-learn has no score of ordered levels.

    Parameters
    ----------
    probs : array-like, shape (n, K)
        Probabilities of the ``K`` ordered levels per row (rows sum to 1).
    y : array-like of int, shape (n,)
        Observed level per row, ``0..K-1``.

    Returns
    -------
    float
        Mean over rows of ``sum_{k<K-1} (F_k - O_k) ** 2 / (K - 1)``, where ``F`` and ``O``
        are the forecast and observed cumulative distributions. In [0, 1]; 0 is perfect, lower
        is better; with ``K = 2`` it is the Brier score. NaN for no rows.

    Examples
    --------
    >>> # F = (0.5, 0.75); observed level 1 -> O = (0, 1): (0.25 + 0.0625) / 2
    >>> ranked_probability_score([[0.5, 0.25, 0.25]], [1])
    0.15625
    """
    probs = np.asarray(probs, dtype=float)
    y = np.asarray(y).ravel()
    if probs.ndim != 2 or probs.shape[0] != y.size:
        raise ValueError(f"probs must have shape (n, K) with n = {y.size}, not {probs.shape}")
    k = probs.shape[1]
    if k < 2:
        raise ValueError("probs needs at least two levels")
    if not y.size:
        return float("nan")
    if not np.isin(y, np.arange(k)).all():
        raise ValueError(f"observed levels must be integers 0..{k - 1}")
    if not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("each row of probs must sum to 1")
    cum_f = np.cumsum(probs, axis=1)[:, :-1]
    cum_o = (y[:, None] <= np.arange(k - 1)[None, :]).astype(float)
    return float(np.mean(np.sum((cum_f - cum_o) ** 2, axis=1) / (k - 1)))


def roc_auc(p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int]) -> float:
    """Area under the ROC curve: the chance a random event outranks a random non-event.

    Computed by :func:`sklearn.metrics.roc_auc_score`; tied scores count one half, as in the
    Mann–Whitney statistic.

    Parameters
    ----------
    p : array-like of float
        Scores (predicted probabilities).
    y : array-like of int
        Outcomes, 0 or 1, same length.

    Returns
    -------
    float
        In [0, 1]; 0.5 is no discrimination, higher is better. NaN unless both outcomes occur.

    Examples
    --------
    >>> roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])  # 3 of 4 pairs ordered right
    0.75
    """
    from sklearn.metrics import roc_auc_score

    p, y = _binary(p, y)
    n1 = int(y.sum())
    if n1 == 0 or n1 == y.size:  # sklearn raises; the AUC is undefined
        return float("nan")
    return float(roc_auc_score(y, p))


def reliability_table(
    p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int], bins: int = _N_BINS
) -> pd.DataFrame:
    """Bin predictions into equal-width bins and compare them with the observed rates.

    Written by hand rather than with :func:`sklearn.calibration.calibration_curve`, which
    drops empty bins, gives no counts and cuts at ``numpy.linspace(0, 1, bins + 1)``: its
    edge ``0.30000000000000004`` puts ``p == 0.3`` in the bin ``[0.2, 0.3)``, where this table
    (and its ``lower`` column) puts it in ``[0.3, 0.4)``. On the rows it bins alike, its
    ``prob_pred`` and ``prob_true`` equal ``mean_predicted`` and ``observed_rate``.

    Parameters
    ----------
    p : array-like of float
        Predicted probabilities, in [0, 1].
    y : array-like of int
        Outcomes, 0 or 1, same length.
    bins : int, default 10
        Number of equal-width bins on [0, 1]. Bin ``b`` holds ``b/bins <= p < (b+1)/bins``;
        the last bin also holds ``p == 1``.

    Returns
    -------
    pandas.DataFrame
        One row per bin (empty bins included): ``bin`` (0-based), ``lower``, ``upper``,
        ``n``, ``mean_predicted`` and ``observed_rate`` (NaN when ``n == 0``).
    """
    p, y = _binary(p, y)
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive integer, not {bins!r}")
    b = np.minimum((p * bins).astype(int), bins - 1)
    n = np.bincount(b, minlength=bins)
    sp = np.bincount(b, weights=p, minlength=bins)
    sy = np.bincount(b, weights=y, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.where(n > 0, sp / np.maximum(n, 1), np.nan)
        rate = np.where(n > 0, sy / np.maximum(n, 1), np.nan)
    edges = np.arange(bins + 1) / bins
    return pd.DataFrame(
        {
            "bin": np.arange(bins),
            "lower": edges[:-1],
            "upper": edges[1:],
            "n": n.astype(np.int64),
            "mean_predicted": mean_p,
            "observed_rate": rate,
        }
    )


def expected_calibration_error(
    p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int], bins: int = _N_BINS
) -> float:
    """Expected calibration error over equal-width bins.

    Written by hand (scikit-learn has no ECE), from :func:`reliability_table`.

    Parameters
    ----------
    p : array-like of float
        Predicted probabilities, in [0, 1].
    y : array-like of int
        Outcomes, 0 or 1, same length.
    bins : int, default 10
        Number of equal-width bins (see :func:`reliability_table`).

    Returns
    -------
    float
        ``sum_b (n_b / n) * |mean_predicted_b - observed_rate_b|``; 0 is perfect calibration.
        NaN for no rows. With rare events most rows fall in the first bin, so a small ECE
        mostly says the overall rate is right; read it with the reliability table.

    Examples
    --------
    >>> # bin 0: p 0.05, 0.05 vs 0 and 1 -> |0.05 - 0.5|; bin 9: p 0.95 vs 1 -> |0.95 - 1|
    >>> round(expected_calibration_error([0.05, 0.05, 0.95], [0, 1, 1]), 6)
    0.316667
    """
    t = reliability_table(p, y, bins)
    total = int(t["n"].sum())
    if total == 0:
        return float("nan")
    ok = t["n"] > 0
    gap = (t.loc[ok, "mean_predicted"] - t.loc[ok, "observed_rate"]).abs()
    return float((t.loc[ok, "n"] / total * gap).sum())


def score_predictions(predictions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every predictor of a prediction table on the same held-out rows.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``Evaluation.predictions``: ``military``, ``response`` and the four probability
        columns of each predictor in :data:`~forecast.evaluate.PREDICTORS`.

    Returns
    -------
    scores : pandas.DataFrame
        Indexed by ``predictor``: ``brier``, ``log_score``, ``rps``, ``auc``, ``ece``,
        ``brier_skill`` (``1 - brier / brier of base_rate``), ``n`` (rows scored on
        ``P(military)``) and ``n_response`` (rows with a coded response, scored by RPS).
    reliability : pandas.DataFrame
        :func:`reliability_table` of each predictor's ``P(military)``, stacked with a
        ``predictor`` column.
    """
    y = pd.to_numeric(predictions["military"]).to_numpy(dtype=int)
    coded = predictions["response"].notna().to_numpy()
    code = {r: i for i, r in enumerate(RESPONSES)}
    level = np.array([code[str(r)] for r in predictions["response"][coded]], dtype=int)
    rows, tables = [], []
    for name in PREDICTORS:
        cols = _cols(name)
        if cols[-1] not in predictions.columns:
            continue
        p = predictions[cols[-1]].to_numpy(dtype=float)
        four = predictions.loc[coded, cols].to_numpy(dtype=float)
        rows.append(
            {
                "predictor": name,
                "brier": brier_score(p, y),
                "log_score": log_score(p, y),
                "rps": ranked_probability_score(four, level) if coded.any() else float("nan"),
                "auc": roc_auc(p, y),
                "ece": expected_calibration_error(p, y),
                "n": len(y),
                "n_response": int(coded.sum()),
            }
        )
        tables.append(reliability_table(p, y).assign(predictor=name))
    scores = pd.DataFrame(rows).set_index("predictor")
    base = scores.loc["base_rate", "brier"] if "base_rate" in scores.index else float("nan")
    scores.insert(5, "brier_skill", 1.0 - scores["brier"] / base if base > 0 else float("nan"))
    reliability = pd.concat(tables, ignore_index=True)
    reliability = reliability[["predictor", *[c for c in reliability if c != "predictor"]]]
    return scores, reliability


def scores_by_scale(predictions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores at each crisis scale, for the target side and the aggressor side.

    War-scale crises (COW wars and curated cases) are the headline: they are what users
    forecast. Disputes (MIDs) are most of the rows and nearly all of them are "nobody fights",
    so pooled scores say little about wars.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``Evaluation.predictions`` with ``scale``, ``sided_with_aggressor`` and the
        ``p_aggressor`` columns.

    Returns
    -------
    scores : pandas.DataFrame
        Rows by ``scale`` (``war``, ``dispute``), ``side`` (``target``: P(military help to
        the target) against ``military``; ``aggressor``: P(fights for the aggressor) against
        ``sided_with_aggressor``) and ``predictor``; columns as :func:`score_predictions`
        (``brier_skill`` against the same side's base rate; ``rps`` on the target side only)
        plus ``n_events``.
    reliability : pandas.DataFrame
        Reliability tables of the target side's ``P(military)`` per scale and predictor.
    """
    parts, tables = [], []
    for scale in ("war", "dispute"):
        sub = predictions[predictions["scale"] == scale]
        if sub.empty:
            continue
        target, rel = score_predictions(sub)
        target["n_events"] = int(pd.to_numeric(sub["military"]).sum())
        parts.append(target.reset_index().assign(scale=scale, side="target"))
        tables.append(rel.assign(scale=scale))
        y = pd.to_numeric(sub["sided_with_aggressor"]).to_numpy(dtype=int)
        rows = []
        for name in AGGRESSOR_PREDICTORS:
            col = "p_aggressor" if name == "model" else f"p_aggressor_{name}"
            if col not in sub.columns:
                continue
            p = sub[col].to_numpy(dtype=float)
            rows.append(
                {
                    "predictor": name,
                    "brier": brier_score(p, y),
                    "log_score": log_score(p, y),
                    "auc": roc_auc(p, y),
                    "ece": expected_calibration_error(p, y),
                    "n": len(y),
                    "n_events": int(y.sum()),
                }
            )
        agg = pd.DataFrame(rows)
        if len(agg):
            base = agg.loc[agg["predictor"] == "base_rate", "brier"]
            b0 = float(base.iloc[0]) if len(base) else float("nan")
            agg["brier_skill"] = 1.0 - agg["brier"] / b0 if b0 > 0 else float("nan")
            parts.append(agg.assign(scale=scale, side="aggressor"))
    if not parts:
        return pd.DataFrame(), pd.DataFrame()
    scores = pd.concat(parts, ignore_index=True)
    lead = ["scale", "side", "predictor"]
    scores = scores[[*lead, *[c for c in scores.columns if c not in lead]]]
    reliability = pd.concat(tables, ignore_index=True)
    reliability = reliability[["scale", *[c for c in reliability if c != "scale"]]]
    return scores, reliability


#: The state in need's role in its attack (``target_role``), in the order reported: attacked
#: (as a scenario's target is), then entered a war under way by its own act.
ROLES: tuple[str, ...] = ("attacked", "entered")


def scores_by_role(predictions: pd.DataFrame, scale: str = "war") -> pd.DataFrame:
    """Target-side scores at one crisis scale, split by the state in need's role.

    An attack on a state (``attacked``; mostly at a war's start: 99 of the embedded table's
    2,816 such war-scale rows come from a later year than the war's first) and an attack on a state
    that had entered a war under way by its own act (``entered``) are different questions: a
    scenario asks the first; a war that has already drawn states in has shown it is one that
    draws states in, which the model's conflict effect of a held-out war cannot know. Pooled
    scores mix the two.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``Evaluation.predictions`` with ``scale`` and ``target_role``.
    scale : {"war", "dispute"}, default "war"
        The crisis scale.

    Returns
    -------
    pandas.DataFrame
        Rows by ``role`` (:data:`ROLES`) and ``predictor``; the columns of
        :func:`score_predictions` plus ``n_events``, ``mean_predicted`` (the mean
        ``P(military)``) and ``observed_rate`` (the share that fought). Empty when the
        predictions carry no ``target_role``.
    """
    if "target_role" not in predictions.columns or "scale" not in predictions.columns:
        return pd.DataFrame()
    parts = []
    for role in ROLES:
        sub = predictions[(predictions["scale"] == scale) & (predictions["target_role"] == role)]
        if sub.empty:
            continue
        table, _ = score_predictions(sub)
        y = pd.to_numeric(sub["military"]).to_numpy(dtype=float)
        table["n_events"] = int(y.sum())
        table["mean_predicted"] = [
            float(sub[_cols(name)[-1]].to_numpy(dtype=float).mean()) for name in table.index
        ]
        table["observed_rate"] = float(y.mean())
        parts.append(table.reset_index().assign(role=role))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    return out[["role", *[c for c in out.columns if c != "role"]]]
