"""The format dispatcher: :func:`export` picks the writer by format name.

It is what ``forecast export`` calls; :data:`FORMATS` lists the names it accepts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .csv import write_csv
from .netcdf import write_netcdf
from .parquet import write_parquet

if TYPE_CHECKING:
    from ..coalition import Prediction
    from ..model import Fit


#: Format names accepted by :func:`export`.
FORMATS: tuple[str, ...] = ("netcdf", "parquet", "csv")


def export(
    fit: Fit, path: str | os.PathLike, fmt: str, prediction: Prediction | None = None
) -> list[Path]:
    """Export a fit (and optionally a scenario prediction) in one format.

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model.
    path : str or os.PathLike
        A file for ``"netcdf"``, a directory for ``"parquet"`` and ``"csv"``.
    fmt : {"netcdf", "parquet", "csv"}
        The format (:func:`write_netcdf`, :func:`write_parquet`, :func:`write_csv`).
    prediction : Prediction, optional
        A prediction made with ``fit``, exported alongside.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of :data:`FORMATS`.
    ForecastError
        As the writer raises it (bad destination, unfitted fit, mismatched prediction).
    """
    if fmt == "netcdf":
        return [write_netcdf(fit, path, prediction)]
    if fmt == "parquet":
        return write_parquet(fit, path, prediction)
    if fmt == "csv":
        return write_csv(fit, path, prediction)
    raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
