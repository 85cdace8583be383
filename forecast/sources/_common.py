"""Helpers shared by the readers: finding files, reading any line ending, COW missing codes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SourceDataError

#: COW missing-value codes: -8 "not applicable", -9 "missing".
COW_MISSING = (-8, -9)


def find_file(source: str | os.PathLike, name: str, reader: str) -> Path:
    """Find an original file by its published name in ``source`` or any folder below it.

    Parameters
    ----------
    source : str or os.PathLike
        The directory the user named with ``--source`` (or a file path, returned as is).
    name : str
        The file name as published, e.g. ``"Inter-StateWarData_v4.0.csv"``.
    reader : str
        The reader that needs it, for the error message.

    Returns
    -------
    pathlib.Path
        The first match in sorted order.

    Raises
    ------
    SourceDataError
        If no such file exists below ``source``.
    """
    root = Path(source)
    if root.is_file():
        return root
    if not root.is_dir():
        raise SourceDataError(f"{root}: no such directory (the original research files)")
    direct = root / name
    if direct.is_file():
        return direct
    matches = sorted(p for p in root.rglob(name) if p.is_file())
    if not matches:
        raise SourceDataError(
            f"{root}: no file named {name!r} below it (needed by {reader}); download it as "
            "published and put it there (see data/README.md, 'Sources')"
        )
    return matches[0]


def read_csv_any(path: str | os.PathLike, **kwargs) -> pd.DataFrame:
    """Read a CSV file with CR, CRLF or LF line endings (the COW files use all three).

    Parameters
    ----------
    path : str or os.PathLike
        The file; ``.gz`` files are decompressed.
    **kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    SourceDataError
        If the file cannot be read as CSV text.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
        if p.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        text = data.decode("utf-8-sig", errors="strict")
    except (OSError, UnicodeDecodeError) as e:
        raise SourceDataError(f"{p}: cannot be read as text ({e})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)
    except (pd.errors.ParserError, ValueError) as e:
        raise SourceDataError(
            f"{p}: not a readable CSV file ({' '.join(str(e).split())})"
        ) from None


def require_columns(table: pd.DataFrame, columns: list[str], path: str | os.PathLike) -> None:
    """Raise :class:`SourceDataError` naming the file and the columns it lacks.

    Parameters
    ----------
    table : pandas.DataFrame
        The table as read.
    columns : list of str
        Columns the reader uses.
    path : str or os.PathLike
        The file, for the message.
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SourceDataError(
            f"{path}: not in its published layout; missing column(s) {', '.join(missing)}"
        )


def cow_na(values: pd.Series) -> pd.Series:
    """Return ``values`` as nullable integers with COW's -8 / -9 codes as missing.

    Parameters
    ----------
    values : pandas.Series
        Numeric column.

    Returns
    -------
    pandas.Series
        ``Int64`` with ``<NA>`` for -8, -9 and empty fields.
    """
    out = pd.to_numeric(values, errors="coerce")
    out = out.where(~out.isin(COW_MISSING))
    return out.round().astype("Int64")


def make_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Build dates from COW/ATOP year, month, day columns; an unknown day or month is the 1st.

    Parameters
    ----------
    year, month, day : pandas.Series
        Integer-like columns; missing codes (-8, -9, 0, empty) are allowed in month and day.

    Returns
    -------
    pandas.Series
        ``datetime64`` dates, ``NaT`` where the year is missing.
    """
    y = cow_na(year)
    m = cow_na(month)
    d = cow_na(day)
    m = m.where(m.between(1, 12), 1).fillna(1)
    d = d.where(d.between(1, 31), 1).fillna(1)
    frame = pd.DataFrame(
        {"year": y.astype("float"), "month": m.astype(float), "day": d.astype(float)}
    )
    ok = frame["year"].notna()
    out = pd.Series(pd.NaT, index=year.index, dtype="datetime64[ns]")
    if ok.any():
        part = frame[ok].astype(int)
        # clip impossible days (e.g. 31 June) to the month's last day
        last = pd.to_datetime(dict(year=part.year, month=part.month, day=1)) + pd.offsets.MonthEnd(
            0
        )
        part["day"] = np.minimum(part["day"], last.dt.day)
        out[ok] = pd.to_datetime(dict(year=part.year, month=part.month, day=part.day))
    return out


def read_stata_or_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a ``.dta`` file (Stata) or its CSV conversion.

    Parameters
    ----------
    path : str or os.PathLike
        ``.dta`` or ``.csv``.

    Returns
    -------
    pandas.DataFrame
        The table, with Stata missing values as NaN.
    """
    p = Path(path)
    if p.suffix.lower() == ".dta":
        try:
            return pd.read_stata(p, convert_categoricals=False)
        except Exception as e:  # pandas raises several types for a damaged file
            raise SourceDataError(f"{p}: not a readable Stata file ({e})") from None
    return read_csv_any(p)
