"""Out-of-sample evaluation: cross-validation folds, proper scores, calibration, baselines.

:func:`evaluate` fits the model on the training part of each fold, predicts the held-out rows
and scores them next to three baselines fitted on the same training rows:

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

Scores (all on held-out rows; lower is better except the AUC):

- Brier score and log score of ``P(military)`` on every row (every row codes ``military``);
- ranked probability score of the four levels on rows with a coded ``response``;
- AUC of ``P(military)``;
- expected calibration error over 10 equal-width bins, with the reliability table behind it.

Folds: ``scheme="conflict"`` is grouped K-fold by ``conflict_id`` (every row of a conflict is
in the same fold, so no conflict is both trained on and scored); ``scheme="temporal"`` fits on
the past and scores the future (train ``year <= 1945``, score 1946–1991; train ``year <=
1991``, score 1992 on, curated cases included). Held-out rows of a conflict unseen in training
get that conflict's effect drawn from its population (:meth:`forecast.model.Fit.draws_for`),
as a new scenario would.

Each fold's fit has its own seed, derived from ``seed`` and the fold number, so the results
are the same whether folds run one after another, on local processes or on a Dask cluster.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from ._io import atomic_path
from .cases import OBLIGATIONS, RESPONSES
from .design import Design, make_design
from .errors import ForecastError

__all__ = [
    "PREDICTORS",
    "Evaluation",
    "baseline_predictions",
    "brier_score",
    "conflict_folds",
    "evaluate",
    "expected_calibration_error",
    "load_evaluation",
    "log_score",
    "mean_probs",
    "ranked_probability_score",
    "reliability_table",
    "roc_auc",
    "score_predictions",
    "temporal_folds",
]

FORMAT = "forecast-evaluation/1"
#: Predictors scored side by side: the model, then the baselines.
PREDICTORS: tuple[str, ...] = ("model", "base_rate", "obligation_rate", "logistic")
#: Temporal folds: (label, last training year, first scored year, last scored year or None).
TEMPORAL_SPLITS: tuple[tuple[str, int, int, int | None], ...] = (
    ("train <=1945, score 1946-1991", 1945, 1946, 1991),
    ("train <=1991, score 1992-", 1991, 1992, None),
)
#: Inverse L2 strength of the logistic-regression baseline (scikit-learn's ``C``).
LOGISTIC_C = 1.0
_EPS = 1e-12
_N_BINS = 10


# ---------------------------------------------------------------------------------------------
# scores (pure numpy)


def _binary(p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int]):
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
        ``mean((p - y) ** 2)``; 0 is perfect, lower is better. NaN for no rows.

    Examples
    --------
    >>> round(brier_score([0.1, 0.8], [0, 1]), 6)  # (0.01 + 0.04) / 2
    0.025
    """
    p, y = _binary(p, y)
    return float(np.mean((p - y) ** 2)) if p.size else float("nan")


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
    p, y = _binary(p, y)
    if not p.size:
        return float("nan")
    q = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log1p(-q)))


def ranked_probability_score(
    probs: np.ndarray | Sequence[Sequence[float]], y: np.ndarray | Sequence[int]
) -> float:
    """Ranked probability score of ordered categorical forecasts.

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

    Computed from ranks (the Mann–Whitney statistic); ties get their average rank, so a tied
    pair counts one half.

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
    p, y = _binary(p, y)
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = pd.Series(p).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def reliability_table(
    p: np.ndarray | Sequence[float], y: np.ndarray | Sequence[int], bins: int = _N_BINS
) -> pd.DataFrame:
    """Bin predictions into equal-width bins and compare them with the observed rates.

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


# ---------------------------------------------------------------------------------------------
# folds


