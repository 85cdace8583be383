"""A backtest of famous crises: each one left out of the fit, then forecast, then scored.

For each crisis in :data:`CRISES` the model is fitted on every other conflict (the whole
conflict is held out, as a new scenario would be) and predicts the rows of the crisis's state
in need: each potential responder's P(military help to the target) and P(fighting for the
aggressor), beside what happened. The crisis's Brier score of P(military) is compared with the
base rate's (the share of war-scale training rows that fought).
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._io import write_json
from ..model.defaults import BACKTEST_FIT, EVALUATION_SAMPLER_KEYS
from .folds import _fold_seed
from .runner import _run_all
from .scores import brier_score

__all__ = ["CRISES", "Backtest", "Crisis", "backtest"]


@dataclass(frozen=True)
class Crisis:
    """One crisis of the backtest: a conflict of the case table and its state in need.

    Parameters
    ----------
    name : str
        Readable name.
    conflict_id : str
        The conflict held out (``conflict_id`` of the case table).
    target : str
        The state in need whose responders are forecast (``target``).
    aggressor : str, optional
        Its aggressor, where the conflict has several (World War II).
    """

    name: str
    conflict_id: str
    target: str
    aggressor: str | None = None


#: The crises of issue 15, by their conflict in the embedded table (COW war number or
#: curated id).
CRISES: tuple[Crisis, ...] = (
    Crisis("Poland 1939", "war-139", "Poland", "Germany"),
    Crisis("Korea 1950", "war-151", "South Korea", "North Korea"),
    Crisis("Six-Day War 1967", "war-169", "Egypt", "Israel"),
    Crisis("Yom Kippur War 1973", "war-181", "Israel", "Egypt"),
    Crisis("Iran-Iraq War 1980", "war-199", "Iran", "Iraq"),
    Crisis("Falklands 1982", "war-202", "United Kingdom", "Argentina"),
    Crisis("Gulf War 1990-91", "war-211", "Kuwait", "Iraq"),
    Crisis("Invasion of Iraq 2003", "war-227", "Iraq", "United States"),
    Crisis("Georgia 2008", "russia-georgia-2008", "Georgia", "Russia"),
    Crisis("Crimea 2014", "russia-ukraine-2014", "Ukraine", "Russia"),
    Crisis("Ukraine 2022", "russia-ukraine-2022", "Ukraine", "Russia"),
    Crisis("Iran's attack on Israel, April 2024", "iran-israel-2024-04", "Israel", "Iran"),
)


@dataclass
class Backtest:
    """Results of :func:`backtest`.

    Parameters
    ----------
    rows : pandas.DataFrame
        Per crisis and responder: ``crisis``, ``supporter``, ``obligation``, ``invoked``,
        the model's ``p_military`` and ``p_aggressor``, the base rate's ``p_military_base_rate``,
        and what happened (``military``, ``sided_with_aggressor``).
    crises : pandas.DataFrame
        Per crisis: ``n`` responders, ``n_military``, the model's and the base rate's Brier
        score of P(military), ``brier_ratio`` (model / base rate), and the fit's convergence.
    settings : dict
        The fit settings (``draws``, ``tune``, ``chains``, ``sampler``, ``seed``, and
        with nutpie ``target_accept`` and ``adaptation``).
    """

    rows: pd.DataFrame
    crises: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """Whether every crisis's fit met the convergence rule."""
        return bool(self.crises["converged"].all()) if len(self.crises) else False

    def to_json(self) -> dict[str, Any]:
        """Return the results as a JSON-ready dict.

        Returns
        -------
        dict
            ``scheme`` (``"backtest"``), ``settings``, ``converged``, ``crises`` (per-crisis
            records) and ``rows`` (per-responder records).
        """
        return {
            "scheme": "backtest",
            "settings": dict(self.settings),
            "converged": self.converged,
            "crises": _records(self.crises),
            "rows": _records(self.rows),
        }

    def write_json(self, path: str | os.PathLike) -> Path:
        """Write :meth:`to_json` to a file atomically.

        Parameters
        ----------
        path : str or os.PathLike
            Destination, e.g. ``models/evaluation-backtest.json``.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        return write_json(path, self.to_json())


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain JSON records (numpy scalars to numbers, missing values to None)."""
    return json.loads(frame.to_json(orient="records", double_precision=15))


