"""From the typed case table to the numbers the model uses: covariates, group indices, outcome.

:func:`make_design` is pure: it takes the table returned by :func:`forecast.load_cases` (or a
scenario's responder rows in the same schema) and returns a :class:`Design` made only of numpy
arrays and labels, so predictions can be computed later with numpy alone.

Coding rules (each is also stated in the model card):

- **Obligation** enters as five indicators against ``none``: ``consultation``,
  ``nonaggression``, ``neutrality``, ``offense``, ``defense``.
- **Democracy pair** is 1 when both ``supporter_democracy`` and ``target_democracy`` are 1,
  0 when either is 0. When neither is 0 and at least one is missing the pair is unknown: the
  indicator is set to 0 and ``democracy_missing`` is 1 (a missing-indicator, so those rows get
  their own shift instead of being dropped).
- **Capability ratio** is ``log(supporter_cinc / aggressor_cinc)``, each score floored at
  ``1e-6`` (COW reports six decimals, so a 0 means "below 5e-7"). It is standardised with the
  training mean and standard deviation. When either score is missing the standardised value
  is 0 (the training mean) and ``capability_missing`` is 1.
- **Alliance age** is ``log1p(alliance_age)``, standardised over the rows that have an age.
  Rows without an alliance, or with an alliance of unknown age, get 0: the slope applies only
  within alliances (non-allied rows differ through the obligation indicators, which already
  say "no commitment", so a further indicator would be collinear with them).
- **Event type** enters as ``event_mid`` and ``event_curated`` against ``war``.
- All other covariates are the 0/1 flags of the table, unscaled, so their coefficients are log
  odds ratios.

Group effects use integer indices into label tuples. Supporters are labelled by their COW code
(as text), conflicts by ``conflict_id``, alliances by the ``alliance`` text, eras by the
:data:`ERAS` present in the table (in era order; an era absent from training is a new level
at prediction time, like a new conflict), alliance-within-conflict by
``"<alliance>|<conflict_id>"``. Rows with an empty ``alliance`` have index ``-1`` for the
alliance and alliance-within-conflict effects: they receive no such effect (it is 0), which is
how :func:`forecast.model.linear_predictor` and the PyMC model both treat ``-1``.

The outcome ``y`` codes ``response`` as 0..3 (none < diplomatic < material < military) and is
``-1`` where ``response`` is empty; ``military`` is 0/1 (``-1`` where absent, e.g. scenario
rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cases import OBLIGATIONS, RESPONSES
from .schema import ERA_LEVELS
from .schema import ERAS as SCHEMA_ERAS

__all__ = [
    "CONTINUOUS",
    "COVARIATES",
    "ERAS",
    "GROUPS",
    "Design",
    "check_covariates",
    "era_index",
    "make_design",
]

#: Covariate names, in column order of ``Design.X``.
COVARIATES: tuple[str, ...] = (
    *(f"obligation_{o}" for o in OBLIGATIONS[1:]),
    "conditional",
    "supporter_major",
    "target_major",
    "aggressor_major",
    "both_democracies",
    "democracy_missing",
    "contiguous",
    "aggressor_nuclear",
    "supporter_nuclear",
    "log_capability_ratio",
    "capability_missing",
    "log1p_alliance_age",
    "event_mid",
    "event_curated",
)
#: The standardised covariates (the rest are 0/1 indicators).
CONTINUOUS: tuple[str, ...] = ("log_capability_ratio", "log1p_alliance_age")
#: Era labels: pre-1914, the world wars, the Cold War, after the Cold War.
ERAS: tuple[str, ...] = ERA_LEVELS
#: Group-effect names, in the order the model uses them.
GROUPS: tuple[str, ...] = ("supporter", "conflict", "alliance", "era", "alliance_conflict")

_FLAGS = (
    "conditional",
    "supporter_major",
    "target_major",
    "aggressor_major",
    "contiguous",
    "aggressor_nuclear",
    "supporter_nuclear",
)
_CINC_FLOOR = 1e-6


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
    case_id: tuple[str, ...] = field(default=())

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


def _num(cases: pd.DataFrame, col: str, dtype: str = "float64") -> np.ndarray:
    """Return a column as a float array with NaN for missing values (or all-NaN if absent)."""
    if col not in cases.columns:
        return np.full(len(cases), np.nan)
    return pd.to_numeric(cases[col], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _text(cases: pd.DataFrame, col: str) -> np.ndarray:
    """Return a column as an object array of stripped strings ("" where missing)."""
    if col not in cases.columns:
        return np.array([""] * len(cases), dtype=object)
    s = cases[col].astype(object)
    return np.array(["" if pd.isna(v) else str(v).strip() for v in s], dtype=object)


def _standardise(
    name: str, values: np.ndarray, scaling: dict[str, dict[str, float]] | None
) -> tuple[np.ndarray, dict[str, float]]:
    """Standardise ``values`` (NaN -> 0) with given or computed mean and sd."""
    if scaling is not None:
        if name not in scaling:
            raise ValueError(f"scaling has no entry for {name!r}; pass Design.scaling of a fit")
        mean, sd = float(scaling[name]["mean"]), float(scaling[name]["sd"])
    else:
        ok = values[~np.isnan(values)]
        mean = float(ok.mean()) if ok.size else 0.0
        sd = float(ok.std()) if ok.size > 1 else 1.0
        if not np.isfinite(sd) or sd <= 0:
            sd = 1.0
    z = (values - mean) / sd
    return np.where(np.isnan(z), 0.0, z), {"mean": mean, "sd": sd}


def _factor(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Sorted labels and indices; empty strings get index -1 and no label."""
    labels = tuple(sorted({v for v in values if v != ""}))
    pos = {lab: i for i, lab in enumerate(labels)}
    idx = np.array([pos.get(v, -1) for v in values], dtype=np.int64)
    return idx, labels


