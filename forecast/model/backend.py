"""The PyMC graph: a side decision and, on the target's side, an ordered level of help."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..design import GROUPS, Design
from .predictive import CUTPOINTS
from .priors import _beta_prior, _scale_rv, merge_priors

# ---------------------------------------------------------------------------------------------
# the PyMC model


#: Mean informative outcomes per level from which a group's effects are centred ("auto").
CENTRE_FROM = 10.0
#: Fewest levels a group needs to be centred ("auto"): with fewer, its scale is barely
#: determined and its posterior reaches down to zero, into the centred funnel.
CENTRE_MIN_LEVELS = 10


def group_parametrization(design: Design, parametrization: str = "auto") -> dict[str, bool]:
    """Return, per group, whether its effects are centred.

    Centring suits groups whose levels each hold much information; non-centring suits groups
    whose levels hold little (the funnel problem). With "auto" a group is centred when it
    has at least :data:`CENTRE_MIN_LEVELS` levels and they hold on average at least
    :data:`CENTRE_FROM` informative outcomes (rows with ``military == 1`` or a coded response
    above ``none``). A group of few levels stays non-centred however much each holds: its
    scale, estimated from a handful of effects, keeps posterior mass near zero, where the
    centred form is a funnel. (The default fit of 2026-12-02, with the four-level era effect
    centred, had two divergences, one at ``sigma_era = 0.027``.) On the embedded table every
    group is non-centred: supporters, conflicts and alliances hold well under one outcome
    per level, and the era has four levels.

    Parameters
    ----------
    design : Design
        The training design.
    parametrization : {"auto", "noncentered", "centered"}, default "auto"
        "noncentered" and "centered" apply to every group.

    Returns
    -------
    dict of str to bool
        ``True`` where the group is centred.

    Raises
    ------
    ValueError
        If ``parametrization`` is unknown.
    """
    if parametrization not in ("auto", "noncentered", "centered"):
        raise ValueError(
            f"parametrization must be 'auto', 'noncentered' or 'centered', not {parametrization!r}"
        )
    if parametrization != "auto":
        return {g: parametrization == "centered" for g in GROUPS}
    events = (design.military == 1) | (design.y > 0)
    out = {}
    for g in GROUPS:
        idx = design.index[g]
        n_levels = max(len(design.labels[g]), 1)
        rich = float(events[idx >= 0].sum()) / n_levels >= CENTRE_FROM
        out[g] = rich and len(design.labels[g]) >= CENTRE_MIN_LEVELS
    return out


def _end_to_end(pt, parts, n_cells):
    """Group effects end to end with a last 0, and each cell's positions in that vector.

    ``parts`` holds, per group, its effects, each cell's level (``-1``: none) and its
    number of levels. Returns the PyTensor vector and an ``(n_cells, max(1, len(parts)))``
    integer array; cells without a level of a group, and every cell when there is no group,
    point at the last 0.
    """
    zero = sum(n for _, _, n in parts)
    levels, offset = [], 0
    for _, idx, n in parts:
        levels.append(np.where(idx >= 0, idx + offset, zero))
        offset += n
    vector = pt.concatenate([eff for eff, _, _ in parts] + [pt.zeros(1)])
    if not levels:
        levels = [np.full(n_cells, zero)]
    return vector, np.column_stack(levels).astype(np.int64)


#: How the likelihood enters the graph: "fused" (one compiled pass over the rows with its
#: gradient, :mod:`forecast.model.likelihood`) or "graph" (PyMC observed variables: the
#: reference the fused form is tested against, and what prior predictive sampling needs).
LIKELIHOODS = ("fused", "graph")


def build_model(
    design: Design,
    priors: dict[str, dict[str, Any]] | None = None,
    parametrization: str = "auto",
    likelihood: str = "fused",
):
    """Build the PyMC model for a design.

    Parameters
    ----------
    design : Design
        Training design; rows need ``aggressor`` (the side) and a coded ``response``
        (``y >= 0``) or ``military``.
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS` (see :func:`merge_priors`).
    parametrization : {"auto", "noncentered", "centered"}, default "auto"
        Group effects as ``sigma * ZeroSumNormal(1)`` (stored as a deterministic) or as
        ``ZeroSumNormal(sigma)``; "auto" chooses per group (see
        :func:`group_parametrization`).
    likelihood : {"fused", "graph"}, default "fused"
        "fused" adds the likelihood as one potential, ``log_likelihood``, computed with its
        gradient in a single compiled pass over the rows
        (:class:`~forecast.model.likelihood.FusedLikelihood`: 0.55 ms instead of 4.4 ms per
        gradient on the embedded table); "graph" as the observed variables ``aggressor``,
        ``response`` and ``military`` (the same density, to rounding; needed for
        ``pm.sample_prior_predictive`` and per-variable log-probabilities). To compile the
        fused model to JAX (numpyro, blackjax, nutpie's JAX backend), import
        :mod:`forecast.model.jax_likelihood` first (the optional extra ``forecast[jax]``).

    Returns
    -------
    pymc.Model
        Two parts with correlated conflict effects. The side: ``P(fights for the
        aggressor) = logistic(alpha_aggressor + X beta_aggressor + conflict_aggressor)``,
        observed as ``aggressor`` on every row with an outcome. The level of help to the
        target, on the rows that did not side with the aggressor: ordered logistic with
        ``eta = X beta + effects`` and ``cutpoints``, observed as ``response`` (coded levels)
        or ``military`` (rows coded only for fighting: the top category). Free variables
        ``beta``, ``beta_aggressor``, ``cutpoints_centred``, ``alpha_aggressor_centred``,
        ``sigma_<group>``, ``sigma_conflict_dispute``, ``sigma_conflict_aggressor``,
        ``rho_conflict_unit`` (``(rho_conflict + 1) / 2``) and the group effects
        ``<group>_effect`` (dims ``<group>``; raw ``<group>_z`` when non-centred). The
        conflict effects are always non-centred: the target side's is ``scale * conflict_z``
        with ``scale`` ``sigma_conflict`` in war-scale crises and ``sigma_conflict_dispute``
        in disputes; the aggressor side's, ``conflict_aggressor_effect``, is
        ``sigma_conflict_aggressor * (rho * conflict_z + sqrt(1 - rho^2) *
        conflict_aggressor_z)``.

    Raises
    ------
    ValueError
        If no row has an outcome, or ``parametrization`` or ``likelihood`` is unknown.
    """
    import pymc as pm
    import pytensor.tensor as pt

    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be 'fused' or 'graph', not {likelihood!r}")

    centred = group_parametrization(design, parametrization)
    priors = merge_priors(priors)
    observed = design.observed
    full, mil_only = design.target_response, design.target_military
    if not observed.any():
        raise ValueError("no row has a coded response or military outcome")
    coords = {"covariate": list(design.covariates), "cutpoint": list(CUTPOINTS)}
    coords.update({g: list(design.labels[g]) for g in GROUPS})
    mu, sd = _beta_prior(priors, design.covariates)
    amu, asd = _beta_prior(priors, design.covariates, "beta_aggressor")
    cp, ap, rp = priors["cutpoints"], priors["alpha_aggressor"], priors["rho_conflict"]
    with pm.Model(coords=coords) as model:
        beta = pm.Normal("beta", mu=mu, sigma=sd, dims="covariate")
        beta_a = pm.Normal("beta_aggressor", mu=amu, sigma=asd, dims="covariate")
        # Covariates enter centred at their training means, so the sampled cutpoints and
        # aggressor-side intercept (those of an average row) are nearly uncorrelated with the
        # coefficients; the uncentred ones are kept as deterministics.
        xbar = design.X.mean(axis=0) if len(design.X) else np.zeros(design.X.shape[1])
        cut = pm.Normal(
            "cutpoints_centred",
            mu=cp["mu"],
            sigma=cp["sigma"],
            dims="cutpoint",
            transform=pm.distributions.transforms.ordered,
            initval=np.array([-1.0, 0.0, 1.0]),
        )
        pm.Deterministic("cutpoints", cut + pt.dot(xbar, beta), dims="cutpoint")
        alpha_c = pm.Normal("alpha_aggressor_centred", mu=ap["mu"], sigma=ap["sigma"])
        pm.Deterministic("alpha_aggressor", alpha_c - pt.dot(xbar, beta_a))
        Xc = design.X - xbar
        eta = pt.dot(Xc, beta)
        eta_a = alpha_c + pt.dot(Xc, beta_a)
        # Rows of one conflict share their conflict, era, alliance and alliance-conflict
        # levels: those four effects are summed once per distinct combination ("cell") and
        # gathered to the rows once: a fifth less time per gradient on the real table
        # (tests/benchmarks/bench_gradient.py). The aggressor side has its own conflict
        # effect, correlated with the target side's.
        cell_groups = [g for g in GROUPS if g != "supporter"]
        cells, cell_of_row = np.unique(
            np.column_stack([design.index[g] for g in cell_groups]), axis=0, return_inverse=True
        )
        cell_eta = pt.zeros(len(cells))
        cell_eta_a = pt.zeros(len(cells))
        parts_t, parts_a = [], []  # (effects, cells' levels, n levels) for the fused kernel
        for g in GROUPS:
            sigma = _scale_rv(pm, f"sigma_{g}", priors[f"sigma_{g}"])
            if g == "conflict":
                sigma_d = _scale_rv(pm, "sigma_conflict_dispute", priors["sigma_conflict_dispute"])
                sigma_a = _scale_rv(
                    pm, "sigma_conflict_aggressor", priors["sigma_conflict_aggressor"]
                )
                unit = pm.Beta("rho_conflict_unit", alpha=rp["alpha"], beta=rp["beta"])
                rho = pm.Deterministic("rho_conflict", 2.0 * unit - 1.0)
            if len(design.labels[g]) < 2:  # one level: its zero-sum effect is 0
                continue
            if g == "conflict":  # always non-centred: its scale differs by crisis scale
                raw = pm.ZeroSumNormal("conflict_z", sigma=1.0, dims=g)
                raw_a = pm.ZeroSumNormal("conflict_aggressor_z", sigma=1.0, dims=g)
                scale = pt.switch(design.dispute.astype(bool), sigma_d, sigma)
                eff = pm.Deterministic("conflict_effect", scale * raw, dims=g)
                eff_a = pm.Deterministic(
                    "conflict_aggressor_effect",
                    sigma_a * (rho * raw + pt.sqrt(1.0 - rho**2) * raw_a),
                    dims=g,
                )
            elif centred[g]:
                eff = pm.ZeroSumNormal(f"{g}_effect", sigma=sigma, dims=g)
            else:
                raw = pm.ZeroSumNormal(f"{g}_z", sigma=1.0, dims=g)
                eff = pm.Deterministic(f"{g}_effect", sigma * raw, dims=g)
            idx = design.index[g] if g == "supporter" else cells[:, cell_groups.index(g)]
            if g != "supporter":
                parts_t.append((eff, idx, len(design.labels[g])))
                if g == "conflict":
                    parts_a.append((eff_a, idx, len(design.labels[g])))
            if (idx < 0).any() or (g == "supporter" and likelihood == "fused"):
                eff = pt.concatenate([eff, pt.zeros(1)])  # index -1 -> the appended 0
            if g == "supporter":
                supporter_eff = eff
                if likelihood == "graph":
                    eta = eta + eff[idx]
            else:
                cell_eta = cell_eta + eff[idx]
                if g == "conflict":
                    if (idx < 0).any():
                        eff_a = pt.concatenate([eff_a, pt.zeros(1)])
                    cell_eta_a = cell_eta_a + eff_a[idx]
        if likelihood == "fused":
            from .likelihood import fused_likelihood
            from .rowdata import FusedData

            n_supporters = len(design.labels["supporter"])
            if n_supporters < 2:  # no supporter effect: one 0 for all
                supporter_eff = pt.zeros(1)
            n_eff = n_supporters + 1 if n_supporters >= 2 else 1  # with the appended 0
            geff_t, levels_t = _end_to_end(pt, parts_t, len(cells))
            geff_a, levels_a = _end_to_end(pt, parts_a, len(cells))
            data = FusedData(design, cell_of_row, xbar, n_eff, levels_t, levels_a[:, 0])
            loglik = fused_likelihood(
                beta, beta_a, cut, supporter_eff, geff_t, alpha_c + geff_a, data
            )
            pm.Potential("log_likelihood", loglik)
            return model
        eta = eta + cell_eta[cell_of_row.ravel()]
        eta_a = eta_a + cell_eta_a[cell_of_row.ravel()]
        # two parts: the side (fight for the aggressor or not) on every row with an outcome,
        # then the level of help to the target on the rows that did not side with the aggressor
        pm.Bernoulli("aggressor", logit_p=eta_a[observed], observed=design.aggressor[observed])
        if full.any():
            pm.OrderedLogistic(
                "response", eta=eta[full], cutpoints=cut, observed=design.y[full], compute_p=False
            )
        if mil_only.any():
            pm.Bernoulli(
                "military", logit_p=eta[mil_only] - cut[2], observed=design.military[mil_only]
            )
    return model
