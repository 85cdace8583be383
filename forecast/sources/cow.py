"""Readers for the Correlates of War files (wars, MIDs, states, majors, NMC, contiguity, codes).

Each reader takes the path of one original file, as published, and returns a tidy
:class:`pandas.DataFrame` with lower-case column names, dates as ``datetime64`` and COW's missing
codes (-8 "not applicable", -9 "missing") as ``<NA>``. CR-only (old Mac), CRLF and LF line
endings are all accepted.
"""

from __future__ import annotations

import os

import pandas as pd

from ..errors import SourceDataError
from ._common import cow_na, make_dates, read_csv_any, read_stata_or_csv, require_columns

__all__ = [
    "FILES",
    "read_cow_codes",
    "read_cow_contiguity",
    "read_cow_dyadic_wars",
    "read_cow_majors",
    "read_cow_nmc",
    "read_cow_states",
    "read_cow_wars",
    "read_mid_disputes",
    "read_mid_participants",
]

#: Published file names each reader looks for (first found wins).
FILES = {
    "read_cow_wars": ["Inter-StateWarData_v4.0.csv"],
    "read_cow_dyadic_wars": ["directed_dyadic_war.csv", "directed dyadic war may 2018.dta"],
    "read_cow_states": ["states2016.csv"],
    "read_cow_majors": ["majors2016.csv"],
    "read_cow_nmc": ["NMC_5_0.csv"],
    "read_cow_nmc_v7": ["peacesciencer_cow_nmc_v7.0.csv", "NMC-70-abridged.csv"],
    "read_cow_contiguity": ["contdird.csv"],
    "read_cow_codes": ["COW-country-codes.csv", "COW country codes.csv"],
    "read_mid_disputes": ["MIDA 4.3.dta", "MIDA_4.3.csv", "MIDA_4.3_converted-from-dta.csv"],
    "read_mid_participants": [
        "MIDB 4.3.dta",
        "MIDB_4.3.csv",
        "MIDB_4.3_converted-from-dta.csv",
    ],
}


def read_cow_wars(path: str | os.PathLike) -> pd.DataFrame:
    """Read COW Inter-State War Data v4.0 (``Inter-StateWarData_v4.0.csv``).

    One row per state per war side: a state that switched sides has one row per side (Italy,
    Romania, Bulgaria and France in World War II; Germany in war 108). A state that left and
    re-entered on the same side has a second spell (``start2``/``end2``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published (CR-only line endings).

    Returns
    -------
    pandas.DataFrame
        Columns ``warnum, war_name, ccode, state_name, side, start, end, start2, end2,
        initiator, outcome, batdeath, where_fought``. ``initiator`` is True for the state(s)
        COW codes as having initiated the war; ``where_fought`` is COW's code of the regions
        of the state's combat.

    References
    ----------
    Sarkees, Meredith Reid, and Frank Wayman. 2010. *Resort to War: 1816-2007*. CQ Press.
    """
    raw = read_csv_any(path)
    cols = ["WarNum", "WarName", "ccode", "StateName", "Side", "Initiator", "Outcome", "BatDeath"]
    cols += ["WhereFought"]
    cols += [
        f"{p}{x}{n}" for n in (1, 2) for p in ("Start", "End") for x in ("Year", "Month", "Day")
    ]
    require_columns(raw, cols, path)
    out = pd.DataFrame(
        {
            "warnum": raw["WarNum"].astype(int),
            "war_name": raw["WarName"].astype(str).str.strip(),
            "ccode": raw["ccode"].astype(int),
            "state_name": raw["StateName"].astype(str).str.strip(),
            "side": raw["Side"].astype(int),
            "start": make_dates(raw["StartYear1"], raw["StartMonth1"], raw["StartDay1"]),
            "end": make_dates(raw["EndYear1"], raw["EndMonth1"], raw["EndDay1"]),
            "start2": make_dates(raw["StartYear2"], raw["StartMonth2"], raw["StartDay2"]),
            "end2": make_dates(raw["EndYear2"], raw["EndMonth2"], raw["EndDay2"]),
            "initiator": raw["Initiator"].astype(int).eq(1),
            "outcome": cow_na(raw["Outcome"]),
            "batdeath": cow_na(raw["BatDeath"]),
            "where_fought": cow_na(raw["WhereFought"]),
        }
    )
    return out


