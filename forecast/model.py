"""The hierarchical ordered-response model: build, fit, diagnose, save, load, predict.

The outcome is a supporter's level of help, ``none < diplomatic < material < military``, under a
cumulative logit with three ordered cutpoints ``c1 < c2 < c3``::

    P(response <= k) = logistic(c[k] - eta),    k = 1, 2, 3

    eta = X @ beta + supporter[s] + conflict[j] + alliance[a] + era[e] + alliance_conflict[a, j]

The sampler sees the covariates centred at their training means (``X - mean(X)``) and the
cutpoints of that average row; the stored ``cutpoints`` are those of the formula above, so
predictions use ``X`` as it is.

Rows with a coded ``response`` use the ordered-logistic likelihood. Rows where only
``military`` is coded use the same model's top category, ``P(military) = 1 - logistic(c3 -
eta) = logistic(eta - c3)``, as a Bernoulli; nothing is imputed. Rows without an alliance get
no alliance or alliance-within-conflict effect (design index ``-1``).

Group effects are zero-sum normal (:class:`pymc.ZeroSumNormal`) with a half-normal scale each;
they sum to zero over the levels seen in training, so the cutpoints carry the overall level.
A new level (a new conflict, an unknown supporter) is drawn from ``Normal(0, sigma)`` per
posterior draw (:meth:`Fit.draws_for`). Predictions need numpy only
(:func:`linear_predictor`, :func:`category_probs`).

Priors are data (:data:`DEFAULT_PRIORS`); user priors are laid over them by name.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import itertools
import json
import math
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from ._io import atomic_path
from .cases import OBLIGATIONS, RESPONSES, SCHEMA_VERSION, to_csv_text
from .design import COVARIATES, GROUPS, Design, make_design
from .errors import ConvergenceWarning, ForecastError, ModelMismatchError, NotFittedError

__all__ = [
    "CUTPOINTS",
    "DEFAULT_PRIORS",
    "ConvergenceWarning",
    "Diagnostics",
    "Fit",
    "build_model",
    "category_probs",
    "data_hash",
    "diagnose",
    "fit",
    "group_parametrization",
    "linear_predictor",
    "load",
    "merge_priors",
    "posterior_draws",
    "prior_predictive",
    "simulate_cases",
]

FORMAT = "forecast-fit/1"
#: Names of the three cutpoints (between consecutive response levels).
CUTPOINTS: tuple[str, ...] = tuple(f"{a}|{b}" for a, b in itertools.pairwise(RESPONSES))

#: Weakly informative priors, by name. Coefficients are on the log-odds scale per unit of the
#: covariate (0/1 indicators; standardised continuous covariates), so Normal(0, 1) keeps 95%
#: of the prior odds ratios within 0.14..7. Cutpoints are iid Normal(0, 2.5) restricted to be
#: ordered; they are the cutpoints of a row at the training means of the covariates (the
#: model centres the covariates, see :func:`build_model`). Group-effect scales are
#: half-normal, except the era's: its scale is estimated from four levels and its effects are
#: centred, so a half-normal's mass near zero opens a funnel the sampler diverges in; a
#: boundary-avoiding Gamma(2, 4) (mean 0.5, 95% within 0.06..1.4; Chung et al. 2013, "A
#: nondegenerate penalized likelihood estimator for variance parameters in multilevel models")
#: keeps it away from zero. Add ``beta_<covariate>`` (a Normal) to give one coefficient its own
#: prior.
DEFAULT_PRIORS: dict[str, dict[str, Any]] = {
    "beta": {"dist": "Normal", "mu": 0.0, "sigma": 1.0},
    "cutpoints": {"dist": "Normal", "mu": 0.0, "sigma": 2.5},
    "sigma_supporter": {"dist": "HalfNormal", "sigma": 1.0},
    "sigma_conflict": {"dist": "HalfNormal", "sigma": 1.0},
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
#: Sampler settings used unless overridden; "auto" picks nutpie and falls back to PyMC's NUTS
#: when nutpie is unavailable. On the embedded table (tests/benchmarks/bench_fit.py) nutpie
#: took 0.45 of PyMC's wall time for the same draws with no divergences, where PyMC had 11;
#: PyMC mixed about 3x better per draw (see the README's performance section).
SAMPLER_DEFAULTS: dict[str, Any] = {"target_accept": 0.9, "adaptation": "diag"}
#: Convergence rule: every parameter's r-hat <= 1.01, bulk and tail ESS >= 400, no
#: divergences, E-BFMI >= 0.3 in every chain.
RULES: dict[str, float] = {"rhat": 1.01, "ess": 400.0, "ebfmi": 0.3}


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
        allowed = {"Normal": ("mu", "sigma")} if not name.startswith("sigma_") else _SCALE_DISTS
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


def _beta_prior(priors: dict[str, dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-covariate prior means and sds of the coefficients."""
    specs = [priors.get(f"beta_{c}", priors["beta"]) for c in COVARIATES]
    return (
        np.array([float(s["mu"]) for s in specs]),
        np.array([float(s["sigma"]) for s in specs]),
    )


