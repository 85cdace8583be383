"""Three baselines the model must beat, fitted on each fold's training rows.

- ``base_rate``: the share of training rows with ``military == 1``.
- ``obligation_rate``: that share within each obligation type, smoothed by one
  pseudo-observation at the training base rate (a ``Beta(p0, 1 - p0)`` prior, ``p0`` the base
  rate): ``(k + p0) / (n + 1)``. An obligation type absent from training gets the base rate;
  a type seen 10 times without a join gets ``p0 / 11`` rather than 0. (Jeffreys' ``(k + 0.5) /
  (n + 1)`` would pull rare cells towards 0.5, far from a base rate of a few per thousand.)
- ``logistic``: a pooled logistic regression of ``military`` on the model's covariates
  (``make_design(train).X``; held-out rows coded with the training scaling), without group
  effects, with a mild L2 penalty (scikit-learn's ``C=1``, i.e. a ``Normal(0, 1)`` prior on
  the coefficients of 0/1 and standardised covariates, like the model's ``beta`` prior).

Baselines model ``P(military)`` only. For the ranked probability score they need all four
levels: the remaining ``1 - P(military)`` is split between none, diplomatic and material in
the shares of the training rows with a coded response below military, add-one smoothed
(``(n_k + 1) / (n + 3)``); ``obligation_rate`` uses the shares within the obligation type,
smoothed by one pseudo-observation at the overall shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..cases import OBLIGATIONS
from ..design import make_design

#: Inverse L2 strength of the logistic-regression baseline (scikit-learn's ``C``).
LOGISTIC_C = 1.0


def _lower_shares(y: np.ndarray) -> np.ndarray:
    """Add-one smoothed shares of none/diplomatic/material among coded rows below military."""
    counts = np.bincount(y[(y >= 0) & (y < 3)], minlength=3).astype(float)
    return (counts + 1.0) / (counts.sum() + 3.0)


def _four(p_mil: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Four-level probabilities from P(military) and per-row (or shared) lower-level shares."""
    lower = np.broadcast_to(lower, (len(p_mil), 3))
    return np.column_stack([lower * (1.0 - p_mil)[:, None], p_mil])


def baseline_predictions(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, np.ndarray]:
    """Fit the three baselines on training rows and predict held-out rows.

    Parameters
    ----------
    train : pandas.DataFrame
        Training rows of a case table (``military`` coded on every row).
    test : pandas.DataFrame
        Held-out rows of the same schema.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{"base_rate", "obligation_rate", "logistic"}`` -> array ``(len(test), 4)`` of
        P(none, diplomatic, material, military); see the module docstring for each rule.
    """
    from sklearn.linear_model import LogisticRegression

    d_train = make_design(train)
    d_test = make_design(test, scaling=d_train.scaling)
    mil = d_train.military
    ok = mil >= 0
    k, n = float(mil[ok].sum()), int(ok.sum())
    p0 = k / n if n else 0.5
    lower0 = _lower_shares(d_train.y)
    nt = d_test.n_rows
    out = {"base_rate": _four(np.full(nt, p0), lower0)}

    ob_train = train["obligation"].astype(str).to_numpy()
    ob_test = test["obligation"].astype(str).to_numpy()
    p_ob = np.full(nt, p0)
    low_ob = np.tile(lower0, (nt, 1))
    for o in OBLIGATIONS:
        here = ob_test == o
        if not here.any():
            continue
        rows = (ob_train == o) & ok
        p_ob[here] = (mil[rows].sum() + p0) / (rows.sum() + 1.0)
        yo = d_train.y[(ob_train == o) & (d_train.y >= 0) & (d_train.y < 3)]
        counts = np.bincount(yo, minlength=3).astype(float)
        low_ob[here] = (counts + lower0) / (counts.sum() + 1.0)
    out["obligation_rate"] = _four(p_ob, low_ob)

    if 0 < k < n:
        lr = LogisticRegression(C=LOGISTIC_C, max_iter=5000)
        lr.fit(d_train.X[ok], mil[ok])
        p_lr = lr.predict_proba(d_test.X)[:, 1] if nt else np.zeros(0)
    else:  # one outcome only in training: nothing to regress
        p_lr = np.full(nt, p0)
    out["logistic"] = _four(p_lr, lower0)
    return out
