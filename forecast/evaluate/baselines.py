"""Three baselines the model must beat, fitted on each fold's training rows.

- ``base_rate``: the share of training rows with ``military == 1`` at the held-out row's crisis
  scale (war-scale: COW wars and curated cases; dispute: MIDs), smoothed by one
  pseudo-observation at the pooled share.
- ``obligation_rate``: that share within each obligation type by invocation (``defense``
  invoked, not invoked, undecided; ...), smoothed by one pseudo-observation at the scale's base
  rate (a ``Beta(p0, 1 - p0)`` prior): ``(k + p0) / (n + 1)``. A cell absent from training
  gets the base rate; a cell seen 10 times without a join gets ``p0 / 11`` rather than 0.
  (Jeffreys' ``(k + 0.5) / (n + 1)`` would pull rare cells towards 0.5, far from a base rate of
  a few per thousand.)
- ``logistic``: a pooled logistic regression of ``military`` on the model's covariates
  (``make_design(train).X``; held-out rows coded with the training scaling), without group
  effects, with a mild L2 penalty (scikit-learn's ``C=1``, i.e. a ``Normal(0, 1)`` prior on
  the coefficients of 0/1 and standardised covariates, like the model's ``beta`` prior).

The aggressor side (``sided_with_aggressor``) has two baselines, ``base_rate_aggressor`` (by
scale) and ``logistic_aggressor`` (the same regression).

Target-side baselines model ``P(military)`` only. For the ranked probability score they need
all four levels: the remaining ``1 - P(military)`` is split between none, diplomatic and
material in the shares of the training rows with a coded response below military, add-one
smoothed
(``(n_k + 1) / (n + 3)``); ``obligation_rate`` uses the shares within the obligation type,
smoothed by one pseudo-observation at the overall shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
        P(none, diplomatic, material, military) of help to the target, and
        ``{"base_rate_aggressor", "logistic_aggressor"}`` -> ``(len(test),)`` P(fights for the
        aggressor); see the module docstring for each rule.
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
    sc_train, sc_test = row_scales(train), row_scales(test)
    p_scale = _rate_by(mil, ok, sc_train, sc_test, p0)
    out = {"base_rate": _four(p_scale, lower0)}

    ob_train = _obligation_cells(train)
    ob_test = _obligation_cells(test)
    p_ob = np.full(nt, p0)
    low_ob = np.tile(lower0, (nt, 1))
    for o in sorted(set(ob_test)):
        here = ob_test == o
        rows = (ob_train == o) & ok
        p_ob[here] = (mil[rows].sum() + p_scale[here]) / (rows.sum() + 1.0)
        yo = d_train.y[(ob_train == o) & (d_train.y >= 0) & (d_train.y < 3)]
        counts = np.bincount(yo, minlength=3).astype(float)
        low_ob[here] = (counts + lower0) / (counts.sum() + 1.0)
    out["obligation_rate"] = _four(p_ob, low_ob)
    out["logistic"] = _four(
        _logistic(d_train.X, mil, ok, d_test.X, p0, LogisticRegression), lower0
    )

    side = d_train.aggressor
    has = side >= 0
    a0 = float(side[has].mean()) if has.any() else 0.0
    out["base_rate_aggressor"] = _rate_by(side, has, sc_train, sc_test, a0)
    out["logistic_aggressor"] = _logistic(d_train.X, side, has, d_test.X, a0, LogisticRegression)
    return out


def row_scales(cases: pd.DataFrame) -> np.ndarray:
    """Each row's crisis scale: ``"dispute"`` for a MID, ``"war"`` otherwise (object array)."""
    event = cases["event_type"].astype(str).to_numpy()
    return np.where(event == "mid", "dispute", "war").astype(object)


def _rate_by(y, ok, groups_train, groups_test, prior: float) -> np.ndarray:
    """Training share of ``y == 1`` within each group, one pseudo-observation at ``prior``."""
    out = np.full(len(groups_test), prior, dtype=float)
    for g in set(groups_test):
        rows = (groups_train == g) & ok
        out[groups_test == g] = (y[rows].sum() + prior) / (rows.sum() + 1.0)
    return out


def _obligation_cells(cases: pd.DataFrame) -> np.ndarray:
    """Obligation type by invocation: ``defense|invoked``, ``defense|not``, ``defense|?``."""
    ob = cases["obligation"].astype(str).to_numpy()
    inv = pd.to_numeric(cases["invoked"], errors="coerce").to_numpy(dtype=float)
    word = np.where(np.isnan(inv), "?", np.where(inv == 1, "invoked", "not"))
    return np.array(
        [o if o == "none" else f"{o}|{w}" for o, w in zip(ob, word, strict=True)], dtype=object
    )


def _logistic(X, y, ok, X_test, prior: float, model) -> np.ndarray:
    """P(y = 1) of held-out rows from a pooled, L2-penalised logistic regression."""
    k, n = float(y[ok].sum()), int(ok.sum())
    if not 0 < k < n:  # one outcome only in training: nothing to regress
        return np.full(len(X_test), prior)
    lr = model(C=LOGISTIC_C, max_iter=5000)
    lr.fit(X[ok], y[ok])
    return lr.predict_proba(X_test)[:, 1] if len(X_test) else np.zeros(0)