def _scale_rv(pm, name: str, spec: dict[str, Any]):
    """Create a PyMC scale random variable from a spec."""
    params = {k: float(v) for k, v in spec.items() if k != "dist"}
    return getattr(pm, spec["dist"])(name, **params)


def _scale_draws(spec: dict[str, Any], size: int, rng: np.random.Generator) -> np.ndarray:
    """Numpy draws of a scale prior."""
    if spec["dist"] == "HalfNormal":
        return np.abs(rng.normal(0.0, spec["sigma"], size))
    if spec["dist"] == "Exponential":
        return rng.exponential(1.0 / spec["lam"], size)
    if spec["dist"] == "Gamma":
        return rng.gamma(spec["alpha"], 1.0 / spec["beta"], size)
    return np.abs(spec["sigma"] * rng.standard_t(spec["nu"], size))


# ---------------------------------------------------------------------------------------------
# numpy prediction


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def linear_predictor(design: Design, draws: dict[str, np.ndarray]) -> np.ndarray:
    """Compute the linear predictor ``eta`` of every row for every posterior draw (numpy only).

    Parameters
    ----------
    design : Design
        Rows to predict (from :func:`forecast.design.make_design`, with the training scaling).
    draws : dict of str to numpy.ndarray
        ``"beta"`` of shape ``(S, n_covariates)`` and, per group in
        :data:`forecast.design.GROUPS`, an array ``(S, len(design.labels[group]))`` of effects
        aligned to the design's labels (see :meth:`Fit.draws_for`). A missing group counts 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, n_rows)``.

    Raises
    ------
    ValueError
        If an array does not match the design.
    """
    beta = np.asarray(draws["beta"], dtype=float)
    if beta.ndim != 2 or beta.shape[1] != design.X.shape[1]:
        raise ValueError(
            f"draws['beta'] has shape {beta.shape}, expected (S, {design.X.shape[1]})"
        )
    eta = beta @ design.X.T
    for g in GROUPS:
        if g not in draws:
            continue
        eff = np.asarray(draws[g], dtype=float)
        if eff.shape != (beta.shape[0], len(design.labels[g])):
            raise ValueError(
                f"draws[{g!r}] has shape {eff.shape}, expected "
                f"({beta.shape[0]}, {len(design.labels[g])})"
            )
        ext = np.concatenate([eff, np.zeros((eff.shape[0], 1))], axis=1)  # index -1 -> 0
        eta += ext[:, design.index[g]]
    return eta


def category_probs(eta: np.ndarray, cutpoints: np.ndarray) -> np.ndarray:
    """Probabilities of the four response levels under the cumulative logit (numpy only).

    Parameters
    ----------
    eta : numpy.ndarray
        Linear predictor, shape ``(S, n)``.
    cutpoints : numpy.ndarray
        Ordered cutpoints, shape ``(S, 3)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, n, 4)``: P(none), P(diplomatic), P(material), P(military); the last is
        ``logistic(eta - c3)``.
    """
    eta = np.asarray(eta, dtype=float)
    c = np.asarray(cutpoints, dtype=float)
    cum = _logistic(c[:, None, :] - eta[:, :, None])  # P(y <= k), k = 0, 1, 2
    lower = np.concatenate([np.zeros((*cum.shape[:2], 1)), cum], axis=2)
    upper = np.concatenate([cum, np.ones((*cum.shape[:2], 1))], axis=2)
    return upper - lower


# ---------------------------------------------------------------------------------------------
# the PyMC model


#: Mean informative outcomes per level from which a group's effects are centred ("auto").
CENTRE_FROM = 10.0


