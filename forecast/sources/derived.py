"""Readers for the dyadic predictors converted from peacesciencer (not original files).

Each reader takes the path of one file as described in ``../shared/data/PROVENANCE.md``
(section 7, "Derived files") and returns a tidy :class:`pandas.DataFrame`. The files are
peacesciencer's own tables (Miller 2022), written to CSV without changing a value:

- ``peacesciencer_tss_rivalries.csv``: strategic rivalries, Thompson, Sakuwa & Suhas (2022);
- ``peacesciencer_cow_mindist.csv.gz``: minimum distance between borders, CShapes 2.0
  (Schvitz et al. 2022), 1886-2019;
- ``peacesciencer_cow_capitals.csv``: capitals with coordinates and dates;
- ``peacesciencer_cow_igo_ndy.csv.gz``: shared IGO memberships, COW IGO v3.0 (Pevehouse et al.
  2020), 1816-2014.
"""

from __future__ import annotations

import os

import pandas as pd

from ._common import read_csv_any, require_columns

__all__ = [
    "FILES",
    "read_capitals",
    "read_igos",
    "read_mindist",
    "read_rivalries",
]

#: Published file names each reader looks for (first found wins).
FILES = {
    "read_rivalries": ["peacesciencer_tss_rivalries.csv"],
    "read_mindist": ["peacesciencer_cow_mindist.csv.gz"],
    "read_capitals": ["peacesciencer_cow_capitals.csv"],
    "read_igos": ["peacesciencer_cow_igo_ndy.csv.gz"],
}


def _pair_columns(raw: pd.DataFrame, path, value: str, dtype: str) -> pd.DataFrame:
    require_columns(raw, ["ccode1", "ccode2", "year", value], path)
    out = raw[["ccode1", "ccode2", "year"]].astype("int64")
    out[value] = pd.to_numeric(raw[value], errors="coerce").astype(dtype)
    return out


def read_rivalries(path: str | os.PathLike) -> pd.DataFrame:
    """Read the Thompson, Sakuwa & Suhas strategic rivalries (peacesciencer ``tss_rivalries``).

    Parameters
    ----------
    path : str or os.PathLike
        ``peacesciencer_tss_rivalries.csv``.

    Returns
    -------
    pandas.DataFrame
        ``tssr_id, rivalry, ccode1, ccode2, start, end`` (years; ``end`` 2020 means the rivalry
        was ongoing at the end of the data).

    References
    ----------
    Thompson, William R., Kentaro Sakuwa, and Prashant Hosur Suhas. 2022. *Analyzing Strategic
    Rivalries in World Politics*. Singapore: Springer.
    """
    raw = read_csv_any(path)
    require_columns(raw, ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end"], path)
    out = raw[["tssr_id", "ccode1", "ccode2", "start", "end"]].astype("int64")
    out.insert(1, "rivalry", raw["rivalry"].astype(str).str.strip())
    return out


def read_mindist(path: str | os.PathLike) -> pd.DataFrame:
    """Read CShapes 2.0 minimum distances (peacesciencer ``cow_mindist``), 1886-2019.

    Parameters
    ----------
    path : str or os.PathLike
        ``peacesciencer_cow_mindist.csv.gz``: one row per pair (``ccode1 < ccode2``) and year.

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, year, mindist`` (kilometres, 0 for land contiguity).

    References
    ----------
    Schvitz, Guy, et al. 2022. "Mapping the International System, 1886-2019: The CShapes 2.0
    Dataset." *Journal of Conflict Resolution* 66(1): 144-161.
    """
    return _pair_columns(read_csv_any(path), path, "mindist", "float64")


def read_capitals(path: str | os.PathLike) -> pd.DataFrame:
    """Read the capitals of COW states with their dates and coordinates (peacesciencer).

    Parameters
    ----------
    path : str or os.PathLike
        ``peacesciencer_cow_capitals.csv``.

    Returns
    -------
    pandas.DataFrame
        ``ccode, capital, start, end, lat, lng`` (dates as ``datetime64``).

    References
    ----------
    Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science
    Research." *Conflict Management and Peace Science* 39(6): 755-779.
    """
    raw = read_csv_any(path)
    require_columns(raw, ["ccode", "capital", "stdate", "enddate", "lat", "lng"], path)
    return pd.DataFrame(
        {
            "ccode": raw["ccode"].astype("int64"),
            "capital": raw["capital"].astype(str),
            "start": pd.to_datetime(raw["stdate"], format="ISO8601"),
            "end": pd.to_datetime(raw["enddate"], format="ISO8601"),
            "lat": raw["lat"].astype(float),
            "lng": raw["lng"].astype(float),
        }
    )


def read_igos(path: str | os.PathLike) -> pd.DataFrame:
    """Read shared IGO memberships (peacesciencer ``cow_igo_ndy``, COW IGO v3.0), 1816-2014.

    Parameters
    ----------
    path : str or os.PathLike
        ``peacesciencer_cow_igo_ndy.csv.gz``: one row per pair (``ccode1 < ccode2``) and year.

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, year, dyadigos`` (count of IGOs both belong to; ``<NA>`` missing).

    References
    ----------
    Pevehouse, Jon C. W., Timothy Nordstrom, Roseanne W. McManus, and Anne Spencer Jamison.
    2020. "Tracking Organizations in the World: The Correlates of War IGO Version 3.0
    Datasets." *Journal of Peace Research* 57(3): 492-503.
    """
    return _pair_columns(read_csv_any(path), path, "dyadigos", "Int64")
