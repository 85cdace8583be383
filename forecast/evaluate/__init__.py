"""Out-of-sample evaluation: cross-validation folds, proper scores, calibration, baselines.

:func:`evaluate` fits the model on the training part of each fold, predicts the held-out rows
and scores them next to three baselines fitted on the same training rows. One module per idea:

- :mod:`~forecast.evaluate.scores`: Brier, log score, ranked probability score, AUC, expected
  calibration error and reliability tables, :func:`score_predictions` (pooled) and
  :func:`scores_by_scale` (war-scale crises and disputes, target and aggressor side: the
  headline is war-scale, target side) and :func:`scores_by_role` (war-scale, split into
  attacked states and states that had entered a war under way);
- :mod:`~forecast.evaluate.goals`: the headline goals measured (:func:`crisis_goals`) and
  how far other held-out conflicts could move them (:func:`goal_intervals`);
- :mod:`~forecast.evaluate.folds`: grouped-by-conflict and temporal splits;
- :mod:`~forecast.evaluate.baselines`: base rate, rate by obligation type, pooled logistic
  regression;
- :mod:`~forecast.evaluate.predictions`: the predictors compared, their columns and the
  model's posterior-mean probabilities (:func:`mean_probs`);
- :mod:`~forecast.evaluate.runner`: fitting and scoring the folds, in this process, on local
  processes or on Dask, through one executor loop;
- :mod:`~forecast.evaluate.results`: the :class:`Evaluation` record and its JSON file;
- :mod:`~forecast.evaluate.evaluation`: :func:`evaluate` itself;
- :mod:`~forecast.evaluate.backtest`: famous crises, each left out and forecast.

Held-out rows of a conflict unseen in training get that conflict's effect drawn from its
population (:meth:`forecast.model.Fit.draws_for`), as a new scenario would. Each fold's fit
has its own seed, derived from ``seed`` and the fold number, so the results are the same
whether folds run one after another, on local processes or on a Dask cluster.
"""

from __future__ import annotations

from .backtest import CRISES, Backtest, Crisis, backtest

# names outside __all__ kept where callers reach them today ("x as x" marks a re-export)
from .baselines import LOGISTIC_C as LOGISTIC_C
from .baselines import baseline_predictions
from .evaluation import evaluate
from .folds import TEMPORAL_SPLITS as TEMPORAL_SPLITS
from .folds import _fold_seed as _fold_seed
from .folds import conflict_folds, temporal_folds
from .goals import GOALS, crisis_goals, goal_intervals
from .predictions import AGGRESSOR_PREDICTORS, PREDICTORS, mean_outcomes, mean_probs
from .results import FORMAT as FORMAT
from .results import Evaluation, load_evaluation, read_evaluation_document
from .runner import _client as _client
from .runner import _fit_model as _fit_model
from .scores import (
    brier_score,
    expected_calibration_error,
    log_score,
    ranked_probability_score,
    reliability_table,
    roc_auc,
    score_predictions,
    scores_by_role,
    scores_by_scale,
)

__all__ = [
    "AGGRESSOR_PREDICTORS",
    "CRISES",
    "GOALS",
    "PREDICTORS",
    "Backtest",
    "Crisis",
    "Evaluation",
    "backtest",
    "baseline_predictions",
    "brier_score",
    "conflict_folds",
    "crisis_goals",
    "evaluate",
    "expected_calibration_error",
    "goal_intervals",
    "load_evaluation",
    "log_score",
    "mean_outcomes",
    "mean_probs",
    "ranked_probability_score",
    "read_evaluation_document",
    "reliability_table",
    "roc_auc",
    "score_predictions",
    "scores_by_role",
    "scores_by_scale",
    "temporal_folds",
]
