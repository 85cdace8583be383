"""Posterior and scenario draws to NetCDF, Parquet and CSV, for use without ``forecast``.

Three formats, one writer and one module each (the layouts are documented in
``docs/export.md``):

- :func:`write_netcdf` (:mod:`forecast.export.netcdf`): the whole posterior as an ArviZ-style
  DataTree in one NetCDF-4 file, with labelled coordinates (state codes and names, alliance
  ids, covariate and cutpoint names) and, given a prediction, a ``scenario`` group with the
  per-draw probabilities and simulated levels. Readable with ``xarray.open_datatree`` alone.
- :func:`write_parquet` (:mod:`forecast.export.parquet`): tidy long tables of draws, one
  Parquet file each, in a directory, typed columns and file-level key-value metadata.
- :func:`write_csv` (:mod:`forecast.export.csv`): the posterior summaries (means, sds, 90%
  intervals, odds ratios) for spreadsheets, in a directory, with a ``metadata.csv`` of
  key-value pairs.

:func:`export` (:mod:`forecast.export.dispatch`) dispatches on the format name; it is what
``forecast export`` calls.

Every file carries the same provenance (:func:`provenance`, :mod:`forecast.export.metadata`):
package and schema versions, the training-data hash, sampler settings, seed, diagnostics and
the convergence flag with the broken rules in words, so an unconverged fit's export says so in
all three formats. The tables and draws several formats share are built once, in
:mod:`forecast.export.tables`.

Writes are atomic: a file is written under a temporary name and renamed; a directory of files
is written into a temporary directory beside the destination and renamed onto it
(:func:`forecast._io.atomic_dir`). An error leaves no output, and an existing export is replaced
only once the new one is complete.
"""

from __future__ import annotations

# The two private helpers are re-exported because tests reached them here before the split;
# to patch one, patch the module that defines it (``parquet``, ``tables``), where it is looked
# up at call time.
from .csv import CSV_FILES, write_csv
from .dispatch import FORMATS, export
from .metadata import EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, provenance
from .metadata import INTERVAL as INTERVAL
from .netcdf import write_netcdf
from .parquet import PARQUET_FILES, write_parquet
from .parquet import _scenario_draw_columns as _scenario_draw_columns
from .tables import _scenario_summary_frame as _scenario_summary_frame

__all__ = [
    "CSV_FILES",
    "EXPORT_FORMAT",
    "EXPORT_SCHEMA_VERSION",
    "FORMATS",
    "PARQUET_FILES",
    "export",
    "provenance",
    "write_csv",
    "write_netcdf",
    "write_parquet",
]
