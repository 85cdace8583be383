"""Priors as data: the default specs, merging user priors over them, and drawing from them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..design import COVARIATES, GROUPS, Design

#: Weakly informative priors, by name. Coefficients are on the log-odds scale per unit of the
#: covariate (0/1 indicators; standardised continuous covariates), so Normal(0, 1) keeps 95% of the
#: prior odds ratios within 0.14..7. Cutpoints are iid Normal(0, 2.5) restricted to be ordered;
#: they are the cutpoints of a row at the training means of the covariates (the model centres the
#: covariates, see :func:`build_model`). Group-effect scales are half-normal, except the era's: its
#: scale is estimated from four levels, where a half-normal's mass near zero is poorly checked by
#: the data; a boundary-avoiding Gamma(2, 4) (mean 0.5, 95% within 0.06..1.4; Chung et al. 2013, "A
#: nondegenerate penalized likelihood estimator for variance parameters in multilevel models")
#: keeps it away from zero, and the era effects are non-centred (see
#: :func:`forecast.model.group_parametrization`). Add ``beta_<covariate>`` (a Normal) to give one
#: coefficient its own prior. The aggressor side (fighting for the aggressor) has its own intercept
#: (at the covariate means; the base rate is about 0.4%, logit -5.5), coefficients and conflict
#: effect. ``sigma_conflict`` is the target side's conflict-effect scale in war-scale crises,
#: ``sigma_conflict_dispute`` in disputes (MIDs), ``sigma_conflict_aggressor`` the aggressor
#: side's; ``rho_conflict`` is the correlation of a conflict's two effects, its prior a ``Beta(2,
#: 2)`` on ``(rho + 1) / 2`` (mean 0, 95% within -0.81..0.81, the LKJ(2) prior of a 2 x 2
#: correlation).
DEFAULT_PRIORS: dict[str, dict[str, Any]] = {
    "beta": {"dist": "Normal", "mu": 0.0, "sigma": 1.0},
    "cutpoints": {"dist": "Normal", "mu": 0.0, "sigma": 2.5},
    "alpha_aggressor": {"dist": "Normal", "mu": -5.0, "sigma": 2.0},
    "beta_aggressor": {"dist": "Normal", "mu": 0.0, "sigma": 1.0},
    "sigma_supporter": {"dist": "HalfNormal", "sigma": 1.0},
    "sigma_conflict": {"dist": "HalfNormal", "sigma": 1.0},
    "sigma_conflict_dispute": {"dist": "HalfNormal", "sigma": 1.0},
    "sigma_conflict_aggressor": {"dist": "HalfNormal", "sigma": 1.0},
    "rho_conflict": {"dist": "Beta", "alpha": 2.0, "beta": 2.0},
    "sigma_alliance": {"dist": "HalfNormal", "sigma": 0.5},
    "sigma_era": {"dist": "Gamma", "alpha": 2.0, "beta": 4.0},
    "sigma_alliance_conflict": {"dist": "HalfNormal", "sigma": 0.5},
}
_SCALE_DISTS = {
    "HalfNormal": ("sigma",),
    "Exponential": ("lam",),
    "HalfStudentT": ("nu", "sigma"),
    "Gamma": ("alpha", "beta"),
}


# ---------------------------------------------------------------------------------------------
# priors


def merge_priors(priors: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Lay user priors over :data:`DEFAULT_PRIORS` and check them.

    Parameters
    ----------
    priors : dict, optional
        ``{name: spec}``; a spec is ``{"dist": ..., <parameters>}``. Names are those of
        :data:`DEFAULT_PRIORS` or ``beta_<covariate>``. A spec replaces the default spec of
        the same name as a whole.

    Returns
    -------
    dict
        The merged priors (a new dict; the defaults are not modified).

    Raises
    ------
    ValueError
        On an unknown name, distribution or parameter, or a non-positive scale.
    """
    merged = {k: dict(v) for k, v in DEFAULT_PRIORS.items()}
    for name, spec in (priors or {}).items():
        cov = name.removeprefix("beta_")
        if name not in DEFAULT_PRIORS and not (name.startswith("beta_") and cov in COVARIATES):
            valid = ", ".join([*DEFAULT_PRIORS, "beta_<covariate>"])
            raise ValueError(f"priors: unknown name {name!r}; valid names: {valid}")
        if not isinstance(spec, dict) or "dist" not in spec:
            raise ValueError(f"priors[{name!r}] must be a dict with a 'dist' key")
        merged[name] = dict(spec)
    for name, spec in merged.items():
        dist = spec["dist"]
        if name == "rho_conflict":
            allowed = {"Beta": ("alpha", "beta")}
        elif name.startswith("sigma_"):
            allowed = _SCALE_DISTS
        else:
            allowed = {"Normal": ("mu", "sigma")}
        if dist not in allowed:
            raise ValueError(
                f"priors[{name!r}]: distribution {dist!r} not one of {', '.join(allowed)}"
            )
        params = set(spec) - {"dist"}
        if params != set(allowed[dist]):
            raise ValueError(
                f"priors[{name!r}]: {dist} takes {', '.join(allowed[dist])}, got "
                f"{', '.join(sorted(params)) or 'nothing'}"
            )
        for p in params:
            value = spec[p]
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"priors[{name!r}]: {p} must be a finite number")
            if p != "mu" and value <= 0:
                raise ValueError(f"priors[{name!r}]: {p} must be > 0")
    return merged