def read_cow_dyadic_wars(path: str | os.PathLike) -> pd.DataFrame:
    """Read the Directed Dyadic Interstate War data (``directed_dyadic_war.csv`` or ``.dta``).

    Who fought whom in each COW war, and from which day: a dyadic war starts on the day of the
    first battle between the two states' forces (battles, not declarations), and
    ``wardyadrolea`` says which of the two opened it (1) or was attacked (3). The file has one
    row per directed dyad-year; this reader keeps one row per directed dyad and war (the start
    date repeats on each year's row).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file, or the Stata file as published.

    Returns
    -------
    pandas.DataFrame
        ``warnum, statea, stateb, start, war_role_a, war_role_b, opened_a`` where ``start`` is
        the first battle of the dyadic war, ``war_role_*`` is the state's role in the war
        (1 primary initiator, 2 joiner on the initiator's side, 3 primary target, 4 joiner on
        the target's side) and ``opened_a`` is True when state A opened the dyadic war.

    References
    ----------
    Maoz, Zeev, Paul L. Johnson, Jasper Kaplan, Fiona Ogunkoya, and Aaron P. Shreve. 2019.
    "The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0: Logic,
    Characteristics, and Comparisons to Alternative Datasets." *Journal of Conflict
    Resolution* 63(3): 811-835.
    """
    raw = read_stata_or_csv(path)
    cols = ["warnum", "statea", "stateb", "warstrtyr", "warstrtmnth", "warstrtday"]
    require_columns(raw, [*cols, "warolea", "waroleb", "wardyadrolea"], path)
    num = raw[[*cols, "warolea", "waroleb", "wardyadrolea"]].apply(pd.to_numeric, errors="coerce")
    bad = num[["warnum", "statea", "stateb", "warstrtyr", "wardyadrolea"]].isna().any(axis=1)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise SourceDataError(
            f"{path}:{i + 2}: warnum, statea, stateb, warstrtyr and wardyadrolea must be numbers"
        )
    out = pd.DataFrame(
        {
            "warnum": num["warnum"].astype(int),
            "statea": num["statea"].astype(int),
            "stateb": num["stateb"].astype(int),
            "start": make_dates(num["warstrtyr"], num["warstrtmnth"], num["warstrtday"]),
            "war_role_a": cow_na(num["warolea"]),
            "war_role_b": cow_na(num["waroleb"]),
            "opened_a": num["wardyadrolea"].astype(int).eq(1),
        }
    )
    out = out.sort_values(["warnum", "statea", "stateb", "start"], kind="stable")
    return out.drop_duplicates(["warnum", "statea", "stateb"]).reset_index(drop=True)


def read_cow_states(path: str | os.PathLike) -> pd.DataFrame:
    """Read COW State System Membership v2016, state list (``states2016.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published (CRLF).

    Returns
    -------
    pandas.DataFrame
        One row per membership spell: ``ccode, stateabb, statenme, start, end``.

    References
    ----------
    Correlates of War Project. 2017. "State System Membership List, v2016."
    """
    raw = read_csv_any(path)
    cols = ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear"]
    require_columns(raw, [*cols, "endmonth", "endday"], path)
    return pd.DataFrame(
        {
            "ccode": raw["ccode"].astype(int),
            "stateabb": raw["stateabb"].astype(str).str.strip(),
            "statenme": raw["statenme"].astype(str).str.strip(),
            "start": make_dates(raw["styear"], raw["stmonth"], raw["stday"]),
            "end": make_dates(raw["endyear"], raw["endmonth"], raw["endday"]),
        }
    )


def read_cow_majors(path: str | os.PathLike) -> pd.DataFrame:
    """Read COW Major Powers v2016 (``majors2016.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published.

    Returns
    -------
    pandas.DataFrame
        One row per major-power spell: ``ccode, stateabb, start, end``. Spells open at the
        end of the data end on 2016-12-31.

    References
    ----------
    Correlates of War Project. 2017. "State System Membership List, v2016."
    """
    raw = read_csv_any(path)
    require_columns(
        raw, ["ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"], path
    )
    return pd.DataFrame(
        {
            "ccode": raw["ccode"].astype(int),
            "stateabb": raw["stateabb"].astype(str).str.strip(),
            "start": make_dates(raw["styear"], raw["stmonth"], raw["stday"]),
            "end": make_dates(raw["endyear"], raw["endmonth"], raw["endday"]),
        }
    )


def read_cow_nmc(path: str | os.PathLike) -> pd.DataFrame:
    """Read COW National Material Capabilities (``NMC_5_0.csv``, or the v7.0 abridged table).

    Parameters
    ----------
    path : str or os.PathLike
        NMC v5.0 as published, or peacesciencer's v7.0 derivative (same columns, no
        ``stateabb``/``version``, missing values already empty).

    Returns
    -------
    pandas.DataFrame
        ``ccode, year, cinc`` (``cinc`` float, missing as NaN).

    References
    ----------
    Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution,
    Uncertainty, and Major Power War, 1820-1965." In *Peace, War, and Numbers*, 19-48.
    """
    raw = read_csv_any(path)
    require_columns(raw, ["ccode", "year", "cinc"], path)
    cinc = pd.to_numeric(raw["cinc"], errors="coerce")
    return pd.DataFrame(
        {
            "ccode": raw["ccode"].astype(int),
            "year": raw["year"].astype(int),
            "cinc": cinc.where(cinc >= 0),
        }
    )