def group_parametrization(design: Design, parametrization: str = "auto") -> dict[str, bool]:
    """Return, per group, whether its effects are centred.

    Centring suits groups whose levels each hold much information; non-centring suits groups
    whose levels hold little (the funnel problem). With "auto" a group is centred when its
    levels hold on average at least :data:`CENTRE_FROM` informative outcomes (rows with
    ``military == 1`` or a coded response above ``none``). On the embedded table only the era
    effect (four levels, dozens of outcomes each) is centred; supporters, conflicts and
    alliances hold well under one outcome per level and stay non-centred.

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
        out[g] = float(events[idx >= 0].sum()) / n_levels >= CENTRE_FROM
    return out


def build_model(
    design: Design,
    priors: dict[str, dict[str, Any]] | None = None,
    parametrization: str = "auto",
):
    """Build the PyMC model for a design.

    Parameters
    ----------
    design : Design
        Training design; rows need a coded ``response`` (``y >= 0``) or ``military``.
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS` (see :func:`merge_priors`).
    parametrization : {"auto", "noncentered", "centered"}, default "auto"
        Group effects as ``sigma * ZeroSumNormal(1)`` (stored as a deterministic) or as
        ``ZeroSumNormal(sigma)``; "auto" chooses per group (see
        :func:`group_parametrization`).

    Returns
    -------
    pymc.Model
        Free variables ``beta``, ``cutpoints``, ``sigma_<group>`` and the group effects
        ``<group>_effect`` (dims ``<group>``; raw ``<group>_z`` when non-centred);
        observed ``response`` (ordered logistic) and ``military`` (top category only).

    Raises
    ------
    ValueError
        If no row has an outcome or ``parametrization`` is unknown.
    """
    import pymc as pm
    import pytensor.tensor as pt

    centred = group_parametrization(design, parametrization)
    priors = merge_priors(priors)
    full, mil_only = design.has_response, design.military_only
    if not (full.any() or mil_only.any()):
        raise ValueError("no row has a coded response or military outcome")
    coords = {"covariate": list(design.covariates), "cutpoint": list(CUTPOINTS)}
    coords.update({g: list(design.labels[g]) for g in GROUPS})
    mu, sd = _beta_prior(priors)
    cp = priors["cutpoints"]
    with pm.Model(coords=coords) as model:
        beta = pm.Normal("beta", mu=mu, sigma=sd, dims="covariate")
        # Covariates enter centred at their training means, so the sampled cutpoints (the
        # cutpoints of an average row) are nearly uncorrelated with the coefficients; the
        # cutpoints of the uncentred model are kept as a deterministic.
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
        eta = pt.dot(design.X - xbar, beta)
        # Rows of one conflict share their conflict, era, alliance and alliance-conflict
        # levels: those four effects are summed once per distinct combination ("cell") and
        # gathered to the rows once: a fifth less time per gradient on the real table
        # (tests/benchmarks/bench_gradient.py).
        cell_groups = [g for g in GROUPS if g != "supporter"]
        cells, cell_of_row = np.unique(
            np.column_stack([design.index[g] for g in cell_groups]), axis=0, return_inverse=True
        )
        cell_eta = pt.zeros(len(cells))
        for g in GROUPS:
            sigma = _scale_rv(pm, f"sigma_{g}", priors[f"sigma_{g}"])
            if len(design.labels[g]) < 2:  # one level: its zero-sum effect is 0
                continue
            if centred[g]:
                eff = pm.ZeroSumNormal(f"{g}_effect", sigma=sigma, dims=g)
            else:
                raw = pm.ZeroSumNormal(f"{g}_z", sigma=1.0, dims=g)
                eff = pm.Deterministic(f"{g}_effect", sigma * raw, dims=g)
            idx = design.index[g] if g == "supporter" else cells[:, cell_groups.index(g)]
            if (idx < 0).any():
                eff = pt.concatenate([eff, pt.zeros(1)])  # index -1 -> the appended 0
            if g == "supporter":
                eta = eta + eff[idx]
            else:
                cell_eta = cell_eta + eff[idx]
        eta = eta + cell_eta[cell_of_row.ravel()]
        if full.any():
            pm.OrderedLogistic(
                "response", eta=eta[full], cutpoints=cut, observed=design.y[full], compute_p=False
            )
        if mil_only.any():
            pm.Bernoulli(
                "military", logit_p=eta[mil_only] - cut[2], observed=design.military[mil_only]
            )
    return model


# ---------------------------------------------------------------------------------------------
# diagnostics


@dataclass(frozen=True)
class Diagnostics:
    """Convergence diagnostics of a fit.

    Parameters
    ----------
    max_rhat : float
        Largest rank-normalised split r-hat over all parameters.
    min_ess_bulk, min_ess_tail : float
        Smallest bulk and tail effective sample sizes.
    divergences : int
        Divergent transitions after tuning.
    ebfmi : tuple of float
        E-BFMI per chain.
    converged : bool
        Whether the rule holds: r-hat <= 1.01, both ESS >= 400, no divergences, every
        E-BFMI >= 0.3.
    """

    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    ebfmi: tuple[float, ...]
    converged: bool

    def problems(self) -> list[str]:
        """List the broken rules in words.

        Returns
        -------
        list of str
            Empty when converged.
        """
        out = []
        if not self.max_rhat <= RULES["rhat"]:
            out.append(f"max r-hat {self.max_rhat:.4f} > {RULES['rhat']}")
        if not self.min_ess_bulk >= RULES["ess"]:
            out.append(f"min bulk ESS {self.min_ess_bulk:.0f} < {RULES['ess']:.0f}")
        if not self.min_ess_tail >= RULES["ess"]:
            out.append(f"min tail ESS {self.min_ess_tail:.0f} < {RULES['ess']:.0f}")
        if self.divergences:
            out.append(f"{self.divergences} divergent transitions")
        low = [f"{b:.2f}" for b in self.ebfmi if not b >= RULES["ebfmi"]]
        if low:
            out.append(f"E-BFMI {', '.join(low)} < {RULES['ebfmi']}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the diagnostics as a JSON-ready dict.

        Returns
        -------
        dict
            Field names to plain Python values.
        """
        d = asdict(self)
        d["ebfmi"] = list(self.ebfmi)
        return d


def diagnose(idata) -> Diagnostics:
    """Compute :class:`Diagnostics` from a DataTree with ``posterior`` and ``sample_stats``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit's results.

    Returns
    -------
    Diagnostics
        Worst values over every posterior variable and element.
    """
    import arviz as az

    post = idata["posterior"].to_dataset()
    post = post[[v for v in post.data_vars if not str(v).endswith(("_z", "_centred"))]]

    def worst(ds, fn) -> float:
        vals = [np.asarray(ds[v]).ravel() for v in ds.data_vars]
        flat = np.concatenate(vals) if vals else np.array([np.nan])
        flat = flat[np.isfinite(flat)]
        return float(fn(flat)) if flat.size else float("nan")

    max_rhat = worst(az.rhat(post), np.max)
    ess_bulk = worst(az.ess(post, method="bulk"), np.min)
    ess_tail = worst(az.ess(post, method="tail"), np.min)
    stats = idata["sample_stats"].to_dataset()
    divergences = int(np.asarray(stats["diverging"]).sum()) if "diverging" in stats else 0
    ebfmi = tuple(float(x) for x in np.asarray(az.bfmi(stats)["energy"]).ravel())
    converged = (
        max_rhat <= RULES["rhat"]
        and ess_bulk >= RULES["ess"]
        and ess_tail >= RULES["ess"]
        and divergences == 0
        and all(b >= RULES["ebfmi"] for b in ebfmi)
    )
    return Diagnostics(max_rhat, ess_bulk, ess_tail, divergences, ebfmi, bool(converged))


# ---------------------------------------------------------------------------------------------
# the fit


def data_hash(cases: pd.DataFrame) -> str:
    """Return the sha256 of a case table in its canonical CSV form.

    Parameters
    ----------
    cases : pandas.DataFrame
        A case table (typed or strings).

    Returns
    -------
    str
        ``"sha256:<hex>"`` of :func:`forecast.cases.to_csv_text` (schema column order,
        ``\\n`` line endings, six significant digits for capability scores).
    """
    plain = cases.astype(object).where(cases.notna(), "")  # NA -> "" before formatting
    return "sha256:" + hashlib.sha256(to_csv_text(plain).encode("utf-8")).hexdigest()


def posterior_draws(idata) -> dict[str, np.ndarray]:
    """Flatten a fit's posterior to numpy arrays with chains and draws stacked.

    Parameters
    ----------
    idata : xarray.DataTree
        Results with a ``posterior`` group.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"beta"`` ``(S, n_covariates)``, ``"cutpoints"`` ``(S, 3)``, ``"sigma_<group>"``
        ``(S,)`` and per fitted group (key ``<group>``, from ``<group>_effect``) ``(S, n_levels)``,
        in the label order of the fit, with
        ``S = chains * draws``.
    """
    post = idata["posterior"].to_dataset()
    out = {}
    for name in post.data_vars:
        if str(name).endswith(("_z", "_centred")):
            continue
        a = np.asarray(post[name].transpose("chain", "draw", ...).values, dtype=float)
        out[str(name).removesuffix("_effect")] = a.reshape((a.shape[0] * a.shape[1], *a.shape[2:]))
    return out


@dataclass
class Fit:
    """A fitted model: results, the training design and everything needed to rebuild it.

    Parameters
    ----------
    idata : xarray.DataTree
        ``posterior``, ``sample_stats``, ``observed_data`` (and what the sampler adds).
    design : Design
        The training design (covariates, scaling, labels, indices, outcome).
    diagnostics : Diagnostics
        Convergence diagnostics; ``diagnostics.converged`` is the flag.
    priors : dict
        The merged priors used.
    sampler : dict
        Sampler settings (``name``, ``draws``, ``tune``, ``chains``, ``target_accept``,
        ``adaptation``, ``parametrization``).
    seed : int
        The seed the draws came from.
    data_hash : str
        :func:`data_hash` of the training table.
    n_cases : int
        Rows in the training table.
    """

    idata: Any
    design: Design
    diagnostics: Diagnostics
    priors: dict[str, dict[str, Any]]
    sampler: dict[str, Any]
    seed: int
    data_hash: str
    n_cases: int
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """Whether the fit meets the convergence rule."""
        return self.diagnostics.converged

    def draws(self) -> dict[str, np.ndarray]:
        """Posterior draws as numpy arrays (see :func:`posterior_draws`).

        Returns
        -------
        dict of str to numpy.ndarray
            Stacked draws in the fit's label order.
        """
        return posterior_draws(self.idata)

    def draws_for(
        self, design: Design, seed: int | np.random.Generator | None = 0
    ) -> dict[str, np.ndarray]:
        """Posterior draws aligned to another design's labels, with new levels drawn.

        A label seen in training takes its fitted effect. A new label (a new conflict, an
        unknown supporter, a new alliance or alliance-within-conflict) gets one draw from
        ``Normal(0, sigma_<group>)`` per posterior draw, shared by every row with that label,
        so rows of one new conflict move together.

        Parameters
        ----------
        design : Design
            Rows coded with this fit's scaling (``make_design(table, fit.design.scaling)``).
        seed : int or numpy.random.Generator or None, default 0
            Randomness for the new levels; the same seed gives the same draws.

        Returns
        -------
        dict of str to numpy.ndarray
            ``beta``, ``cutpoints``, ``sigma_<group>`` and per group ``(S, n_labels)``,
            ready for :func:`linear_predictor` and :func:`category_probs`.

        Raises
        ------
        ValueError
            If the design's covariates differ from the fit's.
        """
        if tuple(design.covariates) != tuple(self.design.covariates):
            raise ValueError("the design's covariates differ from the fit's; use make_design")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        base = self.draws()
        n = base["beta"].shape[0]
        out = {k: v for k, v in base.items() if k not in GROUPS}
        for g in GROUPS:
            known = {lab: i for i, lab in enumerate(self.design.labels[g])}
            fitted = base.get(g, np.zeros((n, len(self.design.labels[g]))))
            sigma = base[f"sigma_{g}"]
            cols = []
            for lab in design.labels[g]:
                if lab in known:
                    cols.append(fitted[:, known[lab]])
                else:
                    cols.append(rng.normal(0.0, 1.0, n) * sigma)
            out[g] = np.column_stack(cols) if cols else np.zeros((n, 0))
        return out

    def predict_proba(
        self, design: Design, seed: int | np.random.Generator | None = 0
    ) -> np.ndarray:
        """Posterior draws of the four response-level probabilities of each row (numpy only).

        Parameters
        ----------
        design : Design
            Rows coded with this fit's scaling.
        seed : int or numpy.random.Generator or None, default 0
            Randomness for new levels (see :meth:`draws_for`).

        Returns
        -------
        numpy.ndarray
            Shape ``(S, n_rows, 4)``.
        """
        d = self.draws_for(design, seed)
        return category_probs(linear_predictor(design, d), d["cutpoints"])

    def summary(self, prob: float = 0.9) -> pd.DataFrame:
        """Coefficients, cutpoints and group scales with central intervals and odds ratios.

        Parameters
        ----------
        prob : float, default 0.9
            Mass of the central (equal-tailed) interval.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``term``; columns ``kind`` (covariate, cutpoint, scale), ``mean``,
            ``sd``, ``lower``, ``upper``, ``odds_ratio`` (exp of the posterior median),
            ``or_lower``, ``or_upper`` (covariates only), ``r_hat``, ``ess_bulk``.
        """
        import arviz as az

        post = self.idata["posterior"].to_dataset()
        lo_q, hi_q = (1 - prob) / 2, 1 - (1 - prob) / 2
        rows = []
        items = [("beta", "covariate", list(self.design.covariates))]
        items.append(("cutpoints", "cutpoint", list(CUTPOINTS)))
        for name, kind, labels in items:
            arr = np.asarray(post[name].transpose("chain", "draw", ...).values)
            rhat = np.asarray(az.rhat(post[[name]])[name]).ravel()
            ess = np.asarray(az.ess(post[[name]], method="bulk")[name]).ravel()
            flat = arr.reshape(-1, arr.shape[-1])
            for i, lab in enumerate(labels):
                rows.append(self._row(lab, kind, flat[:, i], lo_q, hi_q, rhat[i], ess[i]))
        for g in GROUPS:
            name = f"sigma_{g}"
            v = np.asarray(post[name].values).ravel()
            rhat = float(np.asarray(az.rhat(post[[name]])[name]))
            ess = float(np.asarray(az.ess(post[[name]], method="bulk")[name]))
            rows.append(self._row(name, "scale", v, lo_q, hi_q, rhat, ess))
        return pd.DataFrame(rows).set_index("term")

    @staticmethod
    def _row(term, kind, v, lo_q, hi_q, rhat, ess) -> dict[str, Any]:
        lower, med, upper = np.quantile(v, [lo_q, 0.5, hi_q])
        is_cov = kind == "covariate"
        return {
            "term": term,
            "kind": kind,
            "mean": float(v.mean()),
            "sd": float(v.std(ddof=1)),
            "lower": float(lower),
            "upper": float(upper),
            "odds_ratio": float(np.exp(med)) if is_cov else np.nan,
            "or_lower": float(np.exp(lower)) if is_cov else np.nan,
            "or_upper": float(np.exp(upper)) if is_cov else np.nan,
            "r_hat": float(rhat),
            "ess_bulk": float(ess),
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write the fit as NetCDF (a DataTree) atomically, with the attributes that rebuild it.

        Root attributes (JSON text where structured): ``forecast_format``,
        ``forecast_version``, ``schema_version``, ``covariates``, ``scaling``, ``labels``,
        ``data_hash``, ``n_cases``, ``sampler``, ``seed``, ``priors``, ``diagnostics``,
        ``converged`` (0/1), ``created_at``. The training design is stored in a ``design``
        group. No pickle is used.

        Parameters
        ----------
        path : str or os.PathLike
            Destination (``.nc``). Written to a temporary file, then renamed.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        NotFittedError
            If the posterior, the design or any rebuild attribute is missing.
        """
        import xarray as xr

        attrs = self._root_attrs()
        empty = [k for k, v in attrs.items() if v is None or v == "" or v == "null"]
        if empty or "posterior" not in self.idata.children:
            what = ", ".join(empty) or "posterior"
            raise NotFittedError(f"cannot save the fit to {path}: missing {what}; refit it")
        groups = {}
        for name, node in self.idata.children.items():
            ds = node.to_dataset()
            drop = [v for v in ds.variables if ds[v].dtype == object and v not in ds.coords]
            groups[f"/{name}"] = ds.drop_vars(drop)
        groups["/design"] = _design_dataset(self.design)
        tree = xr.DataTree.from_dict(groups)
        tree.attrs = attrs
        with atomic_path(path) as tmp:
            tree.to_netcdf(tmp, engine="h5netcdf")
        return Path(path)

    def _root_attrs(self) -> dict[str, Any]:
        d = self.design
        return {
            "forecast_format": FORMAT,
            "forecast_version": __version__,
            "schema_version": int(SCHEMA_VERSION),
            "covariates": json.dumps(list(d.covariates)),
            "scaling": json.dumps(d.scaling),
            "labels": json.dumps({g: list(d.labels[g]) for g in GROUPS}),
            "data_hash": self.data_hash,
            "n_cases": int(self.n_cases),
            "sampler": json.dumps(self.sampler),
            "seed": str(self.seed) if self.seed is not None else None,
            "priors": json.dumps(self.priors),
            "diagnostics": json.dumps(self.diagnostics.to_dict()),
            "converged": int(self.diagnostics.converged),
            "created_at": self.attrs.get("created_at")
            or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }


def _design_dataset(design: Design):
    """Return the training design as a Dataset (group ``design`` of a saved fit)."""
    import xarray as xr

    data = {
        "X": (("row", "covariate"), design.X),
        "y": ("row", design.y),
        "military": ("row", design.military),
    }
    for g in GROUPS:
        data[f"index_{g}"] = ("row", design.index[g])
    coords = {"covariate": list(design.covariates)}
    if design.case_id:
        coords["row"] = np.array(design.case_id, dtype=object)
    return xr.Dataset(data, coords=coords)


def _resolve_sampler(sampler: str) -> str:
    if sampler not in ("auto", "nutpie", "pymc"):
        raise ValueError(f"sampler must be 'auto', 'nutpie' or 'pymc', not {sampler!r}")
    if sampler == "auto":
        try:
            import nutpie  # noqa: F401
        except ImportError:
            return "pymc"
        return "nutpie"
    return sampler


def fit(
    cases: pd.DataFrame,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int | None = None,
    sampler: str = "auto",
    priors: dict[str, dict[str, Any]] | None = None,
    progressbar: bool = True,
    parametrization: str = "auto",
    target_accept: float | None = None,
    adaptation: str | None = None,
) -> Fit:
    """Fit the model to a case table.

    Parameters
    ----------
    cases : pandas.DataFrame
        Typed case table (:func:`forecast.load_cases`).
    draws, tune, chains : int, default 1000, 1000, 4
        Posterior draws and tuning steps per chain; number of chains.
    seed : int, optional
        Seed of the sampler; the same seed gives identical draws. Default: a fresh random
        seed, recorded in the fit.
    sampler : {"auto", "nutpie", "pymc"}, default "auto"
        NUTS implementation; "auto" is nutpie when installed (see :data:`SAMPLER_DEFAULTS`).
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS`.
    progressbar : bool, default True
        Show the sampler's progress bar.
    parametrization : {"auto", "noncentered", "centered"}, default "auto"
        Group-effect parametrisation (see :func:`build_model`).
    target_accept : float, optional
        NUTS target acceptance; default ``SAMPLER_DEFAULTS["target_accept"]``.
    adaptation : {"diag", "low_rank", "draw_diag"}, optional
        nutpie's mass-matrix adaptation; default ``SAMPLER_DEFAULTS["adaptation"]``. Ignored
        by the PyMC sampler.

    Returns
    -------
    Fit
        Results, design, diagnostics. An unconverged fit emits :class:`ConvergenceWarning`
        and has ``diagnostics.converged == False``.

    Raises
    ------
    ValueError
        On invalid arguments or a table without outcomes.
    """
    import pymc as pm

    for name, value in (("draws", draws), ("tune", tune), ("chains", chains)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    name = _resolve_sampler(sampler)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31))
    target_accept = SAMPLER_DEFAULTS["target_accept"] if target_accept is None else target_accept
    adaptation = SAMPLER_DEFAULTS["adaptation"] if adaptation is None else adaptation
    merged = merge_priors(priors)
    design = make_design(cases)
    model = build_model(design, merged, parametrization)
    kwargs: dict[str, Any] = {
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "random_seed": int(seed),
        "progressbar": progressbar,
        "nuts_sampler": name,
        "compute_convergence_checks": False,
        "quiet": True,
    }
    # Stored: coefficients, cutpoints, scales and group effects. The raw non-centred effects
    # (``<group>_z``) and the centred cutpoints are functions of these and would double the
    # size of a saved fit.
    kwargs["var_names"] = [
        v.name
        for v in (*model.free_RVs, *model.deterministics)
        if not v.name.endswith("_z") and v.name != "cutpoints_centred"
    ]
    kwargs["nuts"] = {"target_accept": target_accept}
    if name == "nutpie":
        kwargs["nuts"]["adaptation"] = adaptation
    with model, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*chains.*", category=UserWarning)
        idata = pm.sample(**kwargs)
    diagnostics = diagnose(idata)
    settings = {
        "name": name,
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "target_accept": target_accept,
        "adaptation": adaptation if name == "nutpie" else None,
        "parametrization": parametrization,
    }
    result = Fit(
        idata=idata,
        design=design,
        diagnostics=diagnostics,
        priors=merged,
        sampler=settings,
        seed=int(seed),
        data_hash=data_hash(cases),
        n_cases=len(cases),
    )
    if not diagnostics.converged:
        warnings.warn(
            "the fit has not converged (" + "; ".join(diagnostics.problems()) + "); "
            "its results are unreliable: fit again with more draws and tuning steps",
            ConvergenceWarning,
            stacklevel=2,
        )
    return result


# ---------------------------------------------------------------------------------------------
# load


def load(path: str | os.PathLike) -> Fit:
    """Load a fit saved by :meth:`Fit.save`, checking that it belongs to this package.

    Only NetCDF data and JSON text are read; nothing from the file is executed.

    Parameters
    ----------
    path : str or os.PathLike
        The saved fit (``.nc``).

    Returns
    -------
    Fit
        The fit, with its design rebuilt from the file.

    Raises
    ------
    ForecastError
        If the file is missing or not readable NetCDF (truncated, corrupt, not NetCDF).
    ModelMismatchError
        If it is NetCDF but not a ``forecast`` fit, or its schema version or package major
        version differs from this package's, or its attributes are inconsistent.
    """
    import xarray as xr

    p = Path(path)
    if not p.is_file():
        raise ForecastError(f"{p}: no such saved fit; run `forecast fit -o {p}` to create it")
    try:
        tree = xr.open_datatree(p, engine="h5netcdf")
        try:
            tree = tree.load()
        finally:
            tree.close()
    except Exception as e:  # a damaged file may fail in any of h5py's, xarray's or OS layers
        reason = " ".join(str(e).split())[:160] or type(e).__name__
        raise ForecastError(f"{p}: not a readable NetCDF model file ({reason})") from None
    a = dict(tree.attrs)
    if a.get("forecast_format") != FORMAT:
        raise ModelMismatchError(
            f"{p}: not a forecast fit (no forecast_format={FORMAT!r} attribute); "
            "fit one with `forecast fit`"
        )
    try:
        schema = int(a["schema_version"])
        version = str(a["forecast_version"])
        if schema != SCHEMA_VERSION:
            raise ModelMismatchError(
                f"{p}: fitted on case-table schema v{schema}, this package reads v"
                f"{SCHEMA_VERSION}; refit with `forecast fit`"
            )
        if version.split(".")[0] != __version__.split(".")[0]:
            raise ModelMismatchError(
                f"{p}: written by forecast {version}, incompatible with {__version__}; "
                "refit with `forecast fit`"
            )
        covariates = tuple(json.loads(a["covariates"]))
        scaling = json.loads(a["scaling"])
        labels = {g: tuple(v) for g, v in json.loads(a["labels"]).items()}
        diag = json.loads(a["diagnostics"])
        d = tree["design"].to_dataset()
        design = Design(
            X=np.asarray(d["X"].values, dtype=np.float64),
            covariates=covariates,
            scaling=scaling,
            index={g: np.asarray(d[f"index_{g}"].values, dtype=np.int64) for g in GROUPS},
            labels={g: labels[g] for g in GROUPS},
            y=np.asarray(d["y"].values, dtype=np.int64),
            military=np.asarray(d["military"].values, dtype=np.int64),
            case_id=tuple(str(x) for x in d["row"].values) if "row" in d.coords else (),
        )
        if covariates != COVARIATES or design.X.shape[1] != len(covariates):
            raise ModelMismatchError(
                f"{p}: its covariates differ from this package's; refit with `forecast fit`"
            )
        diagnostics = Diagnostics(
            max_rhat=float(diag["max_rhat"]),
            min_ess_bulk=float(diag["min_ess_bulk"]),
            min_ess_tail=float(diag["min_ess_tail"]),
            divergences=int(diag["divergences"]),
            ebfmi=tuple(float(x) for x in diag["ebfmi"]),
            converged=bool(int(a["converged"])),
        )
        idata = xr.DataTree.from_dict(
            {f"/{k}": v.to_dataset() for k, v in tree.children.items() if k != "design"}
        )
        for k in idata.children:
            idata[k].attrs = dict(tree[k].attrs)
        if "posterior" not in idata.children:
            raise KeyError("posterior")
        return Fit(
            idata=idata,
            design=design,
            diagnostics=diagnostics,
            priors=json.loads(a["priors"]),
            sampler=json.loads(a["sampler"]),
            seed=int(a["seed"]),
            data_hash=str(a["data_hash"]),
            n_cases=int(a["n_cases"]),
            attrs={"created_at": str(a.get("created_at", ""))},
        )
    except ModelMismatchError:
        raise
    except (KeyError, ValueError, TypeError) as e:
        raise ModelMismatchError(
            f"{p}: a forecast fit with missing or damaged attributes ({type(e).__name__}: "
            f"{' '.join(str(e).split())[:120]}); refit with `forecast fit`"
        ) from None


# ---------------------------------------------------------------------------------------------
# prior predictive


def prior_predictive(
    design: Design,
    priors: dict[str, dict[str, Any]] | None = None,
    draws: int = 500,
    seed: int | None = 0,
) -> dict[str, Any]:
    """Simulate the priors forward on a design and summarise the implied responses (numpy).

    Coefficients, cutpoints at the covariate means (sorted iid normals: exactly the ordered
    prior when the cutpoints share one mean, as they do here) and group scales are drawn from
    the priors;
    group effects from ``Normal(0, sigma)`` per level.

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
        ``draws`` and ``rows``.
    """
    merged = merge_priors(priors)
    rng = np.random.default_rng(seed)
    mu, sd = _beta_prior(merged)
    d: dict[str, np.ndarray] = {"beta": rng.normal(mu, sd, size=(draws, len(mu)))}
    cp = merged["cutpoints"]
    xbar = design.X.mean(axis=0) if len(design.X) else np.zeros(design.X.shape[1])
    centred = np.sort(rng.normal(cp["mu"], cp["sigma"], size=(draws, 3)), axis=1)
    d["cutpoints"] = centred + (d["beta"] @ xbar)[:, None]  # as in build_model
    for g in GROUPS:
        sigma = _scale_draws(merged[f"sigma_{g}"], draws, rng)
        d[g] = rng.normal(size=(draws, len(design.labels[g]))) * sigma[:, None]
    probs = category_probs(linear_predictor(design, d), d["cutpoints"])
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
}
SIM_SIGMA: dict[str, float] = {
    "supporter": 0.7,
    "conflict": 0.7,
    "alliance": 0.4,
    "era": 0.3,
    "alliance_conflict": 0.4,
}
SIM_CUTPOINTS = (0.8, 1.6, 2.6)


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
    seed: int | None = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Simulate a valid typed case table from the model, with known parameters.

    Conflicts get an event type, a year, a target and an aggressor; each conflict's rows are
    distinct supporters; about a third of rows carry one of the conflict's one to three
    alliances (so alliance-within-conflict effects are shared). Outcomes follow the model:
    the full ``response`` is kept for a ``share_coded`` fraction of conflicts, only
    ``military`` for the rest. Effects are drawn from ``Normal(0, sigma)`` and centred, as
    the zero-sum model assumes.

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
        True group scales by group (default :data:`SIM_SIGMA`).
    cutpoints : tuple of float, default (0.8, 1.6, 2.6)
        True ordered cutpoints.
    seed : int, optional, default 0
        Seed; the same seed gives the same table.

    Returns
    -------
    tuple
        ``(cases, truth)``: the typed table (as :func:`forecast.load_cases` returns) and a
        dict with ``beta`` (by covariate), ``cutpoints``, ``sigma`` and ``effects`` (group ->
        {label: value}), on the scale of ``make_design(cases)``.
    """
    from . import cases as _cases
    from . import states

    rng = np.random.default_rng(seed)
    beta = {**SIM_BETA, **(beta or {})}
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
                    "response": "",
                    "military": "",
                    "sided_with_aggressor": "0",
                    "join_lag_days": "",
                    "supporter_major": str(int(s in majors)),
                    "target_major": str(int(t_major)),
                    "aggressor_major": str(int(a_major)),
                    "supporter_democracy": "" if sdem is None else str(int(sdem)),
                    "target_democracy": "" if t_dem is None else str(int(t_dem)),
                    "contiguous": str(int(rng.random() < 0.3)),
                    "aggressor_nuclear": str(int(a_nuc)),
                    "supporter_nuclear": str(int(s in majors and year >= 1950)),
                    "supporter_cinc": "" if rng.random() < 0.05 else fmt(s_cinc[s]),
                    "aggressor_cinc": fmt(a_cinc),
                    "target_cinc": fmt(float(np.exp(rng.normal(-5, 1.5)))),
                    "source": "simulated by forecast.model.simulate_cases",
                    # schema v2 columns this simulator does not vary
                    "target_role": "attacked",
                    "invoked": "1" if allied else "",
                    "aggressor_obligation": "none",
                    "aggressor_conditional": "0",
                    "rival_aggressor": "0",
                    "rival_target": "0",
                }
            )
            coded_conflict.append(coded)
    table = pd.DataFrame(rows, columns=[c.name for c in _cases.COLUMNS])
    design = make_design(table)
    truth_draws: dict[str, np.ndarray] = {
        "beta": np.array([[beta[c] for c in design.covariates]]),
        "cutpoints": np.array([cutpoints], dtype=float),
    }
    effects: dict[str, dict[str, float]] = {}
    for g in GROUPS:
        e = rng.normal(0.0, sigma[g], len(design.labels[g]))
        e = e - e.mean() if e.size else e
        truth_draws[g] = e[None, :]
        effects[g] = dict(zip(design.labels[g], e.tolist(), strict=True))
    probs = category_probs(linear_predictor(design, truth_draws), truth_draws["cutpoints"])[0]
    u = rng.random(len(table))[:, None]
    y = (u > np.cumsum(probs, axis=1)[:, :3]).sum(axis=1)
    coded = np.array(coded_conflict)
    table["military"] = (y == 3).astype(int).astype(str)
    table["response"] = np.where(coded, np.array(RESPONSES, dtype=object)[y], "")
    typed = _cases._typed(table)
    truth = {
        "beta": dict(beta),
        "cutpoints": tuple(float(c) for c in cutpoints),
        "sigma": dict(sigma),
        "effects": effects,
    }
    return typed, truth
