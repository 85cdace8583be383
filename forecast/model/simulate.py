"""Simulation from the model: prior predictive draws and simulated case tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..cases import OBLIGATIONS, RESPONSES
from ..design import GROUPS, Design, make_design
from .predictive import category_probs, linear_predictor, outcome_probs
from .priors import draw_prior

# ---------------------------------------------------------------------------------------------
# prior predictive


def prior_predictive(
    design: Design,
    priors: dict[str, dict[str, Any]] | None = None,
    draws: int = 500,
    seed: int | None = 0,
) -> dict[str, Any]:
    """Simulate the priors forward on a design and summarise the implied responses (numpy).

    The parameters come from :func:`~forecast.model.priors.draw_prior` (the PyMC graph's
    specification), the response probabilities from the numpy predictive path.

    Parameters
    ----------
    design : Design
        The rows to simulate (usually the training design).
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS`.
    draws : int, default 500
        Prior draws.
    seed : int, optional, default 0
        Seed of the simulation.

    Returns
    -------
    dict
        ``p_military``: quantiles (``q05``, ``q25``, ``q50``, ``q75``, ``q95``) and mean over
        draws of the average P(military) across rows; ``category_shares``: mean prior share
        of each response level; ``row_p_military``: quantiles of P(military) over all rows and
        draws; ``share_extreme``: share of row-draws with P(military) < 0.01 or > 0.99;
        ``p_aggressor``: mean and quantiles over draws of the average P(fights for the
        aggressor); ``draws`` and ``rows``. P(military) is help to the target,
        unconditional on the side.
    """
    d = draw_prior(design, priors, draws, seed)
    p_agg, probs = outcome_probs(design, d)
    pm_row = probs[..., 3]
    avg = pm_row.mean(axis=1)
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)

    def quant(x):
        return {
            f"q{int(q * 100):02d}": float(v) for q, v in zip(qs, np.quantile(x, qs), strict=True)
        }

    shares = probs.mean(axis=(0, 1))
    return {
        "draws": int(draws),
        "rows": int(design.n_rows),
        "p_military": {"mean": float(avg.mean()), **quant(avg)},
        "row_p_military": quant(pm_row.ravel()),
        "category_shares": {r: float(s) for r, s in zip(RESPONSES, shares, strict=True)},
        "share_extreme": float(((pm_row < 0.01) | (pm_row > 0.99)).mean()),
        "p_aggressor": {"mean": float(p_agg.mean()), **quant(p_agg.mean(axis=1))},
    }


# ---------------------------------------------------------------------------------------------
# simulation

#: True coefficients :func:`simulate_cases` uses unless given others (log-odds scale).
SIM_BETA: dict[str, float] = {
    "obligation_consultation": 0.2,
    "obligation_nonaggression": 0.1,
    "obligation_neutrality": 0.3,
    "obligation_offense": 1.0,
    "obligation_defense": 1.5,
    "conditional": -0.4,
    "bilateral": 0.0,
    "supporter_major": 0.8,
    "target_major": 0.3,
    "aggressor_major": -0.5,
    "both_democracies": 0.4,
    "democracy_missing": 0.0,
    "contiguous": 0.7,
    "aggressor_nuclear": -0.6,
    "supporter_nuclear": 0.2,
    "log_capability_ratio": 0.3,
    "capability_missing": 0.0,
    "log1p_alliance_age": 0.2,
    "event_mid": -0.5,
    "event_curated": 0.5,
    "invoked_defense": 1.0,
    "invoked_offense": 0.5,
    "invoked_other": 0.2,
    "invoked_unknown": 0.0,
    "invoked_defense_rival": 0.5,
    "dispute_defense": 0.0,
    "dispute_invoked_defense": 0.0,
    "aggressor_obligation_defense": -0.8,
    "aggressor_obligation_offense": -0.5,
    "aggressor_obligation_other": -0.2,
    "aggressor_invoked": -0.3,
    "aggressor_bilateral": 0.0,
    "rival_aggressor": 0.8,
    "rival_target": -0.6,
    "log_distance": -0.4,
    "shared_igos": 0.2,
    "target_entered": -0.3,
    "log_pool_size": 0.3,
    "log1p_pool_aggressor_allies": -0.2,
}
#: True aggressor-side coefficients (log-odds of fighting for the aggressor); others are 0.
SIM_BETA_AGGRESSOR: dict[str, float] = {
    "supporter_major": 0.8,
    "contiguous": 0.6,
    "aggressor_obligation_defense": 2.0,
    "aggressor_obligation_offense": 1.5,
    "aggressor_invoked": 1.0,
    "rival_target": 1.0,
    "rival_aggressor": -0.5,
    "event_mid": -1.0,
}
#: True aggressor-side intercept (uncentred) and correlation of a conflict's two effects.
SIM_ALPHA_AGGRESSOR = -4.0
SIM_RHO_CONFLICT = 0.5
SIM_SIGMA: dict[str, float] = {
    "supporter": 0.7,
    "conflict": 0.9,
    "conflict_dispute": 0.5,
    "conflict_aggressor": 0.8,
    "alliance": 0.4,
    "era": 0.3,
    "alliance_conflict": 0.4,
}
SIM_CUTPOINTS = (0.8, 1.6, 2.6)


def _size(rng: np.random.Generator) -> str:
    """An alliance's members: two (bilateral) one time in five, else 3 to 30."""
    return "2" if rng.random() < 0.2 else str(int(rng.integers(3, 31)))


def simulate_cases(
    n_rows: int = 2000,
    *,
    n_supporters: int = 60,
    n_conflicts: int = 100,
    n_alliances: int = 30,
    share_coded: float = 0.3,
    beta: dict[str, float] | None = None,
    sigma: dict[str, float] | None = None,
    cutpoints: tuple[float, float, float] = SIM_CUTPOINTS,
    beta_aggressor: dict[str, float] | None = None,
    alpha_aggressor: float = SIM_ALPHA_AGGRESSOR,
    rho_conflict: float = SIM_RHO_CONFLICT,
    seed: int | None = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Simulate a valid typed case table from the model, with known parameters.

    Conflicts get an event type, a year, a target and an aggressor; each conflict's rows are
    distinct supporters; about a third of rows carry one of the conflict's one to three
    alliances (so alliance-within-conflict effects are shared). Outcomes follow the model:
    first the side (``sided_with_aggressor`` from the aggressor-side logit), then, for rows
    not on the aggressor's side, the level of help to the target; the full ``response`` is
    kept for a ``share_coded`` fraction of conflicts, only ``military`` for the rest. Effects
    are drawn from ``Normal(0, sigma)`` and centred, as the zero-sum model assumes.

    Parameters
    ----------
    n_rows : int, default 2000
        Target number of rows (a few fewer if a conflict runs out of supporters).
    n_supporters, n_conflicts, n_alliances : int, default 60, 100, 30
        Numbers of levels (supporters are capped at the known COW codes minus two).
    share_coded : float, default 0.3
        Share of conflicts whose ordered response is coded.
    beta : dict, optional
        True coefficients by covariate name (default :data:`SIM_BETA`).
    sigma : dict, optional
        True group scales by group (default :data:`SIM_SIGMA`; ``conflict`` is the
        war-scale conflicts' scale, ``conflict_dispute`` the MIDs', ``conflict_aggressor``
        the aggressor side's).
    cutpoints : tuple of float, default (0.8, 1.6, 2.6)
        True ordered cutpoints.
    beta_aggressor : dict, optional
        True aggressor-side coefficients by covariate (default :data:`SIM_BETA_AGGRESSOR`,
        0 for the rest).
    alpha_aggressor : float, default -4.0
        True aggressor-side intercept.
    rho_conflict : float, default 0.5
        True correlation of a conflict's target-side and aggressor-side effects.
    seed : int, optional, default 0
        Seed; the same seed gives the same table.

    Returns
    -------
    tuple
        ``(cases, truth)``: the typed table (as :func:`forecast.load_cases` returns) and a
        dict with ``beta`` (by covariate), ``cutpoints``, ``sigma`` and ``effects`` (group ->
        {label: value}), on the scale of ``make_design(cases)``.
    """
    from .. import cases as _cases
    from .. import states

    rng = np.random.default_rng(seed)
    # alliance sizes from a stream of their own, so the other draws stay as they were
    size_rng = np.random.default_rng(None if seed is None else [seed, 1])
    beta = {**SIM_BETA, **(beta or {})}
    beta_a = {c: 0.0 for c in SIM_BETA} | SIM_BETA_AGGRESSOR | (beta_aggressor or {})
    sigma = {**SIM_SIGMA, **(sigma or {})}
    codes = np.array(sorted(states.known_codes()))
    n_supporters = min(n_supporters, len(codes) - 2)
    pool = rng.choice(codes, n_supporters, replace=False)
    majors = set(pool[: max(1, n_supporters // 25)].tolist())
    s_dem = dict(zip(pool.tolist(), rng.random(n_supporters) < 0.4, strict=True))
    s_cinc = dict(zip(pool.tolist(), np.exp(rng.normal(-5.5, 1.5, n_supporters)), strict=True))
    sizes = 1 + rng.multinomial(
        max(n_rows - n_conflicts, 0), np.full(n_conflicts, 1 / n_conflicts)
    )
    all_alliances = [f"ATOP {1001 + k}" for k in range(n_alliances)]
    obligations = np.array(OBLIGATIONS[1:])
    ob_p = np.array([0.2, 0.2, 0.15, 0.05, 0.4])
    names = {int(c): states.name(int(c)) for c in codes}
    rows: list[dict[str, str]] = []
    coded_conflict: list[bool] = []

    def fmt(x: float | None) -> str:
        return "" if x is None else f"{min(x, 1.0):.6g}"

    for j in range(n_conflicts):
        etype = rng.choice(["war", "mid", "curated"], p=[0.2, 0.7, 0.1])
        year = int(rng.integers(2008, 2024) if etype == "curated" else rng.integers(1816, 2011))
        cid = f"{etype}-{j + 1}" if etype != "curated" else f"sim-{j + 1}"
        target, aggressor = (int(x) for x in rng.choice(codes, 2, replace=False))
        a_major, t_major = rng.random() < 0.2, rng.random() < 0.15
        a_nuc = year >= 1950 and a_major and rng.random() < 0.6
        a_cinc = None if rng.random() < 0.05 else float(np.exp(rng.normal(-4, 1.5)))
        t_dem = None if rng.random() < 0.1 else rng.random() < 0.4
        candidates = [s for s in pool.tolist() if s not in (target, aggressor)]
        k = min(int(sizes[j]), len(candidates))
        sups = rng.choice(candidates, k, replace=False)
        local = rng.choice(all_alliances, int(rng.integers(1, 4)), replace=True)
        coded = etype == "curated" or rng.random() < share_coded
        for s in sups.tolist():
            allied = rng.random() < 0.35
            ob = str(rng.choice(obligations, p=ob_p)) if allied else "none"
            sdem = None if rng.random() < 0.1 else s_dem[s]
            a_allied = rng.random() < 0.1
            a_ob = str(rng.choice(obligations, p=ob_p)) if a_allied else "none"
            contiguous = rng.random() < 0.3
            u_inv = rng.random()
            invoked = ("1" if u_inv < 0.5 else "0" if u_inv < 0.8 else "") if allied else ""
            rows.append(
                {
                    "case_id": f"{cid}-{year}-{target}-{aggressor}-{s}",
                    "conflict_id": cid,
                    "conflict": f"Simulated conflict {j + 1}",
                    "event_type": str(etype),
                    "year": str(year),
                    "target": names[target],
                    "target_ccode": str(target),
                    "aggressor": names[aggressor],
                    "aggressor_ccode": str(aggressor),
                    "supporter": names[s],
                    "supporter_ccode": str(s),
                    "obligation": ob,
                    "conditional": str(int(allied and rng.random() < 0.3)),
                    "alliance": str(rng.choice(local)) if allied else "",
                    "alliance_age": str(int(rng.integers(0, 60)))
                    if allied and rng.random() < 0.95
                    else "",
                    "alliance_members": _size(size_rng) if allied else "",
                    "response": "",
                    "military": "",
                    "sided_with_aggressor": "0",
                    "join_lag_days": "",
                    "supporter_major": str(int(s in majors)),
                    "target_major": str(int(t_major)),
                    "aggressor_major": str(int(a_major)),
                    "supporter_democracy": "" if sdem is None else str(int(sdem)),
                    "target_democracy": "" if t_dem is None else str(int(t_dem)),
                    "contiguous": str(int(contiguous)),
                    "aggressor_nuclear": str(int(a_nuc)),
                    "supporter_nuclear": str(int(s in majors and year >= 1950)),
                    "supporter_cinc": "" if rng.random() < 0.05 else fmt(s_cinc[s]),
                    "aggressor_cinc": fmt(a_cinc),
                    "target_cinc": fmt(float(np.exp(rng.normal(-5, 1.5)))),
                    "source": "simulated by forecast.model.simulate_cases",
                    "target_role": "entered"
                    if etype == "war" and rng.random() < 0.05
                    else "attacked",
                    "invoked": invoked,
                    "aggressor_obligation": a_ob,
                    "aggressor_conditional": "0",
                    "aggressor_invoked": str(int(rng.random() < 0.5)) if a_allied else "",
                    "aggressor_alliance_members": _size(size_rng) if a_allied else "",
                    "rival_aggressor": str(int(rng.random() < 0.08)),
                    "rival_target": str(int(rng.random() < 0.05)),
                    "distance_km": "0"
                    if contiguous
                    else f"{float(np.exp(rng.normal(7.5, 1.2))):.6g}",
                    "distance_capitals": "0",
                    "shared_igos": str(int(rng.poisson(25))),
                }
            )
            coded_conflict.append(coded)
    table = pd.DataFrame(rows, columns=[c.name for c in _cases.COLUMNS])
    table = _cases.add_pool_facts(table)
    table[["pool_size", "pool_aggressor_allies"]] = table[
        ["pool_size", "pool_aggressor_allies"]
    ].astype(str)
    design = make_design(table)
    truth_draws: dict[str, np.ndarray] = {
        "beta": np.array([[beta[c] for c in design.covariates]]),
        "cutpoints": np.array([cutpoints], dtype=float),
    }
    effects: dict[str, dict[str, float]] = {}
    for g in GROUPS:
        e = rng.normal(0.0, 1.0, len(design.labels[g]))
        e = e - e.mean() if e.size else e
        if g == "conflict":
            z_a = rng.normal(0.0, 1.0, e.size)
            z_a = z_a - z_a.mean() if e.size else z_a
            e_a = sigma["conflict_aggressor"] * (
                rho_conflict * e + np.sqrt(1.0 - rho_conflict**2) * z_a
            )
            truth_draws["conflict_aggressor"] = e_a[None, :]
            effects["conflict_aggressor"] = dict(zip(design.labels[g], e_a.tolist(), strict=True))
            e = e * np.where(design.dispute == 1, sigma["conflict_dispute"], sigma["conflict"])
        else:
            e = e * sigma[g]
        truth_draws[g] = e[None, :]
        effects[g] = dict(zip(design.labels[g], e.tolist(), strict=True))
    truth_draws["beta_aggressor"] = np.array([[beta_a[c] for c in design.covariates]])
    truth_draws["alpha_aggressor"] = np.array([alpha_aggressor])
    p_a, _ = outcome_probs(design, truth_draws)
    sided = rng.random(len(table)) < p_a[0]
    probs = category_probs(linear_predictor(design, truth_draws), truth_draws["cutpoints"])[0]
    u = rng.random(len(table))[:, None]
    y = np.where(sided, 0, (u > np.cumsum(probs, axis=1)[:, :3]).sum(axis=1))
    coded = np.array(coded_conflict)
    table["sided_with_aggressor"] = sided.astype(int).astype(str)
    table["military"] = (y == 3).astype(int).astype(str)
    table["response"] = np.where(coded, np.array(RESPONSES, dtype=object)[y], "")
    typed = _cases._typed(table)
    truth = {
        "beta_aggressor": dict(beta_a),
        "alpha_aggressor": float(alpha_aggressor),
        "rho_conflict": float(rho_conflict),
        "beta": dict(beta),
        "cutpoints": tuple(float(c) for c in cutpoints),
        "sigma": dict(sigma),
        "effects": effects,
    }
    return typed, truth
