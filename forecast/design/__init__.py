"""From the typed case table to the numbers the model uses: covariates, group indices, outcome.

The coding rules of the covariates are in :mod:`forecast.design.coding`.

:func:`make_design` is pure: it takes the table returned by :func:`forecast.load_cases` (or a
scenario's responder rows in the same schema) and returns a :class:`Design` made only of numpy
arrays and labels, so predictions can be computed later with numpy alone.

Group effects use integer indices into label tuples. Supporters are labelled by their COW code
(as text); the ``conflict`` effect is one per attack (:func:`attack_labels`:
``conflict_id``, year, target and aggressor), so a war's later entrant has its own effect
rather than sharing that of the war's first-day attack; alliances by the ``alliance`` text,
eras by the :data:`ERAS` present in the table (in era order; an era absent from training is a
new level at prediction time, like a new conflict), alliance-within-conflict by
``"<alliance>|<conflict_id>"``. Rows with an empty ``alliance`` have index ``-1`` for the
alliance and alliance-within-conflict effects: they receive no such effect (it is 0), which is
how :func:`forecast.model.linear_predictor` and the PyMC model both treat ``-1``.

The outcome ``y`` codes ``response`` as 0..3 (none < diplomatic < material < military) and is
``-1`` where ``response`` is empty; ``military`` is 0/1 (``-1`` where absent, e.g. scenario
rows); ``aggressor`` is ``sided_with_aggressor`` (``-1`` where absent); ``dispute`` flags each
conflict that is a MID (its effect has the disputes' scale).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..cases import ATTACK_KEYS, RESPONSES
from ..schema import ERAS as SCHEMA_ERAS
from .coding import (
    _FLAGS,
    CONTINUOUS,
    COVARIATES,
    ERAS,
    GROUPS,
    MEANINGS,
    PHRASES,
    REASON_GROUPS,
    SCALES,
    _num,
    _text,
    check_covariates,
    covariate_columns,
)

__all__ = [
    "CONTINUOUS",
    "COVARIATES",
    "ERAS",
    "GROUPS",
    "MEANINGS",
    "PHRASES",
    "REASON_GROUPS",
    "SCALES",
    "Design",
    "attack_labels",
    "check_covariates",
    "era_index",
    "make_design",
]


@dataclass(frozen=True)
class Design:
    """Design data of a case table: numpy arrays plus the labels that give them meaning.

    Parameters
    ----------
    X : numpy.ndarray
        Covariate matrix, shape ``(n_rows, len(covariates))``, float64.
    covariates : tuple of str
        Column names of ``X`` (:data:`COVARIATES`).
    scaling : dict
        ``{name: {"mean": float, "sd": float}}`` for the standardised covariates; pass it to
        :func:`make_design` to code new rows on the training scale.
    index : dict of str to numpy.ndarray
        Per group in :data:`GROUPS`, an int64 array of length ``n_rows`` indexing
        ``labels[group]``; ``-1`` means "no effect" (rows without an alliance).
    labels : dict of str to tuple of str
        Per group, the level labels.
    y : numpy.ndarray
        Ordered response 0..3, ``-1`` where not coded; int64.
    military : numpy.ndarray
        0/1, ``-1`` where absent; int64.
    aggressor : numpy.ndarray, optional
        ``sided_with_aggressor`` 0/1, ``-1`` where absent (scenario rows); int64. Default
        (or any other length than ``n_rows``): 0 for every row.
    dispute : numpy.ndarray, optional
        Per conflict label, 1 where the conflict is a dispute (a MID) and 0 where it is
        war-scale (:data:`SCALES`); int64, aligned to ``labels["conflict"]``. Default: 0
        for every conflict.
    case_id : tuple of str
        Row identifiers (``case_id``), for reference.
    """

    X: np.ndarray
    covariates: tuple[str, ...]
    scaling: dict[str, dict[str, float]]
    index: dict[str, np.ndarray]
    labels: dict[str, tuple[str, ...]]
    y: np.ndarray
    military: np.ndarray
    aggressor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dispute: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    case_id: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # hand-built designs may leave out the side and the scales: nobody sided with the
        # aggressor, every conflict war-scale
        n = int(self.X.shape[0])
        if len(self.aggressor) != n:
            object.__setattr__(self, "aggressor", np.zeros(n, dtype=np.int64))
        if len(self.dispute) != len(self.labels.get("conflict", ())):
            object.__setattr__(
                self, "dispute", np.zeros(len(self.labels.get("conflict", ())), dtype=np.int64)
            )

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.X.shape[0])

    @property
    def has_response(self) -> np.ndarray:
        """Boolean mask of the rows whose ordered response is coded."""
        return self.y >= 0

    @property
    def military_only(self) -> np.ndarray:
        """Boolean mask of the rows where only ``military`` is coded."""
        return (self.y < 0) & (self.military >= 0)

    @property
    def observed(self) -> np.ndarray:
        """Boolean mask of the rows with an outcome (a side, and a level or ``military``)."""
        return (self.aggressor >= 0) & ((self.y >= 0) | (self.military >= 0))

    @property
    def target_response(self) -> np.ndarray:
        """Rows whose ordered help to the target enters the likelihood (not on the other side)."""
        return self.has_response & (self.aggressor != 1)

    @property
    def target_military(self) -> np.ndarray:
        """Rows whose military help to the target alone enters (not on the other side)."""
        return self.military_only & (self.aggressor != 1)

    def frame(self) -> pd.DataFrame:
        """Return ``X`` as a labelled DataFrame (rows by ``case_id`` when known).

        Returns
        -------
        pandas.DataFrame
            One column per covariate.
        """
        idx = pd.Index(self.case_id, name="case_id") if self.case_id else None
        return pd.DataFrame(self.X, columns=list(self.covariates), index=idx)


def era_index(year: np.ndarray | pd.Series | int) -> np.ndarray:
    """Return the index into :data:`ERAS` of each year.

    Parameters
    ----------
    year : array-like of int
        Years the attacks began.

    Returns
    -------
    numpy.ndarray
        int64: 0 before 1914, 1 for 1914–1945, 2 for 1946–1991, 3 from 1992 on.
    """
    y = np.asarray(year, dtype=np.int64)
    starts = np.array([first for _, first, _ in SCHEMA_ERAS[1:]])  # one definition: the schema's
    return np.searchsorted(starts, y, side="right").astype(np.int64)


def attack_labels(cases: pd.DataFrame) -> np.ndarray:
    """Label each row by its attack: ``"<conflict_id>-<year>-<target_ccode>-<aggressor_ccode>"``.

    An attack is one state in need attacked by (or entering the war against) one aggressor in
    one year; its rows are its potential responders. The builder's ``case_id`` is this label
    followed by ``-<supporter_ccode>``.

    Parameters
    ----------
    cases : pandas.DataFrame
        Rows with ``conflict_id``, ``year``, ``target_ccode`` and ``aggressor_ccode``.

    Returns
    -------
    numpy.ndarray
        One label per row (object dtype).
    """
    parts = [_text(cases, ATTACK_KEYS[0])]
    for col in ATTACK_KEYS[1:]:
        v = pd.to_numeric(cases[col], errors="coerce")
        if v.isna().any():
            raise ValueError(f"column {col!r} has missing values; it is required")
        parts.append(np.array([str(int(x)) for x in v], dtype=object))
    return np.array(["-".join(p) for p in zip(*parts, strict=True)], dtype=object)


def _factor(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Sorted labels and indices; empty strings get index -1 and no label."""
    labels = tuple(sorted({v for v in values if v != ""}))
    pos = {lab: i for i, lab in enumerate(labels)}
    idx = np.array([pos.get(v, -1) for v in values], dtype=np.int64)
    return idx, labels


