"""Readers for ATOP 5.1 (alliance, phase and member files; directed dyad-years).

ATOP codes empty fields as "not applicable" or "none". Exit dates of 0 mean the alliance was
still in force on 2018-12-31, the end of ATOP 5.1's coverage; the readers return those as
``NaT`` (open).
"""

from __future__ import annotations

import os

import pandas as pd

from ._common import make_dates, read_csv_any, require_columns

__all__ = [
    "CONDITION_FIELDS",
    "FILES",
    "OBLIGATION_COLUMNS",
    "read_atop_alliances",
    "read_atop_dyad_years",
    "read_atop_members",
    "read_atop_phases",
]

FILES = {
    "read_atop_alliances": ["atop5_1a.csv"],
    "read_atop_phases": ["atop5_1aph.csv"],
    "read_atop_members": ["atop5_1m.csv"],
    "read_atop_dyad_years": ["peacesciencer_atop_alliance_ddy_v5.1.csv.gz", "atop5_1ddyr.csv"],
}

#: ATOP obligation columns and the schema's names for them, strongest first.
OBLIGATION_COLUMNS = {
    "defense": "defense",
    "offense": "offense",
    "neutral": "neutrality",
    "nonagg": "nonaggression",
    "consul": "consultation",
}
#: The condition flag that goes with each obligation (member level).
CONDITION_COLUMNS = {
    "defense": "defcon",
    "offense": "offcon",
    "neutral": "neucon",
    "consul": "concon",
}

#: ATOP's member-level condition fields of each obligation (codebook section 2.3): the
#: obligation applies only against a particular adversary (``*coadv``), in a location
#: (``*coloc``), in an ongoing conflict (``*cocon``), against a number of adversaries
#: (``*conum``), if demands are met (``*codem``), if the ally did not provoke (``*conpr``), if the
#: ally was attacked (``neucoatt``) or on request (``concoreq``).
CONDITION_FIELDS = {
    "defense": ("defcoadv", "defcoloc", "defcocon", "defconum", "defcodem", "defconpr"),
    "offense": ("offcoadv", "offcoloc", "offcocon", "offconum", "offcodem"),
    "neutral": (
        "neucoadv",
        "neucoloc",
        "neucocon",
        "neuconum",
        "neucodem",
        "neuconpr",
        "neucoatt",
    ),
    "consul": ("concoadv", "concoloc", "concocon", "concoreq"),
}

_OBL = list(OBLIGATION_COLUMNS)
_FIELDS = [f for fields in CONDITION_FIELDS.values() for f in fields]


