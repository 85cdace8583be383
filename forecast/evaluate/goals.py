"""The headline goals: war-scale crises, help to the target, measured against their bounds."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GOALS", "crisis_goals", "goal_intervals"]


#: The goals of the headline (war-scale crises, help to the target): Brier at most this
#: share of the base rate's; log score below the pooled logistic regression's; AUC at least
#: this; predictions of 0.1 or more calibrated within this (mean predicted against observed).
GOALS: dict[str, float] = {"brier_ratio": 0.80, "auc": 0.85, "calibration_above_0.1": 0.05}


def crisis_goals(
    scale_scores: pd.DataFrame, scale_reliability: pd.DataFrame, scale: str = "war"
) -> pd.DataFrame:
    """The headline goals, measured: war-scale crises, P(military help to the target).

    Parameters
    ----------
    scale_scores, scale_reliability : pandas.DataFrame
        From :func:`scores_by_scale` (``Evaluation.scale_scores`` and
        ``Evaluation.scale_reliability``).
    scale : {"war", "dispute"}, default "war"
        The crisis scale judged.

    Returns
    -------
    pandas.DataFrame
        One row per goal of :data:`GOALS` plus ``log_score_vs_logistic``: ``goal``,
        ``value`` (the model's Brier over the base rate's; its log score minus the
        logistic regression's; its AUC; its mean prediction minus the observed share over
        held-out predictions of 0.1 or more), ``target`` (the bound), ``met`` (bool; False
        when the value is missing) and ``n`` (rows behind the value).
    """
    cols = ["goal", "value", "target", "met", "n"]
    if scale_scores is None or len(scale_scores) == 0:
        return pd.DataFrame(columns=cols)
    part = scale_scores[(scale_scores["scale"] == scale) & (scale_scores["side"] == "target")]
    by = part.set_index("predictor")

    def get(predictor: str, score: str) -> float:
        return float(by.loc[predictor, score]) if predictor in by.index else float("nan")

    n = int(get("model", "n")) if "model" in by.index else 0
    rows = [
        ("brier_ratio", get("model", "brier") / get("base_rate", "brier"), GOALS["brier_ratio"]),
        ("log_score_vs_logistic", get("model", "log_score") - get("logistic", "log_score"), 0.0),
        ("auc", get("model", "auc"), GOALS["auc"]),
    ]
    out = [
        {"goal": g, "value": v, "target": t, "met": bool(v <= t if g != "auc" else v >= t),
         "n": n}
        for g, v, t in rows
    ]  # fmt: skip
    out[1]["met"] = bool(out[1]["value"] < 0)
    rel = scale_reliability
    if rel is not None and len(rel):
        rel = rel[(rel["scale"] == scale) & (rel["predictor"] == "model")]
        high = rel[(rel["lower"] >= 0.1 - 1e-12) & (rel["n"] > 0)]
    else:
        high = pd.DataFrame(columns=["n", "mean_predicted", "observed_rate"])
    k = int(high["n"].sum())
    gap = float("nan")
    if k:
        gap = float((high["n"] * (high["mean_predicted"] - high["observed_rate"])).sum() / k)
    bound = GOALS["calibration_above_0.1"]
    out.append(
        {"goal": "calibration_above_0.1", "value": gap, "target": bound,
         "met": bool(abs(gap) <= bound) if k else False, "n": k}
    )  # fmt: skip
    frame = pd.DataFrame(out, columns=cols)
    frame["met"] = [bool(m) and v == v for m, v in zip(frame["met"], frame["value"], strict=True)]
    return frame


def goal_intervals(
    predictions: pd.DataFrame,
    scale: str = "war",
    level: float = 0.9,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """How far the goals' values could move with other conflicts held out, and their reach.

    The held-out conflicts of ``scale`` are resampled with replacement (a cluster bootstrap:
    rows of one conflict stay together, as the folds keep them), the predictions held fixed,
    and each goal's value recomputed on every resample. The interval is about the set of
    crises scored, not about refitting: it says whether a value's distance from its bound
    could be the luck of which wars happened.

    Beside it, ``own_share``: each goal's value had every row been predicted at its own
    conflict's share that fought, read from the outcomes. Not a forecast, but the best any
    predictor can do that gives all rows of a conflict one number (no ranking of the states
    within a war): how far knowing which wars draw states in would go.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``Evaluation.predictions``: ``scale``, ``conflict_id``, ``military``,
        ``p_military``, ``p_military_base_rate`` and ``p_military_logistic``.
    scale : {"war", "dispute"}, default "war"
        The crisis scale judged.
    level : float, default 0.9
        Mass of the equal-tailed intervals.
    n_boot : int, default 1000
        Resamples.
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        ``goal`` (as :func:`crisis_goals`), ``lower``, ``upper`` and ``own_share``; NaN
        where a resample cannot give the value (no event, or no prediction of 0.1 or more,
        in every resample). Empty when the predictions lack a column or the scale has no
        rows.
    """
    cols = ["goal", "lower", "upper", "own_share"]
    need = ["scale", "conflict_id", "military", "p_military", "p_military_base_rate"]
    need.append("p_military_logistic")
    if predictions is None or not set(need) <= set(predictions.columns):
        return pd.DataFrame(columns=cols)
    sub = predictions[predictions["scale"] == scale]
    if sub.empty:
        return pd.DataFrame(columns=cols)
    y = pd.to_numeric(sub["military"]).to_numpy(dtype=float)
    p, base, logit = (
        np.clip(sub[c].to_numpy(dtype=float), 1e-12, 1 - 1e-12)
        for c in ("p_military", "p_military_base_rate", "p_military_logistic")
    )
    codes, uniques = pd.factorize(sub["conflict_id"].astype(str))
    k = len(uniques)
    counts = np.random.default_rng(seed).multinomial(k, np.full(k, 1.0 / k), size=n_boot)
    w = counts[:, codes].astype(float)  # (n_boot, rows): each row weighted by its conflict's draws
    values = _goal_values(y, p, base, logit, w)
    share = np.bincount(codes, weights=y, minlength=k) / np.bincount(codes, minlength=k)
    own = _goal_values(
        y, np.clip(share[codes], 1e-12, 1 - 1e-12), base, logit, np.ones((1, len(y)))
    )
    tail = (1 - level) / 2
    rows = []
    for goal, v in values.items():
        v = v[np.isfinite(v)]
        lo, hi = np.quantile(v, [tail, 1 - tail]) if v.size else (np.nan, np.nan)
        rows.append({"goal": goal, "lower": float(lo), "upper": float(hi),
                     "own_share": round(float(own[goal][0]), 12)})  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _goal_values(y, p, base, logit, w) -> dict[str, np.ndarray]:
    """Each goal's value under each row of weights ``w`` (resamples × rows)."""
    from sklearn.metrics import roc_auc_score

    total = w.sum(axis=1)

    def mean(v: np.ndarray) -> np.ndarray:
        return (w @ v) / total

    def loss(q: np.ndarray) -> np.ndarray:
        return -(y * np.log(q) + (1 - y) * np.log1p(-q))

    high = p >= 0.1
    with np.errstate(invalid="ignore", divide="ignore"):
        values = {
            "brier_ratio": mean((p - y) ** 2) / mean((base - y) ** 2),
            "log_score_vs_logistic": mean(loss(p)) - mean(loss(logit)),
            "calibration_above_0.1": (w[:, high] @ (p - y)[high]) / w[:, high].sum(axis=1),
        }
    auc = np.full(len(w), np.nan)
    for i in range(len(w)):
        on = w[i] > 0
        if 0 < y[on].sum() < on.sum():
            auc[i] = roc_auc_score(y[on], p[on], sample_weight=w[i, on])
    values["auc"] = auc
    return values
