"""The forecast of one scenario: per-responder probabilities and the simulated coalitions.

:class:`Prediction` holds the simulation :func:`forecast.coalition.predict` makes and turns it
into summaries: per responder (P(diplomatic+), P(material+), P(military) for the target,
P(fighting for the aggressor)), the coalition on each side, the most likely coalitions and the
conditional matrix, as a dict (JSON) or one long table (CSV).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .joint import (
    LEVELS,
    _plain,
    coalition_sizes,
    conditional_matrix,
    likely_coalitions,
    responder_summary,
)
from .scenario import Scenario

__all__ = ["Prediction"]


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
        Probabilities of each level of help to the target per draw, ``(draws, responders,
        4)``; fighting for the aggressor counts as none.
    levels : numpy.ndarray
        Simulated response levels 0..3 (none..military), ``(draws, responders)``.
    analogues : pandas.DataFrame
        The closest historical cases (see :func:`forecast.analogues.closest_analogues`).
    p_aggressor : numpy.ndarray, optional
        P(fights for the aggressor) per draw, ``(draws, responders)``.
    sided : numpy.ndarray, optional
        Simulated fighting for the aggressor, bool ``(draws, responders)``; a responder
        that sides with the aggressor gives the target no help (level 0).
    n_target_pool : int, optional
        The first ``n_target_pool`` responders are the scenario's ``responders`` (the
        target's potential helpers); the rest are its ``aggressor_helpers`` not already
        listed. Default: all of them.
    grounds : pandas.DataFrame, optional
        The reasons behind each responder's forecast: ``responder``, ``side`` (``target``:
        the odds of more help to the target; ``aggressor``: of fighting for the aggressor),
        ``term`` (a covariate, or ``supporter`` for the state's own record), ``meaning``,
        ``contribution`` (the term's posterior-mean log odds: indicators when present,
        standardised covariates against the training mean; see
        :func:`forecast.model.contributions`), ``group`` (the fact it is part of,
        :data:`forecast.design.REASON_GROUPS`, or the term itself) and ``reason`` (that
        fact in words, for this responder). :meth:`reasons` adds each group's terms and
        picks the strongest.

    Notes
    -----
    Coalitions: the target's side counts military help among the scenario's ``responders``;
    the aggressor's side counts fighting for the aggressor among every row (``responders``
    and ``aggressor_helpers``).
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
    p_aggressor: np.ndarray | None = None
    sided: np.ndarray | None = None
    n_target_pool: int | None = None
    grounds: pd.DataFrame | None = None

    @property
    def _pool(self) -> int:
        return len(self.responders) if self.n_target_pool is None else self.n_target_pool

    @property
    def all_military(self) -> np.ndarray:
        """Simulated military help to the target by every row, bool ``(draws, rows)``."""
        return self.levels == 3

    @property
    def military(self) -> np.ndarray:
        """Simulated military help to the target, bool ``(draws, responders)``.

        Over the scenario's ``responders`` (the target's potential helpers).
        """
        return self.all_military[:, : self._pool]

    @property
    def aggressor_side(self) -> np.ndarray:
        """Simulated fighting for the aggressor, bool ``(draws, rows)`` (every row)."""
        if self.sided is None:
            return np.zeros(self.levels.shape, dtype=bool)
        return self.sided

    @property
    def aggressor_coalition_size(self) -> np.ndarray:
        """Distribution of the number of rows fighting for the aggressor."""
        return coalition_sizes(self.aggressor_side)

    @property
    def p_aggressor_any(self) -> float:
        """Probability that at least one state fights for the aggressor."""
        return 1.0 - float(self.aggressor_coalition_size[0])

    @property
    def p_target_side_larger(self) -> float:
        """P(more states fight for the target than for the aggressor), over every row."""
        return float((self.all_military.sum(axis=1) > self.aggressor_side.sum(axis=1)).mean())

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
        return likely_coalitions(self.military, list(self.responders[: self._pool]), n)

    def conditional(self) -> pd.DataFrame:
        """P(j military | i military), rows the condition (:func:`conditional_matrix`).

        Returns
        -------
        pandas.DataFrame
            Responders × responders; NaN where P(i) = 0.
        """
        return conditional_matrix(self.military, list(self.responders[: self._pool]))

    def responders_frame(self) -> pd.DataFrame:
        """Per-responder probabilities with intervals.

        Returns
        -------
        pandas.DataFrame
            ``responder``, ``ccode``, ``obligation``, then for P(diplomatic or more),
            P(material or more) and P(military) (help to the target) the mean and
            ``_lower``/``_upper`` interval bounds, ``simulated_military`` (share of simulated
            draws fighting for the target), ``p_sided_with_aggressor`` with its bounds,
            ``simulated_sided_with_aggressor`` and ``pool`` (``target`` for the scenario's
            responders, ``aggressor`` for its other aggressor_helpers).
        """
        frame = pd.DataFrame(
            {"responder": self.responders, "ccode": self.ccodes, "obligation": self.obligations}
        )
        for key, values in responder_summary(self.probs, self.interval).items():
            frame[key] = values
        frame["simulated_military"] = self.all_military.mean(axis=0)
        lo, hi = (1 - self.interval) / 2, 1 - (1 - self.interval) / 2
        p_a = self.p_aggressor if self.p_aggressor is not None else np.zeros(self.probs.shape[:2])
        q = np.quantile(p_a, [lo, hi], axis=0)
        frame["p_sided_with_aggressor"] = p_a.mean(axis=0)
        frame["p_sided_with_aggressor_lower"], frame["p_sided_with_aggressor_upper"] = q
        frame["simulated_sided_with_aggressor"] = self.aggressor_side.mean(axis=0)
        frame["pool"] = ["target"] * self._pool + ["aggressor"] * (
            len(self.responders) - self._pool
        )
        return frame

    def reasons(self, n: int = 3, min_abs: float = 0.25) -> pd.DataFrame:
        """The strongest reasons behind each responder's forecast.

        A reason is one fact: the terms of :attr:`grounds` that describe it together
        (:data:`forecast.design.REASON_GROUPS`: the commitment to the target, with its
        type, conditions and invocation; the commitment to the aggressor; the attack's
        pool) are added, the other terms stand alone.

        Parameters
        ----------
        n : int, default 3
            Reasons per responder and side.
        min_abs : float, default 0.25
            Leave out reasons smaller than this (log odds).

        Returns
        -------
        pandas.DataFrame
            ``responder``, ``side``, ``term`` (the group, or the covariate), ``meaning``
            (the fact in words) and ``contribution`` (the group's summed log odds): the
            reasons with ``|contribution| >= min_abs``, the ``n`` largest in absolute
            value per responder and side (the target side first), in responder order;
            empty when the prediction has no grounds.
        """
        cols = ["responder", "side", "term", "meaning", "contribution"]
        if self.grounds is None or self.grounds.empty:
            return pd.DataFrame(columns=cols)
        g = self.grounds
        if "group" not in g:  # grounds written before reasons were grouped
            g = g.assign(group=g["term"], reason=g["meaning"])
        keys = ["responder", "side", "group"]
        g = g.groupby(keys, sort=False).agg(
            meaning=("reason", "first"), contribution=("contribution", "sum")
        )
        g = g.reset_index().rename(columns={"group": "term"})
        g = g[g["contribution"].abs() >= min_abs].copy()
        g["_order"] = g["responder"].map({r: i for i, r in enumerate(self.responders)})
        g["_side"] = g["side"].map({"target": 0, "aggressor": 1})
        g["_abs"] = -g["contribution"].abs()
        g = g.sort_values(["_order", "_side", "_abs"], kind="stable")
        g = g.groupby(["responder", "side"], sort=False).head(n)
        return g[cols].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """Return everything as a JSON-ready dict (plain numbers and lists, None for NaN).

        Returns
        -------
        dict
            ``scenario``, ``description``, ``year``, ``aggressor``, ``target``, ``draws``,
            ``seed``, ``interval``, ``model`` (``converged``, ``data_hash``), ``responders``
            (per responder: ``p_diplomatic_plus``, ``p_material_plus``, ``p_military`` and
            ``p_sided_with_aggressor`` as ``{mean, lower, upper}``, and ``pool``),
            ``coalition`` (the target's side: ``size_distribution``, ``p_none``, ``p_any``,
            ``p_all``, ``expected_size``, ``most_likely``), ``aggressor_side``
            (``size_distribution``, ``p_none``, ``p_any``, ``expected_size``),
            ``p_target_side_larger``, ``conditional`` (``responders`` and ``matrix``, row =
            the condition), ``analogues`` and ``reasons`` (:meth:`reasons`).
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
            item["p_sided_with_aggressor"] = {
                "mean": rec["p_sided_with_aggressor"],
                "lower": rec["p_sided_with_aggressor_lower"],
                "upper": rec["p_sided_with_aggressor_upper"],
            }
            item["pool"] = rec["pool"]
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
            "aggressor_side": {
                "size_distribution": self.aggressor_coalition_size.tolist(),
                "p_none": 1.0 - self.p_aggressor_any,
                "p_any": self.p_aggressor_any,
                "expected_size": float(self.aggressor_side.sum(axis=1).mean()),
            },
            "p_target_side_larger": self.p_target_side_larger,
            "conditional": {
                "responders": list(self.responders),
                "matrix": self.conditional().to_numpy().tolist(),
            },
            "analogues": self.analogues.to_dict("records"),
            "reasons": self.reasons().to_dict("records"),
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
        for rec in frame.to_dict("records"):
            name = "p_sided_with_aggressor"
            add(name, rec["responder"], "", rec[name], rec[f"{name}_lower"],
                rec[f"{name}_upper"])  # fmt: skip
        for k, p in enumerate(self.coalition_size):
            add("coalition_size", given=str(k), value=p)
        for k, p in enumerate(self.aggressor_coalition_size):
            add("aggressor_coalition_size", given=str(k), value=p)
        add("p_target_side_larger", value=self.p_target_side_larger)
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
