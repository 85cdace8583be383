"""The headline goals' bootstrap intervals: resampling held-out conflicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.evaluate import brier_score, goal_intervals, log_score, roc_auc
from forecast.evaluate.results import Evaluation


def _predictions(n_conflicts: int = 12, rows: int = 6, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_conflicts * rows
    p = rng.uniform(0.01, 0.4, n)
    return pd.DataFrame(
        {
            "scale": ["war"] * n,
            "conflict_id": np.repeat([f"c{i}" for i in range(n_conflicts)], rows),
            "military": (rng.random(n) < p).astype(int),
            "p_military": p,
            "p_military_base_rate": np.full(n, 0.1),
            "p_military_logistic": rng.uniform(0.01, 0.4, n),
        }
    )


def _values(frame: pd.DataFrame) -> dict[str, float]:
    y, p = frame["military"].to_numpy(), frame["p_military"].to_numpy()
    high = p >= 0.1
    return {
        "brier_ratio": brier_score(p, y) / brier_score(frame["p_military_base_rate"], y),
        "log_score_vs_logistic": log_score(p, y) - log_score(frame["p_military_logistic"], y),
        "auc": roc_auc(p, y),
        "calibration_above_0.1": float(np.mean(p[high] - y[high])),
    }


def test_one_resample_is_the_goals_of_the_resampled_conflicts():
    pred = _predictions()
    got = goal_intervals(pred, n_boot=1, seed=7).set_index("goal")
    # the same draw by hand: conflicts picked with replacement, their rows stacked
    ids = pred["conflict_id"].unique()
    counts = np.random.default_rng(7).multinomial(len(ids), np.full(len(ids), 1 / len(ids)))
    stacked = pd.concat(
        [
            pred[pred["conflict_id"] == c]
            for c, k in zip(ids, counts, strict=True)
            for _ in range(k)
        ]
    )
    for goal, value in _values(stacked).items():
        assert got.loc[goal, "lower"] == pytest.approx(value, rel=1e-9)
        assert got.loc[goal, "upper"] == pytest.approx(value, rel=1e-9)


def test_identical_conflicts_leave_nothing_to_resample():
    one = _predictions(n_conflicts=1, rows=8).assign(military=[1, 0, 0, 1, 0, 0, 0, 0])
    same = pd.concat([one.assign(conflict_id=f"c{i}") for i in range(10)], ignore_index=True)
    got = goal_intervals(same, n_boot=200).set_index("goal")
    for goal, value in _values(same).items():
        assert got.loc[goal, "lower"] == pytest.approx(value, abs=1e-12)
        assert got.loc[goal, "upper"] == pytest.approx(value, abs=1e-12)


def test_intervals_cover_the_value_and_narrow_with_more_conflicts():
    few, many = _predictions(8, 6), _predictions(200, 6)
    widths = []
    for pred in (few, many):
        got = goal_intervals(pred, n_boot=400).set_index("goal")
        value = _values(pred)["brier_ratio"]
        assert got.loc["brier_ratio", "lower"] <= value <= got.loc["brier_ratio", "upper"]
        widths.append(got.loc["brier_ratio", "upper"] - got.loc["brier_ratio", "lower"])
    assert widths[1] < widths[0] / 2


def test_own_share_scores_each_conflict_at_the_share_that_fought():
    pred = _predictions(n_conflicts=10, rows=8, seed=5)
    got = goal_intervals(pred, n_boot=50).set_index("goal")["own_share"]
    share = pred.groupby("conflict_id")["military"].transform("mean")
    by_hand = _values(pred.assign(p_military=share.clip(1e-12, 1 - 1e-12)))
    assert got["brier_ratio"] == pytest.approx(by_hand["brier_ratio"], rel=1e-9)
    assert got["auc"] == pytest.approx(by_hand["auc"], rel=1e-9)
    assert got["log_score_vs_logistic"] == pytest.approx(by_hand["log_score_vs_logistic"])
    assert got["calibration_above_0.1"] == 0  # each conflict's share matches its own rows
    # a conflict where nobody fought is predicted at 0, one where all fought at 1
    ends = pred.assign(military=np.repeat([0, 1] * 5, 8))
    assert goal_intervals(ends, n_boot=10).set_index("goal").loc["brier_ratio", "own_share"] == 0


def test_goals_carry_their_intervals_through_json():
    pred = _predictions().drop(columns="p_military_logistic")
    assert goal_intervals(pred).empty  # a predictor missing: nothing to resample
    pred = _predictions()
    scores = pd.DataFrame(
        [
            {"scale": "war", "side": "target", "predictor": name, "brier": b, "log_score": ls,
             "auc": 0.7, "n": len(pred)}
            for name, b, ls in (("model", 0.09, 0.3), ("base_rate", 0.1, 0.32),
                                ("logistic", 0.095, 0.31))
        ]
    )  # fmt: skip
    ev = Evaluation(
        predictions=pred,
        scores=pd.DataFrame(
            {"brier": [0.1], "n": [len(pred)], "n_response": [0]},
            index=pd.Index(["model"], name="predictor"),
        ),
        reliability=pd.DataFrame(
            [
                {
                    "predictor": "model",
                    "bin": 0,
                    "n": 1,
                    "lower": 0.0,
                    "upper": 0.1,
                    "mean_predicted": 0.05,
                    "observed_rate": 0.0,
                }
            ]
        ),
        settings={},
        scale_scores=scores,
    )
    goals = ev.goals.set_index("goal")
    assert {"lower", "upper"} <= set(goals.columns)
    assert goals["lower"].notna().all()
    stored = {g["goal"]: g for g in ev.to_json()["goals"]}
    assert stored["auc"]["lower"] == pytest.approx(goals.loc["auc", "lower"])
    assert stored["brier_ratio"]["own_share"] == pytest.approx(
        goals.loc["brier_ratio", "own_share"]
    )
    back = Evaluation(
        predictions=pd.DataFrame(),
        scores=ev.scores,
        reliability=ev.reliability,
        settings={},
        scale_scores=scores,
        intervals=ev.intervals,
    )
    assert back.goals.set_index("goal")["upper"].equals(goals["upper"])
    read = Evaluation.from_json(ev.to_json())
    assert read.goals.set_index("goal")["own_share"].equals(goals["own_share"])
