"""Scores on a tiny example worked on paper, and the sklearn-backed scores against the formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forecast.cases import RESPONSES
from forecast.evaluate import scores

# four predictions of P(military) and what happened
P = [0.12, 0.18, 0.35, 0.85]
Y = [0, 1, 0, 1]

# four-level forecasts (none, diplomatic, material, military) and the observed levels
FOUR = [
    [0.5, 0.2, 0.2, 0.1],
    [0.25, 0.25, 0.25, 0.25],
    [0.0, 0.0, 1.0, 0.0],
    [0.1, 0.2, 0.3, 0.4],
]
LEVEL = [0, 3, 2, 1]


def test_brier_by_hand():
    # (0.12^2 + 0.82^2 + 0.35^2 + 0.15^2) / 4 = (0.0144 + 0.6724 + 0.1225 + 0.0225) / 4
    assert scores.brier_score(P, Y) == pytest.approx(0.20795, abs=1e-15)


def test_log_score_by_hand():
    # -(log 0.88 + log 0.18 + log 0.65 + log 0.85) / 4
    hand = -(math.log(0.88) + math.log(0.18) + math.log(0.65) + math.log(0.85)) / 4
    assert scores.log_score(P, Y) == pytest.approx(hand, abs=1e-15)
    assert scores.log_score(P, Y) == pytest.approx(0.608983, abs=1e-6)
    # clipped to [1e-12, 1 - 1e-12] as before sklearn (whose own clip is at 2.2e-16):
    # a certain miss costs -log(1e-12) = 27.63, a certain hit -log(1 - 1e-12) = 1e-12
    assert scores.log_score([0.0, 1.0], [1, 1]) == pytest.approx(
        (-math.log(1e-12) - math.log1p(-1e-12)) / 2, abs=1e-12
    )
    # a certain false alarm: 1 - 1e-12 is not a float; its nearest float leaves a gap of
    # 1.0000889e-12 below 1, so the cost is 27.6310432, not -log(1e-12) = 27.6310211
    assert scores.log_score([1.0], [0]) == pytest.approx(-math.log1p(-(1 - 1e-12)), abs=1e-12)
    assert scores.log_score([1.0], [0]) == pytest.approx(27.6310432, abs=1e-7)


def test_ranked_probability_score_by_hand():
    # F (cumulative forecast) vs O (cumulative observed), squared gaps over K - 1 = 3:
    # row 1: F (0.5, 0.7, 0.9),    O (1, 1, 1) -> (0.25 + 0.09 + 0.01) / 3
    # row 2: F (0.25, 0.5, 0.75),  O (0, 0, 0) -> (0.0625 + 0.25 + 0.5625) / 3
    # row 3: F (0, 0, 1),          O (0, 0, 1) -> 0
    # row 4: F (0.1, 0.3, 0.6),    O (0, 1, 1) -> (0.01 + 0.49 + 0.16) / 3
    hand = (0.35 + 0.875 + 0.0 + 0.66) / 3 / 4
    assert scores.ranked_probability_score(FOUR, LEVEL) == pytest.approx(hand, abs=1e-15)


def test_auc_by_hand():
    # events 0.18, 0.85 against non-events 0.12, 0.35: 0.18 > 0.12, 0.18 < 0.35, 0.85 > both
    assert scores.roc_auc(P, Y) == 0.75
    # a tie between an event and a non-event counts one half: (0.5 + 1 + 1 + 1) / 4
    assert scores.roc_auc([0.5, 0.9, 0.5, 0.2], [1, 1, 0, 0]) == 0.875
    assert math.isnan(scores.roc_auc([0.2, 0.4], [1, 1]))  # one outcome only


def test_reliability_table_and_ece_by_hand():
    t = scores.reliability_table(P, Y)
    used = t[t["n"] > 0]
    # 0.12 and 0.18 share bin 1 [0.1, 0.2); 0.35 is in bin 3, 0.85 in bin 8
    assert used["bin"].tolist() == [1, 3, 8]
    assert used["n"].tolist() == [2, 1, 1]
    np.testing.assert_allclose(used["mean_predicted"], [0.15, 0.35, 0.85], atol=1e-15)
    np.testing.assert_allclose(used["observed_rate"], [0.5, 0.0, 1.0], atol=1e-15)
    # (2 * |0.15 - 0.5| + 1 * |0.35 - 0| + 1 * |0.85 - 1|) / 4 = (0.7 + 0.35 + 0.15) / 4
    assert scores.expected_calibration_error(P, Y) == pytest.approx(0.3, abs=1e-15)


def test_reliability_table_agrees_with_sklearn_off_the_edges():
    from sklearn.calibration import calibration_curve

    t = scores.reliability_table(P, Y)
    used = t[t["n"] > 0]
    prob_true, prob_pred = calibration_curve(Y, P, n_bins=10)
    np.testing.assert_allclose(used["observed_rate"], prob_true, atol=1e-15)
    np.testing.assert_allclose(used["mean_predicted"], prob_pred, atol=1e-15)
    # on an edge they differ, which is why the table stays by hand: sklearn cuts at
    # linspace(0, 1, 11)[3] == 0.30000000000000004, so p == 0.3 falls in [0.2, 0.3) there
    t = scores.reliability_table([0.3], [1])
    assert t.loc[t["n"] > 0, "lower"].tolist() == [0.3]


def test_score_predictions_by_hand():
    table = pd.DataFrame(
        {
            "military": [0, 1, 0, 0],
            "response": ["none", "military", "material", "diplomatic"],
            **{f"p_{r}": col for r, col in zip(RESPONSES, np.array(FOUR).T, strict=True)},
            **{f"p_{r}_base_rate": [0.25] * 4 for r in RESPONSES},
        }
    )
    s, rel = scores.score_predictions(table)
    assert s.index.tolist() == ["model", "base_rate"]  # predictors without columns are skipped
    # model P(military) (0.1, 0.25, 0, 0.4) vs (0, 1, 0, 0): (0.01 + 0.5625 + 0 + 0.16) / 4
    assert s.loc["model", "brier"] == pytest.approx(0.183125, abs=1e-15)
    assert s.loc["base_rate", "brier"] == pytest.approx(0.1875, abs=1e-15)  # (3/16 + 9/16) / 4
    assert s.loc["model", "brier_skill"] == pytest.approx(1 - 0.183125 / 0.1875, abs=1e-15)
    assert s.loc["base_rate", "brier_skill"] == 0
    assert s.loc["model", "rps"] == pytest.approx(1.885 / 12, abs=1e-15)
    # base rate: F (0.25, 0.5, 0.75) against levels 0, 3, 2, 1: (0.875 * 2 + 0.375 * 2) / 3 / 4
    assert s.loc["base_rate", "rps"] == pytest.approx(2.5 / 12, abs=1e-15)
    assert (s["n"] == 4).all() and (s["n_response"] == 4).all()
    assert len(rel) == 20 and set(rel["predictor"]) == {"model", "base_rate"}


# the definitions before the scores went through sklearn, kept to pin the numbers


def _brier_formula(p, y):
    return float(np.mean((p - y) ** 2))


def _log_formula(p, y):
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log1p(-q)))


def _auc_formula(p, y):
    n1 = int(y.sum())
    ranks = pd.Series(p).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * (y.size - n1)))


def test_sklearn_scores_match_the_formulas(rng):
    for trial in range(60):
        n = int(rng.integers(2, 300))
        p = rng.random(n) ** rng.uniform(0.2, 5)
        if trial % 3 == 0:  # certain forecasts, near-certain ones and ties
            p[: n // 3] = rng.choice([0.0, 1.0, 1e-13, 1 - 1e-13, 0.5], n // 3)
        y = (rng.random(n) < p).astype(int) if trial % 7 else np.zeros(n, int)
        assert scores.brier_score(p, y) == pytest.approx(_brier_formula(p, y), abs=1e-12)
        assert scores.log_score(p, y) == pytest.approx(_log_formula(p, y), abs=1e-12)
        if 0 < y.sum() < n:
            assert scores.roc_auc(p, y) == pytest.approx(_auc_formula(p, y), abs=1e-12)