def make_design(cases: pd.DataFrame, scaling: dict | None = None, covariates=None) -> Design:
    """Turn a typed case table into design data (covariates, group indices, outcome).

    Parameters
    ----------
    cases : pandas.DataFrame
        A case table in schema v2, typed as :func:`forecast.load_cases` returns it (string
        tables with the same columns work too). ``response`` and ``military`` may be absent
        (scenario rows); the outcome arrays are then ``-1``.
    scaling : dict, optional
        Means and standard deviations of the standardised covariates, as in
        ``Design.scaling`` of a training design. Default: computed from ``cases``. Pass the
        training scaling when coding new rows for prediction.
    covariates : sequence of str, optional
        The columns of ``X`` (names from :data:`COVARIATES`, kept in that order); default all.

    Returns
    -------
    Design
        Arrays and labels; see the module docstring for every coding rule.

    Raises
    ------
    ValueError
        If a required column is missing, a value is outside its schema values, or
        ``scaling`` lacks an entry.
    """
    needed = (
        "supporter_ccode",
        "conflict_id",
        "year",
        "target_ccode",
        "aggressor_ccode",
        "obligation",
        "event_type",
        *_FLAGS,
    )
    missing = [c for c in needed if c not in cases.columns]
    if missing:
        raise ValueError(f"the case table lacks column(s) {', '.join(missing)}")
    n = len(cases)
    chosen = check_covariates(covariates)
    cols, new_scaling = covariate_columns(cases, scaling, chosen)
    alliance = _text(cases, "alliance")
    event = _text(cases, "event_type")
    X = np.column_stack([cols[c] for c in chosen]) if n else np.zeros((0, len(chosen)))

    supporter = np.array(
        [str(int(v)) for v in pd.to_numeric(cases["supporter_ccode"]).astype("int64")],
        dtype=object,
    )
    conflict = _text(cases, "conflict_id")
    if (conflict == "").any():
        raise ValueError("column 'conflict_id' has empty values; it is required")
    year = _num(cases, "year")
    if np.isnan(year).any():
        raise ValueError("column 'year' has missing values; it is required")
    ac = np.array(
        [f"{a}|{c}" if a else "" for a, c in zip(alliance, conflict, strict=True)], dtype=object
    )
    index: dict[str, np.ndarray] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for name, values in (
        ("supporter", supporter),
        ("conflict", attack_labels(cases)),
        ("alliance", alliance),
        ("alliance_conflict", ac),
    ):
        index[name], labels[name] = _factor(values)
    era = era_index(year)
    present = sorted(set(era.tolist()))
    remap = np.full(len(ERAS), -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    index["era"], labels["era"] = remap[era], tuple(ERAS[i] for i in present)

    response = _text(cases, "response")
    bad = sorted(set(response) - {"", *RESPONSES})
    if bad:
        raise ValueError(f"response values {bad} are not among {', '.join(RESPONSES)}")
    code = {r: i for i, r in enumerate(RESPONSES)}
    y = np.array([code.get(r, -1) for r in response], dtype=np.int64)
    mil = _num(cases, "military")
    military = np.where(np.isnan(mil), -1, mil).astype(np.int64)
    side = _num(cases, "sided_with_aggressor")
    aggressor = np.where(np.isnan(side), -1, side).astype(np.int64)
    row_dispute = event == "mid"
    dispute = np.zeros(len(labels["conflict"]), dtype=np.int64)
    if n:
        dispute[index["conflict"]] = row_dispute.astype(np.int64)
    case_id = tuple(_text(cases, "case_id")) if "case_id" in cases.columns else ()
    return Design(
        X=X.astype(np.float64),
        covariates=chosen,
        scaling={k: dict(v) for k, v in new_scaling.items()},
        index={g: index[g] for g in GROUPS},
        labels={g: labels[g] for g in GROUPS},
        y=y,
        military=military,
        aggressor=aggressor,
        dispute=dispute,
        case_id=case_id,
    )
