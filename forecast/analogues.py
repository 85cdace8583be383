"""The closest historical analogues of scenario responders in the case table.

For each responder row, the analogues are the historical cases with the same obligation
(``defense``, ``none``, ...) that lie nearest on the other design covariates, coded on the fit's
scale (:func:`forecast.design.make_design`): conditionality, major-power and democracy flags,
contiguity, nuclear status, the standardised capability ratio and alliance age, event type.
Distance is Euclidean over those columns (0/1 flags count 1 each; continuous covariates count
one standard deviation as 1) plus two identity coordinates: a different supporter state adds
``supporter_weight`` (default 1, as much as one flag) and a different aggressor
``aggressor_weight`` (default 0.5) on their own axes, so the same state's own record and
crises with the same attacker come first among otherwise similar cases. Ties are broken in
favour of the more recent case. When no case shares the obligation, every case is eligible
and ``same_obligation`` is False.

Example: for the United States in a Baltic scenario (defense, major, nuclear, democratic pair,
war against a nuclear aggressor) the nearest rows are other defense commitments of nuclear
major powers to democracies, preferably ones of the United States itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .design import CONTINUOUS, COVARIATES, make_design

__all__ = ["ANALOGUE_COLUMNS", "closest_analogues"]

#: Columns of the case table reported with each analogue (what happened included).
ANALOGUE_COLUMNS: tuple[str, ...] = (
    "case_id",
    "conflict_id",
    "conflict",
    "event_type",
    "year",
    "target",
    "aggressor",
    "supporter",
    "obligation",
    "alliance",
    "military",
    "response",
    "sided_with_aggressor",
)


def closest_analogues(
    rows: pd.DataFrame,
    cases: pd.DataFrame,
    scaling: dict | None = None,
    *,
    per_responder: int = 3,
    supporter_weight: float = 1.0,
    aggressor_weight: float = 0.5,
    same_scale: bool = True,
) -> pd.DataFrame:
    """Return the historical cases nearest to each responder row.

    Candidates are the cases with the responder's obligation and, with ``same_scale``, of
    its crisis scale (war-scale: COW wars and curated cases; disputes: MIDs), so a war is
    not matched with a border incident; each restriction is dropped when it leaves nothing.

    Parameters
    ----------
    rows : pandas.DataFrame
        Responder rows in the case-table schema (:func:`forecast.scenario.scenario_rows`).
    cases : pandas.DataFrame
        The historical case table (:func:`forecast.load_cases`).
    scaling : dict, optional
        Covariate scaling of the fit (``fit.design.scaling``); default: the case table's own.
    per_responder : int, default 3
        Analogues per responder.
    supporter_weight, aggressor_weight : float, default 1.0, 0.5
        Distance added (on its own axis) when the case's supporter, or aggressor, is not the
        responder's.
    same_scale : bool, default True
        Draw analogues from cases of the responder's crisis scale.

    Returns
    -------
    pandas.DataFrame
        One row per (responder, analogue): ``responder``, ``rank`` (1 = nearest),
        ``distance``, ``same_obligation``, ``same_supporter``, then :data:`ANALOGUE_COLUMNS`.
        Sorted by responder order, then rank.

    Raises
    ------
    ValueError
        If ``per_responder`` is below 1 or a table lacks design columns.
    """
    if per_responder < 1:
        raise ValueError(f"per_responder must be >= 1, not {per_responder}")
    columns = ["responder", "rank", "distance", "same_obligation", "same_supporter",
               *ANALOGUE_COLUMNS]  # fmt: skip
    if len(rows) == 0 or len(cases) == 0:
        return pd.DataFrame(columns=columns)
    covs = None  # all covariates; a fit from before a standardised one lacks its scaling
    if scaling is not None:
        covs = [c for c in COVARIATES if c not in CONTINUOUS or c in scaling]
    hist = make_design(cases, scaling, covariates=covs)
    scaling = hist.scaling if scaling is None else scaling
    new = make_design(rows, scaling, covariates=covs)
    keep = np.array([not c.startswith("obligation_") for c in hist.covariates])
    hx, nx = hist.X[:, keep], new.X[:, keep]
    h_ob = cases["obligation"].astype(str).to_numpy()
    h_sup = pd.to_numeric(cases["supporter_ccode"]).to_numpy()
    h_agg = pd.to_numeric(cases["aggressor_ccode"]).to_numpy()
    h_year = pd.to_numeric(cases["year"]).to_numpy()
    r_ob = rows["obligation"].astype(str).to_numpy()
    r_sup = pd.to_numeric(rows["supporter_ccode"]).to_numpy()
    r_agg = pd.to_numeric(rows["aggressor_ccode"]).to_numpy()
    h_mid = cases["event_type"].astype(str).to_numpy() == "mid"
    r_mid = rows["event_type"].astype(str).to_numpy() == "mid"
    out = []
    shown = [c for c in ANALOGUE_COLUMNS if c in cases.columns]
    for i in range(len(rows)):
        same = h_ob == r_ob[i]
        scale = h_mid == r_mid[i] if same_scale else np.ones(len(cases), bool)
        pool = np.arange(len(cases))
        for mask in (same & scale, same, scale):
            if mask.any():
                pool = np.flatnonzero(mask)
                break
        other = h_sup[pool] != r_sup[i]
        squared = ((hx[pool] - nx[i]) ** 2).sum(axis=1)
        squared += (supporter_weight * other) ** 2
        squared += (aggressor_weight * (h_agg[pool] != r_agg[i])) ** 2
        dist = np.sqrt(squared)
        order = np.lexsort((-h_year[pool], np.round(dist, 9)))[:per_responder]
        for rank, j in enumerate(order, start=1):
            k = pool[j]
            record = {
                "responder": str(rows["supporter"].iloc[i]),
                "rank": rank,
                "distance": float(dist[j]),
                "same_obligation": bool(same.any()),
                "same_supporter": bool(not other[j]),
            }
            record.update({c: cases[c].iloc[k] for c in shown})
            out.append(record)
    return pd.DataFrame(out, columns=columns)
