"""Present-day tables for scenarios, derived from the original files by the builder's rules.

``data/states.csv`` (one row per state), ``data/commitments.csv`` (directed written commitments
in force, both directions of every pair, with the terms that decide their invocation),
``data/contiguity.csv`` (directed contiguity), ``data/rivalries.csv`` (strategic rivalries in
force) and ``data/dyads.csv`` (distance and shared IGOs of every pair) describe the world on
:data:`PRESENT_DATE`. Every value comes from the same :class:`~forecast.sources.covariates.
Covariates` lookups as the case table, with each source carried forward from its last year
(COW states, majors and contiguity 2016; BMR 2020; NMC v7.0 2022; ATOP 2018 plus the
hand-coded ``data/alliance_changes.csv``). Each row names its sources.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pandas as pd

from .._io import write_atomic
from . import embedded
from .covariates import BMR_LAST_YEAR, CONTIGUITY_LAST_YEAR, Covariates
from .dyads import Dyads

__all__ = ["PRESENT_DATE", "build_present", "write_present"]

#: The day the present-day tables describe.
PRESENT_DATE = pd.Timestamp("2025-12-31")


def _region(codes: list[int]) -> list[str]:
    cc = importlib.import_module("countrycode")
    return [r or "" for r in cc.countrycode(codes, origin="cown", destination="region")]


def _iso3(codes: list[int]) -> list[str]:
    cc = importlib.import_module("countrycode")
    return [r or "" for r in cc.countrycode(codes, origin="cown", destination="iso3c")]


def build_present(
    cov: Covariates,
    nuclear: pd.DataFrame,
    data: str | os.PathLike | None = None,
    dyads: Dyads | None = None,
):
    """Return the present-day ``states``, ``commitments`` and ``contiguity`` tables.

    Parameters
    ----------
    cov : Covariates
        Lookups over the original files (from :func:`forecast.sources.build.read_sources`).
    nuclear : pandas.DataFrame
        ``data/nuclear.csv`` as read by :func:`~forecast.sources.embedded.read_nuclear`.
    data : str or os.PathLike, optional
        Directory of the hand-coded tables (``informal_ties.csv``); default ``data/``.
    dyads : Dyads, optional
        Rivalry, distance and IGO lookups; without them the rivalry and dyad tables are
        empty.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(states, commitments, contiguity, rivalries, dyads)``.
    """
    from .. import states as names

    d = PRESENT_DATE
    y = int(d.year)
    codes = cov.system_members(d)
    nuclear_src = dict(zip(nuclear.ccode.astype(int), nuclear.source, strict=True))
    rows = []
    for code, region, iso3 in zip(codes, _region(codes), _iso3(codes), strict=True):
        cinc = cov.cinc(code, y)
        rows.append(
            {
                "ccode": code,
                "name": names.name(code),
                "iso3": iso3,
                "region": region,
                "major": int(cov.major(code, d)),
                "democracy": cov.democracy(code, y),
                "nuclear": int(cov.nuclear(code, d)),
                "cinc": cinc,
                "major_source": "COW Major Powers v2016 (spells open at 2016-12-31 carried "
                "forward)",
                "democracy_source": f"BMR democracy v4.0, {BMR_LAST_YEAR} value carried forward"
                if cov.democracy(code, y) is not None
                else "BMR democracy v4.0: no value (left empty)",
                "nuclear_source": nuclear_src.get(code, "not in data/nuclear.csv"),
                "cinc_source": f"COW NMC v7.0 (peacesciencer), {cov._cinc_last} value"
                if cinc is not None
                else "COW NMC: no value (left empty)",
                "region_source": "countrycode package, region (World Bank)",
            }
        )
    states = pd.DataFrame(rows)
    states["democracy"] = states["democracy"].astype("Int64")
    commitments = cov.commitments_in_force(d)
    commitments["note"] = ""
    ddir = Path(data) if data else embedded.data_dir()
    informal = ddir / "informal_ties.csv"
    if informal.exists():
        ties = pd.read_csv(informal, dtype=str, keep_default_na=False)
        extra = pd.DataFrame(
            {
                "supporter_ccode": ties.supporter_ccode.astype(int),
                "target_ccode": ties.target_ccode.astype(int),
                "obligation": "none",
                "conditional": 0,
                "alliance": "",
                "alliance_members": None,
                "since": "",
                "source": ties.source,
                "note": ties.note,
                "terms": "",
            }
        )
        commitments = pd.concat([commitments, extra], ignore_index=True)
    commitments["alliance_members"] = commitments["alliance_members"].astype("Int64")
    commitments.insert(1, "supporter", [names.name(c) for c in commitments.supporter_ccode])
    commitments.insert(3, "target", [names.name(c) for c in commitments.target_ccode])
    commitments = commitments.sort_values(["supporter_ccode", "target_ccode"], kind="stable")
    contiguity = pd.DataFrame(
        sorted(cov._contig.get(CONTIGUITY_LAST_YEAR, ())), columns=["ccode1", "ccode2"]
    )
    contiguity["source"] = f"COW Direct Contiguity v3.2, {CONTIGUITY_LAST_YEAR} (carried forward)"
    rivalries = pd.DataFrame(columns=["ccode1", "ccode2", "source"])
    pairs = pd.DataFrame(columns=["ccode1", "ccode2", "distance_km", "distance_capitals"])
    if dyads is not None:
        rivalries = dyads.rivals_in_force(y)
        rivalries = rivalries[rivalries.ccode1.isin(codes) & rivalries.ccode2.isin(codes)]
        rivalries["source"] = rivalries["source"].map(
            lambda x: (
                f"Thompson, Sakuwa & Suhas rivalries ({x}), ongoing in 2020, carried "
                "forward; data/rivalry_changes.csv"
            )
        )
        grid = pd.DataFrame(
            [(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]],
            columns=["supporter_ccode", "target_ccode"],
        )
        grid["aggressor_ccode"] = grid["target_ccode"]
        grid["year"] = y
        grid = dyads.add(grid, pd.Series(d, index=grid.index))
        pairs = pd.DataFrame(
            {
                "ccode1": grid.supporter_ccode,
                "ccode2": grid.target_ccode,
                "distance_km": grid.distance_km.round(1),
                "distance_capitals": grid.distance_capitals,
                "shared_igos": grid.shared_igos,
            }
        )
        pairs["source"] = "CShapes 2.0 2019; COW IGO v3.0 2014 (carried forward)"
    return (
        states,
        commitments.reset_index(drop=True),
        contiguity,
        rivalries.reset_index(drop=True),
        pairs,
    )


def write_present(tables, directory: str | os.PathLike) -> list[Path]:
    """Write the present-day tables atomically.

    The files are ``states.csv``, ``commitments.csv``, ``contiguity.csv``, ``rivalries.csv``
    and ``dyads.csv``.

    Parameters
    ----------
    tables : tuple of pandas.DataFrame
        From :func:`build_present`.
    directory : str or os.PathLike
        Destination folder.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = []
    names = ("states", "commitments", "contiguity", "rivalries", "dyads")
    for name, table in zip(names, tables, strict=True):
        text = table.to_csv(index=False, lineterminator="\n", float_format="%.6g")
        path = Path(directory) / f"{name}.csv"
        out.append(write_atomic(path, lambda tmp, t=text: tmp.write_text(t, encoding="utf-8")))
    return out
