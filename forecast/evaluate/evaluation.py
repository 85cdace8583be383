"""The public :func:`evaluate`: cross-validate the model and the baselines on held-out rows.

:func:`evaluate` splits the case table into folds (:mod:`forecast.evaluate.folds`), runs each
fold's fit, predictions and baselines (:mod:`forecast.evaluate.runner`,
:mod:`forecast.evaluate.baselines`), scores the held-out rows
(:mod:`forecast.evaluate.scores`) and returns an :class:`~forecast.evaluate.Evaluation`.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import pandas as pd

from ..model.defaults import EVALUATION_FIT, EVALUATION_SAMPLER_KEYS
from .baselines import LOGISTIC_C, row_scales
from .folds import TEMPORAL_SPLITS, _fold_seed, conflict_folds, temporal_folds
from .predictions import PREDICTORS
from .results import Evaluation
from .runner import _run_all
from .scores import _N_BINS, score_predictions, scores_by_role, scores_by_scale


def evaluate(
    cases: pd.DataFrame,
    scheme: str = "conflict",
    folds: int = 5,
    *,
    draws: int | None = None,
    tune: int | None = None,
    chains: int | None = None,
    seed: int = EVALUATION_FIT["conflict"]["seed"],
    jobs: int = 1,
    scheduler: Any = None,
    progress: bool = False,
    sampler: str = "auto",
    covariates=None,
    priors: dict[str, dict[str, Any]] | None = None,
    sampler_settings: dict[str, Any] | None = None,
) -> Evaluation:
    """Cross-validate the model and three baselines on held-out rows.

    Parameters
    ----------
    cases : pandas.DataFrame
        Typed case table (:func:`forecast.load_cases`).
    scheme : {"conflict", "temporal"}, default "conflict"
        ``"conflict"``: grouped K-fold by ``conflict_id`` (:func:`conflict_folds`);
        ``"temporal"``: train on the past, score the future (:func:`temporal_folds`; two
        folds, ``folds`` is ignored).
    folds : int, default 5
        Number of folds of the conflict scheme.
    draws, tune, chains : int, optional
        Sampler settings of each fold's fit; default the scheme's in
        :data:`forecast.model.defaults.EVALUATION_FIT` (conflict: 2000, 1000, 4; temporal:
        4000, 1000, 4), long enough for the folds of the embedded table to converge (README,
        "Performance").
    seed : int, default 0
        Seed of the fold assignment and, combined with the fold number, of each fold's fit and
        new-conflict draws; results do not depend on ``jobs`` or ``scheduler``.
    jobs : int, default 1
        Folds run at once on local processes (``ProcessPoolExecutor``); 1 runs them in this
        process. Each fit also uses up to ``chains`` threads. Worker processes are spawned
        (not forked), so a script that passes ``jobs > 1`` needs the usual
        ``if __name__ == "__main__":`` guard.
    scheduler : str or distributed.Client or distributed.LocalCluster, optional
        Run the folds on Dask distributed instead (``client.get_executor()``): a scheduler
        address (``"tcp://host:8786"``), a cluster or a client. ``jobs`` is then ignored. The
        workers need ``forecast`` installed.
    progress : bool, default False
        Show a progress bar across folds on stderr.
    sampler : {"auto", "nutpie", "pymc"}, default "auto"
        NUTS implementation of the fits (:func:`forecast.model.fit`).
    covariates : sequence of str, optional
        Covariates of the linear predictor (:data:`forecast.design.COVARIATES`); default all.
        Pass the same choice as to :class:`forecast.ForecastModel` to score that model.
    priors : dict, optional
        Priors laid over :data:`forecast.model.DEFAULT_PRIORS`.
    sampler_settings : dict, optional
        Further :func:`forecast.model.fit` settings: ``target_accept``, ``adaptation``,
        ``parametrization``. Unless given, nutpie's (``sampler`` "auto" or "nutpie") are
        the scheme's in :data:`~forecast.model.defaults.EVALUATION_FIT` (conflict:
        ``draw_diag`` at 0.95; temporal: nutpie's own ``diag``, at 0.97).

    Returns
    -------
    Evaluation
        Predictions, scores, reliability tables, per-fold facts and settings. If any fold's
        fit broke the convergence rule, a :class:`forecast.model.ConvergenceWarning` says so.

    Raises
    ------
    ValueError
        On an unknown scheme, bad fold count, sampler settings or ``jobs``.
    ForecastError
        If a temporal split has no training or held-out rows.
    """
    from ..model import ConvergenceWarning, data_hash

    if scheme not in ("conflict", "temporal"):
        raise ValueError(f"scheme must be 'conflict' or 'temporal', not {scheme!r}")
    defaults = EVALUATION_FIT[scheme]
    draws, tune, chains = (
        defaults[k] if v is None else v
        for k, v in (("draws", draws), ("tune", tune), ("chains", chains))
    )
    for name, value in (("draws", draws), ("tune", tune), ("chains", chains), ("jobs", jobs)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    cases = cases.reset_index(drop=True)
    splits = conflict_folds(cases, folds, seed) if scheme == "conflict" else temporal_folds(cases)
    fit_kwargs = {"draws": draws, "tune": tune, "chains": chains, "sampler": sampler}
    if covariates is not None:
        from ..design import check_covariates

        fit_kwargs["covariates"] = check_covariates(covariates)
    if priors is not None:
        fit_kwargs["priors"] = priors
    if sampler != "pymc":  # nutpie's settings for this scheme
        fit_kwargs.update({k: defaults[k] for k in EVALUATION_SAMPLER_KEYS if k in defaults})
    fit_kwargs.update(sampler_settings or {})
    tasks = [
        (f, cases.iloc[tr].reset_index(drop=True), cases.iloc[te].reset_index(drop=True),
         fit_kwargs, _fold_seed(seed, f))
        for f, (tr, te) in enumerate(splits)
    ]  # fmt: skip
    start = time.perf_counter()
    results = _run_all(tasks, jobs, scheduler, progress)
    seconds = time.perf_counter() - start

    parts = []
    for (_, test_idx), res in zip(splits, results, strict=True):
        base = cases.iloc[test_idx][
            ["case_id", "conflict_id", "year", "military", "response", "sided_with_aggressor"]
        ].reset_index(drop=True)
        base.insert(1, "fold", res["fold"])
        base.insert(4, "scale", row_scales(cases.iloc[test_idx]))
        base.insert(5, "target_role", cases["target_role"].iloc[test_idx].astype(str).to_numpy())
        base = base.assign(**res["columns"])
        base["_row"] = test_idx
        parts.append(base)
    predictions = (
        pd.concat(parts, ignore_index=True)
        .sort_values(["fold", "_row"], kind="stable")
        .drop(columns="_row")
        .reset_index(drop=True)
    )
    scores, reliability = score_predictions(predictions)
    by_scale, reliability_by_scale = scores_by_scale(predictions)
    by_role = scores_by_role(predictions)
    fold_table = pd.DataFrame([r["info"] for r in results])
    where = "dask" if scheduler is not None else ("processes" if jobs > 1 else "serial")
    settings = {
        "scheme": scheme,
        "folds": len(splits),
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "sampler": sampler,
        **{k: fit_kwargs[k] for k in EVALUATION_SAMPLER_KEYS if k in fit_kwargs},
        **({"covariates": list(fit_kwargs["covariates"])} if covariates is not None else {}),
        "seed": seed,
        "jobs": jobs,
        "ran_on": where,
        "seconds": round(seconds, 1),
        "ece_bins": _N_BINS,
        "logistic_C": LOGISTIC_C,
        "predictors": list(PREDICTORS),
    }
    if scheme == "temporal":
        settings["splits"] = [s[0] for s in TEMPORAL_SPLITS]
    result = Evaluation(
        predictions=predictions,
        scores=scores,
        reliability=reliability,
        settings=settings,
        folds=fold_table,
        data_hash=data_hash(cases),
        scale_scores=by_scale,
        scale_reliability=reliability_by_scale,
        role_scores=by_role,
    )
    bad = fold_table.loc[~fold_table["converged"]]
    if len(bad):
        which = "; ".join(f"fold {r.fold}: {r.problems}" for r in bad.itertuples())
        warnings.warn(
            f"{len(bad)} of {len(splits)} fold fits have not converged ({which}); the model's "
            "scores are unreliable: evaluate with more draws and tuning steps",
            ConvergenceWarning,
            stacklevel=2,
        )
    return result
