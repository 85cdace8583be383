"""The case table: reading, loading and writing it (the schema and validation re-exported).

One row is one potential responder's decision in one attack on one state (see
``data/README.md``, the codebook). The schema is code in :mod:`forecast.schema` and the
validator, which reports every problem at once as ``(row, column, reason)``, is
:mod:`forecast.validation`; both are re-exported here. :func:`load_cases` returns a typed
:class:`pandas.DataFrame`.

Row numbers are CSV line numbers: the header is line 1 and the first data row is line 2. For an
in-memory table the same convention holds (position 0 is "row 2"), so a message reads the same
whether the table came from a file or not.
"""

from __future__ import annotations

import io
import os
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._io import read_text
from .errors import CaseTableError, ForecastError, Problem
from .schema import (
    COLUMNS,
    ERAS,
    OBLIGATIONS,
    REQUIRED,
    RESPONSES,
    SCHEMA_VERSION,
    TARGET_ROLES,
    V2_COLUMNS,
    era_of,
)
from .schema import EVENT_TYPES as EVENT_TYPES
from .schema import Column as Column
from .validation import _check_value as _check_value
from .validation import validate_cases

__all__ = [
    "COLUMNS",
    "ERAS",
    "OBLIGATIONS",
    "RESPONSES",
    "SCHEMA_VERSION",
    "TARGET_ROLES",
    "V2_COLUMNS",
    "default_cases_path",
    "era_of",
    "load_cases",
    "validate_cases",
]


def default_cases_path() -> Path:
    """Return the path of the embedded case table, ``data/cases.csv``.

    Returns
    -------
    pathlib.Path
        The file shipped with the package.
    """
    return Path(str(resources.files("forecast.data").joinpath("cases.csv")))


# ---------------------------------------------------------------------------------------------
# loading


def read_case_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a case-table CSV as strings, without validating its values.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (UTF-8; LF, CRLF or CR line endings).

    Returns
    -------
    pandas.DataFrame
        Every column as ``str`` with empty strings for empty fields.

    Raises
    ------
    ForecastError
        If the file is missing, empty, binary, not UTF-8 or not a CSV table with a case-table
        header.
    """
    text = read_text(path, what="case table (CSV)")
    try:
        table = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as e:
        reason = " ".join(str(e).split())
        raise ForecastError(f"{path}: not a readable CSV table ({reason})") from None
    table.columns = [str(c).strip() for c in table.columns]
    if not set(table.columns) & set(REQUIRED):
        raise ForecastError(
            f"{path}: not a case table (the header line names none of the schema's columns, "
            f"e.g. case_id, conflict_id, supporter); see data/README.md"
        )
    return table


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Convert a valid string table to the typed frame :func:`load_cases` returns."""
    out = pd.DataFrame(index=pd.RangeIndex(len(table)))
    for col in COLUMNS:
        if col.name not in table.columns:
            raw = pd.Series([""] * len(table))
        else:
            raw = table[col.name].astype(object).where(table[col.name].notna(), "")
            raw = raw.astype(str).str.strip().reset_index(drop=True)
        blank = raw.eq("") | raw.eq("<NA>") | raw.eq("nan")
        if col.kind == "enum":
            out[col.name] = pd.Categorical(
                raw.where(~blank, None), categories=list(col.choices), ordered=True
            )
        elif col.kind in ("int", "ccode", "flag"):
            out[col.name] = pd.array(
                [None if b else int(x) for x, b in zip(raw, blank, strict=True)], dtype="Int64"
            )
        elif col.kind == "float":
            out[col.name] = pd.array(
                [None if b else float(x) for x, b in zip(raw, blank, strict=True)],
                dtype="Float64",
            )
        else:
            out[col.name] = pd.array(raw.where(~blank, None), dtype="string")
    return out


