"""The headline goals: war-scale crises, help to the target, measured against their bounds."""

from __future__ import annotations

import pandas as pd

__all__ = ["GOALS", "crisis_goals"]


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
