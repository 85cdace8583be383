"""How much of the war-scale headline the covariates can reach, and what a war's intensity adds.

Fits quick, non-Bayesian predictors on the folds of ``forecast evaluate`` (grouped by conflict,
5 folds, seed 0) and scores their held-out war-scale rows, help to the target (``military``),
as the headline does:

- ``logistic without the attack's pool``: a pooled logistic regression (scikit-learn,
  ``C=1``) on the model's covariates less the two facts of each row's attack, known when it
  begins (``log_pool_size``, ``log1p_pool_aggressor_allies``: the number of its potential
  responders, and of them the states allied to the aggressor);
- ``logistic``: the evaluation's baseline, the same on all the model's covariates;
- ``boosting``: gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``,
  depth 3, seeded) on the same columns, interactions included;
- ``oracle``: the logistic regression plus the held-out war's own share that fought, each row
  left out of its own share. Not a forecast (it reads the outcomes of the other rows of the
  war being forecast): a bound on what knowing which wars draw states in would be worth;
- ``each war's own share``, ``each attack's own share``: every row predicted at the share of
  its war's (or attack's, :func:`forecast.design.attack_labels`) rows that fought, itself
  included. In-sample and not a forecast either: the best any predictor can do that gives one
  number to every row of a war (an attack), so a held-out score below it must come from
  ranking the states within a war.

It also prints the AUC within each war that had both outcomes (averaged with weights by
events), which no conflict effect can change; and, in-sample, the shipped fit's
(``models/compact.nc``) mean P(military) of the war-scale rows when each war is treated as a
new conflict, as a held-out war is, against the share that fought, by the state in need's role
(attacked, or entered a war under way by its own act); and the same in-sample bound (each war's
own share) on the temporal scheme's scored war-scale rows, against its base rate. Run from the
project root (about 20 seconds)::

    .venv/bin/python scripts/skill_ceiling.py
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

import forecast
from forecast.design import COVARIATES, attack_labels, make_design
from forecast.evaluate import (
    brier_score,
    conflict_folds,
    log_score,
    mean_outcomes,
    roc_auc,
    temporal_folds,
)
from forecast.evaluate.baselines import LOGISTIC_C, row_scales
from forecast.evaluate.scores import ROLES
from forecast.workflow import load_compact


def _held_out(cases, folds, make, covariates=None, extra=None) -> np.ndarray:
    y = cases["military"].to_numpy(dtype=int)
    p = np.full(len(cases), np.nan)
    for train, test in folds:
        d_train = make_design(cases.iloc[train], covariates=covariates)
        d_test = make_design(cases.iloc[test], d_train.scaling, covariates=covariates)
        x_train, x_test = d_train.X, d_test.X
        if extra is not None:
            x_train = np.column_stack([x_train, extra[train]])
            x_test = np.column_stack([x_test, extra[test]])
        p[test] = make().fit(x_train, y[train]).predict_proba(x_test)[:, 1]
    return p


def _within(p, y, conflict) -> float:
    aucs, weights = [], []
    for c in np.unique(conflict):
        k = conflict == c
        if 0 < y[k].sum() < k.sum():
            aucs.append(roc_auc(p[k], y[k]))
            weights.append(y[k].sum())
    return float(np.average(aucs, weights=weights))


def main() -> None:
    """Print the table (Markdown) of the four predictors against the base rate."""
    warnings.filterwarnings("ignore", category=UserWarning)
    cases = forecast.load_cases().reset_index(drop=True)
    folds = conflict_folds(cases, 5, 0)
    y = cases["military"].to_numpy(dtype=int)
    war = row_scales(cases) == "war"
    conflict = cases["conflict_id"].astype(str).to_numpy()
    base = np.full(len(cases), np.nan)
    for train, test in folds:
        base[test] = y[train][war[train]].mean()
    no_pool = [c for c in COVARIATES if not c.endswith(("pool_size", "pool_aggressor_allies"))]
    frame = pd.DataFrame({"c": conflict, "y": y})
    total = frame.groupby("c")["y"].transform("sum").to_numpy()
    size = frame.groupby("c")["y"].transform("size").to_numpy()
    share = (total - y + 0.05) / size  # the war's share that fought, without the row itself
    oracle = np.log(share / (1 - share))[:, None]

    def logistic():
        return LogisticRegression(C=LOGISTIC_C, max_iter=5000)

    def boosting():
        return HistGradientBoostingClassifier(
            max_depth=3, learning_rate=0.05, max_iter=200, l2_regularization=1.0, random_state=0
        )

    runs = {
        "logistic without the attack's pool": _held_out(cases, folds, logistic, no_pool),
        "logistic": _held_out(cases, folds, logistic),
        "boosting": _held_out(cases, folds, boosting),
        "oracle": _held_out(cases, folds, logistic, extra=oracle),
    }
    frame["a"] = attack_labels(cases)
    for name, key in (("each war's own share", "c"), ("each attack's own share", "a")):
        runs[name] = frame.groupby(key)["y"].transform("mean").to_numpy(dtype=float)
    b = brier_score(base[war], y[war])
    print("| predictor | Brier / base rate's | log score | AUC | AUC within wars |")
    print("|---|---|---|---|---|")
    print(f"| base rate | 1.000 | {log_score(base[war], y[war]):.4f} | – | – |")
    for name, p in runs.items():
        pw, yw = p[war], y[war]
        print(
            f"| {name} | {brier_score(pw, yw) / b:.3f} | {log_score(pw, yw):.4f} | "
            f"{roc_auc(pw, yw):.3f} | {_within(pw, yw, conflict[war]):.3f} |"
        )
    as_new_table(cases, war, y)
    print(
        f"\ntemporal scheme, each war at its own share: Brier {temporal_bound(cases, war, y):.3f}"
    )


def as_new_table(cases: pd.DataFrame, war: np.ndarray, y: np.ndarray) -> None:
    """Print the shipped fit's in-sample war-scale rate with each war as a new conflict."""
    fit = load_compact()
    wars = cases[war].copy()
    wars["conflict_id"] = "new-" + wars["conflict_id"].astype(str)
    p_new = mean_outcomes(fit, make_design(wars, fit.design.scaling))[0][:, 3]
    role = wars["target_role"].astype(str).to_numpy()
    print("\n| war-scale rows (in-sample, each war as new) | rows | mean P(military) | share |")
    print("|---|---|---|---|")
    for name, k in (("all", np.ones(len(wars), bool)), *((r, role == r) for r in ROLES)):
        print(f"| {name} | {k.sum()} | {p_new[k].mean():.4f} | {y[war][k].mean():.4f} |")


def temporal_bound(cases: pd.DataFrame, war: np.ndarray, y: np.ndarray) -> float:
    """Return the temporal scheme's war-scale Brier ratio with each war at its own share."""
    own, base = 0.0, 0.0
    for train, test in temporal_folds(cases):
        t = test[war[test]]
        share = pd.Series(y[t]).groupby(cases["conflict_id"].to_numpy()[t]).transform("mean")
        own += float(((share.to_numpy() - y[t]) ** 2).sum())
        base += float(((y[train][war[train]].mean() - y[t]) ** 2).sum())
    return own / base


if __name__ == "__main__":
    main()