def _flags(raw: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return raw[cols].apply(pd.to_numeric, errors="coerce").fillna(0).astype(int).gt(0)


def read_atop_members(path: str | os.PathLike) -> pd.DataFrame:
    """Read the ATOP 5.1 member file (``atop5_1m.csv``): alliance x member x phase.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published (CRLF).

    Returns
    -------
    pandas.DataFrame
        ``atopid, member, phase, entry, exit`` (``exit`` NaT while in force at the end of
        2018), the member's obligations ``defense, offense, neutral, nonagg, consul`` (bool),
        their conditions ``defcon, offcon, neucon, concon`` (bool), the detailed condition
        fields of :data:`CONDITION_FIELDS` (bool) and ``cowwar`` (the COW war an obligation
        conditional on an ongoing conflict refers to; 0 where none).

    References
    ----------
    Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long.
    2002. "Alliance Treaty Obligations and Provisions, 1815-1944." *International
    Interactions* 28: 237-260; Leeds, Brett Ashley. 2022. *ATOP Codebook, Version 5.1*.
    """
    raw = read_csv_any(path, dtype=str, keep_default_na=False)
    dates = ["yrent", "moent", "dayent", "yrexit", "moexit", "dayexit"]
    cond = list(CONDITION_COLUMNS.values())
    require_columns(
        raw, ["atopid", "member", "phase", "cowwar", *dates, *_OBL, *cond, *_FIELDS], path
    )
    num = raw[["atopid", "member", "phase", "cowwar", *dates]].apply(
        pd.to_numeric, errors="coerce"
    )
    exit_year = num["yrexit"].where(num["yrexit"] > 0)
    out = pd.DataFrame(
        {
            "atopid": num["atopid"].astype(int),
            "member": num["member"].astype(int),
            "phase": num["phase"].fillna(0).astype(int),
            "entry": make_dates(num["yrent"], num["moent"], num["dayent"]),
            "exit": make_dates(exit_year, num["moexit"], num["dayexit"]),
            "cowwar": num["cowwar"].fillna(0).astype(int),
        }
    )
    return pd.concat([out, _flags(raw, _OBL), _flags(raw, cond), _flags(raw, _FIELDS)], axis=1)


def _read_spans(path: str | os.PathLike, keys: list[str]) -> pd.DataFrame:
    """Read an ATOP alliance-level file: ids, ``begin``/``end`` dates and obligations.

    An end year of 0 (in force at the end of 2018) gives ``end`` NaT.
    """
    raw = read_csv_any(path, dtype=str, keep_default_na=False)
    dates = ["begyr", "begmo", "begday", "endyr", "endmo", "endday"]
    require_columns(raw, ["atopid", *keys, *dates, *_OBL], path)
    num = raw[["atopid", *keys, *dates]].apply(pd.to_numeric, errors="coerce")
    end_year = num["endyr"].where(num["endyr"] > 0)
    out = pd.DataFrame({"atopid": num["atopid"].astype(int)})
    for key in keys:
        out[key] = num[key].fillna(0).astype(int)
    out["begin"] = make_dates(num["begyr"], num["begmo"], num["begday"])
    out["end"] = make_dates(end_year, num["endmo"], num["endday"])
    return pd.concat([out, _flags(raw, _OBL)], axis=1)


def read_atop_alliances(path: str | os.PathLike) -> pd.DataFrame:
    """Read the ATOP 5.1 alliance file (``atop5_1a.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published.

    Returns
    -------
    pandas.DataFrame
        ``atopid, begin, end`` (end NaT while in force at the end of 2018), the
        alliance-level obligations ``defense, offense, neutral, nonagg, consul`` (bool), and
        the threat the treaty names: ``specthrt`` (0 none, 1 specific states, 2 a region,
        3 states in a region, 4 an ongoing conflict, 5 non-state actors, 6 another alliance;
        ``<NA>`` unknown) and ``statthr1``, ``statthr2`` (COW codes of the states named; 0
        none).
    """
    out = _read_spans(path, keys=[])
    raw = read_csv_any(path, dtype=str, keep_default_na=False)
    require_columns(raw, ["specthrt", "statthr1", "statthr2"], path)
    for col in ("specthrt", "statthr1", "statthr2"):
        out[col] = pd.to_numeric(raw[col], errors="coerce").astype("Int64")
    return out


def read_atop_phases(path: str | os.PathLike) -> pd.DataFrame:
    """Read the ATOP 5.1 alliance-phase file (``atop5_1aph.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published.

    Returns
    -------
    pandas.DataFrame
        ``atopid, phase, begin, end`` and the phase's obligations (bool).
    """
    return _read_spans(path, keys=["phase"])


def read_atop_dyad_years(path: str | os.PathLike) -> pd.DataFrame:
    """Read ATOP 5.1 directed dyad-years (peacesciencer's ``atop_alliance`` derivative).

    Parameters
    ----------
    path : str or os.PathLike
        ``peacesciencer_atop_alliance_ddy_v5.1.csv.gz`` (gzip CSV) or the original
        ``atop5_1ddyr.csv`` (columns ``stateA, stateB, year, defense, ...``).

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, year, defense, offense, neutral, nonagg, consul`` (bool): whether
        ``ccode1`` has that obligation to ``ccode2`` in that year.

    References
    ----------
    Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science
    Research." *Conflict Management and Peace Science* 39(6): 755-779.
    """
    raw = read_csv_any(path)
    if "stateA" in raw.columns:  # the ATOP original layout
        raw = raw.rename(columns={"stateA": "ccode1", "stateB": "ccode2"})
        raw = raw.rename(columns={c: f"atop_{c}" for c in ["defense", "offense"]})
        raw = raw.rename(columns={"neutral": "atop_neutral", "nonagg": "atop_nonagg"})
        raw = raw.rename(columns={"consul": "atop_consul"})
    cols = ["ccode1", "ccode2", "year", *[f"atop_{c}" for c in _OBL]]
    require_columns(raw, cols, path)
    out = raw[["ccode1", "ccode2", "year"]].astype(int)
    flags = raw[[f"atop_{c}" for c in _OBL]].fillna(0).astype(int).gt(0)
    flags.columns = _OBL
    return pd.concat([out, flags], axis=1)
