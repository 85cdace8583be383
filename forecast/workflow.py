"""The default model: where it lives, how it is fitted, and loading it on demand.

Commands that need a model use ``models/default.nc`` (relative to the working directory)
unless given one. When it does not exist they use the shipped compact posterior,
``models/compact.nc`` (:func:`forecast.model.compact`), provided it was fitted on the embedded
case table as it now stands; only when neither exists do they fit the default model first
(with :data:`DEFAULT_FIT`) and write the model card beside it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from .cases import load_cases
from .errors import ConvergenceWarning, ForecastError
from .model.defaults import DEFAULT_FIT as _DEFAULT_FIT

__all__ = [
    "COMPACT_MODEL",
    "DEFAULT_FIT",
    "DEFAULT_MODEL",
    "ensure_model",
    "evaluations_beside",
    "fit_and_save",
    "load_compact",
    "write_card",
]

#: Where commands look for the default fit.
DEFAULT_MODEL = Path("models") / "default.nc"
#: The shipped compact posterior of the default fit, used when ``DEFAULT_MODEL`` is absent.
COMPACT_MODEL = Path("models") / "compact.nc"
#: Draws kept in the compact posterior (over all chains).
COMPACT_DRAWS = 1000
#: Settings of the default fit (see the README's performance section for their cost).
DEFAULT_FIT = _DEFAULT_FIT


def fit_and_save(
    cases: str | os.PathLike | None = None,
    output: str | os.PathLike = DEFAULT_MODEL,
    *,
    draws: int = DEFAULT_FIT["draws"],
    tune: int = DEFAULT_FIT["tune"],
    chains: int = DEFAULT_FIT["chains"],
    seed: int | None = DEFAULT_FIT["seed"],
    target_accept: float | None = DEFAULT_FIT["target_accept"],
    adaptation: str | None = DEFAULT_FIT["adaptation"],
    thin: int = DEFAULT_FIT["thin"],
    progress: bool = True,
    card: str | os.PathLike | None = None,
    covariates=None,
    compact: str | os.PathLike | None = None,
):
    """Fit the model to a case table, save it atomically and optionally write its model card.

    Parameters
    ----------
    cases : str or os.PathLike, optional
        A case-table CSV; default the embedded ``data/cases.csv``.
    output : str or os.PathLike, default ``models/default.nc``
        Where to save the fit (NetCDF).
    draws, tune, chains, seed : int
        Sampler settings (defaults in :data:`DEFAULT_FIT`).
    target_accept : float, optional
        NUTS target acceptance (default in :data:`DEFAULT_FIT`).
    adaptation : str, optional
        nutpie's mass-matrix adaptation (default in :data:`DEFAULT_FIT`; see
        :func:`forecast.model.fit`).
    thin : int
        Save every ``thin``-th draw of each chain (:func:`forecast.model.thin`); the
        diagnostics are computed on all draws first (default in :data:`DEFAULT_FIT`).
    progress : bool, default True
        Show the sampler's progress bar.
    card : str or os.PathLike, optional
        Where to write the model card (Markdown); none by default. Evaluations saved beside
        ``output`` (``evaluation*.json``) add their out-of-sample sections.
    covariates : sequence of str, optional
        The covariates of the linear predictor (:data:`forecast.design.COVARIATES`); all by
        default.
    compact : str or os.PathLike, optional
        Where to write the compact posterior (:data:`COMPACT_DRAWS` draws, no per-conflict
        effects); none by default. ``forecast fit`` writes ``models/compact.nc`` for the
        default fit.

    Returns
    -------
    forecast.model.Fit
        The fit; ``fit.converged`` says whether it met the convergence rule.
    """
    from . import model

    table = load_cases(cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # reported by the caller
        result = model.fit(
            table,
            covariates=covariates,
            draws=draws,
            tune=tune,
            chains=chains,
            seed=seed,
            target_accept=target_accept,
            adaptation=adaptation,
            progressbar=progress,
        )
    result = result.thin(thin)
    result.save(output)
    if compact is not None:
        result.compact(COMPACT_DRAWS).save(compact)
    if card is not None:
        write_card(result, card, evaluations_beside(output))
    return result


def load_compact(path: str | os.PathLike = COMPACT_MODEL, cases: str | os.PathLike | None = None):
    """Load a compact posterior, checking that it was fitted on the case table as it stands.

    Parameters
    ----------
    path : str or os.PathLike, default ``models/compact.nc``
        A compact fit.
    cases : str or os.PathLike, optional
        The table it must have been fitted on; default the embedded ``data/cases.csv``.

    Returns
    -------
    forecast.model.Fit
        The compact fit.

    Raises
    ------
    ForecastError
        If the file is not a compact fit, or the table's data hash differs from the one the
        fit carries (the table changed since): the message names the command that refits.
    """
    from . import model
    from .cases import default_cases_path

    fit = model.load(path)
    if not fit.is_compact:
        raise ForecastError(f"{path}: not a compact fit; write one with `forecast compact`")
    table = load_cases(cases)
    now = model.data_hash(table)
    if now != fit.data_hash:
        where = cases or default_cases_path()
        raise ForecastError(
            f"{path}: fitted on a case table with data hash {fit.data_hash[:19]}…, but {where} "
            f"now has {now[:19]}…; refit with `forecast fit` (about an hour), which rewrites it"
        )
    return fit


def evaluations_beside(model_path: str | os.PathLike) -> list[dict]:
    """Read the evaluations saved beside a fit (``evaluation*.json`` in its directory).

    Parameters
    ----------
    model_path : str or os.PathLike
        A saved fit, e.g. ``models/default.nc``.

    Returns
    -------
    list of dict
        Their JSON documents, ``evaluation.json`` first, then by file name; a damaged file
        is left out.
    """
    from .evaluate import read_evaluation_document

    out = []
    paths = Path(model_path).parent.glob("evaluation*.json")
    for path in sorted(paths, key=lambda p: (p.name != "evaluation.json", p.name)):
        try:
            out.append(read_evaluation_document(path))
        except ForecastError:
            continue  # a damaged evaluation is left out of the card
    return out


def write_card(fit, path: str | os.PathLike, evaluations: list[dict] | None = None) -> Path:
    """Write a fit's model card, with its prior predictive check and out-of-sample sections.

    Parameters
    ----------
    fit : forecast.model.Fit
        A fitted or loaded model.
    path : str or os.PathLike
        Where to write the card (Markdown), atomically.
    evaluations : list of dict, optional
        Evaluation documents (:func:`evaluations_beside`).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from . import model
    from .card import write_model_card

    if fit.is_compact:
        raise ForecastError(
            f"cannot write the model card {path} from a compact fit (its diagnostics and "
            "summaries need every draw); fit the full model with `forecast fit`"
        )
    prior = model.prior_predictive(fit.design)
    return write_model_card(fit, path, prior_predictive=prior, evaluation=evaluations or None)