def backtest(
    cases: pd.DataFrame,
    crises: tuple[Crisis, ...] = CRISES,
    *,
    draws: int = BACKTEST_FIT["draws"],
    tune: int = BACKTEST_FIT["tune"],
    chains: int = BACKTEST_FIT["chains"],
    seed: int = BACKTEST_FIT["seed"],
    sampler: str = "auto",
    jobs: int = 1,
    scheduler: Any = None,
    progress: bool = False,
) -> Backtest:
    """Leave each crisis out, fit on the rest, forecast it and score it.

    Parameters
    ----------
    cases : pandas.DataFrame
        Typed case table (:func:`forecast.load_cases`).
    crises : tuple of Crisis, default :data:`CRISES`
        The crises.
    draws, tune, chains, seed : int, default 1000, 1000, 4, 0
        Sampler settings of each crisis's fit (:data:`forecast.model.defaults.BACKTEST_FIT`:
        shorter than cross-validation's, since there are twelve fits; the ``crises`` table
        says which did not converge, and why).
    sampler, jobs, scheduler, progress
        As in :func:`forecast.evaluate.evaluate` (one fit per crisis). With nutpie
        (``sampler`` "auto" or "nutpie") the fits use :data:`BACKTEST_FIT`'s
        ``target_accept`` and ``adaptation``.

    Returns
    -------
    Backtest
        Per-responder forecasts beside the outcomes, and per-crisis scores.

    Raises
    ------
    ValueError
        If a crisis has no rows in ``cases``.
    """
    from ..model import ConvergenceWarning

    cases = cases.reset_index(drop=True)
    fit_kwargs = {"draws": draws, "tune": tune, "chains": chains, "sampler": sampler}
    if sampler != "pymc":  # nutpie's settings for the backtest
        fit_kwargs.update({k: BACKTEST_FIT[k] for k in EVALUATION_SAMPLER_KEYS})
    tasks = []
    for i, c in enumerate(crises):
        held = cases["conflict_id"].astype(str) == c.conflict_id
        rows = held & (cases["target"].astype(str) == c.target)
        if c.aggressor is not None:
            rows &= cases["aggressor"].astype(str) == c.aggressor
        if not rows.any():
            raise ValueError(
                f"crisis {c.name!r}: no rows of {c.conflict_id} with target {c.target}"
            )
        train = cases[~held].reset_index(drop=True)
        test = cases[rows].reset_index(drop=True)
        tasks.append((i, train, test, fit_kwargs, _fold_seed(seed, i)))
    results = _run_all(tasks, jobs, scheduler, progress)
    parts, summary = [], []
    for (i, _, test, _, _), res in zip(tasks, results, strict=True):
        c = crises[i]
        cols = res["columns"]
        frame = pd.DataFrame(
            {
                "crisis": c.name,
                "supporter": test["supporter"].astype(str),
                "obligation": test["obligation"].astype(str),
                "invoked": test["invoked"],
                "p_military": cols["p_military"],
                "p_aggressor": cols["p_aggressor"],
                "p_military_base_rate": cols["p_military_base_rate"],
                "military": pd.to_numeric(test["military"]).astype(int),
                "sided_with_aggressor": pd.to_numeric(test["sided_with_aggressor"]).astype(int),
            }
        )
        parts.append(frame)
        model = brier_score(frame["p_military"], frame["military"])
        base = brier_score(frame["p_military_base_rate"], frame["military"])
        summary.append(
            {
                "crisis": c.name,
                "n": len(frame),
                "n_military": int(frame["military"].sum()),
                "n_sided_with_aggressor": int(frame["sided_with_aggressor"].sum()),
                "brier_model": model,
                "brier_base_rate": base,
                "brier_ratio": model / base if base > 0 else float("nan"),
                "converged": res["info"]["converged"],
                "max_rhat": res["info"]["max_rhat"],
                "problems": res["info"]["problems"],
            }
        )
    settings = dict(fit_kwargs, seed=seed)
    out = Backtest(
        rows=pd.concat(parts, ignore_index=True),
        crises=pd.DataFrame(summary),
        settings=settings,
    )
    if not out.crises["converged"].all():
        warnings.warn(
            "some backtest fits have not converged; their forecasts are unreliable",
            ConvergenceWarning,
            stacklevel=2,
        )
    return out
