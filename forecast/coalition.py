"""Predicting a scenario: per-responder probabilities and the joint coalition, by simulation.

:func:`predict` works with numpy alone (no PyTensor compilation):

1. the scenario's responder rows (:func:`forecast.scenario.scenario_rows`) are coded on the
   fit's scale (``make_design(rows, fit.design.scaling)``);
2. :meth:`forecast.model.Fit.draws_for` aligns the posterior draws to them. The scenario is a
   new conflict, so each posterior draw gets one new conflict effect shared by every responder,
   and one new alliance-within-conflict effect per alliance, shared by that alliance's
   members; unknown supporters and alliances draw from their populations;
3. the posterior draws are resampled to the requested number with the seed: without
   replacement when there are enough, otherwise every draw once plus repeats, and the repeats
   get fresh draws of the new-level effects (so repeated parameters do not repeat shocks);
4. per draw, each responder's P(fights for the aggressor) and its four levels of help to the
   target (:func:`forecast.model.outcome_probs`) are computed; its side is simulated, then,
   unless it sided with the aggressor (level 0 for the target), its level, independently of
   the other responders given the draw. Correlation across responders comes only from
   the shared new effects and from parameter uncertainty.

Per-responder figures are posterior means and equal-tailed intervals of the probabilities
across draws. Coalition figures (size distribution, P(none), P(any), P(all), the most likely
coalitions, the conditional matrix) count the simulated military decisions, so they are
Monte Carlo estimates with standard error about ``sqrt(p (1 - p) / draws)``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .analogues import closest_analogues
from .design import GROUPS, MEANINGS, PHRASES, REASON_GROUPS, attack_labels, make_design
from .joint import (
    LEVELS,
    coalition_sizes,
    conditional_matrix,
    likely_coalitions,
    responder_summary,
)
from .model import (
    ConvergenceWarning,
    Fit,
    aggressor_logit,
    category_probs,
    contributions,
    linear_predictor,
)
from .model.predictive import _logistic, unconditional_probs
from .model.priors import conflict_scales, new_conflict_effects
from .prediction import Prediction
from .scenario import Scenario, scenario_rows

__all__ = [
    "LEVELS",
    "Prediction",
    "coalition_sizes",
    "conditional_matrix",
    "likely_coalitions",
    "predict",
    "responder_summary",
]


# ---------------------------------------------------------------------------------------------
# predict


def _resample(d: dict[str, np.ndarray], design, fit: Fit, draws: int, rng) -> dict:
    """Resample aligned draws to ``draws``; repeats get fresh new-level effects."""
    n = d["beta"].shape[0]
    if draws <= n:
        idx = rng.permutation(n)[:draws]
    else:
        idx = np.concatenate([rng.permutation(n), rng.integers(0, n, draws - n)])
    out = {k: np.asarray(v)[idx] for k, v in d.items()}
    if draws > n:
        for g in GROUPS:
            sigma = d.get(f"sigma_{g}")
            known = set(fit.design.labels[g])
            new = [i for i, lab in enumerate(design.labels[g]) if lab not in known]
            if sigma is None or not new:
                continue
            if g == "conflict":  # the scenario's crisis scale; both sides' effects
                scale = conflict_scales(design, d)[idx[n:]][:, new]
                repeats = {k: np.asarray(v)[idx[n:]] for k, v in d.items()}
                target, aggressor = new_conflict_effects(repeats, scale, rng)
                out[g][n:, new] = target
                if "conflict_aggressor" in out:
                    out["conflict_aggressor"][n:, new] = aggressor
                continue
            scale = np.asarray(sigma)[idx[n:], None]
            out[g][n:, new] = rng.standard_normal((draws - n, len(new))) * scale
    return out


def predict(
    fit: Fit,
    scenario: Scenario,
    *,
    draws: int | None = None,
    seed: int | None = None,
    cases: pd.DataFrame | None = None,
    n_analogues: int = 8,
    interval: float = 0.9,
) -> Prediction:
    """Forecast a scenario by posterior simulation (numpy only).

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model (:func:`forecast.model.fit`, :func:`forecast.model.load`).
    scenario : Scenario
        From :func:`forecast.scenario.load_scenario`.
    draws : int, optional
        Simulation draws; default ``scenario.draws``.
    seed : int, optional
        Seed; default ``scenario.seed``. The same seed gives the same numbers.
    cases : pandas.DataFrame, optional
        The historical case table for the analogues; default :func:`forecast.load_cases`
        (read only when ``n_analogues > 0``).
    n_analogues : int, default 8
        How many analogues to keep: each responder's nearest case, nearest first. 0 skips
        them (and reading the case table).
    interval : float, default 0.9
        Mass of the equal-tailed intervals.

    Returns
    -------
    Prediction
        Per-responder probabilities, the simulated coalition, analogues and the fit's
        convergence flag and data hash. An unconverged fit also emits
        :class:`~forecast.model.ConvergenceWarning`.

    Raises
    ------
    ScenarioError
        If the scenario's rows cannot be built.
    ValueError
        If ``draws``, ``interval`` or ``n_analogues`` is out of range.
    """
    draws = scenario.draws if draws is None else draws
    seed = scenario.seed if seed is None else seed
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ValueError(f"draws must be a positive integer, not {draws!r}")
    if not 0 < interval < 1:
        raise ValueError(f"interval must be in (0, 1), not {interval!r}")
    if n_analogues < 0:
        raise ValueError(f"n_analogues must be >= 0, not {n_analogues!r}")
    rows = scenario_rows(scenario)
    known = set(fit.design.labels["conflict"])  # a scenario is always a new conflict
    known |= {lab.rsplit("|", 1)[-1] for lab in fit.design.labels["alliance_conflict"]}
    while str(rows["conflict_id"].iloc[0]) in known or attack_labels(rows.iloc[:1])[0] in known:
        rows["conflict_id"] = rows["conflict_id"].astype(str) + "-new"
    design = make_design(rows, fit.design.scaling, covariates=fit.design.covariates)
    rng = np.random.default_rng(seed)
    aligned = fit.draws_for(design, rng)  # every posterior draw, aligned to the scenario
    d = _resample(aligned, design, fit, int(draws), rng)
    p_aggressor = _logistic(aggressor_logit(design, d))
    cond = category_probs(linear_predictor(design, d), d["cutpoints"])
    probs = unconditional_probs(p_aggressor, cond)
    cum = np.cumsum(cond, axis=2)[..., :3]
    u = rng.random(probs.shape[:2])
    sided = rng.random(probs.shape[:2]) < p_aggressor
    levels = np.where(sided, 0, (u[..., None] > cum).sum(axis=2)).astype(np.int8)
    if n_analogues:
        table = cases
        if table is None:
            from .cases import load_cases

            table = load_cases()
        near = closest_analogues(rows, table, fit.design.scaling, per_responder=1)
        near = near.sort_values("distance", kind="stable").head(n_analogues)
        analogues = near.reset_index(drop=True)
    else:
        analogues = pd.DataFrame()
    if not fit.converged:
        warnings.warn(
            f"scenario {scenario.name!r} is predicted from a fit that has not converged; "
            "its numbers are unreliable: refit with more draws and tuning steps",
            ConvergenceWarning,
            stacklevel=2,
        )
    return Prediction(
        scenario=scenario,
        responders=tuple(str(x) for x in rows["supporter"]),
        ccodes=tuple(int(x) for x in rows["supporter_ccode"]),
        obligations=tuple(str(x) for x in rows["obligation"]),
        draws=int(draws),
        seed=int(seed),
        interval=float(interval),
        converged=bool(fit.converged),
        data_hash=str(fit.data_hash),
        probs=probs,
        levels=levels,
        analogues=analogues,
        p_aggressor=p_aggressor,
        sided=sided,
        n_target_pool=len(scenario.responders),
        grounds=_grounds(design, fit, aligned, rows),
    )


def _grounds(design, fit: Fit, aligned: dict[str, np.ndarray], rows: pd.DataFrame) -> pd.DataFrame:
    """Each responder's reasons: covariate contributions and its own record (log odds).

    From the posterior draws aligned to the scenario (:meth:`Fit.draws_for`), not the
    resampled simulation draws, so they carry no simulation noise; a supporter unseen in
    training has no record of its own. Each term also names its ``group``
    (:data:`forecast.design.REASON_GROUPS`, or the term itself) and that group's ``reason``
    for the row: the fact in words, with the parts present.
    """
    target, aggressor = contributions(design, aligned)
    known = set(fit.design.labels["supporter"])
    group_of = {t: g for g, (_, terms) in REASON_GROUPS.items() for t in terms}
    missing = pd.Series(np.nan, index=rows.index)
    pool = pd.to_numeric(rows.get("pool_size", missing), errors="coerce")
    allies = pd.to_numeric(rows.get("pool_aggressor_allies", missing), errors="coerce")
    recs = []
    for i, name in enumerate(rows["supporter"]):
        said = {}
        for g, (label, terms) in REASON_GROUPS.items():
            cols = [design.covariates.index(t) for t in terms if t in design.covariates]
            parts = dict.fromkeys(PHRASES[design.covariates[k]] for k in cols if design.X[i, k])
            said[g] = f"{label}: {', '.join(parts)}" if parts else label
        if pd.notna(pool.iloc[i]) and pd.notna(allies.iloc[i]):
            said["pool"] = (
                f"the attack's pool: {int(pool.iloc[i])} potential responders, "
                f"{int(allies.iloc[i])} of them bound to the aggressor"
            )
        for side, contrib in (("target", target), ("aggressor", aggressor)):
            for k, term in enumerate(design.covariates):
                group = group_of.get(term, term)
                meaning = MEANINGS.get(term, term)
                reason = said.get(group, meaning)
                recs.append((str(name), side, term, meaning, contrib[i, k], group, reason))
        j = design.index["supporter"][i]
        if design.labels["supporter"][j] in known and "supporter" in aligned:
            own = float(np.mean(aligned["supporter"][:, j]))  # its own record (target side)
            rec = "its own record"
            recs.append((str(name), "target", "supporter", rec, own, "supporter", rec))
    cols = ["responder", "side", "term", "meaning", "contribution", "group", "reason"]
    return pd.DataFrame(recs, columns=cols)