def _beta_prior(
    priors: dict[str, dict[str, Any]],
    covariates: tuple[str, ...] = COVARIATES,
    name: str = "beta",
) -> tuple[np.ndarray, np.ndarray]:
    """Per-covariate prior means and sds of the coefficients (in ``covariates`` order).

    ``name`` is ``"beta"`` (the target side: ``beta_<covariate>`` overrides apply) or
    ``"beta_aggressor"`` (one spec for every covariate).
    """
    if name != "beta":
        specs = [priors[name]] * len(covariates)
    else:
        specs = [priors.get(f"beta_{c}", priors["beta"]) for c in covariates]
    return (
        np.array([float(s["mu"]) for s in specs]),
        np.array([float(s["sigma"]) for s in specs]),
    )


def _scale_rv(pm, name: str, spec: dict[str, Any]):
    """Create a PyMC scale random variable from a spec."""
    params = {k: float(v) for k, v in spec.items() if k != "dist"}
    return getattr(pm, spec["dist"])(name, **params)


def draw_prior(
    design: Design,
    priors: dict[str, dict[str, Any]] | None = None,
    draws: int = 500,
    seed: int | np.random.Generator | None = 0,
) -> dict[str, np.ndarray]:
    """Draw every parameter of :func:`~forecast.model.build_model` from its prior (numpy).

    The same specification as the PyMC graph: coefficients ``Normal(mu, sigma)`` per
    covariate; cutpoints of an average row as three iid ``Normal`` draws sorted (exactly the
    graph's ordered prior, whose three normals share one mean; PyMC's own forward sampling,
    ``pm.sample_prior_predictive``, ignores the ordering and draws unsorted cutpoints); the
    uncentred cutpoints as the graph's deterministic; group scales from their specs; group
    effects ``ZeroSumNormal(sigma)``, that is iid normals centred per draw. A test
    (``tests/test_generative.py``) checks the draws against the graph's.

    Parameters
    ----------
    design : Design
        The design the model is built on (its covariate means and group levels).
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS`.
    draws : int, default 500
        Number of draws.
    seed : int or numpy.random.Generator, optional, default 0
        Seed or generator.

    Returns
    -------
    dict of str to numpy.ndarray
        ``beta`` ``(draws, n_covariates)``, ``cutpoints_centred`` and ``cutpoints``
        ``(draws, 3)``, ``sigma_<group>`` ``(draws,)`` and, per group, the effects
        ``(draws, n_levels)`` under the group's name, as
        :func:`~forecast.model.linear_predictor` takes them.
    """
    merged = merge_priors(priors)
    rng = np.random.default_rng(seed)
    mu, sd = _beta_prior(merged, design.covariates)
    out: dict[str, np.ndarray] = {"beta": rng.normal(mu, sd, size=(draws, len(mu)))}
    cp = merged["cutpoints"]
    xbar = design.X.mean(axis=0) if len(design.X) else np.zeros(design.X.shape[1])
    out["cutpoints_centred"] = np.sort(rng.normal(cp["mu"], cp["sigma"], size=(draws, 3)), axis=1)
    out["cutpoints"] = out["cutpoints_centred"] + (out["beta"] @ xbar)[:, None]
    amu, asd = _beta_prior(merged, design.covariates, "beta_aggressor")
    out["beta_aggressor"] = rng.normal(amu, asd, size=(draws, len(amu)))
    a = merged["alpha_aggressor"]
    out["alpha_aggressor_centred"] = rng.normal(a["mu"], a["sigma"], draws)
    out["alpha_aggressor"] = out["alpha_aggressor_centred"] - out["beta_aggressor"] @ xbar
    rho = merged["rho_conflict"]
    out["rho_conflict_unit"] = rng.beta(rho["alpha"], rho["beta"], draws)
    out["rho_conflict"] = 2.0 * out["rho_conflict_unit"] - 1.0
    out["sigma_conflict_aggressor"] = _scale_draws(merged["sigma_conflict_aggressor"], draws, rng)
    for g in GROUPS:
        sigma = _scale_draws(merged[f"sigma_{g}"], draws, rng)
        raw = rng.normal(size=(draws, len(design.labels[g])))
        if raw.shape[1]:
            raw -= raw.mean(axis=1, keepdims=True)  # zero-sum, as ZeroSumNormal
        out[f"sigma_{g}"] = sigma
        if g == "conflict":  # each conflict's scale: war-scale or dispute
            out["sigma_conflict_dispute"] = _scale_draws(
                merged["sigma_conflict_dispute"], draws, rng
            )
            raw_a = rng.normal(size=raw.shape)
            if raw_a.shape[1]:
                raw_a -= raw_a.mean(axis=1, keepdims=True)
            out["conflict_z"], out["conflict_aggressor_z"] = raw, raw_a
            out[g] = raw * conflict_scales(design, out)
            out["conflict_aggressor"] = aggressor_conflict_effect(out, raw, raw_a)
        else:
            out[g] = raw * sigma[:, None]
    return out


