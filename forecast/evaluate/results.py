"""The result of an evaluation: the :class:`Evaluation` record and its JSON file.

:meth:`Evaluation.write_json` writes ``models/evaluation.json`` (format
``forecast-evaluation/1``: settings, per-fold facts, scores and reliability tables, NaN as
null); :func:`load_evaluation` reads it back without the per-row predictions, which
:meth:`Evaluation.write_predictions` writes apart as CSV or Parquet.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from .._io import atomic_path, created_at, write_json
from ..errors import ForecastError
from .goals import crisis_goals, goal_intervals

FORMAT = "forecast-evaluation/1"


def _jsonable(x: Any) -> Any:
    """Plain JSON values: NaN and infinities become None, numpy scalars Python numbers."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


@dataclass
class Evaluation:
    """Results of :func:`evaluate`.

    Parameters
    ----------
    predictions : pandas.DataFrame
        One row per held-out row: ``case_id``, ``fold``, ``conflict_id``, ``year``,
        ``scale``, ``target_role``, ``military``, ``response``, ``sided_with_aggressor``;
        the model's posterior-mean ``p_none``, ``p_diplomatic``, ``p_material``,
        ``p_military`` and ``p_aggressor``; and per baseline ``p_<level>_<baseline>``. Empty when
        the evaluation was read back from JSON.
    scores : pandas.DataFrame
        Per predictor (model and baselines): Brier, log score, RPS, AUC, ECE, Brier skill, n
        (see :func:`~forecast.evaluate.score_predictions`).
    reliability : pandas.DataFrame
        Reliability tables of ``P(military)`` per predictor (10 equal-width bins).
    settings : dict
        Scheme, folds, sampler settings, seed, jobs and where the folds ran.
    folds : pandas.DataFrame
        Per fold: seed, training and held-out sizes (rows, conflicts, joins, coded responses),
        convergence diagnostics and seconds.
    data_hash : str
        :func:`forecast.model.data_hash` of the evaluated case table.
    scale_scores : pandas.DataFrame
        Scores by crisis scale and side (:func:`~forecast.evaluate.scores_by_scale`); the
        war-scale target-side rows are the headline.
    scale_reliability : pandas.DataFrame
        Reliability tables of ``P(military)`` by scale and predictor.
    role_scores : pandas.DataFrame
        War-scale target-side scores split by the state in need's role, attacked or entered
        a war under way by its own act (:func:`~forecast.evaluate.scores_by_role`).
    intervals : pandas.DataFrame
        The goals' 90% bootstrap intervals and their values at each conflict's own share
        that fought (:func:`~forecast.evaluate.goal_intervals`) as read back from JSON;
        computed from ``predictions`` when those are present.
    """

    predictions: pd.DataFrame
    scores: pd.DataFrame
    reliability: pd.DataFrame
    settings: dict[str, Any]
    folds: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_hash: str = ""
    scale_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    scale_reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    role_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    intervals: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        if len(self.predictions) and self.intervals.empty:
            self.intervals = goal_intervals(self.predictions)

    @property
    def converged(self) -> bool:
        """Whether every fold's fit met the convergence rule."""
        return bool(self.folds["converged"].all()) if len(self.folds) else False

    @property
    def goals(self) -> pd.DataFrame:
        """The headline goals measured on war-scale crises (:func:`crisis_goals`).

        With ``lower`` and ``upper``, the 90% interval of each value over resampled held-out
        conflicts, and ``own_share``, its value had each conflict's rows been predicted at
        that conflict's share that fought (:func:`goal_intervals`), when known.
        """
        goals = crisis_goals(self.scale_scores, self.scale_reliability)
        if len(goals) and len(self.intervals):
            goals = goals.merge(self.intervals, on="goal", how="left")
            keep = ["goal", "value", "lower", "upper", "own_share", "target", "met", "n"]
            goals = goals[[c for c in keep if c in goals.columns]]
        return goals

    def to_json(self) -> dict[str, Any]:
        """Return the results as a JSON-ready dict (``models/evaluation.json``).

        Returns
        -------
        dict
            ``format``, ``forecast_version``, ``created_at``, ``data_hash``, ``settings``,
            ``converged``, ``folds`` (list of per-fold records), ``scores`` (``{predictor:
            {score: value}}``, pooled over every row), ``reliability`` (list of records),
            ``scores_by_scale`` and ``reliability_by_scale`` (records with ``scale``, ``side``
            and ``predictor``), ``scores_by_role`` (war-scale, target side; records with
            ``role`` and ``predictor``) and ``goals`` (:attr:`goals`, with their intervals when
            known). NaN becomes null.
        """
        return _jsonable(
            {
                "format": FORMAT,
                "forecast_version": __version__,
                "created_at": created_at().isoformat(),
                "data_hash": self.data_hash,
                "settings": self.settings,
                "converged": self.converged,
                "folds": self.folds.to_dict("records"),
                "scores": self.scores.to_dict("index"),
                "reliability": self.reliability.to_dict("records"),
                "scores_by_scale": self.scale_scores.to_dict("records"),
                "reliability_by_scale": self.scale_reliability.to_dict("records"),
                "scores_by_role": self.role_scores.to_dict("records"),
                "goals": self.goals.to_dict("records"),
            }
        )

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Evaluation:
        """Rebuild an evaluation (without its predictions) from :meth:`to_json` output.

        Parameters
        ----------
        doc : dict
            A parsed ``evaluation.json``.

        Returns
        -------
        Evaluation
            Scores, reliability, settings, folds and data hash; empty ``predictions``.

        Raises
        ------
        ForecastError
            If ``doc`` is not a forecast evaluation.
        """
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ForecastError(f"not a forecast evaluation (no format {FORMAT!r})")
        scores = pd.DataFrame.from_dict(doc["scores"], orient="index").astype(float)
        scores.index.name = "predictor"
        for col in ("n", "n_response"):
            scores[col] = scores[col].astype(np.int64)
        reliability = pd.DataFrame.from_records(doc["reliability"])
        reliability = reliability.astype({"bin": np.int64, "n": np.int64})
        for col in ("lower", "upper", "mean_predicted", "observed_rate"):
            reliability[col] = reliability[col].astype(float)
        return cls(
            predictions=pd.DataFrame(),
            scores=scores,
            reliability=reliability,
            settings=dict(doc["settings"]),
            folds=pd.DataFrame.from_records(doc["folds"]),
            data_hash=str(doc["data_hash"]),
            scale_scores=pd.DataFrame.from_records(doc.get("scores_by_scale", [])),
            scale_reliability=pd.DataFrame.from_records(doc.get("reliability_by_scale", [])),
            role_scores=pd.DataFrame.from_records(doc.get("scores_by_role", [])),
            intervals=_intervals(doc.get("goals") or []),
        )

    def write_json(self, path: str | os.PathLike) -> Path:
        """Write :meth:`to_json` to a file atomically.

        Parameters
        ----------
        path : str or os.PathLike
            Destination, e.g. ``models/evaluation.json``.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        return write_json(path, self.to_json())

    def write_predictions(self, path: str | os.PathLike) -> Path:
        """Write the per-row predictions atomically, as CSV or Parquet by file extension.

        Parameters
        ----------
        path : str or os.PathLike
            Destination ending in ``.csv`` or ``.parquet``.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        ValueError
            If the extension is neither ``.csv`` nor ``.parquet``.
        """
        suffix = Path(path).suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise ValueError(f"{path}: write predictions to a .csv or .parquet file")
        with atomic_path(path) as tmp:
            if suffix == ".csv":
                self.predictions.to_csv(tmp, index=False, lineterminator="\n")
            else:
                self.predictions.to_parquet(tmp, index=False)
        return Path(path)


def _intervals(goals: list[dict]) -> pd.DataFrame:
    """The goals' intervals stored in an evaluation document (empty for older files)."""
    cols = ["goal", "lower", "upper", "own_share"]
    rows = [
        {"goal": g["goal"], **{c: _float(g.get(c)) for c in cols[1:]}}
        for g in goals
        if isinstance(g, dict) and "lower" in g and "goal" in g
    ]
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame()


