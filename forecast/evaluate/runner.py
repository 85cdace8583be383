"""Fitting and scoring the folds: one runner over a :class:`concurrent.futures.Executor`.

:func:`_run_fold` fits the model on one fold's training rows, predicts its held-out rows and
fits the baselines beside it. :func:`_run_all` runs every fold through one loop over an
executor chosen by :func:`_executor`:

- this process, one fold at a time (:class:`_InlineExecutor`, ``jobs=1``);
- spawned local processes (:class:`concurrent.futures.ProcessPoolExecutor`, ``jobs > 1``);
- a Dask cluster (``client.get_executor()``, when a scheduler is given).

Each fold's fit has its own seed, so the results do not depend on the executor.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

import numpy as np
import pandas as pd

from ..design import make_design
from .baselines import baseline_predictions
from .predictions import AGGRESSOR_PREDICTORS, PREDICTORS, _cols, mean_outcomes


def _fit_model(train: pd.DataFrame, **kwargs):
    """Fit the model to a fold's training rows (a seam: tests replace it with a stand-in)."""
    from ..model import fit

    return fit(train, **kwargs)


def _run_fold(
    fold: int, train: pd.DataFrame, test: pd.DataFrame, fit_kwargs: dict[str, Any], seed: int
) -> dict[str, Any]:
    """Fit, predict and baseline one fold; return its prediction columns and fold facts."""
    from ..model import ConvergenceWarning

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = _fit_model(train, seed=seed, progressbar=False, **fit_kwargs)
    design = make_design(test, scaling=fitted.design.scaling, covariates=fitted.design.covariates)
    model_probs, model_side = mean_outcomes(fitted, design, seed)
    probs = {"model": model_probs}
    probs.update(baseline_predictions(train, test))
    columns: dict[str, np.ndarray] = {}
    for name in PREDICTORS:
        for col, values in zip(_cols(name), probs[name].T, strict=True):
            columns[col] = values
    columns["p_aggressor"] = model_side
    for name in AGGRESSOR_PREDICTORS[1:]:
        columns[f"p_aggressor_{name}"] = probs[f"{name}_aggressor"]
    diag = fitted.diagnostics
    return {
        "fold": fold,
        "columns": columns,
        "info": {
            "fold": fold,
            "seed": seed,
            "n_train": len(train),
            "n_test": len(test),
            "n_train_conflicts": int(train["conflict_id"].nunique()),
            "n_test_conflicts": int(test["conflict_id"].nunique()),
            "n_test_military": int(pd.to_numeric(test["military"]).sum()),
            "n_test_response": int(test["response"].notna().sum()),
            "converged": bool(diag.converged),
            "max_rhat": float(diag.max_rhat),
            "min_ess_bulk": float(diag.min_ess_bulk),
            "min_ess_tail": float(diag.min_ess_tail),
            "divergences": int(diag.divergences),
            "problems": "; ".join(diag.problems()),
            "seconds": round(time.perf_counter() - start, 2),
        },
    }


# ---------------------------------------------------------------------------------------------
# executors


class _InlineExecutor(Executor):
    """Run each call in this process as it is submitted, returning a finished future.

    Folds then run in the main thread one after another, as without any executor, so the
    runner keeps a single code path and a stand-in ``_fit_model`` patched by a test applies.
    """

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Call ``fn(*args, **kwargs)`` now; its result or exception is in the future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:  # raised again by future.result(), as by other executors
            future.set_exception(e)
        return future


def _client(scheduler: Any):
    """Return ``(client, owned)`` for a scheduler address, LocalCluster or Client."""
    from distributed import Client

    if hasattr(scheduler, "submit") and hasattr(scheduler, "gather"):
        return scheduler, False
    address = getattr(scheduler, "scheduler_address", scheduler)
    if not isinstance(address, str):
        raise ValueError(
            "scheduler must be an address such as 'tcp://host:8786', a distributed.Client or "
            f"a LocalCluster, not {type(scheduler).__name__}"
        )
    return Client(address), True


@contextlib.contextmanager
def _executor(tasks: int, jobs: int, scheduler: Any) -> Iterator[tuple[Executor, int]]:
    """Yield ``(executor, ahead)``: where folds run, and how many to submit ahead.

    ``ahead`` is 1 in this process (so the progress bar moves fold by fold) and every task on
    processes or Dask (whose executors queue them).
    """
    if scheduler is not None:
        client, owned = _client(scheduler)
        pool = client.get_executor(pure=False)  # each call is a new fit, never a cached one
        try:
            yield pool, tasks
            pool.shutdown(wait=True)
        except BaseException:
            pool.shutdown(wait=False)  # cancel the folds still queued
            raise
        finally:
            if owned:
                client.close()
    elif jobs > 1 and tasks > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the sampler runs threads, and forking a threaded process can hang
        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, tasks), mp_context=ctx) as pool:
            yield pool, tasks
    else:
        with _InlineExecutor() as pool:
            yield pool, 1


def _run_all(
    tasks: list[tuple], jobs: int, scheduler: Any, progress: bool
) -> list[dict[str, Any]]:
    """Run ``_run_fold(*task)`` for every task on the executor of :func:`_executor`.

    Returns
    -------
    list of dict
        The folds' results, sorted by fold number.
    """
    results: list[dict[str, Any]] = []
    todo = deque(tasks)
    running: set[Future] = set()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not progress,
    )
    with bar, _executor(len(tasks), jobs, scheduler) as ex:
        folds = bar.add_task("evaluation folds", total=len(tasks))
        pool, ahead = ex
        while todo or running:
            while todo and len(running) < ahead:
                running.add(pool.submit(_run_fold, *todo.popleft()))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                results.append(future.result())
                bar.advance(folds)
    return sorted(results, key=lambda r: r["fold"])