def check_covariates(covariates) -> tuple[str, ...]:
    """Return a covariate choice as a tuple in :data:`COVARIATES` order, or raise.

    Parameters
    ----------
    covariates : sequence of str or None
        Names from :data:`COVARIATES`; None (the default set) means all of them.

    Returns
    -------
    tuple of str
        The chosen covariates, in the package's column order.

    Raises
    ------
    ValueError
        If a name is unknown, repeated, or the choice is empty.
    """
    if covariates is None:
        return COVARIATES
    if isinstance(covariates, str):
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    chosen = list(covariates)
    unknown = [c for c in chosen if c not in COVARIATES]
    if unknown:
        raise ValueError(
            f"unknown covariate(s) {', '.join(map(repr, unknown))}; valid: {', '.join(COVARIATES)}"
        )
    if len(set(chosen)) != len(chosen):
        raise ValueError("a covariate is listed twice")
    if not chosen:
        raise ValueError("choose at least one covariate")
    return tuple(c for c in COVARIATES if c in chosen)


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
        "obligation",
        "event_type",
        *_FLAGS,
    )
    missing = [c for c in needed if c not in cases.columns]
    if missing:
        raise ValueError(f"the case table lacks column(s) {', '.join(missing)}")
    n = len(cases)
    cols: dict[str, np.ndarray] = {}
    new_scaling: dict[str, dict[str, float]] = {}

    obligation = _text(cases, "obligation")
    bad = sorted(set(obligation) - set(OBLIGATIONS))
    if bad:
        raise ValueError(f"obligation values {bad} are not among {', '.join(OBLIGATIONS)}")
    for o in OBLIGATIONS[1:]:
        cols[f"obligation_{o}"] = (obligation == o).astype(float)
    for flag in _FLAGS:
        v = _num(cases, flag)
        if np.isnan(v).any():
            raise ValueError(f"column {flag!r} has missing values; it is required (0/1)")
        cols[flag] = v
    sdem, tdem = _num(cases, "supporter_democracy"), _num(cases, "target_democracy")
    both = (sdem == 1) & (tdem == 1)
    known_not = (sdem == 0) | (tdem == 0)
    cols["both_democracies"] = both.astype(float)
    cols["democracy_missing"] = (~both & ~known_not).astype(float)
    scinc = np.maximum(_num(cases, "supporter_cinc"), _CINC_FLOOR)
    acinc = np.maximum(_num(cases, "aggressor_cinc"), _CINC_FLOOR)
    ratio = np.log(scinc / acinc)
    cols["log_capability_ratio"], new_scaling["log_capability_ratio"] = _standardise(
        "log_capability_ratio", ratio, scaling
    )
    cols["capability_missing"] = np.isnan(ratio).astype(float)
    alliance = _text(cases, "alliance")
    age = np.log1p(_num(cases, "alliance_age"))
    age = np.where(alliance == "", np.nan, age)
    cols["log1p_alliance_age"], new_scaling["log1p_alliance_age"] = _standardise(
        "log1p_alliance_age", age, scaling
    )
    event = _text(cases, "event_type")
    cols["event_mid"] = (event == "mid").astype(float)
    cols["event_curated"] = (event == "curated").astype(float)
    chosen = check_covariates(covariates)
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
        ("conflict", conflict),
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
    case_id = tuple(_text(cases, "case_id")) if "case_id" in cases.columns else ()
    return Design(
        X=X.astype(np.float64),
        covariates=chosen,
        scaling={k: dict(v) for k, v in new_scaling.items()},
        index={g: index[g] for g in GROUPS},
        labels={g: labels[g] for g in GROUPS},
        y=y,
        military=military,
        case_id=case_id,
    )
