"""Reader for the Boix-Miller-Rosato dichotomous democracy measure, v4.0."""

from __future__ import annotations

import os

import pandas as pd

from ._common import read_csv_any, require_columns

__all__ = ["FILES", "read_bmr_democracy"]

FILES = {"read_bmr_democracy": ["democracy-v4.0.csv"]}


def read_bmr_democracy(path: str | os.PathLike) -> pd.DataFrame:
    """Read BMR democracy v4.0 (``democracy-v4.0.csv``), 1800-2020.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published (CRLF).

    Returns
    -------
    pandas.DataFrame
        ``ccode, year, democracy`` with democracy ``Int64`` 0/1 and ``<NA>`` where BMR leaves
        it missing. Rows without a COW code are dropped.

    References
    ----------
    Boix, Carles, Michael K. Miller, and Sebastian Rosato. 2013. "A Complete Data Set of
    Political Regimes, 1800-2007." *Comparative Political Studies* 46(12): 1523-1554; data
    v4.0 (January 2022), doi:10.7910/DVN/FENWWR.
    """
    raw = read_csv_any(path)
    require_columns(raw, ["ccode", "year", "democracy"], path)
    raw = raw[pd.to_numeric(raw["ccode"], errors="coerce").notna()]
    dem = pd.to_numeric(raw["democracy"], errors="coerce")
    return pd.DataFrame(
        {
            "ccode": raw["ccode"].astype(int),
            "year": raw["year"].astype(int),
            "democracy": dem.round().astype("Int64"),
        }
    ).reset_index(drop=True)