def load_cases(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load and validate a case table.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A CSV file in schema v2. Default: the embedded ``data/cases.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per case, columns in schema order: strings as ``string``, counts, codes and
        0/1 flags as nullable ``Int64``, capability scores as ``Float64``, ``obligation``,
        ``response`` and ``event_type`` as ordered categoricals.

    Raises
    ------
    CaseTableError
        If any row breaks a rule; ``.problems`` lists them all.
    ForecastError
        If the file cannot be read as a CSV table.

    Examples
    --------
    >>> import forecast
    >>> cases = forecast.load_cases()
    >>> cases["obligation"].cat.categories[-1]
    'defense'
    """
    path = default_cases_path() if path is None else Path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        key = None  # read_case_csv says what is wrong
    if key is not None and key in _LOADED:
        return _LOADED[key].copy()
    table = read_case_csv(path)
    problems = validate_cases(table)
    if problems:
        raise CaseTableError(str(path), problems)
    typed = _typed(table)
    if key is not None:
        _LOADED.clear()  # one table kept: the embedded one, read by several steps of a command
        _LOADED[key] = typed
    return typed.copy()


#: The last table :func:`load_cases` validated, by (path, inode, mtime, size): checking the
#: embedded table's 46,000 rows takes seconds, and a report reads it more than once.
_LOADED: dict[tuple, pd.DataFrame] = {}


def check_cases(path: str | os.PathLike) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a case table and return it typed together with its problems.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.

    Returns
    -------
    tuple
        ``(table, problems)``; ``table`` is None when there are problems.
    """
    table = read_case_csv(path)
    problems = validate_cases(table)
    return (None if problems else _typed(table)), problems


#: The columns that identify an attack: its rows are its pool of potential responders.
ATTACK_KEYS = ("conflict_id", "year", "target_ccode", "aggressor_ccode")


def add_pool_facts(table: pd.DataFrame) -> pd.DataFrame:
    """Add each attack's pool size and its number of the aggressor's allies to its rows.

    Parameters
    ----------
    table : pandas.DataFrame
        Case rows with the :data:`ATTACK_KEYS` and ``aggressor_obligation`` columns; the rows
        of an attack are its potential responders (the builder's responder rule, plus any
        curated responder outside it).

    Returns
    -------
    pandas.DataFrame
        The table with ``pool_size`` (rows of the attack) and ``pool_aggressor_allies`` (of
        them, rows whose ``aggressor_obligation`` is not ``none``), both facts known when the
        attack begins.
    """
    out = table.copy()
    keys = [out[k].astype(str) for k in ATTACK_KEYS]
    allied = (out["aggressor_obligation"].astype(str) != "none").astype(int)
    out["pool_size"] = allied.groupby(keys).transform("size").astype(int)
    out["pool_aggressor_allies"] = allied.groupby(keys).transform("sum").astype(int)
    return out


def to_csv_text(table: pd.DataFrame) -> str:
    """Write a case table as CSV text in schema column order, ``\\n`` line endings.

    Parameters
    ----------
    table : pandas.DataFrame
        A typed or string case table; optional columns it lacks are written empty.

    Returns
    -------
    str
        The CSV text, deterministic for the same table.
    """
    out = pd.DataFrame(index=table.index)
    for col in COLUMNS:
        values = table[col.name] if col.name in table.columns else pd.Series("", index=table.index)
        if col.kind == "float":
            out[col.name] = _format(values, lambda x: f"{float(x):.6g}")
        elif col.kind in ("int", "flag", "ccode"):
            out[col.name] = _format(values, lambda x: str(int(float(x))))
        else:
            out[col.name] = _format(values, str)
    return out.to_csv(index=False, lineterminator="\n")


def _format(values: pd.Series, fmt) -> pd.Series:
    """Return ``values`` as text, each distinct value formatted once; blanks stay empty."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    # the last entry is for missing values (code -1)
    text = np.array(["" if _blank(u) else fmt(u) for u in uniques] + [""], dtype=object)
    return pd.Series(text[codes], index=values.index, dtype=object)


def _blank(x: object) -> bool:
    if isinstance(x, str):
        return x == ""
    return x is None or bool(pd.isna(x))
