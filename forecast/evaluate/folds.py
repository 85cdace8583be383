"""Cross-validation folds: grouped by conflict, or fit-the-past/score-the-future.

``scheme="conflict"`` is grouped K-fold by ``conflict_id`` (:func:`conflict_folds`): every row
of a conflict is in the same fold, so no conflict is both trained on and scored.
``scheme="temporal"`` (:func:`temporal_folds`) fits on the past and scores the future: train
``year <= 1945``, score 1946–1991; train ``year <= 1991``, score 1992 on, curated cases
included.

Each fold's fit has its own seed (:func:`_fold_seed`), derived from the evaluation seed and the
fold number, so the results are the same wherever the folds run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ForecastError

#: Temporal folds: (label, last training year, first scored year, last scored year or None).
TEMPORAL_SPLITS: tuple[tuple[str, int, int, int | None], ...] = (
    ("train <=1945, score 1946-1991", 1945, 1946, 1991),
    ("train <=1991, score 1992-", 1991, 1992, None),
)


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