def conflict_scales(design: Design, draws: dict[str, np.ndarray]) -> np.ndarray:
    """Each conflict's effect scale per draw, ``(S, n_conflicts)``: war-scale or dispute.

    Parameters
    ----------
    design : Design
        Its ``dispute`` flags (per conflict label).
    draws : dict of str to numpy.ndarray
        ``sigma_conflict`` and ``sigma_conflict_dispute``, shape ``(S,)``; a draw without
        the latter (a fit before crisis scales) uses ``sigma_conflict`` throughout.

    Returns
    -------
    numpy.ndarray
        ``sigma_conflict_dispute`` where the conflict is a dispute, else ``sigma_conflict``.
    """
    war = np.asarray(draws["sigma_conflict"], dtype=float)[:, None]
    dispute = np.asarray(draws.get("sigma_conflict_dispute", draws["sigma_conflict"]), float)
    flag = np.asarray(design.dispute, dtype=bool)[None, :]
    return np.where(flag, dispute[:, None], war)


def aggressor_conflict_effect(
    draws: dict[str, np.ndarray], z: np.ndarray, z_aggressor: np.ndarray
) -> np.ndarray:
    """The aggressor side's conflict effects from the two standard-normal raw effects.

    ``sigma_conflict_aggressor * (rho * z + sqrt(1 - rho**2) * z_aggressor)``: correlated
    ``rho`` with the target side's effect ``scale * z``, as the graph builds it.

    Parameters
    ----------
    draws : dict of str to numpy.ndarray
        ``sigma_conflict_aggressor`` and ``rho_conflict``, shape ``(S,)``.
    z, z_aggressor : numpy.ndarray
        The raw effects, ``(S, n_conflicts)``.

    Returns
    -------
    numpy.ndarray
        ``(S, n_conflicts)``.
    """
    rho = np.asarray(draws["rho_conflict"], dtype=float)[:, None]
    sigma = np.asarray(draws["sigma_conflict_aggressor"], dtype=float)[:, None]
    return sigma * (rho * z + np.sqrt(1.0 - rho**2) * z_aggressor)


def new_conflict_effects(
    draws: dict[str, np.ndarray], scales: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw new conflicts' effects on both sides from their population.

    Parameters
    ----------
    draws : dict of str to numpy.ndarray
        ``sigma_conflict_aggressor`` and ``rho_conflict`` ``(S,)``; without them (the
        aggressor side has no conflict effect) the aggressor-side effects are 0.
    scales : numpy.ndarray
        The target side's scale of each new conflict, ``(S, n_new)`` (see
        :func:`conflict_scales`).
    rng : numpy.random.Generator
        Randomness.

    Returns
    -------
    tuple of numpy.ndarray
        The target side's and the aggressor side's effects, each ``(S, n_new)``.
    """
    z = rng.standard_normal(scales.shape)
    z_a = rng.standard_normal(scales.shape)
    if "rho_conflict" not in draws:
        return z * scales, np.zeros(scales.shape)
    return z * scales, aggressor_conflict_effect(draws, z, z_a)


def _scale_draws(spec: dict[str, Any], size: int, rng: np.random.Generator) -> np.ndarray:
    """Numpy draws of a scale prior."""
    if spec["dist"] == "HalfNormal":
        return np.abs(rng.normal(0.0, spec["sigma"], size))
    if spec["dist"] == "Exponential":
        return rng.exponential(1.0 / spec["lam"], size)
    if spec["dist"] == "Gamma":
        return rng.gamma(spec["alpha"], 1.0 / spec["beta"], size)
    return np.abs(spec["sigma"] * rng.standard_t(spec["nu"], size))