def read_cow_contiguity(path: str | os.PathLike) -> pd.DataFrame:
    """Read COW Direct Contiguity v3.2, directed dyad-years (``contdird.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published.

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, year, conttype`` (1 land; 2, 3, 4, 5 separated by up to 12, 24, 150,
        400 miles of water).

    References
    ----------
    Stinnett, Douglas M., et al. 2002. "The Correlates of War Project Direct Contiguity Data,
    Version 3." *Conflict Management and Peace Science* 19(2): 58-66.
    """
    raw = read_csv_any(path)
    require_columns(raw, ["state1no", "state2no", "year", "conttype"], path)
    return pd.DataFrame(
        {
            "ccode1": raw["state1no"].astype(int),
            "ccode2": raw["state2no"].astype(int),
            "year": raw["year"].astype(int),
            "conttype": raw["conttype"].astype(int),
        }
    )


def read_cow_codes(path: str | os.PathLike) -> pd.DataFrame:
    """Read the COW country-code list (``COW-country-codes.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file as published (CR-only line endings, one row per membership spell).

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, name``, one row per code.
    """
    raw = read_csv_any(path)
    require_columns(raw, ["StateAbb", "CCode", "StateNme"], path)
    out = pd.DataFrame(
        {
            "ccode": raw["CCode"].astype(int),
            "stateabb": raw["StateAbb"].astype(str).str.strip(),
            "name": raw["StateNme"].astype(str).str.strip(),
        }
    )
    return out.drop_duplicates("ccode").reset_index(drop=True)


def read_mid_disputes(path: str | os.PathLike) -> pd.DataFrame:
    """Read MID 4.3, dispute level (``MIDA 4.3.dta`` or its CSV).

    Parameters
    ----------
    path : str or os.PathLike
        The Stata file as published, or a CSV with the same columns.

    Returns
    -------
    pandas.DataFrame
        ``dispnum, start, end, hostlev, hiact, fatality, outcome``.

    References
    ----------
    Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. "The MID4 Data
    Set, 2002-2010." *Conflict Management and Peace Science* 32(2): 222-242.
    """
    raw = read_stata_or_csv(path)
    cols = ["dispnum3", "styear", "stmon", "stday", "endyear", "endmon", "endday", "hostlev"]
    require_columns(raw, [*cols, "hiact", "fatality", "outcome"], path)
    return pd.DataFrame(
        {
            "dispnum": raw["dispnum3"].astype(int),
            "start": make_dates(raw["styear"], raw["stmon"], raw["stday"]),
            "end": make_dates(raw["endyear"], raw["endmon"], raw["endday"]),
            "hostlev": cow_na(raw["hostlev"]),
            "hiact": cow_na(raw["hiact"]),
            "fatality": cow_na(raw["fatality"]),
            "outcome": cow_na(raw["outcome"]),
        }
    )


def read_mid_participants(path: str | os.PathLike) -> pd.DataFrame:
    """Read MID 4.3, participant level (``MIDB 4.3.dta`` or its CSV).

    One row per state per dispute per participation spell.

    Parameters
    ----------
    path : str or os.PathLike
        The Stata file as published, or a CSV with the same columns.

    Returns
    -------
    pandas.DataFrame
        ``dispnum, ccode, start, end, side_a, hostlev, hiact, originator``.

    References
    ----------
    Palmer et al. 2015 (see :func:`read_mid_disputes`).
    """
    raw = read_stata_or_csv(path)
    cols = ["dispnum3", "ccode", "styear", "stmon", "stday", "endyear", "endmon", "endday"]
    require_columns(raw, [*cols, "sidea", "hostlev", "hiact", "orig"], path)
    return pd.DataFrame(
        {
            "dispnum": raw["dispnum3"].astype(int),
            "ccode": raw["ccode"].astype(int),
            "start": make_dates(raw["styear"], raw["stmon"], raw["stday"]),
            "end": make_dates(raw["endyear"], raw["endmon"], raw["endday"]),
            "side_a": raw["sidea"].astype(int).eq(1),
            "hostlev": cow_na(raw["hostlev"]),
            "hiact": cow_na(raw["hiact"]),
            "originator": raw["orig"].astype(int).eq(1),
        }
    )