def conflict_folds(
    cases: pd.DataFrame, folds: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped K-fold split by ``conflict_id``: every conflict is held out exactly once.

    Conflicts are shuffled with ``seed`` and dealt one by one to the fold with the fewest rows
    so far, so folds are balanced in rows while remaining random.

    Parameters
    ----------
    cases : pandas.DataFrame
        Case table with a ``conflict_id`` column.
    folds : int, default 5
        Number of folds, at least 2 and at most the number of conflicts.
    seed : int, default 0
        Seed of the shuffle; the same seed gives the same folds.

    Returns
    -------
    list of tuple of numpy.ndarray
        Per fold, ``(train, test)`` positional row indices (sorted).

    Raises
    ------
    ValueError
        If ``folds`` is not an integer in ``2..n_conflicts``.
    """
    conflict = cases["conflict_id"].astype(str).to_numpy()
    labels, codes, sizes = np.unique(conflict, return_inverse=True, return_counts=True)
    if not isinstance(folds, int) or not 2 <= folds <= len(labels):
        raise ValueError(
            f"folds must be an integer from 2 to {len(labels)} (the conflicts), not {folds!r}"
        )
    order = np.random.default_rng(seed).permutation(len(labels))
    assign = np.empty(len(labels), dtype=np.int64)
    load = np.zeros(folds, dtype=np.int64)
    for j in order:
        f = int(np.argmin(load))
        assign[j] = f
        load[f] += sizes[j]
    row_fold = assign[codes]
    pos = np.arange(len(cases))
    return [(pos[row_fold != f], pos[row_fold == f]) for f in range(folds)]


def temporal_folds(cases: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fit on the past, score the future: the two splits of :data:`TEMPORAL_SPLITS`.

    Parameters
    ----------
    cases : pandas.DataFrame
        Case table with a ``year`` column.

    Returns
    -------
    list of tuple of numpy.ndarray
        ``(train, test)`` positional indices: train ``year <= 1945`` / test 1946–1991, and
        train ``year <= 1991`` / test ``year >= 1992`` (curated cases included).

    Raises
    ------
    ForecastError
        If a split has no training or no held-out rows.
    """
    year = pd.to_numeric(cases["year"]).to_numpy(dtype=float)
    pos = np.arange(len(cases))
    out = []
    for label, last_train, first, last in TEMPORAL_SPLITS:
        train = pos[year <= last_train]
        test = pos[(year >= first) & ((year <= last) if last is not None else True)]
        if not train.size or not test.size:
            what = "training" if not train.size else "held-out"
            raise ForecastError(f"temporal fold '{label}' has no {what} rows in this case table")
        out.append((train, test))
    return out


def _fold_seed(seed: int, fold: int) -> int:
    """Seed of one fold's fit, derived from the evaluation seed and the fold number."""
    return int(np.random.SeedSequence([int(seed), int(fold)]).generate_state(1)[0] % (2**31))


# ---------------------------------------------------------------------------------------------
# baselines


def _cols(predictor: str) -> list[str]:
    """Names of the four probability columns of a predictor in ``Evaluation.predictions``."""
    suffix = "" if predictor == "model" else f"_{predictor}"
    return [f"p_{r}{suffix}" for r in RESPONSES]


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


# ---------------------------------------------------------------------------------------------
# one fold


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
    )


def mean_probs(fitted, design: Design, seed: int = 0, chunk_cells: int = 4_000_000) -> np.ndarray:
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
    numpy.ndarray
        Shape ``(n_rows, 4)``: P(none), P(diplomatic), P(material), P(military).
    """
    from .model import category_probs, linear_predictor

    draws = fitted.draws_for(design, seed)
    s = draws["beta"].shape[0]
    step = max(1, chunk_cells // max(1, 4 * s))
    out = np.empty((design.n_rows, 4))
    for start in range(0, design.n_rows, step):
        part = _subset(design, slice(start, start + step))
        eta = linear_predictor(part, draws)
        out[start : start + step] = category_probs(eta, draws["cutpoints"]).mean(axis=0)
    return out


def _fit_model(train: pd.DataFrame, **kwargs):
    """Fit the model to a fold's training rows (a seam: tests replace it with a stand-in)."""
    from .model import fit

    return fit(train, **kwargs)


def _run_fold(
    fold: int, train: pd.DataFrame, test: pd.DataFrame, fit_kwargs: dict[str, Any], seed: int
) -> dict[str, Any]:
    """Fit, predict and baseline one fold; return its prediction columns and fold facts."""
    from .model import ConvergenceWarning

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = _fit_model(train, seed=seed, progressbar=False, **fit_kwargs)
    design = make_design(test, scaling=fitted.design.scaling)
    probs = {"model": mean_probs(fitted, design, seed)}
    probs.update(baseline_predictions(train, test))
    columns: dict[str, np.ndarray] = {}
    for name in PREDICTORS:
        for col, values in zip(_cols(name), probs[name].T, strict=True):
            columns[col] = values
    diag = fitted.diagnostics
    return {
        "fold": fold,
        "columns": columns,
        "info": {
            "fold": fold,
            "seed": seed,
            "n_train": len(train),
            "n_test": len(test),
            "n_train_conflicts": int(train["conflict_id"].nunique()),
            "n_test_conflicts": int(test["conflict_id"].nunique()),
            "n_test_military": int(pd.to_numeric(test["military"]).sum()),
            "n_test_response": int(test["response"].notna().sum()),
            "converged": bool(diag.converged),
            "max_rhat": float(diag.max_rhat),
            "min_ess_bulk": float(diag.min_ess_bulk),
            "divergences": int(diag.divergences),
            "seconds": round(time.perf_counter() - start, 2),
        },
    }