def ensure_model(path: str | os.PathLike | None = None, *, progress: bool = True):
    """Return the fit at ``path``, or the default fit, fitting it first when it is absent.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A saved fit. Default: ``models/default.nc``; when it does not exist, the shipped
        compact posterior ``models/compact.nc`` (:func:`load_compact`, which checks it
        against the embedded table); when neither exists, the default model, fitted (with a
        progress bar) and saved, with its compact posterior and its model card at
        ``models/README.md``.
    progress : bool, default True
        Show the progress bar when fitting.

    Returns
    -------
    forecast.model.Fit
        The loaded (or new) fit.

    Raises
    ------
    ForecastError
        If an explicit ``path`` does not exist or is not a fit of this package, or the
        compact posterior was fitted on another version of the embedded table.
    """
    from . import model

    if path is not None:
        if not Path(path).exists():
            raise ForecastError(f"{path}: no such model file (fit one with `forecast fit`)")
        return model.load(path)
    if DEFAULT_MODEL.exists():
        return model.load(DEFAULT_MODEL)
    if COMPACT_MODEL.exists():
        return load_compact(COMPACT_MODEL)
    return fit_and_save(
        output=DEFAULT_MODEL,
        progress=progress,
        card=DEFAULT_MODEL.parent / "README.md",
        compact=COMPACT_MODEL,
    )