def _float(x: Any) -> float:
    return float("nan") if x is None else float(x)


def read_evaluation_document(path: str | os.PathLike) -> dict:
    """Read an evaluation's JSON document (the one reader of evaluation files).

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :meth:`Evaluation.write_json`.

    Returns
    -------
    dict
        The document; it has a ``scores`` table.

    Raises
    ------
    ForecastError
        If the file is missing, unreadable, not JSON or has no scores table.
    """
    from .._io import read_text

    text = read_text(path, what="evaluation (JSON)")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        reason = " ".join(str(e).split())[:160]
        raise ForecastError(f"{path}: not a readable forecast evaluation ({reason})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("scores"), dict):
        raise ForecastError(f"{path}: not a forecast evaluation (no scores table)")
    return doc


def load_evaluation(path: str | os.PathLike) -> Evaluation:
    """Read an evaluation written by :meth:`Evaluation.write_json`.

    Parameters
    ----------
    path : str or os.PathLike
        The JSON file.

    Returns
    -------
    Evaluation
        Without predictions (see :meth:`Evaluation.from_json`).

    Raises
    ------
    ForecastError
        If the file is missing, not JSON or not a forecast evaluation.
    """
    doc = read_evaluation_document(path)
    try:
        return Evaluation.from_json(doc)
    except (KeyError, TypeError, ValueError, ForecastError) as e:
        reason = " ".join(str(e).split())[:160]
        raise ForecastError(f"{path}: not a readable forecast evaluation ({reason})") from None