# ---------------------------------------------------------------------------------------------
# scoring a prediction table


def score_predictions(predictions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every predictor of a prediction table on the same held-out rows.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``Evaluation.predictions``: ``military``, ``response`` and the four probability
        columns of each predictor in :data:`PREDICTORS`.

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


# ---------------------------------------------------------------------------------------------
# the result


def _jsonable(x: Any) -> Any:
    """Plain JSON values: NaN and infinities become None, numpy scalars Python numbers."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


@dataclass
class Evaluation:
    """Results of :func:`evaluate`.

    Parameters
    ----------
    predictions : pandas.DataFrame
        One row per held-out row: ``case_id``, ``fold``, ``conflict_id``, ``year``,
        ``military``, ``response``; the model's posterior-mean ``p_none``, ``p_diplomatic``,
        ``p_material``, ``p_military``; and per baseline ``p_<level>_<baseline>``. Empty when
        the evaluation was read back from JSON.
    scores : pandas.DataFrame
        Per predictor (model and baselines): Brier, log score, RPS, AUC, ECE, Brier skill, n
        (see :func:`score_predictions`).
    reliability : pandas.DataFrame
        Reliability tables of ``P(military)`` per predictor (10 equal-width bins).
    settings : dict
        Scheme, folds, sampler settings, seed, jobs and where the folds ran.
    folds : pandas.DataFrame
        Per fold: seed, training and held-out sizes (rows, conflicts, joins, coded responses),
        convergence diagnostics and seconds.
    data_hash : str
        :func:`forecast.model.data_hash` of the evaluated case table.
    """

    predictions: pd.DataFrame
    scores: pd.DataFrame
    reliability: pd.DataFrame
    settings: dict[str, Any]
    folds: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_hash: str = ""

    @property
    def converged(self) -> bool:
        """Whether every fold's fit met the convergence rule."""
        return bool(self.folds["converged"].all()) if len(self.folds) else False

    def to_json(self) -> dict[str, Any]:
        """Return the results as a JSON-ready dict (``models/evaluation.json``).

        Returns
        -------
        dict
            ``format``, ``forecast_version``, ``created_at``, ``data_hash``, ``settings``,
            ``converged``, ``folds`` (list of per-fold records), ``scores`` (``{predictor:
            {score: value}}``) and ``reliability`` (list of records). NaN becomes null.
        """
        return _jsonable(
            {
                "format": FORMAT,
                "forecast_version": __version__,
                "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                "data_hash": self.data_hash,
                "settings": self.settings,
                "converged": self.converged,
                "folds": self.folds.to_dict("records"),
                "scores": self.scores.to_dict("index"),
                "reliability": self.reliability.to_dict("records"),
            }
        )

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Evaluation:
        """Rebuild an evaluation (without its predictions) from :meth:`to_json` output.

        Parameters
        ----------
        doc : dict
            A parsed ``evaluation.json``.

        Returns
        -------
        Evaluation
            Scores, reliability, settings, folds and data hash; empty ``predictions``.

        Raises
        ------
        ForecastError
            If ``doc`` is not a forecast evaluation.
        """
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ForecastError(f"not a forecast evaluation (no format {FORMAT!r})")
        scores = pd.DataFrame.from_dict(doc["scores"], orient="index").astype(float)
        scores.index.name = "predictor"
        for col in ("n", "n_response"):
            scores[col] = scores[col].astype(np.int64)
        reliability = pd.DataFrame.from_records(doc["reliability"])
        reliability = reliability.astype({"bin": np.int64, "n": np.int64})
        for col in ("lower", "upper", "mean_predicted", "observed_rate"):
            reliability[col] = reliability[col].astype(float)
        return cls(
            predictions=pd.DataFrame(),
            scores=scores,
            reliability=reliability,
            settings=dict(doc["settings"]),
            folds=pd.DataFrame.from_records(doc["folds"]),
            data_hash=str(doc["data_hash"]),
        )

    def write_json(self, path: str | os.PathLike) -> Path:
        """Write :meth:`to_json` to a file atomically.

        Parameters
        ----------
        path : str or os.PathLike
            Destination, e.g. ``models/evaluation.json``.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        text = json.dumps(self.to_json(), indent=2, allow_nan=False) + "\n"
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return Path(path)

    def write_predictions(self, path: str | os.PathLike) -> Path:
        """Write the per-row predictions atomically, as CSV or Parquet by file extension.

        Parameters
        ----------
        path : str or os.PathLike
            Destination ending in ``.csv`` or ``.parquet``.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        ValueError
            If the extension is neither ``.csv`` nor ``.parquet``.
        """
        suffix = Path(path).suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise ValueError(f"{path}: write predictions to a .csv or .parquet file")
        with atomic_path(path) as tmp:
            if suffix == ".csv":
                self.predictions.to_csv(tmp, index=False, lineterminator="\n")
            else:
                self.predictions.to_parquet(tmp, index=False)
        return Path(path)


def load_evaluation(path: str | os.PathLike) -> Evaluation:
    """Read an evaluation written by :meth:`Evaluation.write_json`.

    Parameters
    ----------
    path : str or os.PathLike
        The JSON file.

    Returns
    -------
    Evaluation
        Without predictions (see :meth:`Evaluation.from_json`).

    Raises
    ------
    ForecastError
        If the file is missing, not JSON or not a forecast evaluation.
    """
    from ._io import read_text

    text = read_text(path, what="evaluation (JSON)")
    try:
        doc = json.loads(text)
        return Evaluation.from_json(doc)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, ForecastError) as e:
        reason = " ".join(str(e).split())[:160]
        raise ForecastError(f"{path}: not a readable forecast evaluation ({reason})") from None


# ---------------------------------------------------------------------------------------------
# running the folds


def _progress(total: int, enabled: bool):
    """A rich progress bar across folds on stderr, or a no-op stand-in."""
    if not enabled:
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    return _RichProgress(bar, total)


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self) -> None:
        pass


class _RichProgress:
    def __init__(self, bar, total: int):
        self.bar, self.total = bar, total

    def __enter__(self):
        self.bar.__enter__()
        self.task = self.bar.add_task("evaluation folds", total=self.total)
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def advance(self) -> None:
        self.bar.advance(self.task)


def _client(scheduler: Any):
    """Return ``(client, owned)`` for a scheduler address, LocalCluster or Client."""
    from distributed import Client

    if hasattr(scheduler, "submit") and hasattr(scheduler, "gather"):
        return scheduler, False
    address = getattr(scheduler, "scheduler_address", scheduler)
    if not isinstance(address, str):
        raise ValueError(
            "scheduler must be an address such as 'tcp://host:8786', a distributed.Client or "
            f"a LocalCluster, not {type(scheduler).__name__}"
        )
    return Client(address), True


def _run_all(
    tasks: list[tuple], jobs: int, scheduler: Any, progress: bool
) -> list[dict[str, Any]]:
    """Run ``_run_fold(*task)`` for every task sequentially, on processes or on Dask."""
    results: list[dict[str, Any]] = []
    with _progress(len(tasks), progress) as bar:
        if scheduler is not None:
            from distributed import as_completed

            client, owned = _client(scheduler)
            try:
                futures = [client.submit(_run_fold, *t, pure=False) for t in tasks]
                for fut in as_completed(futures):
                    results.append(fut.result())
                    bar.advance()
            finally:
                if owned:
                    client.close()
        elif jobs > 1 and len(tasks) > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures import as_completed as done

            # spawn, not fork: the sampler runs threads, and forking a threaded process can hang
            ctx = mp.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
                futures = [pool.submit(_run_fold, *t) for t in tasks]
                for fut in done(futures):
                    results.append(fut.result())
                    bar.advance()
        else:
            for t in tasks:
                results.append(_run_fold(*t))
                bar.advance()
    return sorted(results, key=lambda r: r["fold"])


def evaluate(
    cases: pd.DataFrame,
    scheme: str = "conflict",
    folds: int = 5,
    *,
    draws: int = 300,
    tune: int = 300,
    chains: int = 2,
    seed: int = 0,
    jobs: int = 1,
    scheduler: Any = None,
    progress: bool = False,
    sampler: str = "auto",
) -> Evaluation:
    """Cross-validate the model and three baselines on held-out rows.

    Parameters
    ----------
    cases : pandas.DataFrame
        Typed case table (:func:`forecast.load_cases`).
    scheme : {"conflict", "temporal"}, default "conflict"
        ``"conflict"``: grouped K-fold by ``conflict_id`` (:func:`conflict_folds`);
        ``"temporal"``: train on the past, score the future (:func:`temporal_folds`; two
        folds, ``folds`` is ignored).
    folds : int, default 5
        Number of folds of the conflict scheme.
    draws, tune, chains : int, default 300, 300, 2
        Sampler settings of each fold's fit.
    seed : int, default 0
        Seed of the fold assignment and, combined with the fold number, of each fold's fit and
        new-conflict draws; results do not depend on ``jobs`` or ``scheduler``.
    jobs : int, default 1
        Folds run at once on local processes (``ProcessPoolExecutor``); 1 runs them in this
        process. Each fit also uses up to ``chains`` threads. Worker processes are spawned
        (not forked), so a script that passes ``jobs > 1`` needs the usual
        ``if __name__ == "__main__":`` guard.
    scheduler : str or distributed.Client or distributed.LocalCluster, optional
        Run the folds on Dask distributed instead (``client.submit``): a scheduler address
        (``"tcp://host:8786"``), a cluster or a client. ``jobs`` is then ignored. The workers
        need ``forecast`` installed.
    progress : bool, default False
        Show a progress bar across folds on stderr.
    sampler : {"auto", "nutpie", "pymc"}, default "auto"
        NUTS implementation of the fits (:func:`forecast.model.fit`).

    Returns
    -------
    Evaluation
        Predictions, scores, reliability tables, per-fold facts and settings. If any fold's
        fit broke the convergence rule, a :class:`forecast.model.ConvergenceWarning` says so.

    Raises
    ------
    ValueError
        On an unknown scheme, bad fold count, sampler settings or ``jobs``.
    ForecastError
        If a temporal split has no training or held-out rows.
    """
    from .model import ConvergenceWarning, data_hash

    if scheme not in ("conflict", "temporal"):
        raise ValueError(f"scheme must be 'conflict' or 'temporal', not {scheme!r}")
    for name, value in (("draws", draws), ("tune", tune), ("chains", chains), ("jobs", jobs)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    cases = cases.reset_index(drop=True)
    splits = conflict_folds(cases, folds, seed) if scheme == "conflict" else temporal_folds(cases)
    fit_kwargs = {"draws": draws, "tune": tune, "chains": chains, "sampler": sampler}
    tasks = [
        (f, cases.iloc[tr].reset_index(drop=True), cases.iloc[te].reset_index(drop=True),
         fit_kwargs, _fold_seed(seed, f))
        for f, (tr, te) in enumerate(splits)
    ]  # fmt: skip
    start = time.perf_counter()
    results = _run_all(tasks, jobs, scheduler, progress)
    seconds = time.perf_counter() - start

    parts = []
    for (_, test_idx), res in zip(splits, results, strict=True):
        base = cases.iloc[test_idx][
            ["case_id", "conflict_id", "year", "military", "response"]
        ].reset_index(drop=True)
        base.insert(1, "fold", res["fold"])
        base = base.assign(**res["columns"])
        base["_row"] = test_idx
        parts.append(base)
    predictions = (
        pd.concat(parts, ignore_index=True)
        .sort_values(["fold", "_row"], kind="stable")
        .drop(columns="_row")
        .reset_index(drop=True)
    )
    scores, reliability = score_predictions(predictions)
    fold_table = pd.DataFrame([r["info"] for r in results])
    where = "dask" if scheduler is not None else ("processes" if jobs > 1 else "serial")
    settings = {
        "scheme": scheme,
        "folds": len(splits),
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "sampler": sampler,
        "seed": seed,
        "jobs": jobs,
        "ran_on": where,
        "seconds": round(seconds, 1),
        "ece_bins": _N_BINS,
        "logistic_C": LOGISTIC_C,
        "predictors": list(PREDICTORS),
    }
    if scheme == "temporal":
        settings["splits"] = [s[0] for s in TEMPORAL_SPLITS]
    result = Evaluation(
        predictions=predictions,
        scores=scores,
        reliability=reliability,
        settings=settings,
        folds=fold_table,
        data_hash=data_hash(cases),
    )
    bad = fold_table.loc[~fold_table["converged"], "fold"].tolist()
    if bad:
        warnings.warn(
            f"{len(bad)} of {len(splits)} fold fits have not converged (folds "
            f"{', '.join(map(str, bad))}); the model's scores are unreliable: evaluate with more "
            "draws and tuning steps",
            ConvergenceWarning,
            stacklevel=2,
        )
    return result
