"""A fit's result: :class:`Fit`, its posterior as arrays, and the data hash it carries."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cases import to_csv_text
from ..design import GROUPS, Design
from .diagnostics import RAW_SUFFIXES, Diagnostics
from .predictive import CUTPOINTS, outcome_probs
from .priors import conflict_scales, new_conflict_effects


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
        if str(name).endswith(RAW_SUFFIXES):
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
        ``adaptation``, ``parametrization``, and ``thin`` when the saved draws are every
        ``thin``-th draw sampled).
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

    @property
    def is_compact(self) -> bool:
        """Whether this is a compact fit (:func:`forecast.model.compact`).

        A compact fit has thinned draws, no per-conflict effects and its full fit's diagnostics.
        """
        return bool(self.attrs.get("compact"))

    def compact(self, draws: int = 1000) -> Fit:
        """Return a compact copy for forecasting (see :func:`forecast.model.compact`).

        Parameters
        ----------
        draws : int, default 1000
            Total draws kept over all chains.

        Returns
        -------
        Fit
            Thinned, float32, without per-conflict effects or sampler statistics.
        """
        from .compact import compact

        return compact(self, draws)

    def thin(self, step: int) -> Fit:
        """Return a copy with every ``step``-th draw of each chain (:func:`forecast.model.thin`).

        Parameters
        ----------
        step : int
            Keep every ``step``-th draw; the diagnostics stay those of all draws.

        Returns
        -------
        Fit
            The thinned fit (``sampler["thin"]`` records the step).
        """
        from .compact import thin

        return thin(self, step)

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
        dropped = set((self.attrs.get("compact") or {}).get("dropped", ()))
        for g in sorted(dropped):
            reused = set(design.labels[g]) & set(self.design.labels[g])
            if reused:
                raise ValueError(
                    f"a compact fit holds no fitted {g} effects, and the design reuses "
                    f"{len(reused)} past level(s) (e.g. {sorted(reused)[0]}); use the full fit "
                    "(`forecast fit`)"
                )
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        base = self.draws()
        n = base["beta"].shape[0]
        out = {k: v for k, v in base.items() if k not in GROUPS}
        for g in GROUPS:
            known = {lab: i for i, lab in enumerate(self.design.labels[g])}
            fitted = base.get(g, np.zeros((n, len(self.design.labels[g]))))
            labels = design.labels[g]
            new = [j for j, lab in enumerate(labels) if lab not in known]
            out[g] = np.zeros((n, len(labels)))
            for j, lab in enumerate(labels):
                if lab in known:
                    out[g][:, j] = fitted[:, known[lab]]
            if g != "conflict":
                out[g][:, new] = rng.normal(0.0, 1.0, (n, len(new))) * base[f"sigma_{g}"][:, None]
                continue
            # a new conflict's two effects: the target side's scale is war-scale or dispute
            fitted_a = base.get("conflict_aggressor", np.zeros_like(fitted))
            out["conflict_aggressor"] = np.zeros((n, len(labels)))
            for j, lab in enumerate(labels):
                if lab in known:
                    out["conflict_aggressor"][:, j] = fitted_a[:, known[lab]]
            scales = conflict_scales(design, base)[:, new]
            out[g][:, new], out["conflict_aggressor"][:, new] = new_conflict_effects(
                base, scales, rng
            )
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
        return outcome_probs(design, self.draws_for(design, seed))[1]

    def summary(self, prob: float = 0.9) -> pd.DataFrame:
        """Coefficients, cutpoints and group scales with central intervals and odds ratios.

        Parameters
        ----------
        prob : float, default 0.9
            Mass of the central (equal-tailed) interval.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``term``; columns ``kind`` (covariate, cutpoint, aggressor covariate,
            aggressor for its intercept, scale, correlation for ``rho_conflict``), ``mean``,
            ``sd``, ``lower``, ``upper``, ``odds_ratio`` (exp of the posterior median),
            ``or_lower``, ``or_upper`` (covariates only), ``r_hat``, ``ess_bulk``.
        """
        import arviz as az

        post = self.idata["posterior"].to_dataset()
        lo_q, hi_q = (1 - prob) / 2, 1 - (1 - prob) / 2
        rows = []
        items = [("beta", "covariate", list(self.design.covariates))]
        items.append(("cutpoints", "cutpoint", list(CUTPOINTS)))
        if "beta_aggressor" in post:
            agg_terms = [f"aggressor:{c}" for c in self.design.covariates]
            items.append(("beta_aggressor", "aggressor covariate", agg_terms))
        for name, kind, labels in items:
            arr = np.asarray(post[name].transpose("chain", "draw", ...).values)
            rhat = np.asarray(az.rhat(post[[name]])[name]).ravel()
            ess = np.asarray(az.ess(post[[name]], method="bulk")[name]).ravel()
            flat = arr.reshape(-1, arr.shape[-1])
            for i, lab in enumerate(labels):
                rows.append(self._row(lab, kind, flat[:, i], lo_q, hi_q, rhat[i], ess[i]))
        scalars = [("alpha_aggressor", "aggressor")]
        for g in GROUPS:
            scalars.append((f"sigma_{g}", "scale"))
            if g == "conflict":
                scalars += [
                    ("sigma_conflict_dispute", "scale"),
                    ("sigma_conflict_aggressor", "scale"),
                ]
                scalars.append(("rho_conflict", "correlation"))
        scalars = [(name, kind) for name, kind in scalars if name in post]
        for name, kind in scalars:
            v = np.asarray(post[name].values).ravel()
            rhat = float(np.asarray(az.rhat(post[[name]])[name]))
            ess = float(np.asarray(az.ess(post[[name]], method="bulk")[name]))
            rows.append(self._row(name, kind, v, lo_q, hi_q, rhat, ess))
        return pd.DataFrame(rows).set_index("term")

    @staticmethod
    def _row(term, kind, v, lo_q, hi_q, rhat, ess) -> dict[str, Any]:
        lower, med, upper = np.quantile(v, [lo_q, 0.5, hi_q])
        is_cov = kind in ("covariate", "aggressor covariate")
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
        from .persist import save_fit

        return save_fit(self, path)
