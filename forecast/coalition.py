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
4. per draw, the four response-level probabilities of each responder
   (:func:`forecast.model.category_probs`) are computed, and each responder's level is
   simulated independently given the draw. Correlation across responders comes only from
   the shared new effects and from parameter uncertainty.

Per-responder figures are posterior means and equal-tailed intervals of the probabilities
across draws. Coalition figures (size distribution, P(none), P(any), P(all), the most likely
coalitions, the conditional matrix) count the simulated military decisions, so they are
Monte Carlo estimates with standard error about ``sqrt(p (1 - p) / draws)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .analogues import closest_analogues
from .design import GROUPS, make_design
from .joint import (
    LEVELS,
    _plain,
    coalition_sizes,
    conditional_matrix,
    likely_coalitions,
    responder_summary,
)
from .model import ConvergenceWarning, Fit, category_probs, linear_predictor
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


@dataclass(frozen=True, eq=False)
class Prediction:
    """The forecast of one scenario.

    Parameters
    ----------
    scenario : Scenario
        What was predicted.
    responders : tuple of str
        Responder names, in scenario order.
    ccodes : tuple of int
        Their COW codes.
    obligations : tuple of str
        Their obligations to the target (after overrides).
    draws, seed : int
        Number of simulation draws and the seed.
    interval : float
        Mass of the reported intervals.
    converged : bool
        Whether the fit met the convergence rule.
    data_hash : str
        The fit's training-data hash.
    probs : numpy.ndarray
        Category probabilities per draw, ``(draws, responders, 4)``.
    levels : numpy.ndarray
        Simulated response levels 0..3 (none..military), ``(draws, responders)``.
    analogues : pandas.DataFrame
        The closest historical cases (see :func:`forecast.analogues.closest_analogues`).

    Notes
    -----
    ``p_sided_with_aggressor`` is None: the model does not predict fighting on the other
    side.
    """

    scenario: Scenario
    responders: tuple[str, ...]
    ccodes: tuple[int, ...]
    obligations: tuple[str, ...]
    draws: int
    seed: int
    interval: float
    converged: bool
    data_hash: str
    probs: np.ndarray
    levels: np.ndarray
    analogues: pd.DataFrame
    p_sided_with_aggressor: None = None

    @property
    def military(self) -> np.ndarray:
        """Simulated military help, bool ``(draws, responders)``."""
        return self.levels == 3

    @property
    def coalition_size(self) -> np.ndarray:
        """Distribution of the number of responders fighting (:func:`coalition_sizes`)."""
        return coalition_sizes(self.military)

    @property
    def expected_size(self) -> float:
        """Expected number of responders giving military help."""
        return float(self.military.sum(axis=1).mean())

    @property
    def p_none(self) -> float:
        """Probability that no responder gives military help."""
        return float(self.coalition_size[0])

    @property
    def p_any(self) -> float:
        """Probability that at least one responder gives military help."""
        return 1.0 - self.p_none

    @property
    def p_all(self) -> float:
        """Probability that every responder gives military help."""
        return float(self.coalition_size[-1])

    def coalitions(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` most likely coalitions (:func:`likely_coalitions`).

        Parameters
        ----------
        n : int, default 10
            How many.

        Returns
        -------
        pandas.DataFrame
            ``members``, ``size``, ``probability``.
        """
        return likely_coalitions(self.military, list(self.responders), n)

    def conditional(self) -> pd.DataFrame:
        """P(j military | i military), rows the condition (:func:`conditional_matrix`).

        Returns
        -------
        pandas.DataFrame
            Responders × responders; NaN where P(i) = 0.
        """
        return conditional_matrix(self.military, list(self.responders))

    def responders_frame(self) -> pd.DataFrame:
        """Per-responder probabilities with intervals.

        Returns
        -------
        pandas.DataFrame
            ``responder``, ``ccode``, ``obligation``, then for P(diplomatic or more),
            P(material or more) and P(military) the mean and ``_lower``/``_upper``
            interval bounds, and ``simulated_military`` (share of simulated draws fighting).
        """
        frame = pd.DataFrame(
            {"responder": self.responders, "ccode": self.ccodes, "obligation": self.obligations}
        )
        for key, values in responder_summary(self.probs, self.interval).items():
            frame[key] = values
        frame["simulated_military"] = self.military.mean(axis=0)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return everything as a JSON-ready dict (plain numbers and lists, None for NaN).

        Returns
        -------
        dict
            ``scenario``, ``description``, ``year``, ``aggressor``, ``target``, ``draws``,
            ``seed``, ``interval``, ``model`` (``converged``, ``data_hash``), ``responders``
            (per responder: ``p_diplomatic_plus``, ``p_material_plus``, ``p_military`` as
            ``{mean, lower, upper}``, and ``p_sided_with_aggressor``), ``coalition``
            (``size_distribution``, ``p_none``, ``p_any``, ``p_all``, ``most_likely``),
            ``conditional`` (``responders`` and ``matrix``, row = the condition) and
            ``analogues``.
        """
        s = self.scenario
        frame = self.responders_frame()
        responders = []
        for rec in frame.to_dict("records"):
            item = {k: rec[k] for k in ("responder", "ccode", "obligation")}
            for name, _ in LEVELS:
                item[name] = {
                    "mean": rec[name],
                    "lower": rec[f"{name}_lower"],
                    "upper": rec[f"{name}_upper"],
                }
            item["p_sided_with_aggressor"] = self.p_sided_with_aggressor
            responders.append(item)
        top = self.coalitions()
        out = {
            "scenario": s.name,
            "description": s.description,
            "year": s.year,
            "aggressor": s.aggressor,
            "target": s.target,
            "draws": self.draws,
            "seed": self.seed,
            "interval": self.interval,
            "model": {"converged": self.converged, "data_hash": self.data_hash},
            "responders": responders,
            "coalition": {
                "size_distribution": self.coalition_size.tolist(),
                "p_none": self.p_none,
                "p_any": self.p_any,
                "p_all": self.p_all,
                "expected_size": self.expected_size,
                "most_likely": [
                    {"members": list(m), "size": z, "probability": p}
                    for m, z, p in zip(
                        top["members"], top["size"], top["probability"], strict=True
                    )
                ],
            },
            "conditional": {
                "responders": list(self.responders),
                "matrix": self.conditional().to_numpy().tolist(),
            },
            "analogues": self.analogues.to_dict("records"),
        }
        return _plain(out)

    def to_frame(self) -> pd.DataFrame:
        """Return every figure as one long table, for CSV output.

        Returns
        -------
        pandas.DataFrame
            Columns ``scenario``, ``quantity``, ``responder``, ``given``, ``value``,
            ``lower``, ``upper``, ``draws``, ``seed``, ``converged``, ``data_hash``. Quantities:
            ``p_diplomatic_plus``, ``p_material_plus``, ``p_military`` (per responder, with
            interval); ``coalition_size`` (``given`` = the size); ``p_none``, ``p_any``,
            ``p_all``; ``coalition`` (``responder`` = members joined by ``" + "``, empty for
            nobody); ``p_military_given`` (``responder`` = j, ``given`` = i).
        """
        recs: list[dict[str, Any]] = []

        def add(quantity, responder="", given="", value=np.nan, lower=np.nan, upper=np.nan):
            recs.append(dict(quantity=quantity, responder=responder, given=given,
                             value=value, lower=lower, upper=upper))  # fmt: skip

        frame = self.responders_frame()
        for name, _ in LEVELS:
            for rec in frame.to_dict("records"):
                add(name, rec["responder"], "", rec[name], rec[f"{name}_lower"],
                    rec[f"{name}_upper"])  # fmt: skip
        for k, p in enumerate(self.coalition_size):
            add("coalition_size", given=str(k), value=p)
        add("p_none", value=self.p_none)
        add("p_any", value=self.p_any)
        add("p_all", value=self.p_all)
        top = self.coalitions()
        for members, p in zip(top["members"], top["probability"], strict=True):
            add("coalition", " + ".join(members), value=p)
        cond = self.conditional()
        for i in cond.index:
            for j in cond.columns:
                if i != j:
                    add("p_military_given", j, i, cond.loc[i, j])
        out = pd.DataFrame(recs)
        out.insert(0, "scenario", self.scenario.name)
        out["draws"], out["seed"] = self.draws, self.seed
        out["converged"], out["data_hash"] = self.converged, self.data_hash
        return out


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
            shocks = rng.standard_normal((draws - n, len(new))) * np.asarray(sigma)[idx[n:], None]
            out[g][n:, new] = shocks
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
    cid = str(rows["conflict_id"].iloc[0])
    while cid in fit.design.labels["conflict"]:  # a scenario is always a new conflict
        cid += "-new"
    rows["conflict_id"] = cid
    design = make_design(rows, fit.design.scaling, covariates=fit.design.covariates)
    rng = np.random.default_rng(seed)
    d = _resample(fit.draws_for(design, rng), design, fit, int(draws), rng)
    probs = category_probs(linear_predictor(design, d), d["cutpoints"])
    cum = np.cumsum(probs, axis=2)[..., :3]
    u = rng.random(probs.shape[:2])
    levels = (u[..., None] > cum).sum(axis=2).astype(np.int8)
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
    )
