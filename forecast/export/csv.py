"""The CSV export: posterior summaries for spreadsheets, with the provenance in ``metadata.csv``.

:func:`write_csv` writes means, sds, central 90% intervals and odds ratios of the
coefficients and of each supporter state's and alliance's effect, and a scenario's responders
summary, one CSV file each, into a directory that replaces the destination only once every
file is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._io import atomic_dir
from . import tables  # _scenario_summary_frame is looked up on its module when called
from .metadata import INTERVAL, _check, _text, provenance
from .tables import _draws, _posterior, _state_order

if TYPE_CHECKING:
    from ..coalition import Prediction
    from ..model import Fit


#: Files :func:`write_csv` writes; ``scenario_summary.csv`` only with a prediction.
CSV_FILES: tuple[str, ...] = (
    "metadata.csv",
    "coefficients.csv",
    "state_effects.csv",
    "alliance_effects.csv",
    "scenario_summary.csv",
)


def _summary(values: np.ndarray, prob: float = INTERVAL) -> dict[str, np.ndarray]:
    """Mean, sd, equal-tailed interval and odds ratios of draws ``(S, n)`` per column.

    The statistics are computed in double precision whatever the draws' dtype (a saved fit's
    draws are float32), so they do not depend on the order float32 sums are taken in.
    """
    values = np.asarray(values, dtype=np.float64)
    lo, med, hi = np.quantile(values, [(1 - prob) / 2, 0.5, 1 - (1 - prob) / 2], axis=0)
    sd = values.std(axis=0, ddof=1) if values.shape[0] > 1 else np.full(values.shape[1], np.nan)
    return {
        "mean": values.mean(axis=0),
        "sd": sd,
        "lower": lo,
        "upper": hi,
        "odds_ratio": np.exp(med),
        "or_lower": np.exp(lo),
        "or_upper": np.exp(hi),
    }


def _effect_summary(fit: Fit, group: str) -> pd.DataFrame:
    """Per-level summary of a group's effects (posterior draws stacked over chains)."""
    post, _, _ = _posterior(fit)
    labels = list(fit.design.labels[group])
    arr = _draws(post, f"{group}_effect", group, len(labels))
    flat = arr.reshape(-1, arr.shape[-1])
    n_rows = np.bincount(
        fit.design.index[group][fit.design.index[group] >= 0], minlength=len(labels)
    )
    if group == "supporter":
        order, codes, names = _state_order(fit)
        head = {"ccode": codes, "state": names}
    else:
        order = np.arange(len(labels))
        head = {group: labels}
    stats = _summary(flat[:, order])
    return pd.DataFrame({**head, "n_rows": n_rows[order], **stats})


def _metadata_frame(meta: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({"key": list(meta), "value": [_text(v) for v in meta.values()]})


def write_csv(
    fit: Fit, directory: str | os.PathLike, prediction: Prediction | None = None
) -> list[Path]:
    """Write posterior summaries as CSV files for spreadsheets.

    Files (UTF-8, comma-separated, header row, ``\\n`` line ends, empty cell = not
    applicable): ``metadata.csv`` (``key,value``: :func:`provenance`, ``converged`` as
    ``true``/``false``), ``coefficients.csv`` (:meth:`forecast.model.Fit.summary` with
    ``term`` as a column: ``kind, mean, sd, lower, upper, odds_ratio, or_lower, or_upper,
    r_hat, ess_bulk``), ``state_effects.csv`` (``ccode, state, n_rows, mean, sd, lower,
    upper, odds_ratio, or_lower, or_upper`` per supporter state), ``alliance_effects.csv``
    (the same with ``alliance`` first) and, with a prediction, ``scenario_summary.csv`` (the
    responders frame with ``scenario`` first). Intervals are central 90%; odds ratios are
    ``exp`` of the median and of the interval bounds.

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model.
    directory : str or os.PathLike
        Destination directory. Written as a temporary directory beside it, then renamed. An
        existing directory is replaced only if it is empty or holds nothing but a previous
        CSV export's files.
    prediction : Prediction, optional
        A prediction made with ``fit``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order above.

    Raises
    ------
    ForecastError
        If ``directory`` is a file, or a directory holding other files.
    NotFittedError
        If the fit has no posterior.
    ModelMismatchError
        If the prediction was made with a fit on other data.

    Warns
    -----
    ConvergenceWarning
        If the fit has not converged (``metadata.csv`` says so too).
    """
    final = Path(directory)
    _check(fit, prediction, final)
    meta = provenance(fit, prediction)
    builders: list[tuple[str, Callable[[], pd.DataFrame]]] = [
        ("metadata.csv", lambda: _metadata_frame(meta)),
        ("coefficients.csv", lambda: fit.summary(INTERVAL).reset_index()),
        ("state_effects.csv", lambda: _effect_summary(fit, "supporter")),
        ("alliance_effects.csv", lambda: _effect_summary(fit, "alliance")),
    ]
    if prediction is not None:
        builders.append(
            ("scenario_summary.csv", lambda: tables._scenario_summary_frame(prediction))
        )
    with atomic_dir(final, CSV_FILES) as tmp:
        for name, build in builders:
            build().to_csv(tmp / name, index=False, lineterminator="\n", encoding="utf-8")
    return [final / name for name, _ in builders]
